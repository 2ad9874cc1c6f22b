import { describe, expect, it } from 'vitest';
import { rejectOnTimeout, waitAtMost } from '../../../electron/deadline';

const never = new Promise<never>(() => undefined);

describe('waitAtMost', () => {
  it('returns when the promise settles, even by rejecting', async () => {
    const started = Date.now();
    await expect(waitAtMost(Promise.reject(new Error('boom')), 10_000)).resolves.toBeUndefined();
    await expect(waitAtMost(Promise.resolve(42), 10_000)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('returns after the time limit when the promise never settles', async () => {
    const started = Date.now();
    await waitAtMost(never, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('rejectOnTimeout', () => {
  it('settles like the promise when it is in time', async () => {
    await expect(rejectOnTimeout(Promise.resolve('done'), 1_000)).resolves.toBe('done');
    await expect(rejectOnTimeout(Promise.reject(new Error('boom')), 1_000)).rejects.toThrow('boom');
    await expect(rejectOnTimeout(Promise.reject('plain text'), 1_000)).rejects.toThrow('plain text');
  });

  it('rejects saying how long it waited when the promise never settles', async () => {
    await expect(rejectOnTimeout(never, 30)).rejects.toThrow('timed out after 30 ms');
  });
});
