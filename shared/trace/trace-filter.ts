/**
 * The trace pane's filter: which messages the list shows. A filter is plain data (TraceFilterSpec, kept
 * in the pane's state), compiled once into a predicate over trace records; the cheap tests (direction,
 * method, address) run before the text search over the whole message.
 *
 * Speed: a filter change re-runs over every record held (100,000 live, a million in a capture view), but
 * over the buffer's columns (TraceFields: typed arrays of flags and string numbers), each distinct method
 * and address tested once — a few milliseconds for a million. Only free text reads the messages: one
 * case-insensitive RegExp over each raw message that passed the other tests, which V8 runs far faster
 * than lower-casing copies; that is the one filter whose cost grows with the text held. From then on only
 * newly appended records are tested (TraceFilterIndex), so a steady stream of batches costs the size of
 * the batch, not of the buffer. `npm run bench:trace` prints the figures.
 */
import type { TraceDirection } from './trace-entry';
import { errorMessage } from '../error-message';
import { FIELD_IN, FIELD_PING, FIELD_REQUEST, FIELD_RESPONSE, isPing, type TraceBuffer } from './trace-buffer';
import type { CountedStrings } from './trace-strings';
import type { TraceRecord } from './trace-summary';

/** Which direction to show. */
export type TraceDirectionFilter = 'both' | TraceDirection;

/** Requests, responses or both. */
export type TraceKindFilter = 'all' | 'requests' | 'responses';

export interface TraceFilterSpec {
  /**
   * Methods to show (upper case), or null for every method. A response counts as the method in its
   * CSeq, so "NOTIFY" shows the NOTIFYs and the answers to them.
   */
  readonly methods: readonly string[] | null;
  /** Hides OPTIONS (and their answers) and keep-alives: the pings that drown presence traffic. */
  readonly hideOptionsAndKeepAlives: boolean;
  readonly direction: TraceDirectionFilter;
  readonly kinds: TraceKindFilter;
  /** Part of a Call-ID, or of a From / To / Request-URI address (case-insensitive); '' for any. */
  readonly address: string;
  /** Text searched for in the whole message (case-insensitive); '' for any. */
  readonly text: string;
  /** `text` is a regular expression (JavaScript syntax, case-insensitive) rather than plain text. */
  readonly isRegex: boolean;
}

/** The filter that shows everything. */
export const EMPTY_TRACE_FILTER: TraceFilterSpec = {
  methods: null,
  hideOptionsAndKeepAlives: false,
  direction: 'both',
  kinds: 'all',
  address: '',
  text: '',
  isRegex: false,
};

/** The usual order of methods in the pane's menu, presence first; others follow alphabetically. */
export const COMMON_METHODS = [
  'REGISTER',
  'PUBLISH',
  'SUBSCRIBE',
  'NOTIFY',
  'OPTIONS',
  'MESSAGE',
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'INFO',
  'UPDATE',
  'REFER',
  'PRACK',
] as const;

/**
 * The methods the pane's menu offers: those the trace holds, and those the filter names (so a choice
 * can be undone after its messages are gone); the common ones in their usual order, the rest alphabetically.
 */
export function offeredMethods(held: Iterable<string>, chosen: readonly string[] | null): string[] {
  const methods = new Set([...held, ...(chosen ?? [])]);
  const common: string[] = COMMON_METHODS.filter((m) => methods.has(m));
  return [...common, ...[...methods].filter((m) => !common.includes(m)).sort()];
}

export interface CompiledTraceFilter {
  readonly spec: TraceFilterSpec;
  /** True when the filter lets every record through. */
  readonly isEmpty: boolean;
  matches(record: TraceRecord): boolean;
  /**
   * The same test over positions `from` to `end` of `buffer`, pushing those that match onto `into`: one
   * loop over the buffer's columns (TraceFields), each distinct method and address tested once per pass,
   * the message text read only for the free-text search. Absent: the index calls `matches` on each record.
   */
  readonly scan?: (buffer: TraceBuffer, from: number, end: number, into: number[]) => void;
}

export type CompileFilterResult =
  { readonly ok: true; readonly filter: CompiledTraceFilter } | { readonly ok: false; readonly error: string };

/** Longest free-text or regular expression accepted (a pasted Call-ID or message line fits easily). */
export const MAX_FILTER_TEXT = 1024;

/** Records looked at in one pass from which the verdicts by address number are an array, not a map. */
const ARRAY_MEMO_FROM = 4096;

/**
 * Compiles a filter. A regular expression that does not compile gives `ok: false` with a readable
 * reason (the pane shows it beside the field and keeps the previous filter).
 */
export function compileTraceFilter(spec: TraceFilterSpec): CompileFilterResult {
  const text = spec.text;
  if (text.length > MAX_FILTER_TEXT) return { ok: false, error: `The search text is longer than ${MAX_FILTER_TEXT} characters.` };
  let search: RegExp | null = null;
  if (text !== '') {
    try {
      search = new RegExp(spec.isRegex ? text : escapeRegExp(text), 'i');
    } catch (error) {
      return { ok: false, error: `Not a valid regular expression: ${errorMessage(error).replace(/^Invalid regular expression: /, '')}` };
    }
  }
  const methods = spec.methods === null ? null : new Set(spec.methods.map((m) => m.toUpperCase()));
  const address = spec.address.trim().toLowerCase();
  const { direction, kinds, hideOptionsAndKeepAlives } = spec;
  const isEmpty =
    search === null && methods === null && address === '' && direction === 'both' && kinds === 'all' && !hideOptionsAndKeepAlives;

  const matches = (record: TraceRecord): boolean => {
    const { entry, summary } = record;
    if (direction !== 'both' && entry.direction !== direction) return false;
    if (kinds === 'requests' && summary.kind !== 'request') return false;
    if (kinds === 'responses' && summary.kind !== 'response') return false;
    if (hideOptionsAndKeepAlives && isPing(summary)) return false;
    if (methods !== null && !methods.has(summary.method)) return false;
    if (address !== '' && !summary.addressKey.includes(address)) return false;
    if (search !== null && !search.test(entry.raw)) return false;
    return true;
  };

  // The cheap tests as one mask over the flags: (flags & mask) must equal want.
  let mask = 0;
  let want = 0;
  if (direction !== 'both') {
    mask |= FIELD_IN;
    want |= direction === 'in' ? FIELD_IN : 0;
  }
  if (kinds !== 'all') {
    mask |= FIELD_REQUEST | FIELD_RESPONSE;
    want |= kinds === 'requests' ? FIELD_REQUEST : FIELD_RESPONSE;
  }
  if (hideOptionsAndKeepAlives) mask |= FIELD_PING;
  const scan = (buffer: TraceBuffer, from: number, end: number, into: number[]): void => {
    const { flags, method: methodIds, address: addressIds, methods: methodNames, addresses } = buffer.fields;
    // Verdicts per string number for this pass: 0 not tested yet, 1 passes, 2 fails.
    const methodVerdicts = methods === null ? null : new Uint8Array(methodNames.limit);
    const addressVerdicts = address === '' ? null : verdictsFor(addresses, end - from);
    const capacity = buffer.capacity;
    let slot = from < end ? buffer.slotOf(from) : 0;
    for (let position = from; position < end; position++, slot = slot + 1 === capacity ? 0 : slot + 1) {
      if ((flags[slot]! & mask) !== want) continue;
      if (methodVerdicts !== null) {
        const id = methodIds[slot]!;
        let verdict = methodVerdicts[id]!;
        if (verdict === 0) methodVerdicts[id] = verdict = methods!.has(methodNames.text(id)) ? 1 : 2;
        if (verdict !== 1) continue;
      }
      if (addressVerdicts !== null) {
        const id = addressIds[slot]!;
        let verdict = addressVerdicts.get(id);
        if (verdict === 0) addressVerdicts.set(id, (verdict = addresses.text(id).includes(address) ? 1 : 2));
        if (verdict !== 1) continue;
      }
      if (search !== null && !search.test(buffer.atPosition(position)!.entry.raw)) continue;
      into.push(position);
    }
  };
  return { ok: true, filter: { spec, isEmpty, matches, scan } };
}

/** Verdicts by string number, as an array for a long pass, as a map for a short one (a batch; many numbers in use). */
function verdictsFor(strings: CountedStrings, records: number): { get(id: number): number; set(id: number, verdict: number): void } {
  if (records >= ARRAY_MEMO_FROM) {
    const known = new Uint8Array(strings.limit);
    return { get: (id) => known[id]!, set: (id, verdict) => (known[id] = verdict) };
  }
  const known = new Map<number, number>();
  return { get: (id) => known.get(id) ?? 0, set: (id, verdict) => known.set(id, verdict) };
}

/** Escapes text for use as a literal inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The positions (see TraceBuffer) of the records a filter lets through, kept up to date incrementally:
 * `sync()` tests only records appended since the last call and forgets records the buffer dropped.
 */
export class TraceFilterIndex {
  /** Matching positions, ascending; the live part starts at `start`. */
  private positions: number[] = [];
  private start = 0;
  private syncedTo: number;

  constructor(
    readonly buffer: TraceBuffer,
    readonly filter: CompiledTraceFilter,
  ) {
    this.syncedTo = buffer.firstPosition;
  }

  /** Catches up with the buffer. Cheap when nothing changed. */
  sync(): void {
    const { buffer } = this;
    const first = buffer.firstPosition;
    // Forget what the buffer dropped (oldest first, so from the front).
    while (this.start < this.positions.length && this.positions[this.start]! < first) this.start++;
    if (this.start > 4096 && this.start * 2 > this.positions.length) {
      this.positions = this.positions.slice(this.start);
      this.start = 0;
    }
    const end = buffer.endPosition;
    let position = Math.max(this.syncedTo, first);
    if (this.filter.isEmpty) {
      for (; position < end; position++) this.positions.push(position);
    } else if (this.filter.scan) {
      this.filter.scan(buffer, position, end, this.positions);
    } else {
      for (; position < end; position++) {
        if (this.filter.matches(buffer.atPosition(position)!)) this.positions.push(position);
      }
    }
    this.syncedTo = end;
  }

  /** How many records match. */
  get length(): number {
    return this.positions.length - this.start;
  }

  /** The `index`-th matching record, oldest first. */
  recordAt(index: number): TraceRecord | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.buffer.atPosition(this.positions[this.start + index]!);
  }

  /** Index in this list of the record with sequence number `seq`, or -1. */
  indexOfSeq(seq: number): number {
    let low = 0;
    let high = this.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const midSeq = this.recordAt(mid)!.entry.seq;
      if (midSeq === seq) return mid;
      if (midSeq < seq) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** How many matching records have a sequence number at or below `seq` (for a paused view). */
  countThroughSeq(seq: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.recordAt(mid)!.entry.seq <= seq) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The sequence numbers of every matching record, oldest first. */
  seqs(): number[] {
    const out = new Array<number>(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.recordAt(i)!.entry.seq;
    return out;
  }
}
