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
 *
 * Beside each record the buffer keeps what the filter tests most, as numbers in typed arrays by ring
 * slot (TraceFields): direction, kind and "ping" as bits, the method and the Call-ID / AOR key as numbers
 * of distinct strings. A filter change over a million records then reads a few megabytes of numbers and
 * tests each distinct address once, instead of visiting a million objects. Values many records repeat
 * (endpoints, methods, addresses, header values) are kept once (trace-strings.ts).
 */
import type { TraceEndpoint, TraceEntry } from './trace-entry';
import { TRACE_CAPACITY, TRACE_MAX_CHARS, traceEntryWeight } from './trace-limits';
import { CountedStrings, StringInterner } from './trace-strings';
import { summarizeSipMessage, type TraceRecord, type TraceSummary } from './trace-summary';

/** Bits of `TraceFields.flags`. */
export const FIELD_IN = 1;
export const FIELD_REQUEST = 2;
export const FIELD_RESPONSE = 4;
/** OPTIONS (or its answer), a keep-alive, or a NOTIFY of a keep-alive event package. */
export const FIELD_PING = 8;

/** Event packages sent as keep-alive pings rather than state (some phones and SBCs). */
export const KEEP_ALIVE_EVENTS: ReadonlySet<string> = new Set(['keep-alive', 'keepalive']);

/** Whether a message is one of the pings "hide OPTIONS and keep-alives" hides. */
export function isPing(summary: TraceSummary): boolean {
  return summary.kind === 'keep-alive' || summary.method === 'OPTIONS' || KEEP_ALIVE_EVENTS.has(summary.event.toLowerCase());
}

/** Slots the columns have at first; they double as needed up to the capacity. */
const FIRST_COLUMN_LENGTH = 4096;

/** `fields` with room for twice as many slots (at most `capacity`). */
function grownFields(fields: TraceFields, capacity: number): TraceFields {
  const length = Math.min(capacity, fields.flags.length * 2);
  return {
    ...fields,
    flags: grown(new Uint8Array(length), fields.flags),
    method: grown(new Uint32Array(length), fields.method),
    address: grown(new Uint32Array(length), fields.address),
  };
}

/** `into`, holding `from` at its start. */
export function grown<T extends Uint8Array | Uint32Array>(into: T, from: T): T {
  into.set(from);
  return into;
}

/** The filter's columns, indexed by ring slot (`TraceBuffer.slotOf`). */
export interface TraceFields {
  readonly flags: Uint8Array;
  /** Number of the summary's method in `methods`. */
  readonly method: Uint32Array;
  /** Number of the summary's `addressKey` in `addresses`. */
  readonly address: Uint32Array;
  readonly methods: CountedStrings;
  readonly addresses: CountedStrings;
}

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
  /** The filter's columns (see the module comment); they grow with use up to the capacity. */
  fields: TraceFields;
  private readonly interner = new StringInterner();
  private readonly intern = (text: string) => this.interner.intern(text);
  private readonly endpoints = new Map<string, TraceEndpoint>();
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
    const length = Math.min(this.capacity, FIRST_COLUMN_LENGTH);
    this.fields = {
      flags: new Uint8Array(length),
      method: new Uint32Array(length),
      address: new Uint32Array(length),
      methods: new CountedStrings(),
      addresses: new CountedStrings(),
    };
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
      const kept = this.compact(entry);
      const record: TraceRecord = { entry: kept, summary: summarizeSipMessage(kept.raw, this.intern) };
      this.ring[tail] = record;
      this.file(tail, record);
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

  /** The entry with its endpoints shared with the entries before it (the same few, a million times). */
  private compact(entry: TraceEntry): TraceEntry {
    const local = this.endpoint(entry.local);
    const remote = this.endpoint(entry.remote);
    return local === entry.local && remote === entry.remote ? entry : { ...entry, local, remote };
  }

  private endpoint(endpoint: TraceEndpoint): TraceEndpoint {
    const key = `${endpoint.address} ${endpoint.port}`;
    const known = this.endpoints.get(key);
    if (known) return known;
    if (this.endpoints.size >= 4096) this.endpoints.clear();
    // The first one seen is kept as it is (entries are plain data, never changed once made).
    this.endpoints.set(key, endpoint);
    return endpoint;
  }

  /** Writes the filter's columns of the record in ring slot `slot`. */
  private file(slot: number, { entry, summary }: TraceRecord): void {
    if (slot >= this.fields.flags.length) this.fields = grownFields(this.fields, this.capacity);
    const { fields } = this;
    fields.flags[slot] =
      (entry.direction === 'in' ? FIELD_IN : 0) |
      (summary.kind === 'request' ? FIELD_REQUEST : summary.kind === 'response' ? FIELD_RESPONSE : 0) |
      (isPing(summary) ? FIELD_PING : 0);
    fields.method[slot] = fields.methods.add(summary.method);
    fields.address[slot] = fields.addresses.add(summary.addressKey);
  }

  /** Forgets the columns of ring slot `slot` (its record is going). */
  private unfile(slot: number): void {
    this.fields.methods.release(this.fields.method[slot]!);
    this.fields.addresses.release(this.fields.address[slot]!);
  }

  /**
   * The ring slot of absolute position `position`, for `fields`: the position modulo the capacity, since
   * head + count ≡ appended (mod capacity) through every append, drop and clear. Until the ring first wraps,
   * slots are below `endPosition`, so columns indexed by slot can grow as records come.
   */
  slotOf(position: number): number {
    return position % this.capacity;
  }

  /** Drops every record held. Positions and `lastSeq` carry on. */
  clear(): void {
    if (this.count === 0) return;
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.capacity;
      this.unfile(slot);
      this.ring[slot] = undefined;
    }
    this.head = (this.head + this.count) % this.capacity;
    this.count = 0;
    this.chars = 0;
    this.version++;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.head]!;
    this.chars -= traceEntryWeight(oldest.entry.raw);
    this.unfile(this.head);
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
