/**
 * Guards against parsers that turn quadratic on hostile input, without timing thresholds that break on
 * a busy machine: the same adversarial input is run at a small and a large size in one process, and the
 * time per byte may grow at most `maxRatio`× (a linear reader stays near 1×, a quadratic one at 16× goes
 * far beyond). The best of several runs is taken, so one scheduling hiccup does not decide.
 */
import { expect } from 'vitest';

/** Sizes the ratio is taken between. */
export const SMALL_INPUT_BYTES = 4 * 1024;
export const LARGE_INPUT_BYTES = 64 * 1024;

/** Best time in ms of `run(input)` over enough repetitions to last a few milliseconds. */
function bestTimeMs(input: string, run: (input: string) => unknown): number {
  let best = Infinity;
  const deadline = performance.now() + 200;
  for (let attempt = 0; attempt < 7 || (attempt < 50 && performance.now() < deadline); attempt++) {
    const started = performance.now();
    let repetitions = 0;
    do {
      run(input);
      repetitions++;
    } while (performance.now() - started < 2);
    best = Math.min(best, (performance.now() - started) / repetitions);
  }
  return best;
}

/**
 * Asserts that `run` takes time linear in the input's size for inputs made by `makeInput(bytes)`.
 * Returns the measured ratio (for messages).
 */
export function expectLinearTime(makeInput: (bytes: number) => string, run: (input: string) => unknown, maxRatio = 4): number {
  const small = makeInput(SMALL_INPUT_BYTES);
  const large = makeInput(LARGE_INPUT_BYTES);
  run(large); // warm up the JIT on the large shape too
  const perByteSmall = bestTimeMs(small, run) / small.length;
  const perByteLarge = bestTimeMs(large, run) / large.length;
  const ratio = perByteLarge / perByteSmall;
  expect(ratio, `time per byte grew ${ratio.toFixed(1)}× from ${small.length} to ${large.length} bytes`).toBeLessThanOrEqual(maxRatio);
  return ratio;
}

/** `unit` repeated to `bytes` characters, between `prefix` and `suffix`. */
export function padded(prefix: string, unit: string, bytes: number, suffix = ''): string {
  const room = Math.max(0, bytes - prefix.length - suffix.length);
  return prefix + unit.repeat(Math.ceil(room / unit.length)).slice(0, room) + suffix;
}
