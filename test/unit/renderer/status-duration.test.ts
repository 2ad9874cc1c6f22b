import { describe, expect, it } from 'vitest';
import { statusEndsAt } from '../../../renderer/src/presence/status-duration';

describe('how long a chosen status lasts', () => {
  const now = new Date(2026, 0, 15, 14, 5, 30).getTime();

  it('given a fixed length, then now plus that length; until changed, no end', () => {
    expect(statusEndsAt('until-changed', now)).toBeUndefined();
    expect(statusEndsAt('30-min', now)).toBe(now + 30 * 60_000);
    expect(statusEndsAt('1-h', now)).toBe(now + 60 * 60_000);
    expect(statusEndsAt('2-h', now)).toBe(now + 120 * 60_000);
  });

  it('given end of day, then the coming local midnight', () => {
    expect(statusEndsAt('end-of-day', now)).toBe(new Date(2026, 0, 16, 0, 0, 0).getTime());
  });
});
