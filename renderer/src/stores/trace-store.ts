/**
 * The SIP trace as recorded by main: a bounded buffer of numbered entries, fed by the snapshot and by
 * `onTraceBatch`. Entries at or below `lastSeq` are ignored, so a batch overlapping the snapshot does
 * not duplicate anything. (The trace pane — list, filters, ladder — builds on this store.)
 */
import { create } from 'zustand';
import type { AppSnapshot, TraceBatch } from '../../../shared/ipc/contract';
import type { TraceEntry } from '../../../shared/trace/trace-entry';

interface TraceState {
  readonly entries: readonly TraceEntry[];
  /** The newest sequence number held (0: none). */
  readonly lastSeq: number;
  /** Most entries held; the oldest go first. */
  readonly capacity: number;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    traceBatchReceived(batch: TraceBatch): void;
  };
}

export const useTraceStore = create<TraceState>()((set) => ({
  entries: [],
  lastSeq: 0,
  capacity: 100_000,
  actions: {
    snapshotReceived: ({ trace }) => set({ entries: trace.entries.slice(-trace.capacity), lastSeq: trace.lastSeq, capacity: trace.capacity }),
    traceBatchReceived: (batch) =>
      set((state) => {
        const fresh = batch.entries.filter((e) => e.seq > state.lastSeq);
        if (fresh.length === 0) return state;
        const combined = state.entries.concat(fresh);
        return {
          entries: combined.length > state.capacity ? combined.slice(combined.length - state.capacity) : combined,
          lastSeq: fresh[fresh.length - 1]!.seq,
        };
      }),
  },
}));
