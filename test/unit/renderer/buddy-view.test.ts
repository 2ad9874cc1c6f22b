import { describe, expect, it } from 'vitest';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import type { PresenceStatus } from '../../../shared/presence/presence-status';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { groupBuddies } from '../../../renderer/src/buddies/buddy-order';
import {
  buddyRowView,
  describeBuddyNotice,
  explanationQuestion,
  keepRowOrder,
  type BuddyRowView,
} from '../../../renderer/src/buddies/buddy-view';

function entry(
  aor: string,
  displayName: string,
  group: string,
  status: PresenceStatus | 'pending' | 'unknown',
  note: string | null = null,
): BuddyEntry {
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

  it('sorted by name, ignores availability', () => {
    expect(
      groupBuddies(list, '', 'name')
        .find((g) => g.name === 'Team')
        ?.rows.map((r) => r.name),
    ).toEqual(['Adam', 'Bea', 'Dina', 'Zoe']);
  });

  it('while a row is held, keeps the rows where they were, puts new rows last and drops removed ones', () => {
    const before = groupBuddies(list);
    // Zoe goes offline and Bea leaves; Finn arrives: sorted afresh Zoe would drop below Adam.
    const changed = [
      ...list.filter((e) => e.aor !== 'sip:bea@x.org' && e.aor !== 'sip:zoe@x.org'),
      entry('sip:zoe@x.org', 'Zoe', 'Team', 'offline'),
      entry('sip:finn@x.org', 'Finn', 'Team', 'available'),
    ];
    const fresh = groupBuddies(changed);
    expect(fresh.find((g) => g.name === 'Team')?.rows.map((r) => r.name)).toEqual(['Finn', 'Adam', 'Zoe', 'Dina']);
    const held = keepRowOrder(fresh, before);
    expect(held.find((g) => g.name === 'Team')?.rows.map((r) => r.name)).toEqual(['Zoe', 'Adam', 'Dina', 'Finn']);
    // The rows carry the fresh state even where they keep the old place.
    expect(held.find((g) => g.name === 'Team')?.rows[0]?.display.label).toBe('Offline');
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

  it('given a buddy on the phone, then the search finds it by its line state; a line not known yet matches nothing', () => {
    const zoe = list[0]!;
    const withLine = (activity: 'on-the-phone' | 'unknown') => ({
      ...zoe,
      presence: { ...zoe.presence, line: { activity, offered: 'yes' as const, changedAt: null } },
    });
    const names = (buddies: readonly BuddyEntry[], query: string) => groupBuddies(buddies, query).flatMap((g) => g.rows.map((r) => r.name));
    expect(names([withLine('on-the-phone'), ...list.slice(1)], 'on the phone')).toEqual(['Zoe']);
    expect(names([withLine('unknown'), ...list.slice(1)], 'not known')).toEqual([]);
  });
});

describe('the question a row’s explanation answers', () => {
  it('asks about a long error by its kind, and about a short state by its words', () => {
    const failed = (problem: { statusCode?: number; message: string }): BuddyRowView => {
      const e = entry('sip:bob@x.org', 'Bob', '', 'unknown');
      const presence = { ...e.presence, subscription: { phase: 'error' as const, problem } };
      return buddyRowView({ ...e, presence });
    };
    expect(explanationQuestion(failed({ statusCode: 403, message: 'Forbidden (403 Forbidden).' }))).toBe('Why “Error”?');
    expect(explanationQuestion(failed({ statusCode: 404, message: 'No such user (404 Not Found).' }))).toBe('Why “Unknown address”?');
  });
});

describe('what a buddy row says about its subscription', () => {
  const now = 1_800_000_000_000;
  const away = { status: 'away', note: 'Lunch', activities: [], devices: [] } as const;
  const row = (subscription: BuddyPresence['subscription'], presence: BuddyPresence['presence'] = null): BuddyRowView => {
    const buddy: BuddyPresence = { aor: 'sip:bob@x.org', subscription, presence, changedAt: null };
    return buddyRowView({ aor: buddy.aor, displayName: 'Bob', group: '', source: 'saved', presence: buddy });
  };

  it('given a healthy subscription, then nothing', () => {
    expect(describeBuddyNotice(row({ phase: 'active' }, away), now)).toBeNull();
    expect(describeBuddyNotice(row({ phase: 'pending' }), now)).toBeNull();
  });

  it('given an update that could not be used while watching, then a warning that keeps the previous presence and status', () => {
    const unreadable = row(
      { phase: 'active', problem: { message: 'The server sent a presence document Presently could not read: unclosed tag.' } },
      away,
    );
    expect(describeBuddyNotice(unreadable, now)).toEqual({
      tone: 'warning',
      text: "Bob's last update could not be read (the server sent a presence document Presently could not read: unclosed tag); showing the previous one.",
    });
    expect(unreadable.display).toMatchObject({ kind: 'presence', label: 'Away' });
    const first = row({
      phase: 'unknown',
      problem: { statusCode: 400, message: 'No Event header in the NOTIFY, answered 400 Missing Event.' },
    });
    expect(describeBuddyNotice(first, now)?.text).toBe(
      "Bob's last update could not be read (no Event header in the NOTIFY, answered 400 Missing Event); there is no earlier one to show.",
    );
  });

  it('given a termination, then why in words and when we ask again', () => {
    expect(describeBuddyNotice(row({ phase: 'terminated', reason: 'rejected', retryAt: now + 40_000 }), now)).toEqual({
      tone: 'problem',
      text: 'Not watching: refused by the buddy or the server · retrying in 40 s',
    });
    expect(describeBuddyNotice(row({ phase: 'terminated', reason: 'x-maintenance', retryAt: now + 600_000 }), now)?.text).toMatch(
      /^Not watching: ended \(x-maintenance\) · retrying at \d{1,2}\D\d{2}/,
    );
  });

  it('given an error, then when we ask again (the status label says why), or that we wait for the connection', () => {
    const refused = row({
      phase: 'error',
      problem: { statusCode: 403, message: 'Watching sip:bob@x.org refused by the server: forbidden (403 Forbidden).' },
      retryAt: now + 300_000,
    });
    expect(describeBuddyNotice(refused, now)?.text).toMatch(/^Not watching · retrying at \d{1,2}\D\d{2}/);
    expect(refused.display.label).toBe('Error: Watching sip:bob@x.org refused by the server: forbidden (403 Forbidden).');
    expect(
      describeBuddyNotice(row({ phase: 'error', problem: { message: 'Not watching: the connection to the server was lost.' } }), now)?.text,
    ).toBe('Not watching · retrying once reconnected');
  });

  it('asks why for a buddy shown offline, unknown, awaiting or in error, and not for one whose presence says otherwise', () => {
    const offline = { ...away, status: 'offline' } as const;
    expect(explanationQuestion(row({ phase: 'active' }, offline))).toBe('Why is this buddy offline?');
    expect(explanationQuestion(row({ phase: 'active' }, away))).toBeNull();
    expect(explanationQuestion(row({ phase: 'unknown' }))).toBe('Why “Unknown”?');
    expect(explanationQuestion(row({ phase: 'pending' }))).toBe('Why “Awaiting authorisation”?');
    expect(explanationQuestion(row({ phase: 'error', problem: { message: 'Refused.' } }))).toBe('Why “Error”?');
  });
});
