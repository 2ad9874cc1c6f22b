import { describe, expect, it } from 'vitest';
import { describeStatusEnd, statusEndsAt, timeLeft } from '../../../renderer/src/presence/status-duration';

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

  it('given "until…" a time of day still ahead, then that time today; one passed already, then tomorrow', () => {
    expect(statusEndsAt('until-time', now, '15:00')).toBe(new Date(2026, 0, 15, 15, 0, 0).getTime());
    expect(statusEndsAt('until-time', now, '09:30')).toBe(new Date(2026, 0, 16, 9, 30, 0).getTime());
    // The current minute has begun: 14:05 is 30 s ago, so it means tomorrow's.
    expect(statusEndsAt('until-time', now, '14:05')).toBe(new Date(2026, 0, 16, 14, 5, 0).getTime());
    // A browser's time input may give seconds.
    expect(statusEndsAt('until-time', now, '16:45:00')).toBe(new Date(2026, 0, 15, 16, 45, 0).getTime());
  });

  it('given "until…" without a time or with one that is not a time, then no end (the picker says so and sends nothing)', () => {
    for (const typed of ['', '25:00', '9:5', 'noon', '12:60']) expect(statusEndsAt('until-time', now, typed)).toBeUndefined();
  });

  it('given a timed status, then what is left in seconds, minutes, or hours and minutes, never below zero', () => {
    expect(timeLeft(now + 40_000, now)).toBe('40 s left');
    expect(timeLeft(now + 42 * 60_000, now)).toBe('42 min left');
    expect(timeLeft(now + 41 * 60_000 + 10_000, now)).toBe('42 min left');
    expect(timeLeft(now + 80 * 60_000, now)).toBe('1 h 20 min left');
    expect(timeLeft(now + 120 * 60_000, now)).toBe('2 h left');
    expect(timeLeft(now - 5_000, now)).toBe('0 s left');
  });

  it('given our timed status, then the header says when it ends and what is left', () => {
    const HHMM = (at: number) =>
      `${String(new Date(at).getHours()).padStart(2, '0')}:${String(new Date(at).getMinutes()).padStart(2, '0')}`;
    const end = new Date(2026, 0, 15, 15, 0, 0).getTime();
    expect(describeStatusEnd(end, now, HHMM)).toBe('until 15:00 · 55 min left');
  });
});
