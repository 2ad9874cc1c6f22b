/**
 * window-state.json in the data folder: the main window's last normal (not maximised) bounds and
 * whether it was maximised, saved atomically like the settings (electron/service/json-file.ts) a
 * moment after the user stops moving or resizing, and at once when the window closes. Its own file,
 * not settings.json: it changes far more often, and a damaged one costs only the window's position.
 *
 * Schema 1: { "schemaVersion": 1, "bounds": { "x", "y", "width", "height" }, "isMaximized": boolean }
 */
import path from 'node:path';
import * as v from '../../shared/validation';
import { DocumentFile, type DocumentFormat } from '../service/json-file';
import type { Bounds } from './window-state-bounds';

export const WINDOW_STATE_FILE_NAME = 'window-state.json';

/** How long after the last move or resize the bounds are saved. */
export const WINDOW_STATE_SAVE_DELAY_MS = 500;

/** What is remembered of the window. */
export interface WindowState {
  readonly bounds: Bounds;
  readonly isMaximized: boolean;
}

const coordinate = v.number({ integer: true, min: -1_000_000, max: 1_000_000 });
const extent = v.number({ integer: true, min: 1, max: 1_000_000 });

export const windowStateFormat: DocumentFormat<WindowState> = {
  schemaVersion: 1,
  decode: (raw) =>
    v.object({ bounds: v.object({ x: coordinate, y: coordinate, width: extent, height: extent }), isMaximized: v.boolean }).validate(raw),
  encode: (state) => ({ ...state }),
};

/** The window as the tracker needs it (a BrowserWindow has all of this). */
export interface TrackedWindow {
  on(event: 'move' | 'resize' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  /** The bounds the window has when not maximised, minimised or full screen. */
  getNormalBounds(): Bounds;
  isMaximized(): boolean;
}

/** Reads and saves the window state. */
export class WindowStateStore {
  private readonly file: DocumentFile<WindowState>;

  constructor(dataDir: string) {
    this.file = new DocumentFile(path.join(dataDir, WINDOW_STATE_FILE_NAME), windowStateFormat);
  }

  /** The saved state, or null (first start, or a damaged file, which is set aside). */
  async load(): Promise<WindowState | null> {
    const result = await this.file.load();
    return result.kind === 'loaded' ? result.value : null;
  }

  /** Saves `state`; resolves when it is on disk. */
  save(state: WindowState): Promise<void> {
    return this.file.save(state);
  }

  /**
   * Saves the window's state `delayMs` after its last move or resize, and at once when it closes.
   * Save failures go to `onError`. Returns `saveNow` for a quit that cannot wait for the delay (the
   * window closes only after the app has begun to exit); `flush()` then waits for the write.
   */
  track(window: TrackedWindow, onError: (error: unknown) => void, delayMs = WINDOW_STATE_SAVE_DELAY_MS): { saveNow(): void } {
    let timer: NodeJS.Timeout | undefined;
    const saveNow = () => {
      clearTimeout(timer);
      timer = undefined;
      const { x, y, width, height } = window.getNormalBounds();
      // Whole pixels: the file's schema takes integers (fractional bounds can come from scaled displays).
      const bounds = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
      this.save({ bounds, isMaximized: window.isMaximized() }).catch(onError);
    };
    const saveSoon = () => {
      clearTimeout(timer);
      timer = setTimeout(saveNow, delayMs);
    };
    for (const event of ['move', 'resize', 'maximize', 'unmaximize'] as const) window.on(event, saveSoon);
    window.on('close', saveNow);
    return { saveNow };
  }

  /** Resolves when every save so far is on disk. */
  flush(): Promise<void> {
    return this.file.flush();
  }
}
