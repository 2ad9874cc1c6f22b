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
 *
 * The summary a buddy keeps is made of strings of its own (detachedSummary): the XML reader's strings are slices of
 * the NOTIFY's text, and one kept note or timestamp would keep that whole message (about 1 KB) alive per buddy.
 */
import type { DevicePresence, PresenceSummary, SipProblem } from '../../../shared/presence/presence-state';
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

/**
 * `summary` with every string copied, so that what a buddy keeps shares no memory with the NOTIFY it came from
 * (V8 cuts substrings of 13 characters and more as slices that keep the whole parent string alive).
 */
export function detachedSummary(summary: PresenceSummary): PresenceSummary {
  return {
    ...summary,
    note: copyOrNull(summary.note),
    ...(summary.noteLang === undefined ? {} : { noteLang: ownCopy(summary.noteLang) }),
    activities: summary.activities.map(ownCopy),
    devices: summary.devices.map(detachedDevice),
    ...(summary.until === undefined ? {} : { until: ownCopy(summary.until) }),
  };
}

function detachedDevice(device: DevicePresence): DevicePresence {
  return {
    ...device,
    id: ownCopy(device.id),
    note: copyOrNull(device.note),
    contact: copyOrNull(device.contact),
    label: copyOrNull(device.label),
    timestamp: copyOrNull(device.timestamp),
  };
}

/**
 * A string with its own storage: through UTF-8 bytes, which keep ASCII text one byte a character; a string that does
 * not come back the same (a lone surrogate, from a character reference) goes through UTF-16, which round-trips anything.
 */
function ownCopy(text: string): string {
  const copy = Buffer.from(text, 'utf8').toString('utf8');
  return copy === text ? copy : Buffer.from(text, 'utf16le').toString('utf16le');
}

function copyOrNull(text: string | null): string | null {
  return text === null ? null : ownCopy(text);
}
