import { describe, expect, it } from 'vitest';
import type { AppSnapshot } from '../../../shared/ipc/contract';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { useTraceStore } from '../../../renderer/src/stores/trace-store';

const traceEntry = (seq: number): TraceEntry => ({
  seq,
  at: seq,
  direction: 'out',
  transport: 'udp',
  local: { address: '127.0.0.1', port: 1 },
  remote: { address: '127.0.0.1', port: 2 },
  raw: `OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c${seq}\r\nCSeq: ${seq} OPTIONS\r\n\r\n`,
});

const snapshot = (entries: number[], lastSeq: number, capacity = 100_000): AppSnapshot =>
  ({ trace: { entries: entries.map(traceEntry), lastSeq, capacity } }) as unknown as AppSnapshot;
const seqs = () =>
  useTraceStore
    .getState()
    .buffer.toArray()
    .map((r) => r.entry.seq);

describe('trace store', () => {
  it('given a snapshot, when a batch overlaps it, then nothing is duplicated and each entry is summarised', () => {
    const { actions } = useTraceStore.getState();
    actions.snapshotReceived(snapshot([1, 2, 3], 3, 5));
    actions.traceBatchReceived({ entries: [2, 3, 4, 5].map(traceEntry) });
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(useTraceStore.getState().lastSeq).toBe(5);
    expect(useTraceStore.getState().buffer.at(4)!.summary).toMatchObject({ method: 'OPTIONS', callId: 'c5' });
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const { actions } = useTraceStore.getState();
    actions.snapshotReceived(snapshot([], 0, 3));
    actions.traceBatchReceived({ entries: [1, 2].map(traceEntry) });
    actions.traceBatchReceived({ entries: [3, 4, 5].map(traceEntry) });
    expect(seqs()).toEqual([3, 4, 5]);
  });

  it('given a batch, then it is appended in place: same buffer, records already held not copied, a new version', () => {
    const { actions } = useTraceStore.getState();
    actions.traceBatchReceived({ entries: [1, 2].map(traceEntry) });
    const before = useTraceStore.getState();
    const firstRecord = before.buffer.at(0);
    actions.traceBatchReceived({ entries: [3].map(traceEntry) });
    const after = useTraceStore.getState();
    expect(after.buffer).toBe(before.buffer);
    expect(after.buffer.at(0)).toBe(firstRecord);
    expect(after.version).toBeGreaterThan(before.version);
    // A batch with nothing new changes nothing.
    actions.traceBatchReceived({ entries: [2, 3].map(traceEntry) });
    expect(useTraceStore.getState().version).toBe(after.version);
  });

  it('given a clear, then nothing is held, later batches show, and exports of all start after the clear', () => {
    const { actions } = useTraceStore.getState();
    actions.traceBatchReceived({ entries: [1, 2, 3].map(traceEntry) });
    actions.traceCleared();
    expect(seqs()).toEqual([]);
    expect(useTraceStore.getState().clearedThroughSeq).toBe(3);
    actions.traceBatchReceived({ entries: [3, 4].map(traceEntry) });
    expect(seqs()).toEqual([4]);
  });

  it('given a snapshot from a service whose numbering restarted, then the trace starts afresh', () => {
    const { actions } = useTraceStore.getState();
    actions.traceBatchReceived({ entries: [1, 2, 3, 4].map(traceEntry) });
    actions.traceCleared();
    actions.snapshotReceived(snapshot([1, 2], 2));
    expect(seqs()).toEqual([1, 2]);
    expect(useTraceStore.getState().clearedThroughSeq).toBe(0);
  });
});
