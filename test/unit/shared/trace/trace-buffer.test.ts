import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import { entries, presenceSession } from './sip-fixtures';

const pings = (count: number, firstSeq = 1) =>
  entries(
    Array.from({ length: count }, () => ['out', '\r\n\r\n'] as const),
    { firstSeq },
  );

describe('TraceBuffer', () => {
  it('given batches, when appended, then records keep arrival order with their summaries', () => {
    const buffer = new TraceBuffer(100);
    const session = presenceSession();
    expect(buffer.append(session.slice(0, 5))).toBe(5);
    expect(buffer.append(session.slice(5))).toBe(session.length - 5);
    expect(buffer.size).toBe(session.length);
    expect(buffer.toArray().map((r) => r.entry.seq)).toEqual(session.map((e) => e.seq));
    expect(buffer.at(4)!.summary.method).toBe('PUBLISH');
    expect(buffer.lastSeq).toBe(session.length);
  });

  it('given a batch overlapping what is held, then older and repeated entries are skipped', () => {
    const buffer = new TraceBuffer(100);
    buffer.append(pings(3));
    const version = buffer.version;
    expect(buffer.append(pings(5))).toBe(2);
    expect(buffer.toArray().map((r) => r.entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(buffer.version).toBeGreaterThan(version);
    expect(buffer.append(pings(5))).toBe(0);
  });

  it('given more than its capacity, then the oldest are dropped and positions keep counting', () => {
    const buffer = new TraceBuffer(4);
    buffer.append(pings(3));
    buffer.append(pings(4, 4));
    expect(buffer.toArray().map((r) => r.entry.seq)).toEqual([4, 5, 6, 7]);
    expect(buffer.firstPosition).toBe(3);
    expect(buffer.endPosition).toBe(7);
    expect(buffer.atPosition(2)).toBeUndefined();
    expect(buffer.atPosition(3)!.entry.seq).toBe(4);
    expect(buffer.bySeq(6)!.entry.seq).toBe(6);
    expect(buffer.bySeq(2)).toBeUndefined();
  });

  it('given a clear, then nothing is held, later batches still append, and older seqs stay ignored', () => {
    const buffer = new TraceBuffer(10);
    buffer.append(pings(3));
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.firstPosition).toBe(3);
    expect(buffer.append(pings(4))).toBe(1);
    expect(buffer.toArray().map((r) => r.entry.seq)).toEqual([4]);
  });

  it('finds records by sequence number across the ring wrap, also with gaps', () => {
    const buffer = new TraceBuffer(5);
    buffer.append([...pings(1, 10), ...pings(1, 20), ...pings(1, 30), ...pings(1, 40), ...pings(1, 50), ...pings(1, 60)]);
    expect([20, 30, 40, 50, 60, 10, 35].map((seq) => buffer.positionOfSeq(seq))).toEqual([1, 2, 3, 4, 5, -1, -1]);
  });

  it('given messages whose text passes maxChars, then the oldest are dropped first and positions keep counting', () => {
    const big = (count: number, firstSeq: number) =>
      entries(
        Array.from({ length: count }, () => ['in', `OPTIONS sip:x SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n${'x'.repeat(200)}`] as const),
        { firstSeq },
      );
    const weight = big(1, 1)[0]!.raw.length;
    const buffer = new TraceBuffer(100, weight * 3);
    buffer.append(big(3, 1));
    expect(buffer.size).toBe(3);
    buffer.append(big(2, 4));
    expect(buffer.toArray().map((r) => r.entry.seq)).toEqual([3, 4, 5]);
    expect(buffer.firstPosition).toBe(2);
    expect(buffer.endPosition).toBe(5);
    buffer.clear();
    buffer.append(big(1, 6));
    expect(buffer.toArray().map((r) => r.entry.seq)).toEqual([6]);
  });
});
