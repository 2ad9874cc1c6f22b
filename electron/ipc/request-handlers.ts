/** Maps each request of the contract to the service method that answers it. */
import type { PresenceService } from '../service/presence-service';
import type { RequestHandlers } from './request-router';

export function createRequestHandlers(service: PresenceService): RequestHandlers {
  return {
    getAppInfo: () => service.getAppInfo(),
    rendererReady: () => service.rendererReady(),
  };
}
