/**
 * Electron entry point: the thin shell around the Node-only core. It enforces one running instance,
 * applies app-wide security rules, creates the PresenceService (data in the user-data folder, passwords
 * through safeStorage, the offline demo when no account is configured), creates the window, connects it,
 * and on quit stops the service cleanly within a time limit. Everything else lives in Node-only modules
 * that are tested without Electron.
 */
import { app, session, type BrowserWindow } from 'electron';
import { createRequestHandlers } from '../service/request-handlers';
import { createRequestRouter, type RequestRouter } from '../ipc/request-router';
import { startCompositorDemo } from '../service/demo/compositor-demo';
import { PresenceService } from '../service/presence-service';
import { connectWindowToService } from './ipc-bridge';
import { createSafeStorageSecretStore } from './safe-storage-secret-store';
import { createSaveFileDialog } from './save-file-dialog';
import { createMainWindow, RENDERER_URL } from './window';

/** How long quitting may take to remove our publication, end subscriptions and unregister. */
const SHUTDOWN_TIMEOUT_MS = 4_000;

app.enableSandbox();

// A data folder of the user's choosing (portable installs, and tests that need a fresh profile).
// Set before anything reads userData; the single-instance lock is per data folder too.
if (process.env.PRESENTLY_USER_DATA_DIR) app.setPath('userData', process.env.PRESENTLY_USER_DATA_DIR);

if (!app.requestSingleInstanceLock()) {
  // Another Presently is running; it receives 'second-instance' and comes to the front.
  app.quit();
} else {
  let service: PresenceService | null = null;
  let router: RequestRouter | null = null;
  let mainWindow: BrowserWindow | null = null;

  const showMainWindow = () => {
    if (!service || !router) return;
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

  // Clean shutdown: hold the quit until the service has removed our publication, ended the
  // subscriptions and unregistered (it gives up after SHUTDOWN_TIMEOUT_MS), then quit for real.
  let shutdown: 'running' | 'stopping' | 'done' = 'running';
  app.on('before-quit', (event) => {
    if (shutdown === 'done' || !service) return;
    event.preventDefault();
    if (shutdown === 'stopping') return;
    shutdown = 'stopping';
    void service
      .stop({ timeoutMs: SHUTDOWN_TIMEOUT_MS })
      .catch((error: unknown) => console.error('[main] shutdown failed', error))
      .finally(() => {
        shutdown = 'done';
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);

    const dataDir = app.getPath('userData');
    const early: string[] = [];
    const secretStore = createSafeStorageSecretStore(dataDir, (message) => (service ? service.notify('warning', message) : early.push(message)));
    service = new PresenceService({
      host: {
        runtime: 'electron',
        platform: process.platform,
        versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
      },
      dataDir,
      secretStore,
      startDemo: () => startCompositorDemo(),
      saveFileChooser: createSaveFileDialog(() => mainWindow),
    });
    for (const message of early) service.notify('warning', message);
    router = createRequestRouter(createRequestHandlers(service), (message, error) => console.error(`[main] ${message}`, error));
    showMainWindow();
    void service.start().catch((error: unknown) => console.error('[main] the presence service did not start', error));
  });
}
