/**
 * The renderer's copy of the SIP trace: a bounded ring of trace records (entry + summary), appended in
 * batches without copying what is already held, oldest dropped first.
 *
 * Every record has an absolute position — how many records were appended before it since the buffer
 * was made — so that views derived from the buffer (the filtered list, the groups) can catch up
 * incrementally: they remember the position they reached and, on the next look, read only what was
 * appended since and forget what was dropped since.
 *
 *   positions:  0 … dropped-1 | dropped … appended-1
 *               (gone)         | held, oldest first (at most `capacity` records and `maxChars` of text)
 *
 * `clear()` drops everything held (dropped = appended); positions keep increasing, so derived views
 * need no special case for it. Invariant: sequence numbers increase strictly with position.
 */
import type { TraceEntry } from './trace-entry';
import { TRACE_CAPACITY, TRACE_MAX_CHARS, traceEntryWeight } from './trace-limits';
import { toTraceRecord, type TraceRecord } from './trace-summary';

/**
 * What an incremental index reads: records by absolute position, the held ones from `firstPosition` up
 * to `endPosition`. The live trace's TraceBuffer is one; a capture read from a file can be another.
 */
export interface TraceRecordSource {
  readonly firstPosition: number;
  readonly endPosition: number;
  atPosition(position: number): TraceRecord | undefined;
}

/** The trace pane's ring of records (see the module comment). */
export class TraceBuffer implements TraceRecordSource {
  readonly capacity: number;
  readonly maxChars: number;
  private readonly ring: (TraceRecord | undefined)[];
  /** Ring index of the oldest record held. */
  private head = 0;
  private count = 0;
  private appended = 0;
  /** Text held, by `traceEntryWeight`. */
  private chars = 0;
  /** Newest sequence number ever appended (0: none), also after a clear. */
  private newestSeq = 0;
  /** Changes on every append or drop, so a view can tell whether it must look again. */
  version = 0;

  constructor(capacity = TRACE_CAPACITY, maxChars = TRACE_MAX_CHARS) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.maxChars = Math.max(1, maxChars);
    this.ring = new Array<TraceRecord | undefined>(this.capacity);
  }

  /** How many records are held. */
  get size(): number {
    return this.count;
  }

  /** Position of the oldest record held (= how many were dropped so far). */
  get firstPosition(): number {
    return this.appended - this.count;
  }

  /** Position the next appended record will get (= how many were ever appended). */
  get endPosition(): number {
    return this.appended;
  }

  /** Newest sequence number appended so far (0: none); entries at or below it are ignored. */
  get lastSeq(): number {
    return this.newestSeq;
  }

  /**
   * Appends the entries newer than `lastSeq` (older or repeated ones — a batch overlapping the
   * snapshot — are skipped), summarising each once. Returns how many were appended.
   */
  append(entries: readonly TraceEntry[]): number {
    let added = 0;
    for (const entry of entries) {
      if (entry.seq <= this.newestSeq) continue;
      if (this.count === this.capacity) this.dropOldest();
      const tail = (this.head + this.count) % this.capacity;
      this.ring[tail] = toTraceRecord(entry);
      this.count++;
      this.chars += traceEntryWeight(entry.raw);
      // The newest record stays even when it alone is over the size bound.
      while (this.chars > this.maxChars && this.count > 1) this.dropOldest();
      this.appended++;
      this.newestSeq = entry.seq;
      added++;
    }
    if (added > 0) this.version++;
    return added;
  }

  /** Drops every record held. Positions and `lastSeq` carry on. */
  clear(): void {
    if (this.count === 0) return;
    for (let i = 0; i < this.count; i++) this.ring[(this.head + i) % this.capacity] = undefined;
    this.head = (this.head + this.count) % this.capacity;
    this.count = 0;
    this.chars = 0;
    this.version++;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.head]!;
    this.chars -= traceEntryWeight(oldest.entry.raw);
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }

  /** The `index`-th record held, oldest first (0 ≤ index < size). */
  at(index: number): TraceRecord | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.ring[(this.head + index) % this.capacity];
  }

  /** The record at an absolute position, or undefined when it was dropped or is not there yet. */
  atPosition(position: number): TraceRecord | undefined {
    return this.at(position - this.firstPosition);
  }

  /** The absolute position of the record with sequence number `seq`, or -1 (binary search). */
  positionOfSeq(seq: number): number {
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const midSeq = this.at(mid)!.entry.seq;
      if (midSeq === seq) return this.firstPosition + mid;
      if (midSeq < seq) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** The record with sequence number `seq`, if held. */
  bySeq(seq: number): TraceRecord | undefined {
    const position = this.positionOfSeq(seq);
    return position < 0 ? undefined : this.atPosition(position);
  }

  /** Every record held, oldest first (a copy; for exports and tests, not for rendering). */
  toArray(): TraceRecord[] {
    const out = new Array<TraceRecord>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i)!;
    return out;
  }
}
