import { describe, expect, it } from 'vitest';
import { visibleWindowBounds, type Bounds } from '../../../../electron/desktop/window-state-bounds';

const laptop: Bounds = { x: 0, y: 0, width: 1920, height: 1050 };
/** A second monitor to the right of the laptop. */
const external: Bounds = { x: 1920, y: 0, width: 2560, height: 1400 };
const minimum = { width: 720, height: 480 };

describe('visible window bounds', () => {
  it('given bounds wholly on a display, then they are kept as they are', () => {
    const saved = { x: 100, y: 80, width: 1180, height: 760 };
    expect(visibleWindowBounds(saved, [laptop, external], minimum)).toEqual(saved);
    const onExternal = { x: 2500, y: 300, width: 1400, height: 900 };
    expect(visibleWindowBounds(onExternal, [laptop, external], minimum)).toEqual(onExternal);
  });

  it('given the window was on a monitor that is gone, then it opens centred on the primary display, same size', () => {
    expect(visibleWindowBounds({ x: 2500, y: 300, width: 1200, height: 800 }, [laptop], minimum)).toEqual({
      x: 360,
      y: 125,
      width: 1200,
      height: 800,
    });
  });

  it('given bounds hanging over the edge, then the window moves onto the display it overlaps most', () => {
    expect(visibleWindowBounds({ x: -300, y: 900, width: 1000, height: 700 }, [laptop, external], minimum)).toEqual({
      x: 0,
      y: 350,
      width: 1000,
      height: 700,
    });
    // Mostly on the external monitor: it moves fully onto that one.
    expect(visibleWindowBounds({ x: 1700, y: 100, width: 1200, height: 800 }, [laptop, external], minimum)).toEqual({
      x: 1920,
      y: 100,
      width: 1200,
      height: 800,
    });
  });

  it('given bounds larger than the display (the resolution went down), then the window shrinks to the work area', () => {
    expect(visibleWindowBounds({ x: 0, y: 0, width: 2560, height: 1400 }, [laptop], minimum)).toEqual(laptop);
  });

  it('given a size below the minimum (a hand-edited file), then the minimum is used', () => {
    expect(visibleWindowBounds({ x: 10, y: 10, width: 100, height: 50 }, [laptop], minimum)).toEqual({
      x: 10,
      y: 10,
      width: 720,
      height: 480,
    });
  });

  it('given a work area that does not start at 0 (a panel on top or left) and fractional bounds, then the result lies inside it in whole pixels', () => {
    const belowPanel: Bounds = { x: 64, y: 32, width: 1856, height: 1048 };
    expect(visibleWindowBounds({ x: 0.4, y: 0, width: 1000.6, height: 600 }, [belowPanel], minimum)).toEqual({
      x: 64,
      y: 32,
      width: 1001,
      height: 600,
    });
  });

  it('given no displays, then there is nothing to decide by', () => {
    expect(visibleWindowBounds({ x: 0, y: 0, width: 800, height: 600 }, [], minimum)).toBeNull();
  });
});
