import { describe, expect, it } from 'vitest';
import { parseSubscriptionState } from '../../../../electron/sip/subscribe/subscription-state-header';

describe('Subscription-State (RFC 6665 §4.1.3)', () => {
  it.each([
    ['active;expires=600', { state: 'active', expires: 600 }],
    ['Pending ; expires = 30', { state: 'pending', expires: 30 }],
    ['terminated;reason=probation;retry-after=20', { state: 'terminated', reason: 'probation', retryAfter: 20 }],
    ['terminated;reason=Rejected', { state: 'terminated', reason: 'rejected' }],
    ['active;expires=soon;x-vendor=1', { state: 'active' }],
    ['active;expires=9999999999', { state: 'active' }],
    ['terminated;reason=giveup;retry-after=2147483648', { state: 'terminated', reason: 'giveup' }],
  ])('reads "%s"', (value, expected) => {
    expect(parseSubscriptionState(value)).toEqual(expected);
  });

  it.each([undefined, '', 'waiting;expires=5'])('refuses %s', (value) => {
    expect(parseSubscriptionState(value)).toBeNull();
  });
});
