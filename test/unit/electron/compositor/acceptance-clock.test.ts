import { describe, expect, it } from 'vitest';
import { AcceptanceClock } from '../../../../electron/compositor/esc/acceptance-clock';

describe('acceptance clock', () => {
  it('given states accepted within one millisecond, then each later one has a later stamp', () => {
    const clock = new AcceptanceClock();
    const stamps = [clock.stamp(1000), clock.stamp(1000), clock.stamp(1000)];
    expect(stamps[0]).toBe(1000);
    expect(stamps[1]).toBeGreaterThan(stamps[0] as number);
    expect(stamps[2]).toBeGreaterThan(stamps[1] as number);
    expect(stamps[2]).toBeLessThan(1001);
  });

  it('given the wall clock moving forward, then the stamp is the wall-clock time', () => {
    const clock = new AcceptanceClock();
    clock.stamp(1000);
    expect(clock.stamp(1005)).toBe(1005);
  });

  it('given the wall clock stepping back, then stamps still increase', () => {
    const clock = new AcceptanceClock();
    const before = clock.stamp(5000);
    expect(clock.stamp(4000)).toBeGreaterThan(before);
  });
});
