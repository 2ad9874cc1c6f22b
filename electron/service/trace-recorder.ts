/**
 * Numbers the SIP engine's trace entries for this app run, keeps the newest ones in a bounded ring
 * buffer, and hands them to the window in batches — so that a burst of messages (a reconnection
 * re-subscribing 200 buddies) costs one IPC message per 100 ms, not one per SIP message.
 *
 *   engine ──entry──► record() ──seq──► ring buffer (capacity and maxChars, oldest dropped first)
 *                                  └──► pending batch ──(every batchMs, or at batchMax entries)──► emit
 *
 * Invariant: sequence numbers start at 1 and increase by one per entry, across sessions (demo, then
 * account) within one run, so the trace pane can tell order and gaps apart.
 */
import type { TraceEntry, UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { TRACE_CAPACITY, TRACE_MAX_CHARS, traceEntryWeight } from '../../shared/trace/trace-limits';

/** Limits and batching of a `TraceRecorder`. */
export interface TraceRecorderOptions {
  /** Entries kept at most (default TRACE_CAPACITY: what the trace pane is built to hold). */
  readonly capacity?: number;
  /** Message text kept at most (default TRACE_MAX_CHARS), so large messages cannot grow memory unbounded. */
  readonly maxChars?: number;
  /** Longest time an entry waits before it is sent (default 100 ms). */
  readonly batchMs?: number;
  /** A batch this large is sent at once (default 500). */
  readonly batchMax?: number;
}

/** Numbers, keeps and batches the engine's trace entries (see the module comment). */
export class TraceRecorder {
  readonly capacity: number;
  readonly maxChars: number;
  private readonly batchMs: number;
  private readonly batchMax: number;
  private readonly ring: (TraceEntry | undefined)[];
  /** Index the next entry goes to. */
  private head = 0;
  private size = 0;
  private chars = 0;
  private seq = 0;
  private hasTrimmedBySize = false;
  private pending: TraceEntry[] = [];
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param emit receives each batch.
   * @param onFirstTrimBySize called once, the first time old entries are dropped because the size bound
   *   (not the count) was reached, so the user can be told why the trace holds fewer messages.
   */
  constructor(
    private readonly emit: (entries: TraceEntry[]) => void,
    options: TraceRecorderOptions = {},
    private readonly onFirstTrimBySize: (maxChars: number) => void = () => undefined,
  ) {
    this.capacity = Math.max(1, options.capacity ?? TRACE_CAPACITY);
    this.maxChars = Math.max(1, options.maxChars ?? TRACE_MAX_CHARS);
    this.batchMs = options.batchMs ?? 100;
    this.batchMax = Math.max(1, options.batchMax ?? 500);
    this.ring = new Array<TraceEntry | undefined>(this.capacity);
  }

  /** The sequence number of the newest entry (0 before the first). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Numbers `entry`, keeps it and queues it for the next batch. */
  record(entry: UnnumberedTraceEntry): TraceEntry {
    const numbered: TraceEntry = { ...entry, seq: ++this.seq };
    if (this.size === this.capacity) this.dropOldest();
    this.ring[this.head] = numbered;
    this.head = (this.head + 1) % this.capacity;
    this.size++;
    this.chars += traceEntryWeight(numbered.raw);
    if (this.chars > this.maxChars && this.size > 1) {
      // The newest entry stays even when it alone is over the bound.
      while (this.chars > this.maxChars && this.size > 1) this.dropOldest();
      if (!this.hasTrimmedBySize) {
        this.hasTrimmedBySize = true;
        this.onFirstTrimBySize(this.maxChars);
      }
    }

    this.pending.push(numbered);
    if (this.pending.length >= this.batchMax) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs);
    return numbered;
  }

  /** The newest `limit` entries kept, oldest first. */
  recent(limit = this.capacity): TraceEntry[] {
    const count = Math.min(limit, this.size);
    const out: TraceEntry[] = new Array<TraceEntry>(count);
    for (let i = 0; i < count; i++) {
      out[i] = this.ring[(this.head - count + i + this.capacity) % this.capacity]!;
    }
    return out;
  }

  private dropOldest(): void {
    const oldestIndex = (this.head - this.size + this.capacity) % this.capacity;
    this.chars -= traceEntryWeight(this.ring[oldestIndex]!.raw);
    this.ring[oldestIndex] = undefined;
    this.size--;
  }

  /** Sends the pending batch now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.emit(batch);
  }

  /** Sends what is pending and stops the timer. */
  dispose(): void {
    this.flush();
  }
}
