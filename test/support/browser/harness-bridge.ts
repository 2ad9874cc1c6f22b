/**
 * Runs inside the test page before the renderer (Playwright init script): provides `window.presence`
 * from the same contract factory as the Electron preload, carried by two Playwright bindings instead of
 * Electron IPC. `__presentlyInvoke` is exposed by the Node side; `__presentlyDeliver` is called by it.
 */
import type { Channel, IpcResult } from '../../../shared/ipc/contract';
import { createPresenceApi } from '../../../shared/ipc/create-presence-api';

declare global {
  interface Window {
    __presentlyInvoke(channel: Channel, payload: unknown): Promise<IpcResult<unknown>>;
    __presentlyDeliver(channel: Channel, payload: unknown): void;
  }
}

const listeners = new Map<Channel, Set<(payload: unknown) => void>>();

window.__presentlyDeliver = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};

Object.defineProperty(window, 'presence', {
  value: createPresenceApi({
    invoke: (channel, payload) => window.__presentlyInvoke(channel, payload),
    listen(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  }),
  enumerable: true,
});
