/**
 * The header checks every NOTIFY passes before sip.js's core sees it, and the answer to one that fails. They run
 * first because sip.js's subscription dialog applies a NOTIFY's Subscription-State (a `terminated` one disposes of the
 * dialog) before our delegate sees the request, so a NOTIFY we refuse must never reach it; and because sip.js answers
 * 489 where the request is merely malformed.
 *
 *   Event missing or unreadable ─────────────────────► 400  (RFC 6665 §8.2.1: Event is mandatory in a NOTIFY)
 *   Event of another package than presence, dialog, ► 489 + Allow-Events  (RFC 6665 §4.1.3, §8.2.2)
 *   message-summary, presence.winfo, or than the
 *   subscription's it belongs to
 *   Subscription-State missing or unreadable ────────► 400  (RFC 6665 §4.1.3: a NOTIFY MUST contain it)
 *   a body without Content-Type, or not type/subtype ► 400  (RFC 3261 §20.15: MUST be present with a body)
 *   a body of a type we never offered in Accept ────► 415 + Accept  (RFC 3261 §8.2.3; per package: PIDF and its
 *                                                      kin and RFC 4662 lists for presence, dialog-info for
 *                                                      dialog (RFC 4235 §4), simple-message-summary for
 *                                                      message-summary (RFC 3842 §3.3), watcherinfo for
 *                                                      presence.winfo, RFC 3857 §4.5)
 *   anything else passes; a body of an accepted type that cannot be read is answered 200 (notify-body.ts)
 *
 * A refused NOTIFY changes nothing on our side: the subscription, its dialog and the last good presence stay, and the
 * buddy shows a warning. The notifier may end the subscription after a failure answer (RFC 6665 §4.2.2); then our next
 * refresh is answered 481 and we subscribe afresh at once.
 */
import type { IncomingRequestMessage } from 'sip.js/lib/core/index.js';
import type { SipProblem } from '../../../shared/presence/presence-state';
import { DIALOG_EVENT, DIALOG_INFO_CONTENT_TYPE } from '../../../shared/dialog-info/dialog-info';
import { PRESENCE_ACCEPT_HEADER, parsePresenceContentType } from '../../../shared/pidf';
import { mediaType } from '../../../shared/sip/header-values';
import { PRESENCE_WINFO_EVENT, WATCHERINFO_CONTENT_TYPE } from '../../../shared/watcherinfo';
import { MESSAGE_SUMMARY_CONTENT_TYPE, MESSAGE_SUMMARY_EVENT } from '../../../shared/message-summary';
import { MULTIPART_RELATED, RLMI_CONTENT_TYPE } from '../../../shared/resource-lists';
import { parseSubscriptionState } from './subscription-state-header';

/** The event package the client subscribes to (RFC 3856 §4); the dialog package (RFC 4235) where a server has no presence. */
export const PRESENCE_EVENT = 'presence';

/** A package a NOTIFY may be for: the Accept header we send, the test of a Content-Type, and what its bodies are called. */
interface WatchedPackage {
  readonly accept: string;
  readonly accepts: (contentType: string) => boolean;
  readonly what: string;
}

/** What each package a watcher subscribes to may carry. */
const WATCHED_PACKAGES: ReadonlyMap<string, WatchedPackage> = new Map([
  [
    PRESENCE_EVENT,
    {
      accept: PRESENCE_ACCEPT_HEADER,
      // A list subscription's NOTIFYs (RFC 4662 §5) carry RLMI in multipart/related; which of the two a NOTIFY may
      // carry is the watch's business (resource-list-watch.ts), as both are of the presence package.
      accepts: (contentType: string) =>
        parsePresenceContentType(contentType) !== null || [MULTIPART_RELATED, RLMI_CONTENT_TYPE].includes(mediaType(contentType)),
      what: 'Presence',
    },
  ],
  [
    DIALOG_EVENT,
    {
      accept: DIALOG_INFO_CONTENT_TYPE,
      accepts: (contentType: string) => mediaType(contentType) === DIALOG_INFO_CONTENT_TYPE,
      what: 'Line state',
    },
  ],
  [
    MESSAGE_SUMMARY_EVENT,
    {
      accept: MESSAGE_SUMMARY_CONTENT_TYPE,
      accepts: (contentType: string) => mediaType(contentType) === MESSAGE_SUMMARY_CONTENT_TYPE,
      what: 'The voicemail summary',
    },
  ],
  [
    PRESENCE_WINFO_EVENT,
    {
      accept: WATCHERINFO_CONTENT_TYPE,
      accepts: (contentType: string) => mediaType(contentType) === WATCHERINFO_CONTENT_TYPE,
      what: 'Watcher information',
    },
  ],
]);

/** The event packages a NOTIFY may be for. */
export const WATCHED_EVENTS: readonly string[] = [...WATCHED_PACKAGES.keys()];

/** The answer to a NOTIFY that failed a check, and what to tell the user about it. */
export interface NotifyRefusal {
  readonly statusCode: 400 | 415 | 489;
  readonly reasonPhrase: string;
  readonly extraHeaders: readonly string[];
  /** For the buddy's warning; `statusCode` is the code we answered with. */
  readonly problem: SipProblem;
}

/** RFC 3261 §25.1 token characters. */
const TOKEN = "[A-Za-z0-9.!%*_+`'~-]+";
/** RFC 6665 §8.4 `Event`: an event type (tokens joined by dots, which `TOKEN` includes), then parameters. */
const EVENT_HEADER = new RegExp(`^\\s*(${TOKEN})\\s*(?:;.*)?$`, 's');
/** RFC 3261 §20.15 `Content-Type`: type "/" subtype, then parameters. */
const MEDIA_TYPE = new RegExp(`^\\s*${TOKEN}\\s*/\\s*${TOKEN}\\s*(?:;.*)?$`, 's');

/**
 * Checks `message` (a NOTIFY) as the table above says; undefined when it passes. `subscribedEvent` is the package of
 * the subscription it belongs to, when it belongs to one.
 */
export function screenNotify(message: IncomingRequestMessage, subscribedEvent?: string): NotifyRefusal | undefined {
  const event = message.getHeader('event');
  if (event === undefined) return malformed('Missing Event', 'No Event header in the NOTIFY');
  const eventType = EVENT_HEADER.exec(event)?.[1];
  if (eventType === undefined) return malformed('Malformed Event', 'An unreadable Event header in the NOTIFY');
  // Compared exactly, as sip.js's core matches a NOTIFY to its subscription by the exact event token.
  const watched = WATCHED_PACKAGES.get(eventType);
  if (watched === undefined || (subscribedEvent !== undefined && eventType !== subscribedEvent)) {
    const expected = subscribedEvent ?? PRESENCE_EVENT;
    return {
      statusCode: 489,
      reasonPhrase: 'Bad Event',
      extraHeaders: [`Allow-Events: ${subscribedEvent ?? WATCHED_EVENTS.join(', ')}`],
      problem: {
        statusCode: 489,
        message: `A NOTIFY for the "${eventType.slice(0, 40)}" event instead of ${expected}, answered 489 Bad Event.`,
      },
    };
  }
  const state = message.getHeader('subscription-state');
  if (state === undefined) return malformed('Missing Subscription-State', 'No Subscription-State header in the NOTIFY');
  if (parseSubscriptionState(state) === null)
    return malformed('Malformed Subscription-State', 'An unreadable Subscription-State header in the NOTIFY');
  if (message.body.trim() === '') return undefined;
  const contentType = message.getHeader('content-type');
  if (contentType === undefined) return malformed('Missing Content-Type', 'A presence document without a Content-Type header');
  if (!MEDIA_TYPE.test(contentType)) return malformed('Malformed Content-Type', 'An unreadable Content-Type header in the NOTIFY');
  if (!watched.accepts(contentType)) {
    const sentType = contentType.split(';')[0]?.trim().slice(0, 60) ?? '';
    return {
      statusCode: 415,
      reasonPhrase: 'Unsupported Media Type',
      extraHeaders: [`Accept: ${watched.accept}`],
      problem: {
        statusCode: 415,
        message: `${watched.what} sent as "${sentType}", which Presently cannot read, answered 415 Unsupported Media Type.`,
      },
    };
  }
  return undefined;
}

function malformed(reasonPhrase: string, what: string): NotifyRefusal {
  return {
    statusCode: 400,
    reasonPhrase,
    extraHeaders: [],
    problem: { statusCode: 400, message: `${what}, answered 400 ${reasonPhrase}.` },
  };
}
