/**
 * The one rule that decides a presentity's status when several devices (or person elements) say
 * different things — used by the summariser (shared/pidf/summarize.ts) and by the compositor's
 * composition (shared/pidf/compose.ts), so a watcher reads the same status through our compositor and
 * through a server that keeps every device's data (RFC 4479 §3 lets a document carry several
 * occurrences of the person).
 *
 * Each device contributes its own status; the winner is found in three steps:
 *
 *   1. a closed device (RFC 3863 §4.1.4 `basic` closed) contributes nothing;
 *   2. a status its publisher marked as chosen by hand (RFC 4480 §3 `class`, docs/protocol.md §4)
 *      wins over every automatic one (a phone's call state, an idle timer, a device that marks nothing);
 *   3. among the rest, the most engaged status wins:
 *
 *        rank  status            why
 *        ────  ────────────────  ─────────────────────────────────────────────────────────────
 *          6   do-not-disturb    the person asked not to be reached at all
 *          5   on-the-phone      engaged on a device; a watcher must not call expecting an answer
 *          4   in-a-meeting        (the three engaged states rank in this order, so a tie between
 *          3   busy                 two devices always has one answer)
 *          2   away              not at the device, but nothing stops a message
 *          1   available
 *          0   offline           a device open but saying the person is gone (Linphone's "Offline")
 *         -1   unknown           says nothing about availability: any word at all wins over it
 *
 * Equal contributions keep the caller's order: the first one given wins.
 */
import type { PresenceStatus } from './presence-status';

/** One device's (or person element's) word on the status, as the rule weighs it. */
export interface StatusContribution {
  readonly status: PresenceStatus;
  /** False for a closed device: it then contributes nothing (step 1). */
  readonly isOpen: boolean;
  /** The publisher marked the status as chosen by hand (step 2). */
  readonly isManual: boolean;
}

/** Step 3's ranks, higher wins; `appear-offline` is never read from a document, so it ranks with offline. */
export const STATUS_ENGAGEMENT: Readonly<Record<PresenceStatus, number>> = {
  unknown: -1,
  offline: 0,
  'appear-offline': 0,
  available: 1,
  away: 2,
  busy: 3,
  'in-a-meeting': 4,
  'on-the-phone': 5,
  'do-not-disturb': 6,
};

/**
 * Orders two open contributions, the winner first: negative when `a` wins, positive when `b` does,
 * 0 for a tie (then a stable sort keeps the caller's order).
 */
export function compareByPrecedence(a: StatusContribution, b: StatusContribution): number {
  if (a.isOpen !== b.isOpen) return a.isOpen ? -1 : 1;
  if (a.isManual !== b.isManual) return a.isManual ? -1 : 1;
  return STATUS_ENGAGEMENT[b.status] - STATUS_ENGAGEMENT[a.status];
}

/** The winning contribution (the item itself, so callers keep what they attached to it), or null when none is open. */
export function strongestContribution<T extends StatusContribution>(contributions: readonly T[]): T | null {
  let best: T | null = null;
  for (const candidate of contributions) {
    if (!candidate.isOpen) continue;
    if (best === null || compareByPrecedence(candidate, best) < 0) best = candidate;
  }
  return best;
}
