/**
 * Electron entry point: the thin shell around the Node-only core. It enforces one running instance,
 * applies app-wide security rules, creates the window and connects it to the PresenceService.
 * Everything else lives in Node-only modules that are tested without Electron.
 */
import { app, session, type BrowserWindow } from 'electron';
import { createRequestHandlers } from '../ipc/request-handlers';
import { createRequestRouter } from '../ipc/request-router';
import { PresenceService } from '../service/presence-service';
import { connectWindowToService } from './ipc-bridge';
import { createMainWindow, RENDERER_URL } from './window';

app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // Another Presently is running; it receives 'second-instance' and comes to the front.
  app.quit();
} else {
  const service = new PresenceService({
    runtime: 'electron',
    platform: process.platform,
    versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
  });
  const router = createRequestRouter(createRequestHandlers(service), (message, error) =>
    console.error(`[main] ${message}`, error),
  );
  let mainWindow: BrowserWindow | null = null;

  const showMainWindow = () => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
      return;
    }
    mainWindow = createMainWindow();
    connectWindowToService(mainWindow, RENDERER_URL, router, service);
    mainWindow.on('closed', () => (mainWindow = null));
  };

  // No page of ours navigates, opens windows, embeds webviews or needs a permission.
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.on('second-instance', showMainWindow);
  app.on('activate', showMainWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    showMainWindow();
    service.notify('info', `Presently ${app.getVersion()} started.`);
  });
}
