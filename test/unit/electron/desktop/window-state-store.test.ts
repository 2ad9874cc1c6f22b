import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bounds } from '../../../../electron/desktop/window-state-bounds';
import { WINDOW_STATE_FILE_NAME, WindowStateStore, type TrackedWindow } from '../../../../electron/desktop/window-state-store';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-window-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dataDir, { recursive: true, force: true });
});

/** A window whose events the test fires. */
class FakeWindow implements TrackedWindow {
  bounds: Bounds = { x: 10, y: 20, width: 800, height: 600 };
  maximized = false;
  private readonly listeners = new Map<string, () => void>();
  on(event: string, listener: () => void): void {
    this.listeners.set(event, listener);
  }
  getNormalBounds(): Bounds {
    return this.bounds;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  fire(event: string): void {
    this.listeners.get(event)?.();
  }
}

describe('window state store', () => {
  it('given no file, then nothing is restored; given a damaged one, then it is set aside and nothing is restored', async () => {
    const store = new WindowStateStore(dataDir);
    expect(await store.load()).toBeNull();
    await writeFile(path.join(dataDir, WINDOW_STATE_FILE_NAME), '{"schemaVersion":1,"bounds":"left"}');
    expect(await store.load()).toBeNull();
  });

  it('given the window moves and resizes many times, then it is saved once, after the last change; on close at once', async () => {
    vi.useFakeTimers();
    const store = new WindowStateStore(dataDir);
    const save = vi.spyOn(store, 'save');
    const window = new FakeWindow();
    const tracking = store.track(
      window,
      (error) => {
        throw error;
      },
      500,
    );
    for (let i = 0; i < 10; i++) {
      window.bounds = { x: 10 + i, y: 20, width: 800 + i, height: 600.4 };
      window.fire(i % 2 === 0 ? 'move' : 'resize');
      vi.advanceTimersByTime(100);
    }
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(500);
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenLastCalledWith({ bounds: { x: 19, y: 20, width: 809, height: 600 }, isMaximized: false });

    window.maximized = true;
    window.fire('maximize');
    window.fire('close');
    expect(save).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(1_000);
    expect(save).toHaveBeenCalledTimes(2);
    // A quit saves what a pending debounce would have.
    window.bounds = { x: 30, y: 40, width: 900, height: 700 };
    window.fire('move');
    tracking.saveNow();
    expect(save).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(1_000);
    expect(save).toHaveBeenCalledTimes(3);
    vi.useRealTimers();
    await store.flush();
    expect(await new WindowStateStore(dataDir).load()).toEqual({ bounds: { x: 30, y: 40, width: 900, height: 700 }, isMaximized: true });
    expect(JSON.parse(await readFile(path.join(dataDir, WINDOW_STATE_FILE_NAME), 'utf8'))).toMatchObject({ schemaVersion: 1 });
  });
});
