/**
 * How long a status chosen in the picker lasts: until changed, or a timed choice ("Busy for 1 h", "Busy until 15:00")
 * whose end the picker sends as `until` (ms since the epoch); main puts the status back when it ends. Also the
 * header's words for a timed status's end: "until 15:00 · 42 min left".
 */
import { assertNever } from '../../../shared/assert-never';
import { clockTime } from './status-view';

/** The picker's durations, in the order shown; `until-time` ends at a time of day the user types. */
export const STATUS_DURATIONS = ['until-changed', '30-min', '1-h', '2-h', 'end-of-day', 'until-time'] as const;

export type StatusDuration = (typeof STATUS_DURATIONS)[number];

/** The words for each duration, as the picker's chips show them. */
export const STATUS_DURATION_LABELS: Readonly<Record<StatusDuration, string>> = {
  'until-changed': 'Until I change it',
  '30-min': 'For 30 min',
  '1-h': 'For 1 h',
  '2-h': 'For 2 h',
  'end-of-day': 'Until end of day',
  'until-time': 'Until…',
};

const MINUTE = 60_000;

/** A time of day as an `<input type="time">` gives it ("15:00", "09:30:15"). */
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?$/;

/**
 * When a status chosen at `now` for `duration` ends, or undefined when it lasts until changed. End of day is local
 * midnight; `until-time` is the next local `timeOfDay` ("15:00": today, or tomorrow once 15:00 has passed), and
 * undefined while `timeOfDay` is not a time (the picker says so and sends nothing).
 */
export function statusEndsAt(duration: StatusDuration, now: number, timeOfDay = ''): number | undefined {
  switch (duration) {
    case 'until-changed':
      return undefined;
    case '30-min':
      return now + 30 * MINUTE;
    case '1-h':
      return now + 60 * MINUTE;
    case '2-h':
      return now + 120 * MINUTE;
    case 'end-of-day': {
      const midnight = new Date(now);
      midnight.setHours(24, 0, 0, 0);
      return midnight.getTime();
    }
    case 'until-time': {
      const match = TIME_OF_DAY.exec(timeOfDay);
      if (!match) return undefined;
      const end = new Date(now);
      end.setHours(Number(match[1]), Number(match[2]), 0, 0);
      if (end.getTime() <= now) end.setDate(end.getDate() + 1);
      return end.getTime();
    }
    default:
      return assertNever(duration);
  }
}

/** "42 min left", "1 h 20 min left", "40 s left": what remains of a timed status. */
export function timeLeft(until: number, now: number): string {
  const seconds = Math.max(0, Math.round((until - now) / 1000));
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`;
}

/** "until 15:00 · 42 min left" for our own timed status (SelfPresence.until), as the header and the picker say it. */
export function describeStatusEnd(until: number, now: number, formatTime: (at: number) => string = clockTime): string {
  return `until ${formatTime(until)} · ${timeLeft(until, now)}`;
}
