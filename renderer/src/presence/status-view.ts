/**
 * How presence looks in the window: the tone (colour and shape of the dot) and words for a status,
 * and for a buddy the difference between "we know they are offline" and "we do not know yet" —
 * pjsip's rule: a buddy whose subscription is not established is unknown, not offline.
 */
import { assertNever } from '../../../shared/assert-never';
import { PRESENCE_STATUS_LABELS, type PresenceStatus } from '../../../shared/presence/presence-status';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { glyphOfStatus, type StatusGlyph } from '../../../shared/presence/status-glyphs';

/** The dot's look; each has its own colour and shape, so it does not depend on colour vision alone. */
export type StatusTone = 'available' | 'away' | 'busy' | 'dnd' | 'offline' | 'unknown' | 'pending' | 'error';

export function toneOfStatus(status: PresenceStatus): StatusTone {
  switch (status) {
    case 'available':
      return 'available';
    case 'away':
      return 'away';
    case 'busy':
    case 'on-the-phone':
    case 'in-a-meeting':
      return 'busy';
    case 'do-not-disturb':
      return 'dnd';
    case 'appear-offline':
    case 'offline':
      return 'offline';
    case 'unknown':
      return 'unknown';
    default:
      return assertNever(status);
  }
}

/** RPID activities (RFC 4480 §3.2) a status already says; the list shows only the others (e.g. vacation). */
const ACTIVITIES_OF_STATUS: Readonly<Record<PresenceStatus, readonly string[]>> = {
  available: [],
  away: ['away'],
  busy: ['busy'],
  'do-not-disturb': ['busy', 'dnd', 'other:dnd', 'do not disturb'],
  'on-the-phone': ['on-the-phone'],
  'in-a-meeting': ['meeting'],
  'appear-offline': [],
  offline: ['permanent-absence'],
  unknown: [],
};

/** The activities worth showing beside `status`: those it does not already say. */
export function extraActivities(status: PresenceStatus, activities: readonly string[]): string[] {
  const implied = ACTIVITIES_OF_STATUS[status];
  return activities.filter((activity) => !implied.includes(activity.toLowerCase()));
}

/**
 * The note's language to show beside it ("de"), or null when the note has none or is in the viewer's
 * language. Tags are compared by their primary language subtag (BCP 47 §2.2.1), case-insensitively, so
 * `en-GB` is not foreign to an `en-US` viewer.
 */
export function foreignNoteLanguage(noteLang: string | undefined, viewerLanguage: string): string | null {
  if (noteLang === undefined || noteLang.trim() === '') return null;
  const primary = (tag: string) => tag.trim().split('-')[0]?.toLowerCase() ?? '';
  return primary(noteLang) === primary(viewerLanguage) ? null : noteLang.trim();
}

/** What the buddy list shows for one buddy's state. */
export interface BuddyDisplay {
  /** `presence`: we have a document; the others say why we do not. */
  readonly kind: 'presence' | 'unknown' | 'pending' | 'not-subscribed' | 'error';
  readonly tone: StatusTone;
  readonly glyph: StatusGlyph;
  /** "Busy", "Awaiting authorisation", "Unknown", "Not subscribed (rejected)", "Error: …" */
  readonly label: string;
  /** The server's reason behind a short label ("Unknown address"), for the row's notice; absent when the label says it all. */
  readonly detail?: string;
  /** Sort key: lower is more available (see BUDDY_RANKS). */
  readonly rank: number;
}

/**
 * Availability order for sorting: reachable first, then reachable-but-occupied, then away, then
 * offline, then the states where we do not know.
 */
const STATUS_RANKS: Readonly<Record<PresenceStatus, number>> = {
  available: 0,
  'on-the-phone': 1,
  'in-a-meeting': 1,
  busy: 2,
  'do-not-disturb': 3,
  away: 4,
  'appear-offline': 5,
  offline: 5,
  unknown: 7,
};
const RANK_PENDING = 6;
/** A buddy whose state we do not know sorts below the offline ones, whether the subscription or the document says so. */
const RANK_UNKNOWN = STATUS_RANKS.unknown;
const RANK_NOT_SUBSCRIBED = 8;
/** Final answers meaning "no one by that address": 404 Not Found, 484 Address Incomplete, 604 Does Not Exist Anywhere. */
const UNKNOWN_ADDRESS_CODES: readonly number[] = [404, 484, 604];

/** A status a document gave, as the list shows it. */
function presenceDisplay(status: PresenceStatus): BuddyDisplay {
  return {
    kind: 'presence',
    tone: toneOfStatus(status),
    glyph: glyphOfStatus(status),
    label: PRESENCE_STATUS_LABELS[status],
    rank: STATUS_RANKS[status],
  };
}

/**
 * Reads a buddy's subscription and presence into what the list shows. Presence that is not current (`stale`,
 * shared/presence/freshness.ts) still shows its last known status, which the row greys and explains; a failed
 * subscription's reason becomes the detail.
 */
export function describeBuddy(state: BuddyPresence): BuddyDisplay {
  const { subscription, presence } = state;
  if (state.stale && presence) {
    const problem = subscription.phase === 'error' ? subscription.problem?.message : undefined;
    return { ...presenceDisplay(presence.status), ...(problem === undefined ? {} : { detail: problem }) };
  }
  switch (subscription.phase) {
    case 'active':
      if (presence) return presenceDisplay(presence.status);
      return { kind: 'unknown', tone: 'unknown', glyph: 'none', label: 'Unknown (no presence yet)', rank: RANK_UNKNOWN };
    case 'pending':
      return { kind: 'pending', tone: 'pending', glyph: 'none', label: 'Awaiting authorisation', rank: RANK_PENDING };
    case 'unknown':
      return { kind: 'unknown', tone: 'unknown', glyph: 'none', label: 'Unknown', rank: RANK_UNKNOWN };
    case 'terminated':
      return {
        kind: 'not-subscribed',
        tone: 'error',
        glyph: 'none',
        label: `Not subscribed${subscription.reason ? ` (${subscription.reason})` : ''}`,
        rank: RANK_NOT_SUBSCRIBED,
      };
    case 'error':
      // The address itself is wrong (RFC 3261 §21.4.5, §21.4.22, §21.6.3): a short state; the sentence goes to the notice.
      if (subscription.problem?.statusCode !== undefined && UNKNOWN_ADDRESS_CODES.includes(subscription.problem.statusCode))
        return {
          kind: 'error',
          tone: 'error',
          glyph: 'none',
          label: 'Unknown address',
          detail: subscription.problem.message,
          rank: RANK_NOT_SUBSCRIBED,
        };
      return {
        kind: 'error',
        tone: 'error',
        glyph: 'none',
        label: `Error: ${subscription.problem?.message ?? 'the subscription failed'}`,
        rank: RANK_NOT_SUBSCRIBED,
      };
    default:
      return assertNever(subscription.phase);
  }
}

/** A time of day as the viewer's clock shows it ("14:05"). */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** "just now", "2 min ago", "3 h ago", "yesterday", "4 days ago" — for a buddy's last change. */
export function formatAgo(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  return days === 1 ? 'yesterday' : `${days} days ago`;
}

/** "in 9 min", "in 40 s" — for expiry countdowns. */
export function formatIn(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((then - now) / 1000));
  if (seconds < 90) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  return `in ${Math.round(minutes / 60)} h`;
}

/** A sentence as a clause inside another: first letter lower-case ("The server …" → "the server …", but "SIP …" stays), no final full stop. */
export function asClause(sentence: string): string {
  const trimmed = sentence.trim().replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(trimmed) ? trimmed.charAt(0).toLowerCase() + trimmed.slice(1) : trimmed;
}
