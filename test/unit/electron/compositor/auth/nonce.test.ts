/** Signed nonces (issue, expiry, forgery) and the nonce counts that refuse a replay, with their memory bound. */
import { describe, expect, it } from 'vitest';
import { NonceCounts, NonceIssuer } from '../../../../../electron/compositor/auth/nonce';

describe('NonceIssuer', () => {
  const issuer = new NonceIssuer('example.com', 300_000);

  it('given a nonce just issued, then it is valid with its issue time, and each one is different', () => {
    const nonce = issuer.issue(1_000_000);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(issuer.check(nonce, 1_000_500)).toEqual({ kind: 'valid', issuedAt: 1_000_000 });
    expect(issuer.issue(1_000_000)).not.toBe(nonce);
  });

  it('given a nonce older than its lifetime, then expired (so the challenge can say stale=true)', () => {
    const nonce = issuer.issue(1_000_000);
    expect(issuer.check(nonce, 1_300_000)).toMatchObject({ kind: 'valid' });
    expect(issuer.check(nonce, 1_300_001)).toEqual({ kind: 'expired' });
  });

  it('given a changed byte, another realm’s or another run’s nonce, then unknown', () => {
    const nonce = issuer.issue(1_000_000);
    const flipped = (nonce[10] === 'A' ? 'B' : 'A') + '';
    expect(issuer.check(nonce.slice(0, 10) + flipped + nonce.slice(11), 1_000_000)).toEqual({ kind: 'unknown' });
    expect(new NonceIssuer('other.example', 300_000).check(nonce, 1_000_000)).toEqual({ kind: 'unknown' });
    expect(new NonceIssuer('example.com', 300_000).check(nonce, 1_000_000)).toEqual({ kind: 'unknown' });
    expect(issuer.check('not-a-nonce', 1_000_000)).toEqual({ kind: 'unknown' });
  });
});

describe('NonceCounts', () => {
  it('given counts 1, 2, then 2 again or 1, then the repeats are replays', () => {
    const counts = new NonceCounts(300_000, 10);
    expect(counts.record('n', 0, 1, 0)).toBe('fresh');
    expect(counts.record('n', 0, 2, 0)).toBe('fresh');
    expect(counts.record('n', 0, 2, 0)).toBe('replayed');
    expect(counts.record('n', 0, 1, 0)).toBe('replayed');
    expect(counts.record('m', 0, 1, 0)).toBe('fresh');
  });

  it('given more nonces than the capacity, then the oldest is evicted and from then on forgotten, never fresh again', () => {
    const counts = new NonceCounts(300_000, 2);
    expect(counts.record('a', 10, 1, 100)).toBe('fresh');
    expect(counts.record('b', 20, 1, 100)).toBe('fresh');
    expect(counts.record('c', 30, 1, 100)).toBe('fresh');
    expect(counts.size).toBe(2);
    expect(counts.record('a', 10, 1, 100)).toBe('forgotten');
    // A nonce issued later than the evicted one is still tracked on first use.
    expect(counts.record('d', 40, 1, 100)).toBe('fresh');
  });

  it('given nonces past their lifetime, then their counts are dropped', () => {
    const counts = new NonceCounts(1_000, 10);
    counts.record('a', 0, 1, 0);
    counts.record('b', 500, 1, 500);
    counts.record('c', 2_000, 1, 2_000);
    expect(counts.size).toBe(1);
  });
});
