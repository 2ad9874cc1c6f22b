/**
 * How long a status chosen in the picker lasts: until changed, or a timed choice ("Busy for 1 h") whose end the
 * picker sends as `until` (ms since the epoch); main puts the status back when it ends.
 */
import { assertNever } from '../../../shared/assert-never';

/** The picker's durations, in the order shown. */
export const STATUS_DURATIONS = ['until-changed', '30-min', '1-h', '2-h', 'end-of-day'] as const;

export type StatusDuration = (typeof STATUS_DURATIONS)[number];

/** The words for each duration, as the picker's chips show them. */
export const STATUS_DURATION_LABELS: Readonly<Record<StatusDuration, string>> = {
  'until-changed': 'Until I change it',
  '30-min': 'For 30 min',
  '1-h': 'For 1 h',
  '2-h': 'For 2 h',
  'end-of-day': 'Until end of day',
};

const MINUTE = 60_000;

/** When a status chosen at `now` for `duration` ends, or undefined when it lasts until changed. End of day is local midnight. */
export function statusEndsAt(duration: StatusDuration, now: number): number | undefined {
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
    default:
      return assertNever(duration);
  }
}
