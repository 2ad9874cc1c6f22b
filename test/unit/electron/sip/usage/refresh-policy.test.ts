import { describe, expect, it } from 'vitest';
import {
  MAX_423_RETRIES,
  backoffMs,
  decideIntervalTooBrief,
  readGrantedExpires,
  readInterval,
  readRetryAfter,
  refreshDelayMs,
  spreadRefreshDelayMs,
  resubscribeDelayMs,
  resubscribePaceAfterResponse,
  resubscribePaceAfterTermination,
  retryDelayMs,
} from '../../../../../electron/sip/usage/refresh-policy';

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

  it.each([
    ['600', 600],
    ['0', undefined],
    ['2147483648', undefined],
    ['ten', undefined],
    [undefined, undefined],
  ])('reads a granted Expires "%s" as %s', (value, expected) => {
    expect(readGrantedExpires(value)).toBe(expected);
  });

  it('refreshes half-way through short intervals and 64·T1 before the end of long ones', () => {
    expect(refreshDelayMs(2, 500)).toBe(1_000);
    expect(refreshDelayMs(60, 500)).toBe(30_000);
    expect(refreshDelayMs(600, 500)).toBe(568_000);
  });

  it('spreads subscription refreshes over the last quarter before the latest refresh time, never later', () => {
    expect(spreadRefreshDelayMs(600, 500, () => 0)).toBe(568_000);
    expect(spreadRefreshDelayMs(600, 500, () => 0.999_999)).toBe(426_000);
    expect(spreadRefreshDelayMs(2, 500, () => 0.5)).toBe(875);
    // 5,000 subscriptions granted 600 s at the same moment: their refreshes spread evenly over 142 s, no second
    // holding more than a few times the average of about 35.
    let seed = 1;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 5_000; i += 1) {
      const second = Math.floor(spreadRefreshDelayMs(600, 500, random) / 1_000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.min(...perSecond.keys())).toBeGreaterThanOrEqual(426);
    expect(Math.max(...perSecond.keys())).toBeLessThanOrEqual(568);
    expect(perSecond.size).toBeGreaterThan(135);
    expect(Math.max(...perSecond.values())).toBeLessThan(100);
  });

  it('never asks for a timer longer than setTimeout can hold (it would fire at once and refresh in a loop)', () => {
    expect(refreshDelayMs(3_000_000, 500)).toBe(2 ** 31 - 1);
    expect(refreshDelayMs(2 ** 31 - 1, 500)).toBe(2 ** 31 - 1);
    expect(retryDelayMs(999_999_999, 0, 1_000, 60_000, () => 0.5)).toBe(2 ** 31 - 1);
  });

  it('backs off exponentially with ±20 % jitter, capped', () => {
    expect(backoffMs(0, 1_000, 60_000, () => 0.5)).toBe(1_000);
    expect(backoffMs(3, 1_000, 60_000, () => 0.5)).toBe(8_000);
    expect(backoffMs(10, 1_000, 60_000, () => 0.5)).toBe(60_000);
    expect(backoffMs(2, 1_000, 60_000, () => 0)).toBe(3_200);
    expect(backoffMs(2, 1_000, 60_000, () => 0.999_999)).toBe(4_800);
  });
});

describe('423 Interval Too Brief', () => {
  it('retries with a Min-Expires larger than what we asked for', () => {
    expect(decideIntervalTooBrief('3600', 60, 0)).toEqual({ kind: 'retry', expires: 3600 });
    expect(decideIntervalTooBrief(' 61 ', 60, MAX_423_RETRIES - 1)).toEqual({ kind: 'retry', expires: 61 });
  });

  it.each([['soon'], ['NaN'], [''], ['60'], ['30'], ['2147483648'], [undefined]])(
    'refuses Min-Expires "%s" when we asked for 60 s',
    (value) => {
      expect(decideIntervalTooBrief(value, 60, 0)).toEqual({ kind: 'unusable' });
    },
  );

  it('gives up after the retry cap, whatever the server asks for', () => {
    expect(MAX_423_RETRIES).toBe(3);
    expect(decideIntervalTooBrief('3600', 60, MAX_423_RETRIES)).toEqual({ kind: 'exhausted' });
  });
});

describe('Retry-After', () => {
  it.each([
    ['120', 120],
    [' 5 (maintenance);duration=60', 5],
    ['0', 0],
    ['soon', undefined],
    ['-1', undefined],
    [undefined, undefined],
  ])('reads "%s" as %s seconds', (value, expected) => {
    expect(readRetryAfter(value)).toBe(expected);
  });

  it("waits the server's Retry-After in seconds when given, else backs off", () => {
    expect(retryDelayMs(30, 5, 1_000, 60_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(0, 5, 1_000, 60_000, () => 0.5)).toBe(0);
    expect(retryDelayMs(undefined, 2, 1_000, 60_000, () => 0.5)).toBe(4_000);
  });
});

describe('subscribing again after an end', () => {
  const backoff = { retryBase: 1_000, retryMax: 60_000, refusalRetryBase: 300_000, refusalRetryMax: 3_600_000 };
  const middle = () => 0.5;

  it.each([
    ['deactivated', 'at-once'],
    ['timeout', 'at-once'],
    ['probation', 'soon'],
    ['giveup', 'soon'],
    [undefined, 'soon'],
    ['x-unknown', 'soon'],
    ['rejected', 'slow'],
    ['noresource', 'slow'],
    ['invariant', 'slow'],
  ] as const)('after "terminated;reason=%s" the pace is %s (RFC 6665 §4.1.3) — never "give up"', (reason, pace) => {
    expect(resubscribePaceAfterTermination(reason)).toBe(pace);
  });

  it.each([
    [481, 'at-once'],
    [408, 'soon'],
    [480, 'soon'],
    [500, 'soon'],
    [503, 'soon'],
    [400, 'slow'],
    [401, 'slow'],
    [403, 'slow'],
    [404, 'slow'],
    [407, 'slow'],
    [415, 'slow'],
    [489, 'slow'],
    [501, 'slow'],
    [504, 'soon'],
    [603, 'slow'],
  ] as const)('after a %i from the server the pace is %s', (code, pace) => {
    expect(resubscribePaceAfterResponse(code)).toBe(pace);
  });

  it('subscribes again at once the first time the notifier ends it for a passing reason, then backs off in seconds', () => {
    expect(resubscribeDelayMs('at-once', undefined, 0, backoff, middle)).toBe(0);
    expect(resubscribeDelayMs('at-once', undefined, 1, backoff, middle)).toBe(1_000);
    expect(resubscribeDelayMs('at-once', undefined, 3, backoff, middle)).toBe(4_000);
    expect(resubscribeDelayMs('at-once', 7, 0, backoff, middle)).toBe(7_000);
  });

  it('backs off in seconds after a failure that may pass', () => {
    expect(resubscribeDelayMs('soon', undefined, 0, backoff, middle)).toBe(1_000);
    expect(resubscribeDelayMs('soon', undefined, 2, backoff, middle)).toBe(4_000);
    expect(resubscribeDelayMs('soon', undefined, 20, backoff, middle)).toBe(60_000);
  });

  it('after a refusal asks again in minutes, doubling to an hour, with jitter', () => {
    expect(resubscribeDelayMs('slow', undefined, 0, backoff, middle)).toBe(300_000);
    expect(resubscribeDelayMs('slow', undefined, 1, backoff, middle)).toBe(600_000);
    expect(resubscribeDelayMs('slow', undefined, 4, backoff, middle)).toBe(3_600_000);
    expect(resubscribeDelayMs('slow', undefined, 30, backoff, middle)).toBe(3_600_000);
    expect(resubscribeDelayMs('slow', undefined, 0, backoff, () => 0)).toBe(240_000);
    expect(resubscribeDelayMs('slow', undefined, 0, backoff, () => 0.999_999)).toBe(360_000);
  });

  it("honours the server's Retry-After (or retry-after) seconds at every pace", () => {
    expect(resubscribeDelayMs('slow', 30, 3, backoff, middle)).toBe(30_000);
    expect(resubscribeDelayMs('soon', 2, 5, backoff, middle)).toBe(2_000);
    expect(resubscribeDelayMs('at-once', 0, 0, backoff, middle)).toBe(0);
  });
});
