/** A buddy's line state (BLF) in the row and details (renderer/src/presence/line-state-view.ts) and the feed sentence. */
import { describe, expect, it } from 'vitest';
import { PER_BUDDY_FEED } from '../../../shared/presence/presence-state';
import { describeBuddyFeed } from '../../../renderer/src/buddies/buddy-feed-view';
import { describeLine } from '../../../renderer/src/presence/line-state-view';

describe('describeLine', () => {
  it('given no line state, or a server that refused the dialog package, then nothing is shown', () => {
    expect(describeLine(undefined)).toBeNull();
    expect(describeLine({ activity: 'unknown', offered: 'no', changedAt: null })).toBeNull();
  });

  it('given a line whose state has not arrived, then the details say so and the row has nothing to speak', () => {
    expect(describeLine({ activity: 'unknown', offered: 'unknown', changedAt: null })).toEqual({
      state: null,
      label: 'not known yet',
      spoken: null,
      changedAt: null,
    });
  });

  it.each([
    ['idle', 'Idle'],
    ['ringing', 'Ringing'],
    ['on-the-phone', 'On the phone'],
  ] as const)('given the line %s, then its words, spoken as "line: …"', (activity, label) => {
    expect(describeLine({ activity, offered: 'yes', changedAt: 5 })).toEqual({
      state: activity,
      label,
      spoken: `line: ${label.toLowerCase()}`,
      changedAt: 5,
    });
  });
});

describe('describeBuddyFeed', () => {
  it('given one subscription per buddy, then it says so', () => {
    expect(describeBuddyFeed(PER_BUDDY_FEED)).toBe('Buddies: one subscription per buddy.');
  });

  it('given the list subscription, then it names the list and its state', () => {
    const feed = { kind: 'list', listUri: 'sip:alice-buddies@example.com', subscription: { phase: 'active' }, problem: null } as const;
    expect(describeBuddyFeed(feed)).toBe('Buddies: one list subscription to sip:alice-buddies@example.com, active.');
    expect(describeBuddyFeed({ ...feed, subscription: { phase: 'pending' } })).toMatch(/awaiting authorisation\.$/);
  });

  it('given a configured list the server refused, then per buddy, with why the list is not used', () => {
    const feed = {
      kind: 'per-buddy',
      listUri: 'sip:alice-buddies@example.com',
      subscription: null,
      problem: { statusCode: 404, message: 'The server does not know that address (404 Not Found).' },
    } as const;
    expect(describeBuddyFeed(feed)).toBe(
      'Buddies: one subscription per buddy — the presence list sip:alice-buddies@example.com is not used (the server does not know that address (404 Not Found)).',
    );
  });
});
