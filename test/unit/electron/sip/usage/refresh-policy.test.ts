import { describe, expect, it } from 'vitest';
import {
  MAX_423_RETRIES,
  backoffMs,
  decideIntervalTooBrief,
  readGrantedExpires,
  readInterval,
  readRetryAfter,
  refreshDelayMs,
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

  it.each([['soon'], ['NaN'], [''], ['60'], ['30'], ['2147483648'], [undefined]])('refuses Min-Expires "%s" when we asked for 60 s', (value) => {
    expect(decideIntervalTooBrief(value, 60, 0)).toEqual({ kind: 'unusable' });
  });

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

  it('waits the server\'s Retry-After in seconds when given, else backs off', () => {
    expect(retryDelayMs(30, 5, 1_000, 60_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(0, 5, 1_000, 60_000, () => 0.5)).toBe(0);
    expect(retryDelayMs(undefined, 2, 1_000, 60_000, () => 0.5)).toBe(4_000);
  });
});
