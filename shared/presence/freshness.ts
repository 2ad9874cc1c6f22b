/**
 * Never a stale green: whether the presence a buddy shows is current, from the engine's own states. A
 * subscription's presence is current only while the subscription is `pending` or `active` (RFC 6665 §4.1.2:
 * the notifier keeps us told) and our account is connected; otherwise it is the last one known, marked so
 * with when it arrived and why it is not current. The next NOTIFY makes the subscription active again, and
 * the mark goes.
 *
 *   account not connected (connecting, failed, stopped, …)     → connection-lost
 *   subscription error (the link went down, a refresh failed)  → connection-lost when the cause is the link, else not-refreshed
 *   subscription unknown (subscribing again, no NOTIFY yet)    → not-refreshed
 *   subscription terminated (RFC 6665 §4.1.3)                  → terminated
 *   no presence shown yet                                      → nothing to mark
 */
import type { AccountState, BuddyPresence, StalePresence } from './presence-state';

/** The account phases in which the server keeps our subscriptions told. */
const CONNECTED_PHASES: ReadonlySet<AccountState['phase']> = new Set(['registered', 'connected']);

/** Why `buddy`'s presence is not current, or undefined when it is (or when there is none to show). */
export function staleness(buddy: BuddyPresence, account: AccountState): StalePresence | undefined {
  if (buddy.presence === null) return undefined;
  const asOf = buddy.changedAt;
  if (!CONNECTED_PHASES.has(account.phase)) return { asOf, reason: 'connection-lost' };
  const { subscription } = buddy;
  switch (subscription.phase) {
    case 'active':
    case 'pending':
      return undefined;
    case 'terminated':
      return { asOf, reason: 'terminated' };
    case 'error':
      return { asOf, reason: subscription.problem?.cause === 'connection-lost' ? 'connection-lost' : 'not-refreshed' };
    case 'unknown':
      return { asOf, reason: 'not-refreshed' };
  }
}

/** `buddy` with its `stale` mark set or cleared for `account`. */
export function withFreshness(buddy: BuddyPresence, account: AccountState): BuddyPresence {
  const stale = staleness(buddy, account);
  const { stale: _previous, ...rest } = buddy;
  return stale === undefined ? rest : { ...rest, stale };
}
