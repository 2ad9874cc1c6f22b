/**
 * The main window, with Electron's security checklist applied: context isolation, sandbox, no Node in
 * the page, no navigation away from our page, no new windows, no permission grants. The page loads
 * from `app://presently/` (app-protocol.ts), not from a file; its Content Security Policy is in
 * renderer/index.html (a meta tag, so the browser tests' server needs no header of its own).
 */
import { BrowserWindow, nativeTheme } from 'electron';
import path from 'node:path';
import { RENDERER_URL } from '../desktop/app-scheme';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from '../desktop/window-state-bounds';

/** Where the built renderer and preload sit relative to the bundled main (dist/main/main.cjs). */
export const RENDERER_ROOT = path.join(__dirname, '..', 'renderer');
const PRELOAD = path.join(__dirname, 'preload.cjs');

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    ...DEFAULT_WINDOW_SIZE,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Presently',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1d1f23' : '#f6f7f9',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });

  window.once('ready-to-show', () => window.show());
  void window.loadURL(RENDERER_URL);
  return window;
}
