/**
 * `presently app --web`: the whole app in the default browser, for machines without the Electron
 * binary (electron/web/). Prints the URL with its one-time token, opens it unless `--no-open`, and on
 * Ctrl-C stops cleanly: the publication is removed, subscriptions end, the account unregisters.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/error-message';
import { APP_VERSION } from '../app-identity';
import { openInBrowser } from '../web/open-browser';
import { startWebApp, webAppDataDir } from '../web/web-app';
import { WebServerConfigError } from '../web/web-server';
import { EXIT, integerOption, processIo, type SipCommandIo, UsageError } from './sip-cli-common';
import type { Subcommand } from './subcommand';

const HELP = `Usage: presently app --web [options]

Runs Presently with your default browser as its window: the same app as the desktop window, served on
this computer only (127.0.0.1). The printed URL carries a one-time token; only a tab opened from it can
use Presently. Stop it with Ctrl-C: your status is withdrawn from the server first.

A browser tab has no tray icon and no access to the system keychain, so a password entered in the web
mode is kept only until Presently stops. The desktop window needs the Electron binary (npm start).

Options:
  --web              run in the browser (the command line cannot open the desktop window)
  --no-open          print the URL only; do not open a browser
  --port N           port to listen on (default 0: a free port)
  --host ADDRESS     127.0.0.1 (default) or ::1; no other address is accepted
  --data-dir DIR     settings and buddy list (default: the desktop app's, or PRESENTLY_USER_DATA_DIR)
  --help             print this help`;

/** The built renderer: beside the bundled CLI (dist/cli/presently.cjs → dist/renderer); from the sources, the project's dist/. */
const RENDERER_DIR = typeof __dirname === 'string' ? path.join(__dirname, '..', 'renderer') : path.resolve('dist', 'renderer');

export const appCommand: Subcommand = {
  summary: 'run the app in the default browser (--web), for machines without Electron',
  run: (args) => {
    const io = processIo();
    // Under `npm start` a Ctrl-C arrives twice (from the terminal and passed on by scripts/start.mjs):
    // once stopping, further signals are ignored so they cannot cut the clean shutdown short.
    void io.stopRequested.then(() => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
    });
    return runAppCommand(args, io);
  },
};

/** Runs the command; resolves with the exit code (0 after a clean stop, 2 for bad usage, 1 when it cannot start). */
export async function runAppCommand(
  args: readonly string[],
  io: SipCommandIo,
  open: (url: string) => Promise<boolean> = openInBrowser,
): Promise<number> {
  let options: { shouldOpen: boolean; port: number; host: string | undefined; dataDir: string };
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        web: { type: 'boolean' },
        'no-open': { type: 'boolean' },
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    if (!values.web)
      throw new UsageError('only the web mode runs from the command line: add --web (the desktop window starts with npm start).');
    options = {
      shouldOpen: values['no-open'] !== true,
      port: integerOption('port', values.port, 0, 0, 65_535),
      host: values.host,
      dataDir: path.resolve(values['data-dir'] ?? webAppDataDir(io.env)),
    };
  } catch (error) {
    io.err(`presently app: ${errorMessage(error)}\n(see presently app --help)`);
    return EXIT.usage;
  }

  let app: Awaited<ReturnType<typeof startWebApp>>;
  try {
    app = await startWebApp({
      rendererDir: RENDERER_DIR,
      dataDir: options.dataDir,
      port: options.port,
      host: options.host,
      log: io.err,
    });
  } catch (error) {
    io.err(`presently app: ${errorMessage(error)}`);
    return error instanceof WebServerConfigError ? EXIT.usage : EXIT.failed;
  }

  io.out(`Presently ${APP_VERSION} — web mode (data in ${options.dataDir})`);
  io.out(`Open Presently at: ${app.url}`);
  if (options.shouldOpen && !(await open(app.url))) io.out('No browser could be opened here; open the URL above yourself.');
  io.out('Press Ctrl-C to stop.');

  const signal = await io.stopRequested;
  io.out(`${signal} received: withdrawing your status and signing out…`);
  await app.stop();
  io.out('Presently stopped cleanly.');
  return EXIT.ok;
}
