import { describe, expect, it } from 'vitest';
import { MAX_IDLE_AWAY_MINUTES } from '../../../shared/ipc/contract';
import { checkIdleThreshold } from '../../../renderer/src/presence/idle-threshold';

describe('the idle threshold as typed in the settings', () => {
  it('given whole minutes from 0 to the maximum, then those minutes (0: off), spaces around ignored', () => {
    expect(checkIdleThreshold('10')).toEqual({ ok: true, minutes: 10 });
    expect(checkIdleThreshold(' 0 ')).toEqual({ ok: true, minutes: 0 });
    expect(checkIdleThreshold(String(MAX_IDLE_AWAY_MINUTES))).toEqual({ ok: true, minutes: MAX_IDLE_AWAY_MINUTES });
  });

  it('given nothing, a fraction, a negative number or words, then a sentence saying what to enter', () => {
    expect(checkIdleThreshold('')).toEqual({ ok: false, message: 'Enter a number of minutes; 0 turns automatic Away off.' });
    for (const typed of ['2.5', '-5', 'ten', '1e3']) {
      const checked = checkIdleThreshold(typed);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.message).toBe(`Enter whole minutes, like 10; 0 turns automatic Away off (not “${typed}”).`);
    }
  });

  it('given more than the maximum, then the limit in minutes and hours', () => {
    expect(checkIdleThreshold(String(MAX_IDLE_AWAY_MINUTES + 1))).toEqual({ ok: false, message: 'At most 240 minutes (4 h).' });
  });
});
