/**
 * Bounding the wait for work that may never finish — a server that stops answering while we shut down,
 * a session that hangs in its stop. Two helpers, because callers want different things when time is up:
 * the engine's shutdown carries on regardless (`waitAtMost`), the service wants to log that it happened
 * (`rejectOnTimeout`). And the one timer shape the service and the desktop code take, so tests drive
 * time by hand (`Scheduler`).
 */

/** Runs `callback` after `ms`; returns a function that cancels it. */
export type Scheduler = (callback: () => void, ms: number) => () => void;

/** The scheduler of the app: Node's timers. */
export const nodeScheduler: Scheduler = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
};

/** Waits until `promise` settles or `ms` have passed, whichever is first; never rejects, and drops the value. */
export async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** Settles like `promise`, or rejects with "timed out after `ms` ms" if it has not settled by then. */
export function rejectOnTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
