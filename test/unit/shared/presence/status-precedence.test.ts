/**
 * The one status precedence rule (shared/presence/status-precedence.ts): every row of its table, the
 * manual-over-automatic step and the closed device that contributes nothing.
 */
import { describe, expect, it } from 'vitest';
import type { PresenceStatus } from '../../../../shared/presence/presence-status';
import {
  compareByPrecedence,
  STATUS_ENGAGEMENT,
  strongestContribution,
  type StatusContribution,
} from '../../../../shared/presence/status-precedence';

const automatic = (status: PresenceStatus): StatusContribution => ({ status, isOpen: true, isManual: false });
const manual = (status: PresenceStatus): StatusContribution => ({ status, isOpen: true, isManual: true });
const closed = (status: PresenceStatus): StatusContribution => ({ status, isOpen: false, isManual: false });

/** The table, strongest first, as the module's header draws it. */
const TABLE: readonly PresenceStatus[] = [
  'do-not-disturb',
  'on-the-phone',
  'in-a-meeting',
  'busy',
  'away',
  'available',
  'offline',
  'unknown',
];

describe('the precedence table', () => {
  it('ranks the statuses as the table says, appear-offline with offline', () => {
    const ranks = TABLE.map((status) => STATUS_ENGAGEMENT[status]);
    expect(ranks).toEqual([6, 5, 4, 3, 2, 1, 0, -1]);
    expect(STATUS_ENGAGEMENT['appear-offline']).toBe(STATUS_ENGAGEMENT.offline);
  });

  // Every row against every weaker row, in both orders: the row wins.
  for (const [index, stronger] of TABLE.entries()) {
    for (const weaker of TABLE.slice(index + 1)) {
      it(`given ${stronger} and ${weaker} on two open automatic devices, then ${stronger}, in either order`, () => {
        expect(strongestContribution([automatic(stronger), automatic(weaker)])?.status).toBe(stronger);
        expect(strongestContribution([automatic(weaker), automatic(stronger)])?.status).toBe(stronger);
        expect(compareByPrecedence(automatic(stronger), automatic(weaker))).toBeLessThan(0);
        expect(compareByPrecedence(automatic(weaker), automatic(stronger))).toBeGreaterThan(0);
      });
    }
  }

  it('given two equal contributions, then the first given wins (the item itself is returned)', () => {
    const first = { ...automatic('away'), device: 'phone' };
    const second = { ...automatic('away'), device: 'laptop' };
    expect(strongestContribution([first, second])).toBe(first);
    expect(compareByPrecedence(first, second)).toBe(0);
  });
});

describe('manual over automatic', () => {
  it.each(TABLE)('given a manual %s, then it wins over every automatic status, even do-not-disturb', (status) => {
    for (const other of TABLE) {
      expect(strongestContribution([automatic(other), manual(status)])?.status).toBe(status);
      expect(strongestContribution([manual(status), automatic(other)])?.status).toBe(status);
    }
  });

  it('given several manual statuses, then the most engaged of them wins', () => {
    expect(strongestContribution([manual('available'), automatic('do-not-disturb'), manual('away')])?.status).toBe('away');
  });
});

describe('a closed device contributes nothing', () => {
  it.each(TABLE)('given a closed device saying %s beside an open available one, then available', (status) => {
    expect(strongestContribution([closed(status), automatic('available')])?.status).toBe('available');
    expect(strongestContribution([{ ...closed(status), isManual: true }, automatic('available')])?.status).toBe('available');
  });

  it('given only closed devices (or none), then no winner', () => {
    expect(strongestContribution([closed('busy'), { ...closed('do-not-disturb'), isManual: true }])).toBeNull();
    expect(strongestContribution([])).toBeNull();
  });

  it('sorts a closed contribution after every open one', () => {
    expect(compareByPrecedence(closed('do-not-disturb'), automatic('offline'))).toBeGreaterThan(0);
    expect(compareByPrecedence(automatic('offline'), closed('do-not-disturb'))).toBeLessThan(0);
  });
});
