/**
 * The renderer's only way to the main process: `window.presence`, provided by the preload in the app
 * and by the test harness in browser tests. Components do not call it directly; `bridge.ts` and store
 * actions do, through `presenceApi()`.
 */
import type { PresenceApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    readonly presence?: PresenceApi;
  }
}

/** The bridge, or an error that says the page was opened outside Presently. */
export function presenceApi(): PresenceApi {
  if (!window.presence) throw new Error('window.presence is missing: this page must be opened by Presently.');
  return window.presence;
}
