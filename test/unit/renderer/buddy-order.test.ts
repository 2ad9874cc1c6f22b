import { describe, expect, it } from 'vitest';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import { PRESENCE_STATUSES, type PresenceStatus } from '../../../shared/presence/presence-status';
import { BuddyOrder } from '../../../renderer/src/buddies/buddy-order';
import type { BuddyGroupView } from '../../../renderer/src/buddies/buddy-view';

function entry(i: number, group: string, status: PresenceStatus | null): BuddyEntry {
  const aor = `sip:buddy${i}@x.org`;
  return {
    aor,
    displayName: `Buddy ${i % 97}`,
    group,
    source: 'saved',
    presence: {
      aor,
      subscription: { phase: status === null ? 'pending' : 'active' },
      presence: status === null ? null : { status, note: `note ${i}`, activities: [], devices: [] },
      changedAt: null,
    },
  };
}

/** A small seeded generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shape = (groups: readonly BuddyGroupView[]) => groups.map((g) => [g.name, g.rows.map((r) => r.entry.aor)]);
const GROUPS = ['', 'Team', 'Friends', 'Ops'];

describe('BuddyOrder', () => {
  it('after any sequence of presence batches, shows exactly the order a fresh sort of the same list gives', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
    let entries = Array.from({ length: 400 }, (_, i) => entry(i, pick(GROUPS), i % 5 === 0 ? null : pick(PRESENCE_STATUSES)));
    const order = new BuddyOrder();
    order.update(entries);
    for (let batch = 0; batch < 60; batch++) {
      const changes = 1 + Math.floor(next() * 20);
      entries = [...entries];
      for (let c = 0; c < changes; c++) {
        const i = Math.floor(next() * entries.length);
        entries[i] = entry(i, entries[i]!.group, pick(PRESENCE_STATUSES));
      }
      const incremental = order.update(entries);
      expect(shape(incremental)).toEqual(shape(new BuddyOrder().update(entries)));
    }
    expect(shape(order.update(entries, 'name'))).toEqual(shape(new BuddyOrder('name').update(entries)));
  });

  it('given one buddy changes status, then only that row is made again and only its group gets a new row list', () => {
    const entries = [entry(1, 'Team', 'available'), entry(2, 'Team', 'available'), entry(3, 'Ops', 'busy'), entry(4, 'Team', 'away')];
    const order = new BuddyOrder();
    const before = order.update(entries);
    expect(shape(before)).toEqual([
      ['Ops', ['sip:buddy3@x.org']],
      ['Team', ['sip:buddy1@x.org', 'sip:buddy2@x.org', 'sip:buddy4@x.org']],
    ]);
    const changed = [...entries];
    changed[0] = entry(1, 'Team', 'offline');
    const after = order.update(changed);
    expect(shape(after)).toEqual([
      ['Ops', ['sip:buddy3@x.org']],
      ['Team', ['sip:buddy2@x.org', 'sip:buddy4@x.org', 'sip:buddy1@x.org']],
    ]);
    expect(after[0]!.rows).toBe(before[0]!.rows);
    expect(after[1]!.rows[0]).toBe(before[1]!.rows[1]);
    expect(after[1]!.rows[1]).toBe(before[1]!.rows[2]);
    // The previous order is left as it was, so a row held in place can still be compared with it.
    expect(before[1]!.rows.map((r) => r.entry.aor)).toEqual(['sip:buddy1@x.org', 'sip:buddy2@x.org', 'sip:buddy4@x.org']);
  });

  it('given a new list, then groups come and go; search filters rows by name, address, group, status and note', () => {
    const order = new BuddyOrder();
    order.update([entry(1, 'Team', 'available'), entry(2, 'Ops', 'busy')]);
    expect(shape(order.update([entry(2, 'Ops', 'busy'), entry(3, '', null)]))).toEqual([
      ['Buddies', ['sip:buddy3@x.org']],
      ['Ops', ['sip:buddy2@x.org']],
    ]);
    const found = (query: string) => shape(order.search(query));
    expect(found('OPS')).toEqual([['Ops', ['sip:buddy2@x.org']]]);
    expect(found('buddy3@')).toEqual([['Buddies', ['sip:buddy3@x.org']]]);
    expect(found('note 2')).toEqual([['Ops', ['sip:buddy2@x.org']]]);
    expect(found('busy')).toEqual([['Ops', ['sip:buddy2@x.org']]]);
    expect(found('nobody')).toEqual([]);
  });

  it('given a batch that changes most buddies, a move to another group, then another sort, then each equals a fresh sort and keeps the rows it can', () => {
    let entries = Array.from({ length: 300 }, (_, i) => entry(i, i % 2 === 0 ? 'Team' : 'Ops', 'available'));
    const order = new BuddyOrder();
    order.update(entries);
    entries = entries.map((e, i) => (i % 10 === 0 ? e : entry(i, e.group, PRESENCE_STATUSES[i % PRESENCE_STATUSES.length]!)));
    expect(shape(order.update(entries))).toEqual(shape(new BuddyOrder().update(entries)));
    // An edit moves buddy 4 into a group of its own, and then back: the group comes and goes.
    entries = entries.map((e, i) => (i === 4 ? { ...e, group: 'Solo' } : e));
    expect(shape(order.update(entries)).map(([name]) => name)).toEqual(['Ops', 'Solo', 'Team']);
    expect(shape(order.update(entries))).toEqual(shape(new BuddyOrder().update(entries)));
    entries = entries.map((e, i) => (i === 4 ? { ...e, group: 'Team' } : e));
    expect(shape(order.update(entries))).toEqual(shape(new BuddyOrder().update(entries)));
    const before = order.update(entries).flatMap((g) => g.rows);
    const byName = order.update(entries, 'name');
    expect(shape(byName)).toEqual(shape(new BuddyOrder('name').update(entries)));
    // Another sort of the same list orders the same row objects again; it makes none anew.
    expect(new Set(byName.flatMap((g) => g.rows))).toEqual(new Set(before));
  });
});
