/**
 * A Scheduler (electron/deadline.ts) whose time moves only when the test says: `advance(ms)` runs, in time
 * order, every callback that falls due, moving the shared clock to each one's time. For the automatic
 * status, the presence history's debounced writes and anything else that takes an injected scheduler.
 */
import type { Scheduler } from '../../electron/deadline';

interface Timer {
  readonly at: number;
  readonly callback: () => void;
  isCancelled: boolean;
}

/** Timers on a hand-driven clock; `clock.now` is shared with the code under test's `now()`. */
export class ManualScheduler {
  private timers: Timer[] = [];

  constructor(private readonly clock: { now: number }) {}

  readonly schedule: Scheduler = (callback, ms) => {
    const timer: Timer = { at: this.clock.now + ms, callback, isCancelled: false };
    this.timers.push(timer);
    return () => {
      timer.isCancelled = true;
    };
  };

  /** How many timers wait (not cancelled, not run). */
  get pending(): number {
    return this.timers.filter((t) => !t.isCancelled).length;
  }

  /** Moves the clock forward by `ms`, running each timer due on the way at its own time; settles promises between them. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.isCancelled);
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.clock.now = Math.max(this.clock.now, next.at);
      next.callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.clock.now = end;
  }
}
