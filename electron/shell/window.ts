/**
 * The main window, with Electron's security checklist applied: context isolation, sandbox, no Node in
 * the page, no navigation away from our page, no new windows, no permission grants. The page's Content
 * Security Policy is in renderer/index.html (a meta tag, since the page loads from a file).
 */
import { BrowserWindow, nativeTheme } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_WINDOW_SIZE, MIN_WINDOW_SIZE } from '../desktop/window-state-bounds';

/** Where the built renderer and preload sit relative to the bundled main (dist/main/main.cjs). */
export const RENDERER_INDEX = path.join(__dirname, '..', 'renderer', 'index.html');
const PRELOAD = path.join(__dirname, 'preload.cjs');

/** The exact URL our page has; IPC from any other URL is refused. */
export const RENDERER_URL = pathToFileURL(RENDERER_INDEX).href;

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
  void window.loadFile(RENDERER_INDEX);
  return window;
}
