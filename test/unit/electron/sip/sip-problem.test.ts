import { describe, expect, it } from 'vitest';
import { backoffMs, readInterval, refreshDelayMs } from '../../../../electron/sip/sip-problem';

describe('interval headers and timing rules', () => {
  it.each([
    ['3600', 3600],
    [' 60 ', 60],
    ['0', undefined],
    ['-5', undefined],
    ['60s', undefined],
    ['NaN', undefined],
    ['99999999999', undefined],
    [undefined, undefined],
  ])('reads Min-Expires "%s" as %s (range 1…2^31−1)', (value, expected) => {
    expect(readInterval(value, 1, 2 ** 31 - 1)).toBe(expected);
  });

  it('refreshes half-way through short intervals and 64·T1 before the end of long ones', () => {
    expect(refreshDelayMs(2, 500)).toBe(1_000);
    expect(refreshDelayMs(60, 500)).toBe(30_000);
    expect(refreshDelayMs(600, 500)).toBe(568_000);
  });

  it('backs off exponentially with ±20 % jitter, capped', () => {
    expect(backoffMs(0, 1_000, 60_000, () => 0.5)).toBe(1_000);
    expect(backoffMs(3, 1_000, 60_000, () => 0.5)).toBe(8_000);
    expect(backoffMs(10, 1_000, 60_000, () => 0.5)).toBe(60_000);
    expect(backoffMs(2, 1_000, 60_000, () => 0)).toBe(3_200);
    expect(backoffMs(2, 1_000, 60_000, () => 0.999_999)).toBe(4_800);
  });
});
