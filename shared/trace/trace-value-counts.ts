/**
 * How often each value of one property occurs among the records a TraceBuffer holds — the methods the
 * filter menu offers with their counts, whether a column repeats one value on every row. Incremental
 * like the other trace indexes: `sync()` reads only what was appended since, and forgets what was
 * dropped since by the key it remembered for each held position (the dropped records are gone).
 */
import type { TraceBuffer } from './trace-buffer';
import type { TraceRecord } from './trace-summary';

/** Compact the remembered keys once this many dropped ones lead the array. */
const COMPACT_AFTER = 4096;

/** Counts of `keyOf(record)` over the records `buffer` holds (see the module comment). */
export class TraceValueCounts {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [];
  private readonly tally: number[] = [];
  /** Key id per remembered position; `keys[head]` belongs to position `start`. */
  private keys: number[] = [];
  private head = 0;
  private start = 0;
  private distinctCount = 0;

  constructor(
    readonly buffer: TraceBuffer,
    private readonly keyOf: (record: TraceRecord) => string,
  ) {}

  /** Catches up with the buffer: forgets dropped records, counts appended ones. */
  sync(): void {
    const { firstPosition, endPosition } = this.buffer;
    while (this.start < firstPosition && this.head < this.keys.length) {
      this.uncount(this.keys[this.head]!);
      this.head++;
      this.start++;
    }
    // Everything remembered was dropped and more besides: start again at the oldest record held.
    if (this.head === this.keys.length) {
      this.keys = [];
      this.head = 0;
      this.start = Math.max(this.start, firstPosition);
    } else if (this.head > COMPACT_AFTER && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    for (let position = this.start + this.keys.length - this.head; position < endPosition; position++) {
      const id = this.idOf(this.keyOf(this.buffer.atPosition(position)!));
      this.keys.push(id);
      if (this.tally[id]! === 0) this.distinctCount++;
      this.tally[id]!++;
    }
  }

  /** How many different values the held records have (0 when the buffer is empty). */
  get distinct(): number {
    return this.distinctCount;
  }

  /** Each value held with how many records have it, in the order first seen. */
  counts(): Map<string, number> {
    const result = new Map<string, number>();
    this.values.forEach((value, id) => {
      if (this.tally[id]! > 0) result.set(value, this.tally[id]!);
    });
    return result;
  }

  private idOf(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
      this.tally.push(0);
    }
    return id;
  }

  private uncount(id: number): void {
    if (--this.tally[id]! === 0) this.distinctCount--;
  }
}
