import { describe, expect, it } from 'vitest';
import { ExpiryQueue } from '../../../../electron/compositor/esc/expiry-queue';

/** A clock the test moves by hand (the queue's timer is also real; `runDue` is called directly here). */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ExpiryQueue', () => {
  it('given items scheduled out of order, when their times pass, then they expire in deadline order', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const queue = new ExpiryQueue<string>((item) => expired.push(item), clock.now);
    for (const [item, delay] of [['c', 300], ['a', 100], ['d', 400], ['b', 200]] as const) queue.schedule(item, clock.now() + delay);
    clock.advance(250);
    queue.runDue();
    expect(expired).toEqual(['a', 'b']);
    clock.advance(1000);
    queue.runDue();
    expect(expired).toEqual(['a', 'b', 'c', 'd']);
    queue.dispose();
  });

  it('given a cancelled entry (a refresh), when its time passes, then it does not fire and the size drops', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const queue = new ExpiryQueue<string>((item) => expired.push(item), clock.now);
    const entry = queue.schedule('refreshed', clock.now() + 10);
    queue.schedule('kept', clock.now() + 20);
    queue.cancel(entry);
    expect(queue.size).toBe(1);
    clock.advance(30);
    queue.runDue();
    expect(expired).toEqual(['kept']);
    queue.dispose();
  });

  it('given many cancellations, when compacted, then the remaining entries still expire in order', () => {
    const clock = manualClock();
    const expired: number[] = [];
    const queue = new ExpiryQueue<number>((item) => expired.push(item), clock.now);
    const entries = Array.from({ length: 5000 }, (_, i) => queue.schedule(i, clock.now() + 5000 - i));
    entries.forEach((entry, i) => {
      if (i % 10 !== 0) queue.cancel(entry);
    });
    clock.advance(10_000);
    queue.runDue();
    expect(expired).toEqual(Array.from({ length: 500 }, (_, k) => 4990 - k * 10));
    queue.dispose();
  });

  it('given a real timer, when the deadline passes, then the item expires without anyone calling runDue', async () => {
    const fired = new Promise<string>((resolve) => {
      const queue = new ExpiryQueue<string>((item) => {
        queue.dispose();
        resolve(item);
      });
      queue.schedule('soon', Date.now() + 20);
    });
    await expect(fired).resolves.toBe('soon');
  });
});
