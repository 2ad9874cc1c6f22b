// `npm start`: launches the built app in Electron, or in the browser (the web mode, `presently app --web`)
// where the Electron binary is missing and cannot be fetched now, or when asked to with `npm start -- --web`.
//
// The electron package (45) fetches its binary the first time it is required when none is installed —
// printing the downloader's stack trace when that fails. So the binary is looked up here without
// requiring the package, and the first-start download is run quietly: a failure is explained in one
// paragraph and the web mode starts instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const isWebForced = args.includes('--web');
/** A download of about 100 MB on a slow line; beyond this, start in the browser. */
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

/** Where the electron package is; null in an install without dev dependencies. */
function electronPackage() {
  try {
    return path.dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}
const electronPackageDir = electronPackage();

/** The installed Electron binary's path, found as the electron package finds it, or null. */
function installedElectron() {
  if (electronPackageDir === null) return null;
  const pathFile = path.join(electronPackageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8');
  const binary = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative)
    : path.join(electronPackageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

/** Runs the electron package's own installer without showing its output; the binary's path, or null. */
function downloadElectron() {
  if (electronPackageDir === null) return null;
  console.log('The Electron binary is not installed yet; downloading it (first start)…');
  spawnSync(process.execPath, [path.join(electronPackageDir, 'install.js')], { stdio: 'ignore', timeout: DOWNLOAD_TIMEOUT_MS });
  return installedElectron();
}

/** Runs `command` with our terminal, passes stop signals on, and exits with its code. */
function runChild(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  // Ctrl-C reaches the child from the terminal as well; passing it on covers a signal sent to us alone.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

const electronPath = isWebForced ? null : (installedElectron() ?? downloadElectron());

if (electronPath !== null) {
  runChild(electronPath, ['.', ...args]);
} else {
  if (!isWebForced) {
    console.log(
      'The Electron binary could not be downloaded (is its download site reachable from here?), so the desktop window ' +
        'cannot start; Presently starts in your browser instead: the same app, without a tray icon or the system keychain. ' +
        'The electron package fetches its binary on first start, so the next `npm start` tries again; ' +
        '`node node_modules/electron/install.js` fetches it alone and shows why it fails.\n',
    );
  }
  const cli = path.join(import.meta.dirname, '..', 'dist', 'cli', 'presently.cjs');
  runChild(process.execPath, [cli, 'app', '--web', ...args.filter((arg) => arg !== '--web')]);
}
