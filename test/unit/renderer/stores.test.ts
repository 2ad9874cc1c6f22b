import { beforeEach, describe, expect, it } from 'vitest';
import type { AppSnapshot } from '../../../shared/ipc/contract';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { useBuddyStore } from '../../../renderer/src/stores/buddy-store';
import { useTraceStore } from '../../../renderer/src/stores/trace-store';

const traceEntry = (seq: number): TraceEntry => ({
  seq,
  at: seq,
  direction: 'out',
  transport: 'udp',
  local: { address: '127.0.0.1', port: 1 },
  remote: { address: '127.0.0.1', port: 2 },
  raw: 'x',
});

const snapshot = (overrides: Partial<AppSnapshot>): AppSnapshot =>
  ({
    buddies: [],
    trace: { entries: [], lastSeq: 0, capacity: 100_000 },
    ...overrides,
  }) as AppSnapshot;

describe('trace store', () => {
  beforeEach(() => useTraceStore.setState({ entries: [], lastSeq: 0, capacity: 100_000 }));

  it('given a snapshot, when a batch overlaps it, then nothing is duplicated', () => {
    const { actions } = useTraceStore.getState();
    actions.snapshotReceived(snapshot({ trace: { entries: [1, 2, 3].map(traceEntry), lastSeq: 3, capacity: 5 } }));
    actions.traceBatchReceived({ entries: [2, 3, 4, 5].map(traceEntry) });
    expect(useTraceStore.getState().entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(useTraceStore.getState().lastSeq).toBe(5);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const { actions } = useTraceStore.getState();
    actions.snapshotReceived(snapshot({ trace: { entries: [], lastSeq: 0, capacity: 3 } }));
    actions.traceBatchReceived({ entries: [1, 2].map(traceEntry) });
    actions.traceBatchReceived({ entries: [3, 4, 5].map(traceEntry) });
    expect(useTraceStore.getState().entries.map((e) => e.seq)).toEqual([3, 4, 5]);
  });
});

describe('buddy store', () => {
  it('applies a presence change to its buddy only, and ignores one for an AOR not in the list', () => {
    const bob = {
      aor: 'sip:bob@x.org',
      displayName: 'Bob',
      group: '',
      source: 'saved' as const,
      presence: { aor: 'sip:bob@x.org', subscription: { phase: 'unknown' as const }, presence: null, changedAt: null },
    };
    const carol = { ...bob, aor: 'sip:carol@x.org', presence: { ...bob.presence, aor: 'sip:carol@x.org' } };
    const { actions } = useBuddyStore.getState();
    actions.snapshotReceived(snapshot({ buddies: [bob, carol] }));
    const change = { aor: 'sip:bob@x.org', subscription: { phase: 'active' as const }, presence: { status: 'busy' as const, note: 'x', activities: ['busy'], devices: [] }, changedAt: 5 };
    actions.buddyPresenceChanged(change);
    expect(useBuddyStore.getState().buddies.map((b) => b.presence)).toEqual([change, carol.presence]);
    const before = useBuddyStore.getState().buddies;
    actions.buddyPresenceChanged({ ...change, aor: 'sip:stranger@x.org' });
    expect(useBuddyStore.getState().buddies).toBe(before);
  });
});
