/**
 * The Electron side of "Browse…" for the CA certificate file: the native open dialog, attached to the
 * main window when there is one. The service only sees the OpenFileChooser interface
 * (electron/service/account-test.ts), so it stays runnable under plain Node.
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { OpenFileChooser } from '../service/account-test';

/** An OpenFileChooser showing Electron's open dialog over the window `getWindow` returns. */
export function createOpenFileDialog(getWindow: () => BrowserWindow | null): OpenFileChooser {
  return {
    async choose(request) {
      const options: OpenDialogOptions = {
        title: request.title,
        filters: request.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
        properties: ['openFile'],
      };
      const window = getWindow();
      const result = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}
