import { describe, expect, it } from 'vitest';
import { staleness, withFreshness } from '../../../../shared/presence/freshness';
import type { AccountState, BuddyPresence, PresenceSummary } from '../../../../shared/presence/presence-state';

const REGISTERED: AccountState = { phase: 'registered', server: 'sip:example.com' };
const SUMMARY: PresenceSummary = { status: 'available', note: null, activities: [], devices: [] };

function buddy(subscription: BuddyPresence['subscription'], presence: PresenceSummary | null = SUMMARY): BuddyPresence {
  return { aor: 'sip:bob@example.com', subscription, presence, changedAt: 1_000 };
}

describe('freshness: never a stale green', () => {
  it('given an active or pending subscription on a connected account, then current', () => {
    expect(staleness(buddy({ phase: 'active' }), REGISTERED)).toBeUndefined();
    expect(staleness(buddy({ phase: 'pending' }), { ...REGISTERED, phase: 'connected' })).toBeUndefined();
  });

  it('given the account not connected, then stale for the lost connection, as of the last presence', () => {
    for (const phase of ['connecting', 'registering', 'failed', 'stopped'] as const) {
      expect(staleness(buddy({ phase: 'active' }), { ...REGISTERED, phase })).toEqual({ asOf: 1_000, reason: 'connection-lost' });
    }
  });

  it('given the subscription ended, failed or being set up again, then stale with the matching reason', () => {
    expect(staleness(buddy({ phase: 'terminated', reason: 'timeout' }), REGISTERED)?.reason).toBe('terminated');
    expect(staleness(buddy({ phase: 'error', problem: { message: 'x', cause: 'connection-lost' } }), REGISTERED)?.reason).toBe(
      'connection-lost',
    );
    expect(staleness(buddy({ phase: 'error', problem: { message: 'x', statusCode: 500 } }), REGISTERED)?.reason).toBe('not-refreshed');
    expect(staleness(buddy({ phase: 'unknown' }), REGISTERED)?.reason).toBe('not-refreshed');
  });

  it('given no presence yet, then nothing to mark; and withFreshness sets and clears the mark', () => {
    expect(staleness(buddy({ phase: 'terminated' }, null), REGISTERED)).toBeUndefined();
    const stale = withFreshness(buddy({ phase: 'unknown' }), REGISTERED);
    expect(stale.stale).toEqual({ asOf: 1_000, reason: 'not-refreshed' });
    expect(withFreshness({ ...stale, subscription: { phase: 'active' } }, REGISTERED)).not.toHaveProperty('stale');
  });
});
