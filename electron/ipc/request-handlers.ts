/** Maps each request of the contract to the service method that answers it. */
import type { PresenceService } from '../service/presence-service';
import type { RequestHandlers } from './request-router';

export function createRequestHandlers(service: PresenceService): RequestHandlers {
  return {
    getAppInfo: () => service.getAppInfo(),
    rendererReady: () => service.rendererReady(),
    setStatus: (choice) => service.setStatus(choice),
    forgetRecentNote: (note) => service.forgetRecentNote(note),
    addBuddy: (buddy) => service.addBuddy(buddy),
    updateBuddy: (change) => service.updateBuddy(change),
    removeBuddy: (target) => service.removeBuddy(target),
    saveAccount: (form) => service.saveAccount(form),
    removeAccount: () => service.removeAccount(),
    reconnect: () => service.reconnect(),
    exportTrace: (request) => service.exportTrace(request),
  };
}
