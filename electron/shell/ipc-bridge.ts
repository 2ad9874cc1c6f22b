/**
 * Connects the contract to Electron's IPC: one `ipcMain.handle` per request channel, each checking that
 * the message comes from our own window's main frame showing our own page before the router (which
 * validates the payload) sees it; and the service's event outbox wired to that window.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { IpcResult } from '../../shared/ipc/contract';
import type { RequestRouter } from '../ipc/request-router';
import type { PresenceService } from '../service/presence-service';

export function connectWindowToService(window: BrowserWindow, rendererUrl: string, router: RequestRouter, service: PresenceService): void {
  const contents = window.webContents;

  const isTrustedSender = (event: IpcMainInvokeEvent): boolean =>
    event.sender === contents &&
    event.senderFrame !== null &&
    event.senderFrame === contents.mainFrame &&
    event.senderFrame.url === rendererUrl;

  for (const channel of router.channels) {
    ipcMain.handle(channel, (event, payload: unknown): Promise<IpcResult<unknown>> | IpcResult<unknown> => {
      if (!isTrustedSender(event)) {
        console.warn(`[ipc] refused ${channel} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
        return { ok: false, error: { code: 'forbidden-sender', message: 'Request refused: unknown sender.' } };
      }
      return router.handle(channel, payload);
    });
  }

  const send = (channel: string, payload: unknown) => {
    if (!contents.isDestroyed()) contents.send(channel, payload);
  };
  service.attachRenderer(send);
  // A reload starts a new renderer that must handshake again; queue events until it does.
  contents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) service.attachRenderer(send);
  });
  window.on('closed', () => {
    service.detachRenderer();
    for (const channel of router.channels) ipcMain.removeHandler(channel);
  });
}
