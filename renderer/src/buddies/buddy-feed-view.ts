/**
 * How presence reaches the buddy list, in one sentence for the connection details: one resource list subscription
 * (RFC 4662) or one SUBSCRIBE per buddy, and why a configured list is not used. The rows look the same either way;
 * only this sentence tells them apart.
 */
import { assertNever } from '../../../shared/assert-never';
import type { BuddyListFeed, SubscriptionState } from '../../../shared/presence/presence-state';
import { asClause } from '../presence/status-view';

/** The sentence for `feed`. */
export function describeBuddyFeed(feed: BuddyListFeed): string {
  if (feed.kind === 'list')
    return `Buddies: one list subscription to ${feed.listUri ?? 'the presence list'}${listPhase(feed.subscription)}.`;
  if (feed.listUri !== null && feed.problem !== null)
    return `Buddies: one subscription per buddy — the presence list ${feed.listUri} is not used (${asClause(feed.problem.message)}).`;
  return 'Buddies: one subscription per buddy.';
}

function listPhase(subscription: SubscriptionState | null): string {
  if (subscription === null) return '';
  switch (subscription.phase) {
    case 'unknown':
      return ', waiting for the server';
    case 'pending':
      return ', awaiting authorisation';
    case 'active':
      return ', active';
    case 'terminated':
      return subscription.reason === undefined ? ', ended' : `, ended (${subscription.reason})`;
    case 'error':
      return subscription.problem ? ` (${asClause(subscription.problem.message)})` : ', failed';
    default:
      return assertNever(subscription.phase);
  }
}
