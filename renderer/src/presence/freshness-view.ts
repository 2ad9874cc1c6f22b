/**
 * Words for presence that may not be current (BuddyPresence.stale, shared/presence/freshness.ts) and for
 * when a status ends or began: "as of 14:05 — not updated: connection lost", "until 15:00", "since 14:05".
 * Pure, so the list rows, the details and the header use the same sentences; times in the viewer's locale.
 */
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import type { PresenceChange, StalePresence, StaleReason } from '../../../shared/presence/presence-state';
import type { SelfPresence } from '../../../shared/ipc/contract';
import type { ChosenStatus, PresenceStatus } from '../../../shared/presence/presence-status';
import { clockTime, formatAgo } from './status-view';

/** Why, in the user's words. */
export const STALE_REASON_LABELS: Readonly<Record<StaleReason, string>> = {
  'connection-lost': 'connection lost',
  'not-refreshed': 'subscription not refreshed',
  terminated: 'the server ended the subscription',
};

/** "as of 14:05 — not updated: connection lost" (without a known time: "not updated: connection lost"). */
export function describeStale(stale: StalePresence, formatTime: (at: number) => string = clockTime): string {
  const why = `not updated: ${STALE_REASON_LABELS[stale.reason]}`;
  return stale.asOf === null ? why : `as of ${formatTime(stale.asOf)} — ${why}`;
}

/** How many buddies show presence that is not current, for the list header ("3 not current"). */
export function countStale(buddies: readonly BuddyEntry[]): number {
  return buddies.filter((b) => b.presence.stale !== undefined).length;
}

/** "until 15:00" for a buddy's published end time (PresenceSummary.until, ISO), or null when none or not a date. */
export function describeUntil(until: string | undefined, formatTime: (at: number) => string = clockTime): string | null {
  if (until === undefined) return null;
  const at = Date.parse(until);
  return Number.isNaN(at) ? null : `until ${formatTime(at)}`;
}

/** "Away — automatic, idle for 12 min" / "Away — automatic, screen locked"; null while the status is chosen by hand. */
export function describeAutomatic(self: SelfPresence, now: number): string | null {
  const { automatic } = self;
  if (!automatic) return null;
  if (automatic.reason === 'locked') return 'Away — automatic, screen locked';
  const minutes = Math.max(0, Math.round((now - automatic.since) / 60_000));
  return `Away — automatic, idle for ${minutes} min`;
}

/**
 * The status the user chose by hand: while an automatic Away is shown it is Available, because the automatic
 * status replaces only Available (shared/presence/auto-status.ts, rules 2 and 3); otherwise the status shown.
 */
export function statusChosenByHand(self: SelfPresence): ChosenStatus {
  return self.automatic ? 'available' : self.status;
}

/**
 * "last seen available 2 h ago" from a buddy's presence changes (oldest first): when the last Available ended,
 * i.e. the change after the newest Available one. Null while the buddy is Available or was never seen so.
 */
export function describeLastSeenAvailable(changes: readonly PresenceChange[], current: PresenceStatus | null, now: number): string | null {
  if (current === 'available') return null;
  const lastAvailable = changes.findLastIndex((change) => change.status === 'available');
  const ended = lastAvailable < 0 ? undefined : changes[lastAvailable + 1];
  return ended === undefined ? null : `last seen available ${formatAgo(ended.at, now)}`;
}
