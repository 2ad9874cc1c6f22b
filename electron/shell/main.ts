/**
 * Electron entry point: the thin shell around the Node-only core. It enforces one running instance,
 * applies app-wide security rules, creates the PresenceService (data in the user-data folder, passwords
 * through safeStorage, the offline demo when no account is configured), creates the window, connects it,
 * and on quit stops the service cleanly within a time limit. Everything else lives in Node-only modules
 * that are tested without Electron.
 */
import { app, screen, session, type BrowserWindow } from 'electron';
import path from 'node:path';
import type { AppPreferences } from '../../shared/ipc/contract';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { LOG_FOLDER, LogFile } from '../desktop/log-file';
import { routeConsoleToLog } from '../desktop/log-console';
import { connectPowerEvents } from '../desktop/power-events';
import { visibleWindowBounds } from '../desktop/window-state-bounds';
import { WindowStateStore, type WindowState } from '../desktop/window-state-store';
import { createRequestHandlers } from '../service/request-handlers';
import { createRequestRouter, type RequestRouter } from '../ipc/request-router';
import { startCompositorDemo } from '../service/demo/compositor-demo';
import { PresenceService, type ServiceLogger } from '../service/presence-service';
import type { SipLogger } from '../sip/sip-client-types';
import { connectWindowToService } from './ipc-bridge';
import { createSafeStorageSecretStore } from './safe-storage-secret-store';
import { setStartAtLogin } from './login-item';
import { createElectronPowerEvents } from './power-monitor';
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

  // ── Desktop integration (electron/desktop/): log file, sleep and network, start at login, window bounds ──
  const logFile = new LogFile({ folder: path.join(app.getPath('userData'), LOG_FOLDER) });
  const mainLog = routeConsoleToLog(logFile);
  const windowStates = new WindowStateStore(app.getPath('userData'));
  let savedWindowState: WindowState | null = null;
  let windowTracking: { saveNow(): void } | null = null;
  /** Puts a new window where it was last time (moved onto a display that still exists) and remembers where it goes. */
  const placeWindow = (window: BrowserWindow) => {
    if (savedWindowState) {
      const { bounds, isMaximized } = savedWindowState;
      const onScreen = visibleWindowBounds(bounds, [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea));
      if (onScreen) window.setBounds(onScreen);
      if (isMaximized) window.once('ready-to-show', () => window.maximize());
    }
    windowTracking = windowStates.track(window, (error) => console.error('[main] saving the window position failed', error));
  };
  /** The service's options that connect it to the desktop: logging, trace to file, start at login. */
  const desktopServiceOptions = {
    log: ((level, message) => mainLog.write(level, `[presence] ${message}`)) satisfies ServiceLogger,
    // sip.js's own debug chatter stays out of the file: it can quote whole messages, bodies included.
    sipOptions: {
      logger: ((level, message) => {
        if (level !== 'debug') mainLog.write(level, `[sip] ${message}`);
      }) satisfies SipLogger,
    },
    traceToFile: (entry: UnnumberedTraceEntry) => logFile.writeSipMessage(entry),
    applyPreferences: (preferences: AppPreferences) => setStartAtLogin(preferences.startAtLogin),
  };
  /** Before quitting: what is still waiting to be written. */
  const flushDesktop = async () => {
    if (mainWindow && !mainWindow.isDestroyed()) windowTracking?.saveNow();
    await Promise.all([windowStates.flush(), logFile.flush()]).catch((error: unknown) => console.error('[main] writing the window position or the log failed', error));
  };
  /** Rewrites the start-at-login entry when it is on: the app's path may have changed (an AppImage moved, an update). */
  const refreshStartAtLogin = async () => {
    if (service?.preferences.startAtLogin) await setStartAtLogin(true).catch((error: unknown) => console.error('[main] refreshing start at login failed', error));
  };
  // ── end of desktop integration ──

  const showMainWindow = () => {
    if (!service || !router) return;
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
      return;
    }
    mainWindow = createMainWindow();
    placeWindow(mainWindow);
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
      .then(flushDesktop)
      .finally(() => {
        shutdown = 'done';
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  void app.whenReady().then(async () => {
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
      ...desktopServiceOptions,
    });
    connectPowerEvents(createElectronPowerEvents(), service, (message) => mainLog.write('info', `[power] ${message}`));
    savedWindowState = await windowStates.load().catch(() => null);
    for (const message of early) service.notify('warning', message);
    router = createRequestRouter(createRequestHandlers(service), (message, error) => console.error(`[main] ${message}`, error));
    showMainWindow();
    void service.start().then(refreshStartAtLogin, (error: unknown) => console.error('[main] the presence service did not start', error));
  });
}
