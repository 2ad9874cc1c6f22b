// `npm start`: launches the built app in Electron. Explains what to do when the Electron binary is
// missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) instead of failing with a stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The electron package exports the binary's path; it throws when the binary was never downloaded.
let electronPath;
try {
  electronPath = require('electron');
} catch {
  electronPath = null;
}

if (typeof electronPath !== 'string' || !existsSync(electronPath)) {
  console.error(
    [
      'The Electron binary is not installed, so the desktop window cannot start.',
      'It is downloaded by `npm install` unless ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set.',
      'On a machine with internet access run:  node node_modules/electron/install.js',
    ].join('\n'),
  );
  process.exit(1);
}

const child = spawn(electronPath, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
