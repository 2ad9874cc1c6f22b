/**
 * What a presence NOTIFY (RFC 3856 §6, RFC 6665 §4.1.3) tells the buddy list, and how we answer it.
 *
 * - A body of a type we accept is parsed by the PIDF codec and summarised; we answer 200.
 * - A body we accept but cannot read (malformed XML, not a presence document) is reported on the buddy
 *   and answered 200 all the same: the Subscription-State in the request is still valid, and a failure
 *   response would make the notifier remove the whole subscription (RFC 6665 §4.2.2).
 * - A body of a type we never offered in Accept is answered 415 with our Accept (RFC 3261 §8.2.3); the
 *   notifier will keep sending what we cannot read, so the subscription is not retried.
 * - No body: while `pending` the buddy has not authorised us yet ("awaiting authorisation", not offline);
 *   while `active` the presentity has no published state, which watchers show as offline.
 */
import type { PresenceSummary, SipProblem } from '../../../shared/presence/presence-state';
import { parsePresenceBody, parsePresenceContentType, summarizePresence } from '../../../shared/pidf';

export type NotifyBodyVerdict =
  | { readonly kind: 'presence'; readonly presence: PresenceSummary }
  | { readonly kind: 'empty' }
  | { readonly kind: 'unreadable'; readonly problem: SipProblem }
  | { readonly kind: 'unsupported-type'; readonly problem: SipProblem };

/** Presence of a presentity with no published state. */
export const NO_PUBLISHED_STATE: PresenceSummary = { status: 'offline', note: null, activities: [], devices: [] };

export function readNotifyBody(body: string, contentType: string | undefined): NotifyBodyVerdict {
  if (body.trim() === '') return { kind: 'empty' };
  if (parsePresenceContentType(contentType) === null) {
    return {
      kind: 'unsupported-type',
      problem: { statusCode: 415, message: `The server sends presence as "${contentType ?? 'no content type'}", which Presently cannot read.` },
    };
  }
  const parsed = parsePresenceBody(body, contentType ?? '');
  if (!parsed.ok) {
    return { kind: 'unreadable', problem: { message: `The server sent a presence document Presently could not read: ${parsed.error.message}` } };
  }
  return { kind: 'presence', presence: summarizePresence(parsed.document) };
}
