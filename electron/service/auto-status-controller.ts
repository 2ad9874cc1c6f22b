/**
 * Drives the automatic-status rules (shared/presence/auto-status.ts) from the desktop and the clock: it
 * polls the OS idle time (every `pollMs`; the threshold is the user's `idleAwayMinutes`, 0 switching it
 * off), listens for the screen lock, and wakes at a timed status's end. Whenever what is to be shown
 * changes it calls `onChange`; the service publishes that and persists a choice a timed status returned to.
 *
 * Timers come from an injected scheduler and time from an injected clock, so tests move both by hand.
 */
import {
  initialAutoStatus,
  nextAutoStatus,
  nextAutoStatusDeadline,
  shownPresence,
  type AutoStatusEvent,
  type AutoStatusState,
  type ManualChoice,
  type ShownPresence,
} from '../../shared/presence/auto-status';
import type { ChosenStatus } from '../../shared/presence/presence-status';
import { nodeScheduler, type Scheduler } from '../deadline';

/**
 * What the automatic status reads of the desktop: the seconds since the last keyboard or mouse input, and
 * the screen's lock and unlock (the desktop's PowerEvents, electron/desktop/power-events.ts, is one).
 */
export interface ActivitySource {
  on(event: 'lock-screen' | 'unlock-screen', listener: () => void): () => void;
  getSystemIdleTime(): number;
}

/** How often the idle time is read: Away comes at most this long after the threshold. */
export const IDLE_POLL_MS = 15_000;

/** Node's timers fire at most this far ahead (2^31 − 1 ms, about 24.8 days); a later end is waited for in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export interface AutoStatusControllerOptions {
  /** The desktop's idle time and lock events; null where there is no desktop (plain Node, the command line). */
  readonly activity: ActivitySource | null;
  readonly now: () => number;
  readonly schedule?: Scheduler;
  /** The user's threshold in minutes, read at every poll (0: never Away for idle). */
  readonly idleAwayMinutes: () => number;
  readonly pollMs?: number;
  /** What to show changed (`state` says why: its manual choice differs after a timed status ended). */
  readonly onChange: (shown: ShownPresence, state: AutoStatusState) => void;
}

/** The automatic status of one running app. */
export class AutoStatusController {
  private current: AutoStatusState;
  private readonly schedule: Scheduler;
  private readonly stops: (() => void)[] = [];
  private cancelDeadline: (() => void) | null = null;
  private cancelPoll: (() => void) | null = null;
  private isRunning = false;

  constructor(
    initial: ManualChoice,
    private readonly options: AutoStatusControllerOptions,
  ) {
    this.current = initialAutoStatus(initial);
    this.schedule = options.schedule ?? nodeScheduler;
  }

  /** The rules' state (the manual choice and what was observed). */
  get state(): AutoStatusState {
    return this.current;
  }

  /** What to publish and show now. */
  get shown(): ShownPresence {
    return shownPresence(this.current);
  }

  /** Starts over from a saved choice (the settings as loaded), without telling `onChange`. */
  reset(manual: ManualChoice, before?: Omit<ManualChoice, 'until'>): void {
    this.current = { ...initialAutoStatus(manual, before), idleSince: this.current.idleSince, lockedSince: this.current.lockedSince };
    if (this.isRunning) this.armDeadline();
  }

  /** Starts watching the desktop and the clock; a timed status that ended while the app was closed ends now. */
  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    const { activity } = this.options;
    if (activity) {
      this.stops.push(
        activity.on('lock-screen', () => this.apply({ kind: 'locked', at: this.options.now() })),
        activity.on('unlock-screen', () => {
          this.apply({ kind: 'unlocked' });
          this.pollIdle();
        }),
      );
      this.pollEvery(this.options.pollMs ?? IDLE_POLL_MS);
    }
    this.apply({ kind: 'tick', at: this.options.now() });
    this.armDeadline();
  }

  /** Stops every timer and listener. */
  stop(): void {
    this.isRunning = false;
    for (const stop of this.stops.splice(0)) stop();
    this.cancelPoll?.();
    this.cancelPoll = null;
    this.cancelDeadline?.();
    this.cancelDeadline = null;
  }

  /** The user chose a status by hand (rule 5), with an optional end (rule 6). */
  choose(choice: { readonly status: ChosenStatus; readonly note: string; readonly until?: number }): ShownPresence {
    this.apply({ kind: 'chosen', ...choice, at: this.options.now() }, { isSilent: true });
    this.armDeadline();
    return this.shown;
  }

  /** Reads the idle time once and applies it (the poll's step; tests call it after moving the fake idle time). */
  pollIdle(): void {
    const { activity } = this.options;
    if (!activity) return;
    const thresholdSeconds = Math.max(0, this.options.idleAwayMinutes()) * 60;
    const idleSeconds = activity.getSystemIdleTime();
    if (thresholdSeconds > 0 && idleSeconds >= thresholdSeconds) {
      // The episode began at the last input; later polls of the same episode would only move it by rounding.
      if (this.current.idleSince === null) this.apply({ kind: 'idle', since: this.options.now() - idleSeconds * 1000 });
    } else {
      this.apply({ kind: 'active' });
    }
  }

  private pollEvery(ms: number): void {
    this.cancelPoll = this.schedule(() => {
      this.pollIdle();
      if (this.isRunning) this.pollEvery(ms);
    }, ms);
  }

  private armDeadline(): void {
    this.cancelDeadline?.();
    this.cancelDeadline = null;
    const deadline = nextAutoStatusDeadline(this.current);
    if (deadline === null || !this.isRunning) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, deadline - this.options.now()));
    this.cancelDeadline = this.schedule(() => {
      this.cancelDeadline = null;
      this.apply({ kind: 'tick', at: this.options.now() });
      this.armDeadline();
    }, wait);
  }

  private apply(event: AutoStatusEvent, options: { isSilent?: boolean } = {}): void {
    const before = this.current;
    const shownBefore = shownPresence(before);
    this.current = nextAutoStatus(before, event);
    if (this.current === before || options.isSilent) return;
    const shown = shownPresence(this.current);
    const isSame =
      shown.status === shownBefore.status &&
      shown.note === shownBefore.note &&
      shown.isManual === shownBefore.isManual &&
      shown.until === shownBefore.until &&
      shown.automatic?.reason === shownBefore.automatic?.reason &&
      shown.automatic?.since === shownBefore.automatic?.since;
    if (!isSame || this.current.manual !== before.manual) this.options.onChange(shown, this.current);
  }
}
