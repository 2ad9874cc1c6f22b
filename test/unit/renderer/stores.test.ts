import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PresenceApi } from '../../../shared/ipc/contract';
import type { AppSnapshot } from '../../../shared/ipc/contract';
import { useBuddyStore } from '../../../renderer/src/stores/buddy-store';

const snapshot = (overrides: Partial<AppSnapshot>): AppSnapshot =>
  ({
    buddies: [],
    trace: { entries: [], lastSeq: 0, capacity: 100_000 },
    ...overrides,
  }) as AppSnapshot;

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
    const change = {
      aor: 'sip:bob@x.org',
      subscription: { phase: 'active' as const },
      presence: { status: 'busy' as const, note: 'x', activities: ['busy'], devices: [] },
      changedAt: 5,
    };
    actions.buddyPresenceBatchReceived([change]);
    expect(useBuddyStore.getState().buddies.map((b) => b.presence)).toEqual([change, carol.presence]);
    const before = useBuddyStore.getState().buddies;
    actions.buddyPresenceBatchReceived([{ ...change, aor: 'sip:stranger@x.org' }]);
    expect(useBuddyStore.getState().buddies).toBe(before);
  });

  describe('given main saves an alert and its new buddy list comes later', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('shows the saved alert as soon as main answers, not the old one until the list arrives', async () => {
      const zoe = {
        aor: 'sip:zoe@x.org',
        displayName: 'Zoe',
        group: '',
        source: 'saved' as const,
        alert: 'off' as const,
        presence: { aor: 'sip:zoe@x.org', subscription: { phase: 'unknown' as const }, presence: null, changedAt: null },
      };
      const saved: unknown[] = [];
      const presence: Partial<PresenceApi> = {
        setBuddyAlert: async (request) => {
          saved.push(request);
          return { ...zoe, alert: request.alert };
        },
      };
      vi.stubGlobal('window', { presence });
      const { actions } = useBuddyStore.getState();
      actions.snapshotReceived(snapshot({ buddies: [zoe] }));
      expect(await actions.alertChangeRequested('sip:zoe@x.org', 'every-time')).toEqual({ ok: true });
      expect(saved).toEqual([{ aor: 'sip:zoe@x.org', alert: 'every-time' }]);
      expect(useBuddyStore.getState().buddies[0]!.alert).toBe('every-time');
    });
  });
});
