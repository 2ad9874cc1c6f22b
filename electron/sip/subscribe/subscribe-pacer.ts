/**
 * How many new SUBSCRIBE transactions may be in flight at once, so that watching thousands of buddies neither bursts
 * them at the server (which then drops datagrams or resets the connection) nor trickles them at a fixed rate (which
 * takes minutes). A congestion window in the manner of TCP's (RFC 5681 §3.1), counted in transactions:
 *
 *   slow start      window < threshold: every fast final response adds 1 (the window doubles per round trip)
 *   avoidance       window ≥ threshold: every fast final response adds 1/window (one more per round trip)
 *   slow answer     a final response slower than `slowAnswerMs` (by default T1, beyond which UDP would already be
 *                   retransmitting and adding load): threshold = window = window/2
 *   503             the same halving (RFC 3261 §21.5.4: the server is overloaded); with Retry-After (§20.33) nothing
 *                   new is sent for that many seconds — it speaks for the whole server, not just this buddy
 *   timeout         threshold = window/2, window = minWindow (like TCP after a retransmission timeout)
 *   link down/up    every slot is void; the next link starts from the initial window again (RFC 5681 §4.1:
 *                   a sender restarting after idle has no current estimate of the path)
 *
 * One decrease per round of requests: the answers to requests sent before a decrease say nothing about the
 * smaller window, so they cannot shrink it again (TCP's recovery, RFC 6582 §3.2 in spirit).
 *
 * Waiting SUBSCRIBEs go out by priority (higher first; buddies the user can see before the rest), in order of arrival
 * within one priority. A new entry is admitted on the next microtask, not inside enqueue(): so the buddies queued
 * together (watched in one loop, or all of them after a reconnection) are ordered by priority before the first goes. Refreshes inside a dialog do not pass here: they are spread over time by refresh-policy.ts.
 */

/** How a paced SUBSCRIBE transaction ended, as far as the pacing cares. */
export type SubscribeOutcome =
  /** A final response from the server other than 503 (a refusal still shows the server keeps up). */
  | { readonly kind: 'answered' }
  /** 503 Service Unavailable, with its Retry-After seconds when it sent one. */
  | { readonly kind: 'overloaded'; readonly retryAfterSeconds?: number }
  /** No final response in time (Timer F, RFC 3261 §17.1.2.2). */
  | { readonly kind: 'timeout' }
  /** The transaction ended without an answer the pacing can learn from (lost connection, subscription stopped). */
  | { readonly kind: 'abandoned' };

/** A waiting or admitted SUBSCRIBE's handle. */
export interface PacerTicket {
  /** The transaction ended (idempotent; ignored after a link change). Only an admitted ticket frees a slot. */
  finished(outcome: SubscribeOutcome): void;
  /** Not needed any more: a waiting ticket leaves the queue, an admitted one frees its slot without a verdict. */
  cancel(): void;
  /** Moves a waiting ticket to another priority (keeping it last among that priority's arrivals). */
  reprioritize(priority: number): void;
}

/** The time source and timer the pacer uses (tests pass a fake one). */
export interface PacerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Tunables of the window; every field has a default. */
export interface SubscribePacerOptions {
  /** Slots at the start and after every link change. Default 4. */
  readonly initialWindow?: number;
  /** The floor the window never shrinks below. Default 1. */
  readonly minWindow?: number;
  /** The ceiling; `Infinity` admits everything at once (the unpaced burst, for comparisons). Default 128. */
  readonly maxWindow?: number;
  /** A final response slower than this counts as congestion. Default 500 ms (T1). */
  readonly slowAnswerMs?: number;
  readonly clock?: PacerClock;
}

/** What the pacer has seen since it was made: for benchmarks and tests. */
export interface PacerStatistics {
  readonly inFlight: number;
  readonly waiting: number;
  readonly window: number;
  /** The most transactions ever in flight at once. */
  readonly maxInFlight: number;
  readonly timeouts: number;
  readonly overloads: number;
  readonly slowAnswers: number;
}

const SYSTEM_CLOCK: PacerClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Entry {
  readonly send: (ticket: PacerTicket) => void;
  priority: number;
  /** Set when admitted: the round of requests it belongs to and when it went out. */
  sequence?: number;
  sentAt?: number;
  done: boolean;
  readonly epoch: number;
  readonly ticket: PacerTicket;
}

/** The congestion window over one account's new SUBSCRIBE transactions (see the file comment). */
export class SubscribePacer {
  private readonly initialWindow: number;
  private readonly minWindow: number;
  private readonly maxWindow: number;
  private readonly slowAnswerMs: number;
  private readonly clock: PacerClock;
  private windowValue: number;
  private threshold: number;
  /** Waiting entries per priority; a Set keeps arrival order and removes in O(1). */
  private readonly queues = new Map<number, Set<Entry>>();
  private waitingCount = 0;
  private inFlightCount = 0;
  private maxInFlightValue = 0;
  private timeouts = 0;
  private overloads = 0;
  private slowAnswers = 0;
  /** Sequence numbers of admitted requests; a decrease is allowed only for a request sent after the last one. */
  private nextSequence = 0;
  private lastDecreaseSequence = -1;
  /** Bumped by restart(): tickets of an older link neither free slots nor teach the window. */
  private epoch = 0;
  private pausedUntil = 0;
  private resumeTimer: unknown;
  private pumpScheduled = false;

  constructor(options: SubscribePacerOptions = {}) {
    this.minWindow = Math.max(1, options.minWindow ?? 1);
    this.maxWindow = Math.max(this.minWindow, options.maxWindow ?? 128);
    this.initialWindow = Math.min(this.maxWindow, Math.max(this.minWindow, options.initialWindow ?? 4));
    this.slowAnswerMs = options.slowAnswerMs ?? 500;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.windowValue = this.initialWindow;
    this.threshold = this.maxWindow;
  }

  /** Current figures. */
  get statistics(): PacerStatistics {
    return {
      inFlight: this.inFlightCount,
      waiting: this.waitingCount,
      window: this.windowValue,
      maxInFlight: this.maxInFlightValue,
      timeouts: this.timeouts,
      overloads: this.overloads,
      slowAnswers: this.slowAnswers,
    };
  }

  /** Queues a SUBSCRIBE: `send` is called (with its ticket) once a slot is free — at the soonest on the next microtask. */
  enqueue(send: (ticket: PacerTicket) => void, priority = 0): PacerTicket {
    const entry: Entry = {
      send,
      priority,
      done: false,
      epoch: this.epoch,
      ticket: {
        finished: (outcome) => this.finish(entry, outcome),
        cancel: () => this.finish(entry, { kind: 'abandoned' }),
        reprioritize: (next) => this.reprioritize(entry, next),
      },
    };
    this.queueOf(priority).add(entry);
    this.waitingCount += 1;
    if (!this.pumpScheduled) {
      this.pumpScheduled = true;
      queueMicrotask(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
    return entry.ticket;
  }

  /**
   * A new link (after a reconnection): every waiting and in-flight ticket is void — their owners queue again — and the
   * window starts over from the initial one, the threshold from what was learnt.
   */
  restart(): void {
    this.epoch += 1;
    this.queues.clear();
    this.waitingCount = 0;
    this.inFlightCount = 0;
    this.windowValue = this.initialWindow;
    this.lastDecreaseSequence = this.nextSequence - 1;
    this.pausedUntil = 0;
    this.clock.clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
  }

  private queueOf(priority: number): Set<Entry> {
    let queue = this.queues.get(priority);
    if (!queue) {
      queue = new Set();
      this.queues.set(priority, queue);
    }
    return queue;
  }

  private reprioritize(entry: Entry, priority: number): void {
    if (entry.done || entry.sequence !== undefined || entry.epoch !== this.epoch || entry.priority === priority) return;
    this.queues.get(entry.priority)?.delete(entry);
    entry.priority = priority;
    this.queueOf(priority).add(entry);
  }

  private finish(entry: Entry, outcome: SubscribeOutcome): void {
    if (entry.done) return;
    entry.done = true;
    if (entry.epoch !== this.epoch) return;
    if (entry.sequence === undefined) {
      this.queues.get(entry.priority)?.delete(entry);
      this.waitingCount -= 1;
      return;
    }
    this.inFlightCount -= 1;
    this.learn(entry, outcome);
    this.pump();
  }

  private learn(entry: Entry, outcome: SubscribeOutcome): void {
    const sequence = entry.sequence ?? 0;
    const elapsed = this.clock.now() - (entry.sentAt ?? this.clock.now());
    switch (outcome.kind) {
      case 'abandoned':
        return;
      case 'timeout':
        this.timeouts += 1;
        this.decrease(sequence, true);
        return;
      case 'overloaded':
        this.overloads += 1;
        if (outcome.retryAfterSeconds !== undefined && outcome.retryAfterSeconds > 0) {
          this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + outcome.retryAfterSeconds * 1000);
        }
        this.decrease(sequence, false);
        return;
      case 'answered':
        if (elapsed > this.slowAnswerMs) {
          this.slowAnswers += 1;
          this.decrease(sequence, false);
          return;
        }
        this.windowValue = Math.min(
          this.maxWindow,
          this.windowValue < this.threshold ? this.windowValue + 1 : this.windowValue + 1 / this.windowValue,
        );
        return;
    }
  }

  /** Halves the window (to the floor after a timeout), once per round of requests. */
  private decrease(sequence: number, toFloor: boolean): void {
    if (sequence <= this.lastDecreaseSequence) return;
    this.lastDecreaseSequence = this.nextSequence - 1;
    this.threshold = Math.max(this.minWindow, Math.floor(this.windowValue / 2));
    this.windowValue = toFloor ? this.minWindow : this.threshold;
  }

  /** Admits waiting entries while slots are free and no Retry-After pause holds. */
  private pump(): void {
    const now = this.clock.now();
    if (now < this.pausedUntil) {
      if (this.resumeTimer === undefined) {
        this.resumeTimer = this.clock.setTimeout(() => {
          this.resumeTimer = undefined;
          this.pump();
        }, this.pausedUntil - now);
      }
      return;
    }
    const epoch = this.epoch;
    while (this.waitingCount > 0 && this.inFlightCount < Math.floor(this.windowValue) && epoch === this.epoch) {
      const entry = this.takeNext();
      if (!entry) return;
      entry.sequence = this.nextSequence++;
      entry.sentAt = now;
      this.inFlightCount += 1;
      this.maxInFlightValue = Math.max(this.maxInFlightValue, this.inFlightCount);
      // The sender may finish (or cancel) its ticket synchronously; finish() then pumps again, which is harmless.
      entry.send(entry.ticket);
    }
  }

  private takeNext(): Entry | undefined {
    let best: Set<Entry> | undefined;
    let bestPriority = -Infinity;
    for (const [priority, queue] of this.queues) {
      if (queue.size > 0 && priority > bestPriority) {
        best = queue;
        bestPriority = priority;
      }
    }
    const entry = best?.values().next().value;
    if (!best || !entry) return undefined;
    best.delete(entry);
    this.waitingCount -= 1;
    return entry;
  }
}

/** The pacer's reading of a SUBSCRIBE's final response: `origin` as sip-problem.ts's responseOrigin tells it. */
export function subscribeOutcome(
  statusCode: number,
  origin: 'server' | 'timeout' | 'transport',
  retryAfterSeconds: number | undefined,
): SubscribeOutcome {
  if (origin === 'timeout') return { kind: 'timeout' };
  if (origin === 'transport') return { kind: 'abandoned' };
  if (statusCode === 503) return retryAfterSeconds === undefined ? { kind: 'overloaded' } : { kind: 'overloaded', retryAfterSeconds };
  return { kind: 'answered' };
}
