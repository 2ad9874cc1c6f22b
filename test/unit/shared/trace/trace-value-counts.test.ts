import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import { TraceValueCounts } from '../../../../shared/trace/trace-value-counts';
import { entries, presenceSession } from './sip-fixtures';

const methodOf = (buffer: TraceBuffer) => new TraceValueCounts(buffer, (record) => record.summary.method);

describe('TraceValueCounts', () => {
  it('given a session, then each method is counted once per record held, in the order first seen', () => {
    const buffer = new TraceBuffer(1000);
    const session = presenceSession();
    buffer.append(session);
    const counts = methodOf(buffer);
    counts.sync();
    const expected = new Map<string, number>();
    for (const record of buffer.toArray()) expected.set(record.summary.method, (expected.get(record.summary.method) ?? 0) + 1);
    expect(counts.counts()).toEqual(expected);
    expect(counts.distinct).toBe(expected.size);
  });

  it('given records dropped and appended between syncs, then the counts follow what the buffer holds', () => {
    const buffer = new TraceBuffer(3);
    const counts = new TraceValueCounts(buffer, (record) => record.entry.raw.trim() || 'ping');
    const messages = (...raws: string[]) => raws.map((raw) => ['out', raw] as const);
    buffer.append(entries(messages('a', 'a', 'b')));
    counts.sync();
    expect(counts.counts()).toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );

    buffer.append(entries(messages('c', 'c'), { firstSeq: 4 }));
    counts.sync();
    expect(counts.counts()).toEqual(
      new Map([
        ['b', 1],
        ['c', 2],
      ]),
    );
    expect(counts.distinct).toBe(2);

    // More appended than the buffer holds: nothing remembered is left.
    buffer.append(entries(messages('d', 'd', 'd', 'd'), { firstSeq: 6 }));
    counts.sync();
    expect(counts.counts()).toEqual(new Map([['d', 3]]));
    expect(counts.distinct).toBe(1);

    buffer.clear();
    counts.sync();
    expect(counts.counts()).toEqual(new Map());
    expect(counts.distinct).toBe(0);
  });

  it('given many more records than the buffer holds, synced often, then the counts stay exact', () => {
    const buffer = new TraceBuffer(50);
    const counts = new TraceValueCounts(buffer, (record) => String(record.entry.seq % 7));
    for (let seq = 1; seq <= 10_000; seq += 13) {
      buffer.append(
        entries(
          Array.from({ length: 13 }, () => ['in', '\r\n'] as const),
          { firstSeq: seq },
        ),
      );
      counts.sync();
    }
    const expected = new Map<string, number>();
    for (const record of buffer.toArray())
      expected.set(String(record.entry.seq % 7), (expected.get(String(record.entry.seq % 7)) ?? 0) + 1);
    expect(new Map([...counts.counts()].sort())).toEqual(new Map([...expected].sort()));
  });
});
