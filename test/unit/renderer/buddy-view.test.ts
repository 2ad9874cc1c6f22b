import { describe, expect, it } from 'vitest';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import type { PresenceStatus } from '../../../shared/presence/presence-status';
import { groupBuddies } from '../../../renderer/src/buddies/buddy-view';

function entry(aor: string, displayName: string, group: string, status: PresenceStatus | 'pending' | 'unknown', note: string | null = null): BuddyEntry {
  const isPresence = status !== 'pending' && status !== 'unknown';
  return {
    aor,
    displayName,
    group,
    source: 'saved',
    presence: {
      aor,
      subscription: { phase: isPresence ? 'active' : status },
      presence: isPresence ? { status, note, activities: [], devices: [] } : null,
      changedAt: null,
    },
  };
}

const list = [
  entry('sip:zoe@x.org', 'Zoe', 'Team', 'available'),
  entry('sip:adam@x.org', 'Adam', 'Team', 'away', 'Lunch'),
  entry('sip:bea@x.org', 'Bea', 'Team', 'available'),
  entry('sip:carl@x.org', '', '', 'pending'),
  entry('sip:dina@x.org', 'Dina', 'Team', 'unknown'),
  entry('sip:eve@x.org', 'Eve', 'Friends', 'busy', 'Deep in the lab'),
];

describe('the buddy list as shown', () => {
  it('groups by group name (alphabetically, no group as “Buddies”) and sorts by availability then name', () => {
    const groups = groupBuddies(list);
    expect(groups.map((g) => [g.name, g.rows.map((r) => r.name)])).toEqual([
      ['Buddies', ['carl']],
      ['Friends', ['Eve']],
      ['Team', ['Bea', 'Zoe', 'Adam', 'Dina']],
    ]);
  });

  it('searches names, addresses, notes and statuses, ignoring case', () => {
    const names = (query: string) => groupBuddies(list, query).flatMap((g) => g.rows.map((r) => r.name));
    expect(names('DEEP')).toEqual(['Eve']);
    expect(names('lunch')).toEqual(['Adam']);
    expect(names('sip:carl')).toEqual(['carl']);
    expect(names('awaiting')).toEqual(['carl']);
    expect(names('nobody')).toEqual([]);
    expect(names('  ')).toHaveLength(list.length);
  });
});
