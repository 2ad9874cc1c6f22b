/**
 * The web mode: the whole app with a browser tab as its window, for machines without the Electron
 * binary. The core is built as the Electron shell builds it (electron/shell/main.ts): a PresenceService
 * on the data folder, the offline demo when no account is configured, the request router with payload
 * validation — and served to the tab by the loopback server (web-server.ts).
 *
 * What the browser cannot do is said in the window: there is no tray icon, and a password is kept in
 * memory only, because the OS keychain is reachable only through Electron's safeStorage. Buddy alerts are
 * decided as in the desktop app (electron/desktop/buddy-alerts.ts) and go to the page (`onPageAlert`),
 * which shows them with the browser's notifications or in the window.
 */
import os from 'node:os';
import path from 'node:path';
import { APP_NAME } from '../app-identity';
import { connectBuddyAlerts } from '../desktop/buddy-alerts';
import type { DesktopNotifier } from '../desktop/desktop-notifier';
import { createRequestRouter } from '../ipc/request-router';
import { startCompositorDemo } from '../service/demo/compositor-demo';
import { nodeHostInfo, PresenceService } from '../service/presence-service';
import { createRequestHandlers } from '../service/request-handlers';
import { MemorySecretStore, memoryOnlyPasswordNotice } from '../service/secret-store';
import { startWebServer } from './web-server';

/** How long stopping may take to remove our publication, end subscriptions and unregister (as in the desktop app). */
const WEB_SHUTDOWN_TIMEOUT_MS = 4_000;

/** Told in the window at start: what the desktop window has that a browser tab has not. */
export const WEB_MODE_NOTICE =
  'Presently is running in your browser: there is no tray icon, and closing this tab does not stop it; press Ctrl-C in its terminal to quit.';

export interface WebAppOptions {
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  /** Settings and buddy list; the desktop app's folder by default (webAppDataDir). */
  readonly dataDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Lines for the terminal: the service's diagnostics and the server's refusals. */
  readonly log: (line: string) => void;
}

/** A running web mode. */
export interface RunningWebApp {
  /** The URL with the token, to open in a browser. */
  readonly url: string;
  readonly service: PresenceService;
  /** Clean shutdown: un-PUBLISH, end subscriptions, unregister, stop the demo (within WEB_SHUTDOWN_TIMEOUT_MS), then close the server. */
  stop(): Promise<void>;
}

/** The desktop app's data folder (Electron's userData for our name), or PRESENTLY_USER_DATA_DIR as the app honours it. */
export function webAppDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PRESENTLY_USER_DATA_DIR) return env.PRESENTLY_USER_DATA_DIR;
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', APP_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_NAME);
}

/**
 * Buddy alerts for a window without system notifications: the desktop's rules (connectBuddyAlerts) with the page
 * as the notifier, each alert sent as `onPageAlert`, whose click there focuses what a desktop notification's would.
 * Returns the disconnect.
 */
export function connectPageAlerts(service: PresenceService, log: (message: string) => void): () => void {
  const pageNotifier: DesktopNotifier = {
    show: ({ title, body, onClick }) => service.outbox.emit('onPageAlert', { title, body, onClick, at: Date.now() }),
  };
  return connectBuddyAlerts(service, pageNotifier, log);
}

/** Starts the core and the server; the service starts in the background, as in the desktop app. */
export async function startWebApp(options: WebAppOptions): Promise<RunningWebApp> {
  const service = new PresenceService({
    host: { ...nodeHostInfo(), runtime: 'web' },
    dataDir: options.dataDir,
    secretStore: new MemorySecretStore(),
    startDemo: () => startCompositorDemo(),
    log: (level, message) => options.log(`[presence] ${level === 'info' ? '' : `${level}: `}${message}`),
  });
  const router = createRequestRouter(createRequestHandlers(service), (message, error) =>
    options.log(`[web] ${message}: ${error instanceof Error ? error.stack : String(error)}`),
  );
  const server = await startWebServer({
    router,
    renderer: service,
    rendererDir: options.rendererDir,
    host: options.host,
    port: options.port,
    log: options.log,
  });
  const disconnectAlerts = connectPageAlerts(service, (message) => options.log(`[alerts] ${message}`));
  service.notify('info', WEB_MODE_NOTICE);
  service.notify('warning', memoryOnlyPasswordNotice('A browser tab cannot use the system keychain'));
  void service.start().catch((error: unknown) => options.log(`[web] the presence service did not start: ${String(error)}`));

  return {
    url: server.url,
    service,
    stop: async () => {
      disconnectAlerts();
      await service.stop({ timeoutMs: WEB_SHUTDOWN_TIMEOUT_MS });
      await server.close();
    },
  };
}
