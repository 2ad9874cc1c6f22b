/**
 * Soft-state expiry for publications (RFC 3903 §6 step 7), subscriptions (RFC 6665 §4.2.1.1) and
 * registrations (RFC 3261 §10.3): one binary min-heap of deadlines and one timer armed for the earliest,
 * instead of a timer per item.
 *
 * The heap is intrusive: the items themselves sit in it and remember their index, so a refresh moves an
 * item in place and a removal takes it out at once — no entry objects and no tombstones for the garbage
 * collector to walk (with hundreds of thousands of live publications, that matters).
 */

/** What the queue needs on an item: its deadline (ms since the epoch) and its place in the heap (-1: none). */
export interface Expirable {
  expiresAt: number;
  expiryIndex: number;
}

/** setTimeout's limit is 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The deadlines of the compositor's soft state on one timer: calls `onExpire` for each item whose deadline has passed. */
export class ExpiryQueue<T extends Expirable> {
  private heap: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private isDisposed = false;

  constructor(
    private readonly onExpire: (item: T) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Items scheduled. */
  get size(): number {
    return this.heap.length;
  }

  /** Sets the item's deadline to `at`, scheduling it or moving it if already scheduled. */
  schedule(item: T, at: number): void {
    item.expiresAt = at;
    if (item.expiryIndex === -1) {
      item.expiryIndex = this.heap.length;
      this.heap.push(item);
    }
    this.restore(item.expiryIndex);
    if (at < this.timerAt || this.heap[0] === item) this.arm();
  }

  /** Withdraws the item (it will not expire); harmless when it is not scheduled. */
  cancel(item: T): void {
    const index = item.expiryIndex;
    if (index === -1 || this.heap[index] !== item) return;
    item.expiryIndex = -1;
    const last = this.heap.pop() as T;
    if (index < this.heap.length) {
      this.heap[index] = last;
      last.expiryIndex = index;
      this.restore(index);
    }
  }

  dispose(): void {
    this.isDisposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const item of this.heap) item.expiryIndex = -1;
    this.heap = [];
  }

  /** Fires every item due by now (called by the timer; tests may call it directly). */
  runDue(): void {
    const now = this.now();
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.expiresAt > now) break;
      this.cancel(top);
      this.onExpire(top);
      if (this.isDisposed) return;
    }
    this.arm();
  }

  private arm(): void {
    if (this.isDisposed) return;
    const top = this.heap[0];
    const at = top === undefined ? Infinity : top.expiresAt;
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

  /** Moves the item at `index` up or down until the heap order holds again. */
  private restore(index: number): void {
    const heap = this.heap;
    const item = heap[index] as T;
    let i = index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (parent.expiresAt <= item.expiresAt) break;
      heap[i] = parent;
      parent.expiryIndex = i;
      i = parentIndex;
    }
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as T).expiresAt < (heap[left] as T).expiresAt ? right : left;
      const childItem = heap[child] as T;
      if (childItem.expiresAt >= item.expiresAt) break;
      heap[i] = childItem;
      childItem.expiryIndex = i;
      i = child;
    }
    heap[i] = item;
    item.expiryIndex = i;
  }
}
