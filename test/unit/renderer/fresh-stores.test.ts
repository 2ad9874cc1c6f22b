/**
 * The setup file test/support/fresh-zustand-stores.ts resets every store after each test. The two tests
 * below run in order: the first changes every store, the second must find each one as the app starts it.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { EMPTY_TRACE_FILTER } from '../../../shared/trace/trace-filter';
import { useAppStore } from '../../../renderer/src/stores/app-store';
import { useBuddyStore } from '../../../renderer/src/stores/buddy-store';
import { INITIAL_SELF, useSelfStore } from '../../../renderer/src/stores/self-store';
import { INITIAL_SESSION, useSessionStore } from '../../../renderer/src/stores/session-store';
import { useTraceStore } from '../../../renderer/src/stores/trace-store';
import { useUiStore } from '../../../renderer/src/stores/ui-store';
import { useTraceViewStore } from '../../../renderer/src/trace/trace-view-store';

const entry: TraceEntry = {
  seq: 1,
  at: 1,
  direction: 'in',
  transport: 'udp',
  local: { address: '127.0.0.1', port: 1 },
  remote: { address: '127.0.0.1', port: 2 },
  raw: 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n\r\n',
};

describe('renderer stores between tests', () => {
  it('given a test that changes every store', () => {
    useAppStore.getState().actions.handshakeFailed('no main process');
    useBuddyStore.getState().actions.buddiesChanged([
      {
        aor: 'sip:bob@x.org',
        displayName: 'Bob',
        group: '',
        source: 'saved',
        presence: { aor: 'sip:bob@x.org', subscription: { phase: 'unknown' }, presence: null, changedAt: null },
      },
    ]);
    useSelfStore.getState().actions.selfPresenceChanged({ ...INITIAL_SELF, status: 'busy', note: 'Lab' });
    useSessionStore.getState().actions.sessionChanged({ ...INITIAL_SESSION, mode: 'offline' });
    useTraceStore.getState().actions.traceBatchReceived({ entries: [entry] });
    useUiStore.getState().actions.tabSelected('trace');
    useTraceViewStore.getState().actions.paused(1);

    expect(useAppStore.getState().mainLink.state).toBe('failed');
    expect(useBuddyStore.getState().buddies).toHaveLength(1);
    expect(useSelfStore.getState().self.status).toBe('busy');
    expect(useSessionStore.getState().session.mode).toBe('offline');
    expect(useTraceStore.getState().buffer.size).toBe(1);
    expect(useUiStore.getState().tab).toBe('trace');
    expect(useTraceViewStore.getState().pausedAtSeq).toBe(1);
  });

  it("then the next test starts from every store's initial state, with an empty trace buffer", () => {
    expect(useAppStore.getState()).toMatchObject({ mainLink: { state: 'connecting' }, notices: [] });
    expect(useBuddyStore.getState().buddies).toEqual([]);
    expect(useSelfStore.getState()).toMatchObject({ self: INITIAL_SELF, pending: null, requestError: null });
    expect(useSessionStore.getState()).toMatchObject({ session: INITIAL_SESSION, accountState: { phase: 'idle', server: '' } });
    expect(useTraceStore.getState()).toMatchObject({ version: 0, lastSeq: 0, capacity: 100_000, clearedThroughSeq: 0 });
    expect(useTraceStore.getState().buffer.size).toBe(0);
    expect(useUiStore.getState()).toMatchObject({ tab: 'buddies', dialog: null });
    expect(useTraceViewStore.getState()).toMatchObject({
      filter: EMPTY_TRACE_FILTER,
      selectedSeq: null,
      panel: 'closed',
      pausedAtSeq: null,
      lastExport: null,
    });
  });
});
