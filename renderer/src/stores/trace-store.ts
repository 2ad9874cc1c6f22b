/**
 * The SIP trace as recorded by main, fed by the snapshot and by `onTraceBatch`.
 *
 * Built for 100,000 entries: the entries live in one TraceBuffer (a ring, shared/trace/trace-buffer.ts)
 * that a batch appends to in place — nothing already held is copied — and `version` changes with every
 * append or clear so components re-render. Each entry is summarised once, on arrival. What the pane
 * derives from it (the filtered list, the groups for ladders) is computed in renderer/src/trace/ from
 * the buffer and `version`, never stored here.
 *
 * Entries at or below the newest sequence number held are ignored, so a batch overlapping the snapshot
 * duplicates nothing.
 */
import { create } from 'zustand';
import type { AppSnapshot, TraceBatch } from '../../../shared/ipc/contract';
import { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { TRACE_CAPACITY } from '../../../shared/trace/trace-limits';

interface TraceState {
  /** The entries held. Mutated in place by the actions below; read it together with `version`. */
  readonly buffer: TraceBuffer;
  /** Changes whenever the buffer does. */
  readonly version: number;
  /** The newest sequence number received (0: none). */
  readonly lastSeq: number;
  /** Most entries held; the oldest go first. */
  readonly capacity: number;
  /** The user cleared everything up to this sequence number (0: never); exports of "all" start after it. */
  readonly clearedThroughSeq: number;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    traceBatchReceived(batch: TraceBatch): void;
    /** The user cleared the trace pane. */
    traceCleared(): void;
  };
}

export const useTraceStore = create<TraceState>()((set, get) => ({
  buffer: new TraceBuffer(TRACE_CAPACITY),
  version: 0,
  lastSeq: 0,
  capacity: TRACE_CAPACITY,
  clearedThroughSeq: 0,
  actions: {
    snapshotReceived: ({ trace }) => {
      let { buffer } = get();
      // Another capacity, or a service that started again (its numbering restarted): start afresh.
      if (buffer.capacity !== trace.capacity || trace.lastSeq < buffer.lastSeq) buffer = new TraceBuffer(trace.capacity);
      buffer.append(trace.entries);
      set((s) => ({
        buffer,
        version: s.version + 1,
        lastSeq: Math.max(buffer.lastSeq, trace.lastSeq),
        capacity: buffer.capacity,
        clearedThroughSeq: s.buffer === buffer ? s.clearedThroughSeq : 0,
      }));
    },
    traceBatchReceived: (batch) => {
      const { buffer } = get();
      if (buffer.append(batch.entries) === 0) return;
      set((s) => ({ version: s.version + 1, lastSeq: buffer.lastSeq }));
    },
    traceCleared: () => {
      const { buffer } = get();
      buffer.clear();
      set((s) => ({ version: s.version + 1, clearedThroughSeq: s.lastSeq }));
    },
  },
}));
