/**
 * The service's side of the request router: each request of the contract mapped to the PresenceService
 * method that answers it. It lives beside the service, so electron/ipc/ never depends on the service.
 */
import type { RequestHandlers } from '../ipc/request-router';
import type { PresenceService } from './presence-service';

/** Maps each request of the contract to the service method that answers it. */
export function createRequestHandlers(service: PresenceService): RequestHandlers {
  return {
    getAppInfo: () => service.getAppInfo(),
    rendererReady: () => service.rendererReady(),
    setStatus: (choice) => service.setStatus(choice),
    forgetRecentNote: (note) => service.forgetRecentNote(note),
    addBuddy: (buddy) => service.addBuddy(buddy),
    updateBuddy: (change) => service.updateBuddy(change),
    removeBuddy: (target) => service.removeBuddy(target),
    explainBuddy: (target) => service.explainBuddy(target),
    setBuddyAlert: (change) => service.setBuddyAlert(change),
    buddyHistory: (target) => service.buddyHistory(target),
    saveAccount: (form) => service.saveAccount(form),
    removeAccount: () => service.removeAccount(),
    reconnect: () => service.reconnect(),
    testAccount: (form) => service.testAccount(form),
    chooseCaFile: () => service.chooseCaFile(),
    exportTrace: (request) => service.exportTrace(request),
    traceCaptureStatus: () => service.traceCaptureStatus(),
    openCapture: (request) => service.openCapture(request),
    sendCaptureBytes: (bytes) => service.sendCaptureBytes(bytes),
    cancelCapture: (target) => service.cancelCapture(target),
    setPreferences: (change) => service.setPreferences(change),
    decideWatcher: (choice) => service.decideWatcher(choice),
  };
}
