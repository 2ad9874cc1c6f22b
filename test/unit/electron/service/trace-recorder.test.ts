import { describe, expect, it } from 'vitest';
import type { TraceEntry, UnnumberedTraceEntry } from '../../../../shared/trace/trace-entry';
import { TraceRecorder } from '../../../../electron/service/trace-recorder';

const entry = (i: number): UnnumberedTraceEntry => ({
  at: 1_700_000_000_000 + i,
  direction: i % 2 === 0 ? 'out' : 'in',
  transport: 'udp',
  local: { address: '127.0.0.1', port: 5070 },
  remote: { address: '127.0.0.1', port: 5060 },
  raw: `OPTIONS sip:x SIP/2.0\r\nCSeq: ${i} OPTIONS\r\n\r\n`,
});

describe('trace recorder', () => {
  it('numbers entries from 1 and sends them in one batch after the batch interval', async () => {
    let received: (batch: TraceEntry[]) => void = () => undefined;
    const firstBatch = new Promise<TraceEntry[]>((resolve) => (received = resolve));
    let batches = 0;
    const recorder = new TraceRecorder((b) => (batches++, received(b)), { batchMs: 20 });
    recorder.record(entry(0));
    recorder.record(entry(1));
    recorder.record(entry(2));
    expect(batches).toBe(0);
    const batch = await firstBatch;
    expect(batches).toBe(1);
    expect(batch.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(batch[1]).toEqual({ ...entry(1), seq: 2 });
    expect(recorder.lastSeq).toBe(3);
  });

  it('sends a full batch at once without waiting', () => {
    const batches: TraceEntry[][] = [];
    const recorder = new TraceRecorder((b) => batches.push(b), { batchMs: 60_000, batchMax: 4 });
    for (let i = 0; i < 10; i++) recorder.record(entry(i));
    expect(batches.map((b) => b.map((e) => e.seq))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    recorder.dispose();
    expect(batches.at(-1)?.map((e) => e.seq)).toEqual([9, 10]);
  });

  it('keeps only the newest entries up to its capacity, oldest first', () => {
    const recorder = new TraceRecorder(() => undefined, { capacity: 5, batchMax: 1 });
    for (let i = 0; i < 12; i++) recorder.record(entry(i));
    expect(recorder.recent().map((e) => e.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(recorder.recent(2).map((e) => e.seq)).toEqual([11, 12]);
    expect(recorder.recent(100)).toHaveLength(5);
  });
});

describe('trace recorder size bound', () => {
  const sized = (i: number, chars: number): UnnumberedTraceEntry => ({ ...entry(i), raw: 'x'.repeat(chars) });

  it('given large messages, when their text passes maxChars, then the oldest go first and the user is told once', () => {
    const trims: number[] = [];
    const recorder = new TraceRecorder(
      () => undefined,
      { capacity: 1000, maxChars: 1000, batchMax: 1 },
      (max) => trims.push(max),
    );
    for (let i = 0; i < 3; i++) recorder.record(sized(i, 300));
    expect(recorder.recent().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(trims).toEqual([]);
    recorder.record(sized(3, 300));
    expect(recorder.recent().map((e) => e.seq)).toEqual([2, 3, 4]);
    for (let i = 5; i < 20; i++) recorder.record(sized(i, 300));
    expect(recorder.recent().map((e) => e.seq)).toEqual([17, 18, 19]);
    expect(trims).toEqual([1000]);
  });

  it('given one message larger than the whole bound, then it is still kept, alone', () => {
    const recorder = new TraceRecorder(() => undefined, { maxChars: 100, batchMax: 1 });
    recorder.record(sized(0, 50));
    recorder.record(sized(1, 500));
    expect(recorder.recent().map((e) => e.seq)).toEqual([2]);
  });

  it('given the count bound reached first, then entries are dropped by count without the size notice', () => {
    const trims: number[] = [];
    const recorder = new TraceRecorder(
      () => undefined,
      { capacity: 3, maxChars: 1_000_000, batchMax: 1 },
      (max) => trims.push(max),
    );
    for (let i = 0; i < 10; i++) recorder.record(entry(i));
    expect(recorder.recent().map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(trims).toEqual([]);
  });
});
