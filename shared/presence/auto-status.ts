/**
 * The one rule for which status we show when the user is not at the computer, and when a timed status
 * ends: a pure state machine over the user's choices and the desktop's idle and lock reports. It knows no
 * clock of its own — every event carries its time — so each rule is tested without waiting; the service
 * feeds it (electron/service/auto-status-controller.ts) and publishes what `shownPresence` says.
 *
 * Sources: the manual choice (with an optional end time), the OS idle time (an episode starts when the
 * user last touched keyboard or mouse, reported once it passes the threshold), the screen lock, and the
 * clock reaching a timed status's end.
 *
 *   rule  when                                                     shown
 *   ────  ───────────────────────────────────────────────────────  ──────────────────────────────────────────
 *    1    nothing automatic applies                                 the manual choice, marked manual
 *    2    idle or locked, and the manual choice is Available        Away, the note kept, NOT marked manual,
 *                                                                     with { reason, since } (locked wins over
 *                                                                     idle as the reason: it is the stronger word)
 *    3    idle or locked, any other manual choice (Away, Busy,      the manual choice: idle and lock never
 *           Do Not Disturb, In a meeting, On the phone, Appear        override a status picked by hand
 *           offline)
 *    4    back (neither idle nor locked)                            the manual choice again, note and all
 *    5    the user chooses a status by hand                         that status; an idle or lock episode that
 *                                                                     began before the choice no longer counts
 *                                                                     (it must end and begin again to apply)
 *    6    a timed choice's `until` is reached                       the last choice made without an end time
 *                                                                     (choosing a timed status over a timed one
 *                                                                     keeps that same one to return to)
 *
 * Why automatic Away is not marked manual: the precedence rule (shared/presence/status-precedence.ts)
 * lets a status marked manual win over other devices' automatic ones; an idle timer on this computer
 * must not beat a status the user picked on the phone.
 */
import type { ChosenStatus } from './presence-status';

/** Why a status was set without the user choosing it: the idle timer, or the screen lock. */
export type AutomaticReason = 'idle' | 'locked';

/** A status the user picked, with its note and, for a timed status, when it ends (ms since the epoch). */
export interface ManualChoice {
  readonly status: ChosenStatus;
  readonly note: string;
  readonly until?: number;
  /** When it was chosen (ms since the epoch). */
  readonly at: number;
}

/** Everything the rules read; plain data, so the service can persist the manual part. */
export interface AutoStatusState {
  readonly manual: ManualChoice;
  /** The last choice without an end time, returned to when a timed one ends (rule 6); absent without a timed choice. */
  readonly before?: Omit<ManualChoice, 'until'>;
  /** When the current idle episode began (the last input), or null while active. */
  readonly idleSince: number | null;
  /** When the screen was locked, or null while unlocked. */
  readonly lockedSince: number | null;
}

/** What the engine is told. */
export type AutoStatusEvent =
  | { readonly kind: 'chosen'; readonly status: ChosenStatus; readonly note: string; readonly until?: number; readonly at: number }
  | { readonly kind: 'idle'; readonly since: number }
  | { readonly kind: 'active' }
  | { readonly kind: 'locked'; readonly at: number }
  | { readonly kind: 'unlocked' }
  | { readonly kind: 'tick'; readonly at: number };

/** The status to publish and show, and why. */
export interface ShownPresence {
  readonly status: ChosenStatus;
  readonly note: string;
  /** Published with RFC 4480's manual class (rules 1, 3, 4, 5); false for an automatic Away (rule 2). */
  readonly isManual: boolean;
  /** When a timed status ends (ms since the epoch). */
  readonly until?: number;
  /** Set when the status is automatic (rule 2): why, and since when (ms since the epoch). */
  readonly automatic?: { readonly reason: AutomaticReason; readonly since: number };
}

/** The state of a start: the saved manual choice, the user active, the screen unlocked. */
export function initialAutoStatus(manual: ManualChoice, before?: Omit<ManualChoice, 'until'>): AutoStatusState {
  return { manual, ...(before ? { before } : {}), idleSince: null, lockedSince: null };
}

/** The next state after `event` (rules 5 and 6 change the manual choice; the others only what is observed). */
export function nextAutoStatus(state: AutoStatusState, event: AutoStatusEvent): AutoStatusState {
  switch (event.kind) {
    case 'chosen': {
      const manual: ManualChoice = {
        status: event.status,
        note: event.note,
        at: event.at,
        ...(event.until === undefined ? {} : { until: event.until }),
      };
      if (event.until === undefined) return { manual, idleSince: state.idleSince, lockedSince: state.lockedSince };
      const before = state.manual.until === undefined ? withoutUntil(state.manual) : state.before;
      return { manual, ...(before ? { before } : {}), idleSince: state.idleSince, lockedSince: state.lockedSince };
    }
    case 'tick': {
      const until = state.manual.until;
      if (until === undefined || event.at < until) return state;
      const manual = state.before ?? { status: 'available', note: '', at: until };
      return { manual, idleSince: state.idleSince, lockedSince: state.lockedSince };
    }
    case 'idle':
      return state.idleSince === event.since ? state : { ...state, idleSince: event.since };
    case 'active':
      return state.idleSince === null ? state : { ...state, idleSince: null };
    case 'locked':
      return state.lockedSince !== null ? state : { ...state, lockedSince: event.at };
    case 'unlocked':
      return state.lockedSince === null ? state : { ...state, lockedSince: null };
  }
}

/** What to publish and show for `state` (rules 1–4). */
export function shownPresence(state: AutoStatusState): ShownPresence {
  const { manual } = state;
  const chosen: ShownPresence = {
    status: manual.status,
    note: manual.note,
    isManual: true,
    ...(manual.until === undefined ? {} : { until: manual.until }),
  };
  if (manual.status !== 'available') return chosen;
  // Rule 5: an episode that began before the choice was seen by the user choosing, so it does not count.
  const locked = state.lockedSince !== null && state.lockedSince >= manual.at ? state.lockedSince : null;
  const idle = state.idleSince !== null && state.idleSince >= manual.at ? state.idleSince : null;
  const automatic: ShownPresence['automatic'] =
    locked !== null ? { reason: 'locked', since: locked } : idle !== null ? { reason: 'idle', since: idle } : undefined;
  if (automatic === undefined) return chosen;
  return { ...chosen, status: 'away', isManual: false, automatic };
}

/** When the engine must be ticked next (a timed status's end), or null. */
export function nextAutoStatusDeadline(state: AutoStatusState): number | null {
  return state.manual.until ?? null;
}

/** Whether two shown presences publish the same document (the same status, note, mark and end). */
export function isSamePublication(a: ShownPresence, b: ShownPresence): boolean {
  return a.status === b.status && a.note === b.note && a.isManual === b.isManual && a.until === b.until;
}

function withoutUntil(choice: ManualChoice): Omit<ManualChoice, 'until'> {
  return { status: choice.status, note: choice.note, at: choice.at };
}
