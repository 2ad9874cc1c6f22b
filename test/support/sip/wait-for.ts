/**
 * Waiting for events instead of sleeping: resolve on the first value (current or emitted) that matches,
 * reject with a description of what was awaited and what was seen when the time runs out.
 */

type Subscribe<T> = (listener: (value: T) => void) => () => void;

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
      const last = seen.slice(-5).map((v) => JSON.stringify(v)).join('\n  ');
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a matching event'}; last seen:\n  ${last || '(nothing)'}`));
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
