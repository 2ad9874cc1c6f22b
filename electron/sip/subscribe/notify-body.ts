/**
 * What the body of a presence NOTIFY (RFC 3856 §6, RFC 6665 §4.1.3) tells the buddy list. Its headers have passed
 * notify-screen.ts already, so a body here is of a type we offered in Accept.
 *
 * - A body the PIDF codec reads is summarised; we answer 200.
 * - A body of an accepted type that cannot be read (malformed XML, not a presence document) is reported on the buddy
 *   as a warning and answered 200 all the same: the request itself is well-formed, its Subscription-State still
 *   applies, and a failure response would make the notifier remove the whole subscription (RFC 6665 §4.2.2).
 * - No body: while `pending` the buddy has not authorised us yet ("awaiting authorisation", not offline);
 *   while `active` the presentity has no published state, which watchers show as offline.
 */
import type { PresenceSummary, SipProblem } from '../../../shared/presence/presence-state';
import { parsePresenceBody, summarizePresence } from '../../../shared/pidf';

/** What a NOTIFY's body says: a presence summary, nothing, or something we could not read (and why). */
export type NotifyBodyVerdict =
  | { readonly kind: 'presence'; readonly presence: PresenceSummary }
  | { readonly kind: 'empty' }
  | { readonly kind: 'unreadable'; readonly problem: SipProblem };

/** Presence of a presentity with no published state. */
export const NO_PUBLISHED_STATE: PresenceSummary = { status: 'offline', note: null, activities: [], devices: [] };

/**
 * Reads a screened NOTIFY's body (with its Content-Type header value); of several notes the summary picks one in
 * the first of `noteLanguages` it finds (default English), as summarizePresence does.
 */
export function readNotifyBody(body: string, contentType: string | undefined, noteLanguages?: readonly string[]): NotifyBodyVerdict {
  if (body.trim() === '') return { kind: 'empty' };
  const parsed = parsePresenceBody(body, contentType ?? '');
  if (!parsed.ok) {
    return {
      kind: 'unreadable',
      problem: { message: `The server sent a presence document Presently could not read: ${parsed.error.message}` },
    };
  }
  return { kind: 'presence', presence: summarizePresence(parsed.document, noteLanguages ? { languages: noteLanguages } : {}) };
}

/** The languages to prefer among a document's notes for a viewer whose locale is `locale` (`de-CH` → de, then en). */
export function noteLanguagesFor(locale: string | undefined): readonly string[] {
  const primary = locale?.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return primary === '' || primary === 'en' ? ['en'] : [primary, 'en'];
}
