import { describe, expect, it } from 'vitest';
import { BuddyPresenceBatcher } from '../../../../electron/service/buddy-presence-batch';
import type { BuddyPresence } from '../../../../shared/presence/presence-state';

const presence = (aor: string, changedAt: number): BuddyPresence => ({
  aor,
  subscription: { phase: 'active' },
  presence: { status: 'busy', note: '', activities: [], devices: [] },
  changedAt,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BuddyPresenceBatcher', () => {
  it('sends a lone change at once, then one batch per window with each buddy once and its newest state', async () => {
    const batches: (readonly BuddyPresence[])[] = [];
    const batcher = new BuddyPresenceBatcher((batch) => batches.push(batch), 40);
    batcher.add(presence('sip:a@x', 1));
    expect(batches).toEqual([[presence('sip:a@x', 1)]]);
    batcher.add(presence('sip:b@x', 2));
    batcher.add(presence('sip:a@x', 3));
    batcher.add(presence('sip:b@x', 4));
    expect(batches).toHaveLength(1);
    await sleep(80);
    expect(batches).toEqual([[presence('sip:a@x', 1)], [presence('sip:b@x', 4), presence('sip:a@x', 3)]]);
    // A quiet window ended the burst: the next change goes at once again.
    await sleep(60);
    batcher.add(presence('sip:c@x', 5));
    expect(batches.at(-1)).toEqual([presence('sip:c@x', 5)]);
    batcher.dispose();
  });

  it('flushes what is pending on demand and on dispose, and with interval 0 sends every change on its own', () => {
    const batches: (readonly BuddyPresence[])[] = [];
    const batcher = new BuddyPresenceBatcher((batch) => batches.push(batch), 10_000);
    batcher.add(presence('sip:a@x', 1));
    batcher.add(presence('sip:b@x', 2));
    batcher.flush();
    batcher.add(presence('sip:c@x', 3));
    batcher.dispose();
    expect(batches).toEqual([[presence('sip:a@x', 1)], [presence('sip:b@x', 2)], [presence('sip:c@x', 3)]]);

    const single: (readonly BuddyPresence[])[] = [];
    const unbatched = new BuddyPresenceBatcher((batch) => single.push(batch), 0);
    unbatched.add(presence('sip:a@x', 1));
    unbatched.add(presence('sip:a@x', 2));
    expect(single).toEqual([[presence('sip:a@x', 1)], [presence('sip:a@x', 2)]]);
  });
});
