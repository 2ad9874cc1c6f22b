/**
 * Where the installed Electron binary is, or null. Reads electron's own `path.txt` instead of calling
 * `require('electron')`, which would try to download a missing binary (and fail on offline machines).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function installedElectronBinary(): string | null {
  const packageDir = path.resolve('node_modules/electron');
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distDir, relative);
  return existsSync(binary) ? binary : null;
}
