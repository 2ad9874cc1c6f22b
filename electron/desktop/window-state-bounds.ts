/**
 * Where the main window opens: the size and position it had last time, moved and shrunk as little as
 * needed to be wholly on a display that exists now (a monitor may have been unplugged, the resolution
 * lowered, a dock or taskbar moved) and never smaller than the window's minimum size. A pure function
 * of the saved bounds and the displays' work areas (the screen without taskbars, docks and panels).
 */

/** A rectangle in screen coordinates (Electron's `Rectangle`). */
export interface Bounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A window size. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The main window's minimum size (the layout needs it), and its size on first start. */
export const MIN_WINDOW_SIZE: Size = { width: 720, height: 480 };
export const DEFAULT_WINDOW_SIZE: Size = { width: 1180, height: 760 };

function overlapArea(a: Bounds, b: Bounds): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/** `value` within [low, high]; `low` when the range is empty. */
function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, high));
}

/**
 * Bounds for the window given the `saved` ones and the `workAreas` of the displays (the primary one
 * first). The display it overlaps most is kept — or the primary one, centred, when it overlaps none —
 * and the window is shrunk to fit it (not below `minimum`) and moved inside it. Null when there is no
 * display to go by (the system then places the window).
 */
export function visibleWindowBounds(saved: Bounds, workAreas: readonly Bounds[], minimum: Size = MIN_WINDOW_SIZE): Bounds | null {
  const primary = workAreas[0];
  if (primary === undefined) return null;
  let best: Bounds | undefined;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const overlap = overlapArea(saved, area);
    if (overlap > bestOverlap) {
      best = area;
      bestOverlap = overlap;
    }
  }
  const area = best ?? primary;
  const width = Math.round(Math.max(minimum.width, Math.min(saved.width, area.width)));
  const height = Math.round(Math.max(minimum.height, Math.min(saved.height, area.height)));
  const wanted = best ? { x: saved.x, y: saved.y } : { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2 };
  return {
    x: Math.round(clamp(wanted.x, area.x, area.x + area.width - width)),
    y: Math.round(clamp(wanted.y, area.y, area.y + area.height - height)),
    width,
    height,
  };
}
