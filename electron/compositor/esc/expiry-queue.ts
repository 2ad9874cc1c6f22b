/**
 * Soft-state expiry for publications (RFC 3903 §6 step 7), subscriptions (RFC 6665 §4.2.1.1) and
 * registrations (RFC 3261 §10.3): one binary min-heap of deadlines and one timer armed for the earliest,
 * instead of a timer per item. Refreshing an item cancels its entry and schedules a new one; cancelled
 * entries are skipped when they reach the top (and compacted away when they pile up).
 */

/** A scheduled expiry; pass it to `cancel` to withdraw it. */
export interface ExpiryEntry<T> {
  readonly at: number;
  readonly item: T;
  cancelled: boolean;
}

/** setTimeout's limit is 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ExpiryQueue<T> {
  private heap: ExpiryEntry<T>[] = [];
  private cancelledCount = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private isDisposed = false;

  constructor(
    private readonly onExpire: (item: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Entries scheduled and not cancelled. */
  get size(): number {
    return this.heap.length - this.cancelledCount;
  }

  schedule(item: T, at: number): ExpiryEntry<T> {
    const entry: ExpiryEntry<T> = { at, item, cancelled: false };
    this.push(entry);
    if (at < this.timerAt) this.arm();
    return entry;
  }

  cancel(entry: ExpiryEntry<T> | null | undefined): void {
    if (entry == null || entry.cancelled) return;
    entry.cancelled = true;
    this.cancelledCount++;
    if (this.cancelledCount > 1024 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  dispose(): void {
    this.isDisposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.heap = [];
    this.cancelledCount = 0;
  }

  /** Fires every entry due by now (called by the timer; tests may call it directly). */
  runDue(): void {
    const now = this.now();
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > now) break;
      this.pop();
      if (top.cancelled) {
        this.cancelledCount--;
        continue;
      }
      top.cancelled = true;
      this.onExpire(top.item);
      if (this.isDisposed) return;
    }
    this.arm();
  }

  private arm(): void {
    if (this.isDisposed) return;
    const top = this.heap[0];
    const at = top === undefined ? Infinity : top.at;
    if (this.timer !== null && at === this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (at === Infinity) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.now()));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.runDue();
    }, delay);
    this.timer.unref();
  }

  private compact(): void {
    this.heap = this.heap.filter((entry) => !entry.cancelled);
    this.cancelledCount = 0;
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private push(entry: ExpiryEntry<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent] as ExpiryEntry<T>).at <= entry.at) break;
      heap[i] = heap[parent] as ExpiryEntry<T>;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const entry = heap[start] as ExpiryEntry<T>;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as ExpiryEntry<T>).at < (heap[left] as ExpiryEntry<T>).at ? right : left;
      if ((heap[child] as ExpiryEntry<T>).at >= entry.at) break;
      heap[i] = heap[child] as ExpiryEntry<T>;
      i = child;
    }
    heap[i] = entry;
  }
}
