/**
 * The presence statuses a person can choose or see, shared by the publisher, the compositor, the buddy
 * list and the trace pane. How each maps to PIDF/RPID is the PIDF codec's business (shared/pidf/).
 */

/** A status the user can pick in the status picker. */
export type ChosenStatus =
  | 'available'
  | 'away'
  | 'busy'
  | 'do-not-disturb'
  | 'on-the-phone'
  | 'in-a-meeting'
  /** Published as `basic=closed`: watchers see offline, the publication stays alive. */
  | 'appear-offline';

/**
 * A status a watcher can see for a buddy's published state: the chosen ones, plus offline, plus unknown —
 * a document that says nothing about availability (only a location, RFC 4119; a status without `basic`),
 * which is not the same as offline.
 */
export type PresenceStatus = ChosenStatus | 'offline' | 'unknown';

export const CHOSEN_STATUSES: readonly ChosenStatus[] = [
  'available',
  'away',
  'busy',
  'do-not-disturb',
  'on-the-phone',
  'in-a-meeting',
  'appear-offline',
];

export const PRESENCE_STATUSES: readonly PresenceStatus[] = [...CHOSEN_STATUSES, 'offline', 'unknown'];

/** Words for each status, as the user sees them. */
export const PRESENCE_STATUS_LABELS: Readonly<Record<PresenceStatus, string>> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  'do-not-disturb': 'Do not disturb',
  'on-the-phone': 'On the phone',
  'in-a-meeting': 'In a meeting',
  'appear-offline': 'Appear offline',
  offline: 'Offline',
  unknown: 'Unknown',
};

/** Notes longer than this are cut when published (Linphone's limit; servers and phones expect short notes). */
export const MAX_NOTE_LENGTH = 140;

export function isChosenStatus(value: unknown): value is ChosenStatus {
  return typeof value === 'string' && (CHOSEN_STATUSES as readonly string[]).includes(value);
}

export function isPresenceStatus(value: unknown): value is PresenceStatus {
  return typeof value === 'string' && (PRESENCE_STATUSES as readonly string[]).includes(value);
}
