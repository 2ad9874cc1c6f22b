/**
 * Coalesces buddy presence changes into batches for the window, so that 5,000 NOTIFYs arriving in a burst (a
 * connection coming up with a large list) cost the renderer a few dozen IPC messages and store updates, not 5,000.
 *
 *   change ──► quiet? ──yes──► sent at once as a batch of one, and a window of `intervalMs` opens
 *                      └─no──► kept (a later change of the same buddy replaces it) ──(window ends)──► one batch
 *
 * So a lone change is not delayed, a burst goes out at most once per window, and each batch names every changed
 * buddy once with its newest state: intermediate states of one buddy inside a window are never shown anyway.
 */
import type { BuddyPresence } from '../../shared/presence/presence-state';

/** Default batch window: two frames at 60 Hz, so the window redraws the list at most every other frame. */
export const BUDDY_PRESENCE_BATCH_MS = 32;

/** Collects presence changes and sends them in batches (see the module comment). */
export class BuddyPresenceBatcher {
  private pending = new Map<string, BuddyPresence>();
  private timer: NodeJS.Timeout | null = null;

  /**
   * @param send receives each batch, in the order the buddies first changed within the window.
   * @param intervalMs the shortest time between two batches; 0 sends every change on its own at once.
   */
  constructor(
    private readonly send: (batch: readonly BuddyPresence[]) => void,
    private readonly intervalMs = BUDDY_PRESENCE_BATCH_MS,
  ) {}

  /** Queues `presence` for the next batch (or sends it now when no batch went out within the window). */
  add(presence: BuddyPresence): void {
    if (this.intervalMs <= 0) {
      this.send([presence]);
      return;
    }
    this.pending.set(presence.aor, presence);
    if (this.timer === null) this.flushAndWait();
  }

  /** Sends what is pending now: before the whole list goes out, so no older presence arrives after it. */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.send(batch);
  }

  /** Sends what is pending and stops the window's timer. */
  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }

  private flushAndWait(): void {
    this.flush();
    this.timer = setTimeout(() => {
      this.timer = null;
      // Changes that came within the window go now and open the next one; a quiet window ends the burst.
      if (this.pending.size > 0) this.flushAndWait();
    }, this.intervalMs);
  }
}
