import { describe, expect, it } from 'vitest';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import type { SelfPresence } from '../../../shared/ipc/contract';
import {
  countStale,
  describeAutomatic,
  describeLastSeenAvailable,
  describeStale,
  describeUntil,
  statusChosenByHand,
} from '../../../renderer/src/presence/freshness-view';

const HHMM = (at: number) => new Date(at).toISOString().slice(11, 16);

function entry(aor: string, stale?: BuddyEntry['presence']['stale']): BuddyEntry {
  return {
    aor,
    displayName: '',
    group: '',
    source: 'saved',
    presence: { aor, subscription: { phase: 'active' }, presence: null, changedAt: null, ...(stale ? { stale } : {}) },
  };
}

describe('freshness view', () => {
  it('given a stale buddy, then "as of 14:05 — not updated: connection lost"; without a time, only why', () => {
    const at = Date.parse('2024-05-01T14:05:00Z');
    expect(describeStale({ asOf: at, reason: 'connection-lost' }, HHMM)).toBe('as of 14:05 — not updated: connection lost');
    expect(describeStale({ asOf: null, reason: 'terminated' }, HHMM)).toBe('not updated: the server ended the subscription');
  });

  it('given a list, then the header counts the buddies that are not current', () => {
    expect(
      countStale([entry('a'), entry('b', { asOf: 1, reason: 'not-refreshed' }), entry('c', { asOf: null, reason: 'terminated' })]),
    ).toBe(2);
  });

  it('given a published end, then "until 15:00"; none or not a date, then null', () => {
    expect(describeUntil('2024-05-01T15:00:00.000Z', HHMM)).toBe('until 15:00');
    expect(describeUntil(undefined, HHMM)).toBeNull();
    expect(describeUntil('soon', HHMM)).toBeNull();
  });

  it('given an automatic Away, then why and for how long; a chosen status, then null', () => {
    const self: SelfPresence = {
      status: 'away',
      note: '',
      publication: { phase: 'published' },
      recentNotes: [],
      automatic: { reason: 'idle', since: 0 },
    };
    expect(describeAutomatic(self, 12 * 60_000)).toBe('Away — automatic, idle for 12 min');
    expect(describeAutomatic({ ...self, automatic: { reason: 'locked', since: 0 } }, 0)).toBe('Away — automatic, screen locked');
    const { automatic: _none, ...chosen } = self;
    expect(describeAutomatic(chosen, 0)).toBeNull();
  });

  it('given an automatic Away, then the status chosen by hand is Available (the only one it replaces); else the one shown', () => {
    const self: SelfPresence = { status: 'away', note: '', publication: { phase: 'published' }, recentNotes: [] };
    expect(statusChosenByHand({ ...self, automatic: { reason: 'locked', since: 0 } })).toBe('available');
    expect(statusChosenByHand(self)).toBe('away');
    expect(statusChosenByHand({ ...self, status: 'busy', until: 5 })).toBe('busy');
  });

  it('given changes, then when the last Available ended; none while available or never seen available', () => {
    const minute = 60_000;
    const now = 200 * minute;
    const changes = [
      { at: 0, status: 'away' as const, note: null },
      { at: 10 * minute, status: 'available' as const, note: null },
      { at: 80 * minute, status: 'busy' as const, note: 'Review' },
      { at: 150 * minute, status: 'available' as const, note: null },
      { at: 170 * minute, status: 'away' as const, note: null },
      { at: 190 * minute, status: 'offline' as const, note: null },
    ];
    expect(describeLastSeenAvailable(changes, 'offline', now)).toBe('last seen available 30 min ago');
    expect(describeLastSeenAvailable(changes.slice(0, 3), 'busy', now)).toBe('last seen available 2 h ago');
    expect(describeLastSeenAvailable(changes, 'available', now)).toBeNull();
    expect(describeLastSeenAvailable(changes.slice(0, 1), 'away', now)).toBeNull();
    // Available is the newest change, but the buddy shows otherwise now (the change not yet in the history): not said.
    expect(describeLastSeenAvailable(changes.slice(0, 4), 'away', now)).toBeNull();
  });
});
