import { describe, expect, it } from 'vitest';
import type { BuddyPresence, PresenceSummary } from '../../../shared/presence/presence-state';
import { CHOSEN_STATUSES } from '../../../shared/presence/presence-status';
import { describeBuddy, extraActivities, foreignNoteLanguage, formatAgo, formatIn } from '../../../renderer/src/presence/status-view';
import { glyphOfStatus } from '../../../shared/presence/status-glyphs';

const summary = (status: PresenceSummary['status']): PresenceSummary => ({ status, note: null, activities: [], devices: [] });
const buddy = (subscription: BuddyPresence['subscription'], presence: PresenceSummary | null = null): BuddyPresence => ({
  aor: 'sip:bob@example.com',
  subscription,
  presence,
  changedAt: null,
});

describe('what the buddy list shows for a buddy', () => {
  it('given an active subscription with a document, then the status with its tone', () => {
    expect(describeBuddy(buddy({ phase: 'active' }, summary('busy')))).toMatchObject({ kind: 'presence', tone: 'busy', label: 'Busy' });
    expect(describeBuddy(buddy({ phase: 'active' }, summary('offline')))).toMatchObject({
      kind: 'presence',
      tone: 'offline',
      label: 'Offline',
    });
  });

  it('given no answer yet, a pending subscription, or an active one without a document, then none reads as offline', () => {
    expect(describeBuddy(buddy({ phase: 'unknown' }))).toMatchObject({ kind: 'unknown', tone: 'unknown', label: 'Unknown' });
    expect(describeBuddy(buddy({ phase: 'pending' }))).toMatchObject({ kind: 'pending', tone: 'pending', label: 'Awaiting authorisation' });
    expect(describeBuddy(buddy({ phase: 'active' }))).toMatchObject({ kind: 'unknown', label: 'Unknown (no presence yet)' });
  });

  it('given a document that says nothing about availability, then Unknown with the unknown tone, sorted with the unknowns, never offline', () => {
    const unknownDocument = describeBuddy(buddy({ phase: 'active' }, summary('unknown')));
    expect(unknownDocument).toMatchObject({ kind: 'presence', tone: 'unknown', label: 'Unknown' });
    expect(unknownDocument.rank).toBe(describeBuddy(buddy({ phase: 'unknown' })).rank);
    expect(unknownDocument.rank).toBeGreaterThan(describeBuddy(buddy({ phase: 'active' }, summary('offline'))).rank);
  });

  it('given a terminated or failed subscription, then it says so with the reason', () => {
    expect(describeBuddy(buddy({ phase: 'terminated', reason: 'rejected' }))).toMatchObject({
      kind: 'not-subscribed',
      label: 'Not subscribed (rejected)',
    });
    expect(describeBuddy(buddy({ phase: 'error', problem: { statusCode: 403, message: 'Forbidden (403 Forbidden).' } }))).toMatchObject({
      kind: 'error',
      label: 'Error: Forbidden (403 Forbidden).',
    });
  });

  it('given presence that is not current, then its last known status (the row greys it), the failed subscription’s reason as detail', () => {
    const lastKnown = {
      ...buddy({ phase: 'error', problem: { message: 'Nothing answers.' } }, summary('busy')),
      stale: { asOf: 1, reason: 'connection-lost' as const },
    };
    expect(describeBuddy(lastKnown)).toMatchObject({ kind: 'presence', tone: 'busy', label: 'Busy', detail: 'Nothing answers.' });
    const ended = {
      ...buddy({ phase: 'terminated', reason: 'deactivated' }, summary('available')),
      stale: { asOf: 1, reason: 'terminated' as const },
    };
    expect(describeBuddy(ended)).toEqual(describeBuddy(buddy({ phase: 'active' }, summary('available'))));
    // Without a document there is no last known status: the subscription's state, as before.
    expect(describeBuddy({ ...buddy({ phase: 'unknown' }), stale: { asOf: null, reason: 'not-refreshed' } })).toMatchObject({
      kind: 'unknown',
    });
  });

  it('given an address the server does not know (404), then a short state and the server’s reason as its detail', () => {
    expect(describeBuddy(buddy({ phase: 'error', problem: { statusCode: 404, message: 'No such user (404 Not Found).' } }))).toMatchObject({
      kind: 'error',
      label: 'Unknown address',
      detail: 'No such user (404 Not Found).',
    });
  });

  it('ranks available before busy before away before offline before the unknown states', () => {
    const ranks = [
      describeBuddy(buddy({ phase: 'active' }, summary('available'))),
      describeBuddy(buddy({ phase: 'active' }, summary('on-the-phone'))),
      describeBuddy(buddy({ phase: 'active' }, summary('busy'))),
      describeBuddy(buddy({ phase: 'active' }, summary('away'))),
      describeBuddy(buddy({ phase: 'active' }, summary('offline'))),
      describeBuddy(buddy({ phase: 'pending' })),
      describeBuddy(buddy({ phase: 'unknown' })),
      describeBuddy(buddy({ phase: 'error' })),
    ].map((d) => d.rank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});

describe('relative times', () => {
  const now = 1_800_000_000_000;
  it.each([
    [10, 'just now'],
    [120, '2 min ago'],
    [3 * 3600, '3 h ago'],
    [26 * 3600, 'yesterday'],
    [4 * 86400, '4 days ago'],
  ])('%i s ago reads %s', (seconds, text) => {
    expect(formatAgo(now - seconds * 1000, now)).toBe(text);
  });

  it('counts down to an expiry', () => {
    expect(formatIn(now + 40_000, now)).toBe('in 40 s');
    expect(formatIn(now + 540_000, now)).toBe('in 9 min');
    expect(formatIn(now - 5_000, now)).toBe('in 0 s');
  });
});

describe('activities beside a status', () => {
  it('shows only what the status does not already say', () => {
    expect(extraActivities('in-a-meeting', ['meeting'])).toEqual([]);
    expect(extraActivities('do-not-disturb', ['busy', 'other:dnd'])).toEqual([]);
    expect(extraActivities('away', ['away', 'vacation'])).toEqual(['vacation']);
    expect(extraActivities('available', ['lunch'])).toEqual(['lunch']);
  });
});

describe('the note’s language beside it', () => {
  it('given a note in another language than the viewer’s, then its tag to show', () => {
    expect(foreignNoteLanguage('de', 'en-US')).toBe('de');
    expect(foreignNoteLanguage('fr-CA', 'en')).toBe('fr-CA');
  });

  it('given a note in the viewer’s language (any region, any case) or without a language, then nothing', () => {
    expect(foreignNoteLanguage('en-GB', 'en-US')).toBeNull();
    expect(foreignNoteLanguage('DE', 'de-CH')).toBeNull();
    expect(foreignNoteLanguage(undefined, 'en-US')).toBeNull();
    expect(foreignNoteLanguage(' ', 'en-US')).toBeNull();
  });
});

describe('status glyphs', () => {
  it('gives every status one can choose its own glyph, so none is told apart by colour alone', () => {
    const glyphs = CHOSEN_STATUSES.map((status) => glyphOfStatus(status));
    expect(new Set(glyphs).size).toBe(CHOSEN_STATUSES.length);
    expect(glyphs).not.toContain('none');
  });
});
