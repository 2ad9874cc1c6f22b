/**
 * Waiting instead of sleeping: `waitFor` for a source that emits values (an engine's onBuddy,
 * onConnection…), `ArrivalWaits` for a collection that fills up (received requests, NOTIFYs, events,
 * output lines). Both resolve on the first match, current or later, and reject with a description of
 * what was awaited and what was seen when the time runs out.
 */

type Subscribe<T> = (listener: (value: T) => void) => () => void;

/** Resolves with the first value (`options.current`, or one emitted later) that satisfies `predicate`. */
export function waitFor<T>(
  subscribe: Subscribe<T>,
  predicate: (value: T) => boolean,
  options: { timeoutMs?: number; what?: string; current?: T } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const seen: T[] = [];
  return new Promise<T>((resolve, reject) => {
    if (options.current !== undefined && predicate(options.current)) {
      resolve(options.current);
      return;
    }
    let unsubscribe: () => void = () => undefined;
    const timer = setTimeout(() => {
      unsubscribe();
      const last = seen
        .slice(-5)
        .map((v) => JSON.stringify(v))
        .join('\n  ');
      reject(
        new Error(
          `Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a matching event'}; last seen:\n  ${last || '(nothing)'}`,
        ),
      );
    }, timeoutMs);
    unsubscribe = subscribe((value) => {
      seen.push(value);
      if (predicate(value)) {
        clearTimeout(timer);
        unsubscribe();
        resolve(value);
      }
    });
  });
}

/** Collects every value emitted until `stop()` is called. */
export function collect<T>(subscribe: Subscribe<T>): { readonly values: T[]; stop(): void } {
  const values: T[] = [];
  const stop = subscribe((value) => values.push(value));
  return { values, stop };
}

/**
 * Waits on a collection that test support fills as things arrive (requests a scripted server received,
 * NOTIFYs, events, output lines): each wait looks with its own `find` now and again after every arrival.
 */
export class ArrivalWaits {
  private readonly pending = new Set<() => void>();
  private hasEnded = false;

  /** Lets every pending wait look again; call it after each arrival. */
  arrived(): void {
    for (const look of [...this.pending]) look();
  }

  /** Nothing more will arrive (the process exited): waits that find nothing fail now instead of at their timeout. */
  end(): void {
    this.hasEnded = true;
    this.arrived();
  }

  /**
   * Resolves with the first value `find` returns, now or after an arrival; rejects with the message of
   * `failure` after `timeoutMs`, or as soon as the arrivals have ended (`ended` true).
   */
  until<T>(find: () => T | undefined, timeoutMs: number, failure: (ended: boolean) => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const look = () => {
        const value = find();
        if (value === undefined && !this.hasEnded) return;
        clearTimeout(timer);
        this.pending.delete(look);
        if (value === undefined) reject(new Error(failure(true)));
        else resolve(value);
      };
      const timer = setTimeout(() => {
        this.pending.delete(look);
        reject(new Error(failure(false)));
      }, timeoutMs);
      this.pending.add(look);
      look();
    });
  }
}
