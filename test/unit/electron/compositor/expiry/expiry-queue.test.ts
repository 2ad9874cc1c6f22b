import { describe, expect, it } from 'vitest';
import { ExpiryQueue, type Expirable } from '../../../../../electron/compositor/expiry/expiry-queue';

/** A clock the test moves by hand (the queue's timer is real too; `runDue` is called directly here). */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

interface Item extends Expirable {
  readonly name: string;
}
const item = (name: string): Item => ({ name, expiresAt: 0, expiryIndex: -1 });

describe('ExpiryQueue', () => {
  it('given items scheduled out of order, when their times pass, then they expire in deadline order', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const queue = new ExpiryQueue<Item>((i) => expired.push(i.name), clock.now);
    for (const [name, delay] of [
      ['c', 300],
      ['a', 100],
      ['d', 400],
      ['b', 200],
    ] as const)
      queue.schedule(item(name), clock.now() + delay);
    clock.advance(250);
    queue.runDue();
    expect(expired).toEqual(['a', 'b']);
    clock.advance(1000);
    queue.runDue();
    expect(expired).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.size).toBe(0);
    queue.dispose();
  });

  it('given a scheduled item, when rescheduled later or earlier (a refresh), then it expires at its new time only', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const queue = new ExpiryQueue<Item>((i) => expired.push(i.name), clock.now);
    const refreshed = item('refreshed');
    const hurried = item('hurried');
    queue.schedule(refreshed, clock.now() + 10);
    queue.schedule(hurried, clock.now() + 1000);
    queue.schedule(item('middle'), clock.now() + 50);
    queue.schedule(refreshed, clock.now() + 100);
    queue.schedule(hurried, clock.now() + 5);
    expect(queue.size).toBe(3);
    clock.advance(20);
    queue.runDue();
    expect(expired).toEqual(['hurried']);
    clock.advance(200);
    queue.runDue();
    expect(expired).toEqual(['hurried', 'middle', 'refreshed']);
    queue.dispose();
  });

  it('given a cancelled item, when its time passes, then it does not fire, and cancelling twice is harmless', () => {
    const clock = manualClock();
    const expired: string[] = [];
    const queue = new ExpiryQueue<Item>((i) => expired.push(i.name), clock.now);
    const gone = item('gone');
    queue.schedule(gone, clock.now() + 10);
    queue.schedule(item('kept'), clock.now() + 20);
    queue.cancel(gone);
    queue.cancel(gone);
    expect([queue.size, gone.expiryIndex]).toEqual([1, -1]);
    clock.advance(30);
    queue.runDue();
    expect(expired).toEqual(['kept']);
    queue.dispose();
  });

  it('given thousands of random schedules, reschedules and cancels, when all is due, then the order is the order of the final deadlines', () => {
    const clock = manualClock();
    const fired: Item[] = [];
    const queue = new ExpiryQueue<Item>((i) => fired.push(i), clock.now);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const items = Array.from({ length: 3000 }, (_, i) => item(String(i)));
    for (const it of items) queue.schedule(it, clock.now() + Math.floor(random() * 10_000));
    const cancelled = new Set<Item>();
    for (let k = 0; k < 3000; k++) {
      const target = items[Math.floor(random() * items.length)] as Item;
      if (random() < 0.2) {
        queue.cancel(target);
        cancelled.add(target);
      } else {
        queue.schedule(target, clock.now() + Math.floor(random() * 10_000));
        cancelled.delete(target);
      }
    }
    clock.advance(20_000);
    queue.runDue();
    const expected = items
      .filter((it) => !cancelled.has(it))
      .map((it) => it.expiresAt)
      .sort((a, b) => a - b);
    expect(fired.map((it) => it.expiresAt)).toEqual(expected);
    expect(fired.some((it) => cancelled.has(it))).toBe(false);
    queue.dispose();
  });

  it('given a real timer, when the deadline passes, then the item expires without anyone calling runDue', async () => {
    const fired = new Promise<string>((resolve) => {
      const queue = new ExpiryQueue<Item>((i) => {
        queue.dispose();
        resolve(i.name);
      });
      queue.schedule(item('soon'), Date.now() + 20);
    });
    await expect(fired).resolves.toBe('soon');
  });
});
