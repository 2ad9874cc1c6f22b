/**
 * Runs in the page of `npm run bench:buddy-list` (bundled by the benchmark, like harness-bridge.ts): records the
 * longest frames from `start()` on (Long Animation Frames, and the gaps between animation frames), keeps the buddy
 * list scrolled to its end, and notes when the group's last row shows `Busy` — sorted by availability, the list
 * shows every buddy busy only then. `timeSearch` times one search.
 */
interface ListFrameFigures {
  shownMs: number | null;
  longestFrameMs: number;
  longestGapMs: number;
  framesOver50: number;
  drawnRows: number;
}

const figures: ListFrameFigures = { shownMs: null, longestFrameMs: 0, longestGapMs: 0, framesOver50: 0, drawnRows: 0 };

function start(): void {
  const started = performance.now();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      figures.longestFrameMs = Math.max(figures.longestFrameMs, entry.duration);
      if (entry.duration > 50) figures.framesOver50 += 1;
    }
  }).observe({ type: 'long-animation-frame' });
  let previous = started;
  const frame = (now: number) => {
    figures.longestGapMs = Math.max(figures.longestGapMs, now - previous);
    previous = now;
    const list = document.querySelector<HTMLElement>('[data-testid="buddy-list"]');
    if (list) list.scrollTop = list.scrollHeight;
    const rows = document.querySelectorAll('[data-testid="buddy-row"]');
    figures.drawnRows = rows.length;
    const last = rows[rows.length - 1];
    const isEnd = last !== undefined && last.getAttribute('aria-posinset') === last.getAttribute('aria-setsize');
    if (isEnd && last.querySelector('[data-testid="buddy-status"]')?.textContent === 'Busy') figures.shownMs = now - started;
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Types `text` into the search field at once and resolves with the milliseconds until the next frame is drawn. */
async function timeSearch(text: string): Promise<number> {
  const input = document.querySelector<HTMLInputElement>('input[type="search"]')!;
  const started = performance.now();
  // React watches the input event; the prototype's value setter goes around React's own tracking of the value.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - started;
}

(globalThis as unknown as { __listFrameProbe: object }).__listFrameProbe = { start, figures, timeSearch };
