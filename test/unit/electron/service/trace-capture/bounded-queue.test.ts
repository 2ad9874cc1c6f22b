import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../../../../electron/service/trace-capture/bounded-queue';

/** A consumer that holds each batch until the test lets it go: a disk that is slow on demand. */
function heldConsumer() {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  const consume = (batch: number[]) => {
    batches.push(batch);
    return new Promise<void>((resolve) => (release = resolve));
  };
  return { batches, consume, release: () => release() };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('BoundedQueue', () => {
  it('given a consumer that is busy, when more items arrive than the queue holds, then the newest are dropped and counted, and the rest arrive in order', async () => {
    const consumer = heldConsumer();
    const queue = new BoundedQueue<number>({ maxItems: 3, maxBytes: 1_000 }, consumer.consume);
    expect(queue.offer(1, 10)).toBe(true);
    await turn();
    expect(consumer.batches).toEqual([[1]]);
    // The consumer is still busy with [1]: three more fit, the next two do not.
    const accepted = [2, 3, 4, 5, 6].map((n) => queue.offer(n, 10));
    expect(accepted).toEqual([true, true, true, false, false]);
    expect(queue.dropped).toBe(2);
    consumer.release();
    await turn();
    expect(consumer.batches).toEqual([[1], [2, 3, 4]]);
    consumer.release();
    await queue.idle();
    expect(queue.length).toBe(0);
  });

  it('given items of many bytes, then the byte bound drops too, but a single item larger than the bound still goes through', async () => {
    const consumer = heldConsumer();
    const queue = new BoundedQueue<number>({ maxItems: 100, maxBytes: 100 }, consumer.consume);
    expect(queue.offer(1, 500)).toBe(true);
    await turn();
    expect([queue.offer(2, 60), queue.offer(3, 60)]).toEqual([true, false]);
    expect(queue.dropped).toBe(1);
    consumer.release();
    await turn();
    consumer.release();
    await queue.idle();
    expect(consumer.batches).toEqual([[1], [2]]);
  });

  it('given a consumer that fails, then its batch counts as dropped, the failure is reported, and later items are consumed', async () => {
    const failures: unknown[] = [];
    const consumed: number[][] = [];
    let isBroken = true;
    const queue = new BoundedQueue<number>(
      { maxItems: 10, maxBytes: 1_000 },
      async (batch) => {
        if (isBroken) throw new Error('ENOSPC: no space left on device');
        consumed.push(batch);
      },
      (error) => failures.push(error),
    );
    queue.offer(1, 1);
    queue.offer(2, 1);
    await queue.idle();
    expect(queue.dropped).toBe(2);
    expect(failures).toEqual([new Error('ENOSPC: no space left on device')]);
    isBroken = false;
    queue.offer(3, 1);
    await queue.idle();
    expect(consumed).toEqual([[3]]);
    expect(queue.dropped).toBe(2);
  });
});
