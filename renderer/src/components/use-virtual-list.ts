/**
 * A long list that renders only the items in view (plus a margin above and below), for items of differing heights:
 * each item starts at its estimated height and is measured once drawn (one ResizeObserver for all), so opening a
 * row's details or a wrapped note moves the items after it. The list keeps two spacers, before and after the drawn
 * items, so the scroll bar covers the whole list. 5,000 items cost what the ~30 in view cost, plus one pass adding
 * up heights when the items change.
 */
import { useCallback, useEffect, useMemo, useState, type RefObject } from 'react';

/** Pixels drawn beyond the visible part, above and below, so fast scrolling shows no gaps. */
const OVERSCAN_PX = 480;

/** What to draw: items `first` to `last` (exclusive), after a spacer of `before` pixels and before one of `after`. */
export interface VirtualRange {
  readonly first: number;
  readonly last: number;
  readonly before: number;
  readonly after: number;
}

/** The range to draw, the ref each drawn item passes (it carries its key in `data-virtual-key`), and scrolling to an item. */
export interface VirtualList {
  readonly range: VirtualRange;
  readonly measure: (element: HTMLElement | null) => (() => void) | undefined;
  /** Where item `index` starts, for one drawn outside the range (absolutely positioned in the scrolling element). */
  startOf(index: number): number;
  /** Scrolls the least distance that shows item `index` whole. */
  scrollToItem(index: number): void;
}

/**
 * The virtual window over `keys` (one per item, stable across changes) inside the scrolling element `scrollRef`;
 * `estimate(index)` is an item's height before it has been drawn.
 */
export function useVirtualList(
  scrollRef: RefObject<HTMLElement | null>,
  keys: readonly string[],
  estimate: (index: number) => number,
): VirtualList {
  const [view, setView] = useState({ top: 0, height: 600 });
  // Measured heights by key; replaced (not changed in place) when a measurement differs, which redraws.
  const [heights, setHeights] = useState<ReadonlyMap<string, number>>(() => new Map());
  const [itemObserver] = useState(
    () =>
      new ResizeObserver((entries) =>
        setHeights((previous) => {
          let next: Map<string, number> | null = null;
          for (const entry of entries) {
            const key = (entry.target as HTMLElement).dataset.virtualKey;
            const height = entry.borderBoxSize[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight;
            if (key === undefined || height === 0 || previous.get(key) === height) continue;
            next ??= new Map(previous);
            next.set(key, height);
          }
          return next ?? previous;
        }),
      ),
  );

  useEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const update = () => setView({ top: element.scrollTop, height: element.clientHeight });
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, [scrollRef]);

  useEffect(() => () => itemObserver.disconnect(), [itemObserver]);

  const measure = useCallback(
    (element: HTMLElement | null) => {
      if (!element) return undefined;
      itemObserver.observe(element);
      return () => itemObserver.unobserve(element);
    },
    [itemObserver],
  );

  // offsets[i]: where item i starts; offsets[keys.length]: the whole list's height.
  const offsets = useMemo(() => {
    const starts = new Float64Array(keys.length + 1);
    for (let i = 0; i < keys.length; i++) starts[i + 1] = starts[i]! + (heights.get(keys[i]!) ?? estimate(i));
    return starts;
  }, [keys, estimate, heights]);

  const total = offsets[keys.length]!;
  const first = Math.max(0, indexAt(offsets, view.top - OVERSCAN_PX));
  const last = Math.min(keys.length, indexAt(offsets, view.top + view.height + OVERSCAN_PX) + 1);
  const range = { first, last, before: offsets[first]!, after: total - offsets[last]! };

  const scrollToItem = useCallback(
    (index: number) => {
      const element = scrollRef.current;
      if (!element || index < 0 || index >= keys.length) return;
      const top = offsets[index]!;
      const bottom = offsets[index + 1]!;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (bottom > element.scrollTop + element.clientHeight) element.scrollTop = bottom - element.clientHeight;
      // Draw the new range now, so the item is there for the caller to focus after this render.
      setView({ top: element.scrollTop, height: element.clientHeight });
    },
    [scrollRef, keys.length, offsets],
  );

  const startOf = useCallback((index: number) => offsets[index] ?? 0, [offsets]);
  return { range, measure, startOf, scrollToItem };
}

/** The item at pixel `y`: the last whose start is at or above it (0 above the list, the last item below it). */
function indexAt(offsets: Float64Array, y: number): number {
  let low = 0;
  let high = offsets.length - 2;
  if (high < 0) return 0;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (offsets[middle]! <= y) low = middle;
    else high = middle - 1;
  }
  return low;
}
