/**
 * Preload (sandboxed, bundled as CommonJS): exposes `window.presence` — the named methods of the IPC
 * contract and nothing else. The renderer never touches `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { IpcResult } from '../../shared/ipc/contract';
import { createPresenceApi } from '../../shared/ipc/create-presence-api';

const api = createPresenceApi({
  invoke: (channel, payload) => ipcRenderer.invoke(channel, payload) as Promise<IpcResult<unknown>>,
  listen(channel, listener) {
    // Strip the event object: it carries the sender and must not leak into the page.
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('presence', api);
