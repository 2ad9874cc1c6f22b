/**
 * The renderer's only way to the main process: `window.presence`, provided by the preload in the app
 * and by the test harness in browser tests. In the web mode (`presently app --web`) there is no preload:
 * the page was opened from the printed `http://127.0.0.1:PORT/?token=…` URL, and the same API is built
 * over a WebSocket to that server, offering the URL's token. Components do not call it directly;
 * `bridge.ts` and store actions do, through `presenceApi()`.
 */
import type { PresenceApi } from '../../shared/ipc/contract';
import { createPresenceApi } from '../../shared/ipc/create-presence-api';
import { createWebSocketTransport, WEB_IPC_PATH, webIpcProtocols } from '../../shared/ipc/websocket-transport';
import { useAppStore } from './stores/app-store';

declare global {
  interface Window {
    readonly presence?: PresenceApi;
  }
}

let webApi: PresenceApi | null = null;

/** The bridge, or an error that says the page was opened outside Presently. */
export function presenceApi(): PresenceApi {
  if (window.presence) return window.presence;
  const token = new URLSearchParams(window.location.search).get('token');
  if (window.location.protocol !== 'http:' || token === null) {
    throw new Error('window.presence is missing: this page must be opened by Presently.');
  }
  webApi ??= createPresenceApi(
    createWebSocketTransport(new WebSocket(`ws://${window.location.host}${WEB_IPC_PATH}`, webIpcProtocols(token)), (reason) =>
      useAppStore.getState().actions.handshakeFailed(reason),
    ),
  );
  return webApi;
}
