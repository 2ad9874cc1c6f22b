/**
 * Electron entry point: the thin shell around the Node-only core. It enforces one running instance,
 * opens the log file, applies app-wide security rules, serves the renderer on `app://`, creates the
 * PresenceService (data in the user-data folder, passwords through safeStorage, the offline demo when
 * no account is configured, start at login and trace to file as the user prefers), connects sleep, wake
 * and network changes to it, and creates the tray icon, the application menu, the window (where it was
 * last time) and the connection notifications; on quit it stops the service cleanly within a time
 * limit, then writes the window's position and the log. Every decision — what the tray shows, whether
 * closing hides or quits, when to notify, which menu items exist, where the window goes, what the log
 * holds — is made in electron/desktop/ and tested without Electron.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { app, screen, session, shell, type BrowserWindow } from 'electron';
import { errorMessage } from '../../shared/error-message';
import type { AppPreferences, AppScreen, FocusTarget } from '../../shared/ipc/contract';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { appMenu, type AppMenuAction } from '../desktop/app-menu';
import { RENDERER_URL } from '../desktop/app-scheme';
import { ClosePolicy, trayExplanation } from '../desktop/close-policy';
import { ConnectionNotifications } from '../desktop/connection-notifications';
import { connectBuddyAlerts } from '../desktop/buddy-alerts';
import { respectingDoNotDisturb } from '../desktop/desktop-notifier';
import { LOG_FOLDER, LogFile } from '../desktop/log-file';
import { routeConsoleToLog } from '../desktop/log-console';
import { connectPowerEvents } from '../desktop/power-events';
import { SHELL_TEST_VIEW, type ShellTestView } from '../desktop/shell-test-view';
import { performTrayAction, trayIconStatus, trayTooltip, type TrayHost } from '../desktop/tray-menu';
import { visibleWindowBounds } from '../desktop/window-state-bounds';
import { WindowStateStore, type WindowState } from '../desktop/window-state-store';
import { createRequestHandlers } from '../service/request-handlers';
import { createRequestRouter, type RequestRouter } from '../ipc/request-router';
import { startCompositorDemo } from '../service/demo/compositor-demo';
import { PresenceService, type ServiceLogger } from '../service/presence-service';
import type { SipLogger } from '../sip/sip-client-types';
import { installAppMenu } from './app-menu';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { createElectronNotifier } from './electron-notifier';
import { connectWindowToService } from './ipc-bridge';
import { createSafeStorageSecretStore } from './safe-storage-secret-store';
import { setStartAtLogin } from './login-item';
import { createElectronPowerEvents } from './power-monitor';
import { createSaveFileDialog } from './save-file-dialog';
import { createOpenFileDialog } from './open-file-dialog';
import { createTray } from './tray';
import { createMainWindow, RENDERER_ROOT } from './window';

/** How long quitting may take to remove our publication, end subscriptions and unregister. */
const SHUTDOWN_TIMEOUT_MS = 4_000;

app.enableSandbox();
registerAppScheme();

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
  let removeTray: (() => void) | null = null;
  let connectionNotifications: ConnectionNotifications | null = null;
  const closePolicy = new ClosePolicy(process.platform);
  const isDevelopment = !app.isPackaged;

  // The log file first, so that everything after it (the console's errors and warnings included) is logged.
  const dataDir = app.getPath('userData');
  const logFolder = path.join(dataDir, LOG_FOLDER);
  const logFile = new LogFile({ folder: logFolder });
  const mainLog = routeConsoleToLog(logFile);

  // ── Desktop integration the service needs (electron/desktop/): logging, trace to file, start at login ──
  const desktopServiceOptions = {
    log: ((level, message) => mainLog.write(level, `[presence] ${message}`)) satisfies ServiceLogger,
    // sip.js's own debug chatter stays out of the file: it can quote whole messages, bodies included.
    sipOptions: {
      logger: ((level, message) => {
        if (level !== 'debug') mainLog.write(level, `[sip] ${message}`);
      }) satisfies SipLogger,
    },
    traceToFile: (entry: UnnumberedTraceEntry) => logFile.writeSipMessage(entry),
    // Keep running in the tray needs nothing here: the close policy reads it each time the window closes.
    applyPreferences: async (next: AppPreferences, previous: AppPreferences) => {
      if (next.startAtLogin !== previous.startAtLogin) await setStartAtLogin(next.startAtLogin);
    },
  };
  /** Rewrites the start-at-login entry when it is on: the app's path may have changed (an AppImage moved, an update). */
  const refreshStartAtLogin = async () => {
    if (service?.preferences.startAtLogin)
      await setStartAtLogin(true).catch((error: unknown) => console.error('[main] refreshing start at login failed', error));
  };

  // ── Window placement: where the window was last time, kept on a display that still exists ──
  const windowStates = new WindowStateStore(dataDir);
  let savedWindowState: WindowState | null = null;
  let windowTracking: { saveNow(): void } | null = null;
  /** Puts a new window where it was last time (moved onto a display that still exists) and remembers where it goes. */
  const placeWindow = (window: BrowserWindow) => {
    if (savedWindowState) {
      const { bounds, isMaximized } = savedWindowState;
      const onScreen = visibleWindowBounds(
        bounds,
        [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((display) => display.workArea),
      );
      if (onScreen) window.setBounds(onScreen);
      if (isMaximized) window.once('ready-to-show', () => window.maximize());
    }
    windowTracking = windowStates.track(window, (error) => console.error('[main] saving the window position failed', error));
  };
  /** Before quitting, after the service has stopped: the window's position and the log lines still waiting to be written. */
  const flushWindowStateAndLog = async () => {
    if (mainWindow && !mainWindow.isDestroyed()) windowTracking?.saveNow();
    await Promise.all([windowStates.flush(), logFile.flush()]).catch((error: unknown) =>
      console.error('[main] writing the window position or the log failed', error),
    );
  };

  const showMainWindow = () => {
    if (!service || !router) return;
    if (mainWindow && !mainWindow.isDestroyed()) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      if (!mainWindow.isVisible()) mainWindow.show();
      mainWindow.focus();
      return;
    }
    const window = createMainWindow();
    mainWindow = window;
    placeWindow(window);
    connectWindowToService(window, RENDERER_URL, router, service);
    window.on('close', (event) => {
      if (!service) return;
      const decision = closePolicy.windowClosing({
        keepRunningInTray: service.preferences.keepRunningInTray,
        hasExplainedTray: service.hasExplainedTray,
      });
      if (decision.kind === 'close') return;
      event.preventDefault();
      window.hide();
      if (decision.explain) {
        notifier.show({
          ...trayExplanation(process.platform),
          onClick: { kind: 'screen', screen: 'main' },
          suppressWhileDoNotDisturb: false,
        });
        void service.markTrayExplained();
      }
    });
    window.on('closed', () => (mainWindow = null));
  };

  /** Brings the window forward and, unless the target is the window itself, shows the target in it. */
  const focus = (target: FocusTarget) => {
    showMainWindow();
    if (target.kind === 'buddy' || target.screen !== 'main') service?.requestFocus(target);
  };
  const showScreen = (screen: AppScreen) => focus({ kind: 'screen', screen });

  const notifier = respectingDoNotDisturb(createElectronNotifier(focus), () => service?.desktopView.self.status ?? 'available');

  const performMenuAction = (action: AppMenuAction) => {
    if (action.kind === 'show-screen') return showScreen(action.screen);
    if (action.kind === 'open-capture') {
      showMainWindow();
      // The dialog's answer arrives as capture events; a file that cannot be opened is said in a notice.
      void service?.openCapture({ kind: 'path', path: null }).catch((error: unknown) => service?.notify('warning', errorMessage(error)));
      return;
    }
    // The folder the log file writes, which may not exist yet if nothing has been logged.
    void mkdir(logFolder, { recursive: true })
      .then(() => shell.openPath(logFolder))
      .catch((error: unknown) => console.error('[main] the log folder could not be opened', error));
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
    if (closePolicy.allWindowsClosed() === 'quit') app.quit();
  });

  // Clean shutdown: hold the quit until the service has removed our publication, ended the
  // subscriptions and unregistered (it gives up after SHUTDOWN_TIMEOUT_MS), then quit for real.
  app.on('before-quit', (event) => {
    const decision = closePolicy.quitting(service !== null);
    if (decision === 'proceed' || !service) return;
    event.preventDefault();
    if (decision === 'hold') return;
    connectionNotifications?.dispose();
    removeTray?.();
    removeTray = null;
    void service
      .stop({ timeoutMs: SHUTDOWN_TIMEOUT_MS })
      .catch((error: unknown) => console.error('[main] shutdown failed', error))
      .then(flushWindowStateAndLog)
      .finally(() => {
        closePolicy.shutDown();
        app.quit();
      });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  void app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    serveAppScheme(RENDERER_ROOT);

    const early: string[] = [];
    const secretStore = createSafeStorageSecretStore(dataDir, (message) =>
      service ? service.notify('warning', message) : early.push(message),
    );
    const powerEvents = createElectronPowerEvents();
    const presence = new PresenceService({
      host: {
        runtime: 'electron',
        platform: process.platform,
        versions: { node: process.versions.node, electron: process.versions.electron, chrome: process.versions.chrome },
      },
      dataDir,
      secretStore,
      startDemo: () => startCompositorDemo(),
      saveFileChooser: createSaveFileDialog(() => mainWindow),
      activity: powerEvents,
      openFileChooser: createOpenFileDialog(() => mainWindow),
      ...desktopServiceOptions,
    });
    service = presence;
    for (const message of early) presence.notify('warning', message);
    connectPowerEvents(powerEvents, presence, (message) => mainLog.write('info', `[power] ${message}`));
    // Read before the router exists, so that nothing (a second start, the tray, the menu) opens the window unplaced.
    savedWindowState = await windowStates.load().catch(() => null);
    router = createRequestRouter(createRequestHandlers(presence), (message, error) => console.error(`[main] ${message}`, error));

    const menuContext = { platform: process.platform, isDevelopment };
    const trayHost: TrayHost = { setStatus: (choice) => presence.setStatus(choice), showScreen, quit: () => app.quit() };
    const testView = process.env.PRESENTLY_TEST_HOOKS === '1' ? exposeTestView(menuContext, trayHost) : null;
    removeTray = createTray(presence, trayHost, (menu, state) => {
      if (testView) testView.tray = { menu, state, tooltip: trayTooltip(state), icon: trayIconStatus(state) };
    });
    installAppMenu(menuContext, performMenuAction);

    connectBuddyAlerts(presence, notifier, (message) => mainLog.write('warn', `[alerts] ${message}`));
    const alerts = new ConnectionNotifications(notifier);
    connectionNotifications = alerts;
    presence.outbox.observeState((change) => {
      if (change.name === 'onAccountStateChanged') alerts.accountStateChanged(change.payload);
      else if (change.name === 'onSelfPresenceChanged') alerts.publicationChanged(change.payload.publication);
    });

    showMainWindow();
    void presence.start().then(refreshStartAtLogin, (error: unknown) => console.error('[main] the presence service did not start', error));
  });

  /** Puts the shell's test view on the global object (PRESENTLY_TEST_HOOKS=1 only). */
  function exposeTestView(menuContext: { platform: string; isDevelopment: boolean }, trayHost: TrayHost): ShellTestView {
    const view: ShellTestView = {
      tray: null,
      appMenu: appMenu(menuContext),
      isWindowVisible: () => mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.isVisible(),
      chooseTrayItem(label) {
        const item = view.tray?.menu.find((entry) => entry.kind === 'item' && entry.label === label);
        if (item?.kind !== 'item' || !item.enabled) throw new Error(`no enabled tray item "${label}"`);
        performTrayAction(item.action, trayHost);
      },
    };
    Object.assign(globalThis, { [SHELL_TEST_VIEW]: view });
    return view;
  }
}
