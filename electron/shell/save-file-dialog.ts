/**
 * The Electron side of trace exports: the native save dialog, attached to the main window when there
 * is one, starting in the user's Documents folder. The service only sees the SaveFileChooser interface
 * (electron/service/trace-export.ts), so it stays runnable — and testable — under plain Node.
 */
import path from 'node:path';
import { app, dialog, type BrowserWindow, type SaveDialogOptions } from 'electron';
import type { SaveFileChooser } from '../service/trace-export';

export function createSaveFileDialog(getWindow: () => BrowserWindow | null): SaveFileChooser {
  return {
    async choose(request) {
      const options: SaveDialogOptions = {
        title: request.title,
        defaultPath: path.join(app.getPath('documents'), request.defaultName),
        filters: request.filters.map((f) => ({ name: f.name, extensions: [...f.extensions] })),
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const window = getWindow();
      const result = window && !window.isDestroyed() ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
  };
}
