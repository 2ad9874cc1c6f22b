/**
 * Runs one target for N inputs (or until a time limit) and sums up what happened: throughput, defects by
 * kind, the histogram of answers, memory before and after, the slowest input. Input i of a run is made
 * from `inputPrng(seed, i)` alone, so any input can be rebuilt from its seed and index. Failing inputs are
 * written to the regression folder as they are found.
 */
import { inputPrng } from './prng';
import { saveRegression } from './regressions';
import type { Failure, FailureKind, FuzzTarget, InputResult, TargetName } from './targets/target';

export interface RunOptions {
  readonly seed: number;
  readonly count: number;
  /** Stop early after this long (the inputs run so far are reported). */
  readonly timeLimitMs?: number;
  /** Inputs slower than this are defects (default 50 ms). */
  readonly slowMs?: number;
  /** Heap growth (after a GC, when `--expose-gc` allows one) beyond this is a finding (default 64 MiB). */
  readonly heapGrowthBoundBytes?: number;
  /** Where failing inputs are saved; null saves nothing (the vitest slices). */
  readonly regressionDir: string | null;
  /** At most this many inputs are saved per run (default 25): one defect can make thousands fail alike. */
  readonly maxSaved?: number;
  /** Called every `progressEvery` inputs (the CLI prints a line). */
  readonly onProgress?: (done: number, elapsedMs: number) => void;
  readonly progressEvery?: number;
}

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
}

/** A failing input as the summary lists it. */
export interface FailingInput {
  readonly index: number;
  readonly seedName: string;
  readonly mutators: readonly string[];
  readonly bytes: number;
  readonly ms: number;
  readonly failures: readonly Failure[];
  /** The regression file written for it, if any. */
  readonly savedAs: string | null;
}

export interface TargetSummary {
  readonly target: TargetName;
  readonly seed: number;
  readonly inputs: number;
  readonly elapsedMs: number;
  readonly inputsPerSecond: number;
  readonly counts: Readonly<Record<FailureKind, number>>;
  /** How often each answer was seen (a status code, `dropped`, `expected-500`, `silent`, …). */
  readonly histogram: Readonly<Record<string, number>>;
  readonly memoryBefore: MemorySample;
  readonly memoryAfter: MemorySample;
  /** Whether the samples were taken after a forced GC (only with `--expose-gc`). */
  readonly memoryAfterGc: boolean;
  /** Heap growth beyond the bound, as a sentence; null when within it. */
  readonly memoryFinding: string | null;
  readonly slowest: { readonly index: number; readonly ms: number; readonly seedName: string; readonly mutators: readonly string[] } | null;
  readonly failing: readonly FailingInput[];
}

/** Kinds that make a run fail (the CLI's exit status, the CI slices). `slow` is reported but timing is noisy. */
export const FAILING_KINDS: readonly FailureKind[] = ['crash', 'hang', 'status-500', 'not-shown'];

const gc = (globalThis as { gc?: () => void }).gc;

function sampleMemory(): MemorySample {
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
}

/** Throws from the target's own callbacks (a socket handler, a timer) that escaped it: crashes too. */
function catchEscapes(): { take(): string[]; dispose(): void } {
  let escaped: string[] = [];
  const onError = (error: unknown): void => {
    escaped.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
  };
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    take() {
      const taken = escaped;
      escaped = [];
      return taken;
    },
    dispose() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}

/** How many times a slow-looking input is run again before it counts as slow. */
const SLOW_CONFIRMATIONS = 2;

/**
 * Runs `bytes` and, when it looks slow, again on a restarted target (where it is not a retransmission of
 * itself), up to SLOW_CONFIRMATIONS more times: on two busy cores a GC pause or a neighbour's build can
 * make any input slow once or twice. The input's time is the fastest of its runs; it is slow only if
 * every run was.
 */
export async function runConfirmingSlowness(target: FuzzTarget, bytes: Buffer, slowMs: number): Promise<InputResult & { slow: boolean }> {
  const result = await target.run(bytes);
  if (result.ms <= slowMs || result.failures.length > 0) return { ...result, slow: false };
  let ms = result.ms;
  const failures = [...result.failures];
  for (let attempt = 0; attempt < SLOW_CONFIRMATIONS && ms > slowMs; attempt++) {
    await target.restart();
    const again = await target.run(bytes);
    ms = Math.min(ms, again.ms);
    failures.push(...again.failures);
  }
  return { ...result, ms, failures, slow: ms > slowMs };
}

/** Runs `target` (started here and stopped at the end) for `options.count` inputs. */
export async function runTarget(target: FuzzTarget, options: RunOptions): Promise<TargetSummary> {
  const slowMs = options.slowMs ?? 50;
  const counts: Record<FailureKind, number> = { crash: 0, hang: 0, 'status-500': 0, slow: 0, 'not-shown': 0 };
  const histogram: Record<string, number> = {};
  const failing: FailingInput[] = [];
  let slowest: TargetSummary['slowest'] = null;
  const escapes = catchEscapes();
  await target.start();
  const memoryBefore = sampleMemory();
  const startedAt = performance.now();
  let inputs = 0;
  try {
    for (let index = 0; index < options.count; index++) {
      if (options.timeLimitMs !== undefined && performance.now() - startedAt > options.timeLimitMs) break;
      const input = target.generate(inputPrng(options.seed, index));
      const result = await runConfirmingSlowness(target, input.bytes, slowMs);
      inputs += 1;
      const failures: Failure[] = [...result.failures, ...escapes.take().map((detail): Failure => ({ kind: 'crash', detail }))];
      if (result.slow) failures.push({ kind: 'slow', detail: `${result.ms.toFixed(1)} ms (bound ${slowMs} ms)` });
      for (const outcome of result.outcomes) histogram[outcome] = (histogram[outcome] ?? 0) + 1;
      if (slowest === null || result.ms > slowest.ms)
        slowest = { index, ms: result.ms, seedName: input.seedName, mutators: input.mutators };
      if (failures.length > 0) {
        const kinds = new Set(failures.map((failure) => failure.kind));
        for (const kind of kinds) counts[kind] += 1;
        const savedAs =
          options.regressionDir === null || failing.filter((f) => f.savedAs !== null).length >= (options.maxSaved ?? 25)
            ? null
            : saveRegression(
                options.regressionDir,
                {
                  target: target.name,
                  seed: options.seed,
                  index,
                  seedName: input.seedName,
                  mutators: input.mutators,
                  ms: result.ms,
                  failures,
                },
                input.bytes,
              );
        failing.push({
          index,
          seedName: input.seedName,
          mutators: input.mutators,
          bytes: input.bytes.length,
          ms: result.ms,
          failures,
          savedAs,
        });
        // A hung server or a lost subscription would fail every input after it: start again from clean.
        if (kinds.has('hang') || kinds.has('not-shown') || kinds.has('crash')) await target.restart();
      }
      if (options.onProgress !== undefined && (index + 1) % (options.progressEvery ?? 10_000) === 0)
        options.onProgress(index + 1, performance.now() - startedAt);
    }
  } finally {
    escapes.dispose();
  }
  const elapsedMs = performance.now() - startedAt;
  const memoryAfter = sampleMemory();
  await target.stop();
  const bound = options.heapGrowthBoundBytes ?? 64 * 1024 * 1024;
  const growth = memoryAfter.heapUsed - memoryBefore.heapUsed;
  return {
    target: target.name,
    seed: options.seed,
    inputs,
    elapsedMs,
    inputsPerSecond: inputs / Math.max(elapsedMs / 1000, 1e-9),
    counts,
    histogram,
    memoryBefore,
    memoryAfter,
    memoryAfterGc: gc !== undefined,
    memoryFinding: growth > bound ? `heap grew by ${(growth / 1048576).toFixed(1)} MiB (bound ${(bound / 1048576).toFixed(0)} MiB)` : null,
    slowest,
    failing,
  };
}

/** True when the run found a defect of a failing kind (or the memory bound was crossed). */
export function hasFailures(summary: TargetSummary): boolean {
  return FAILING_KINDS.some((kind) => summary.counts[kind] > 0) || summary.memoryFinding !== null;
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/** How many failing inputs a summary lists. */
const MAX_LISTED = 50;

/** The summary block the CLI prints for one target. */
export function formatSummary(summary: TargetSummary): string {
  const c = summary.counts;
  const histogram = Object.entries(summary.histogram)
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([key, n]) => `${key}=${n}`)
    .join(' ');
  const lines = [
    `== ${summary.target} (seed ${summary.seed}) ==`,
    `inputs          ${summary.inputs} in ${(summary.elapsedMs / 1000).toFixed(1)} s = ${summary.inputsPerSecond.toFixed(0)}/s` +
      ` (1,000,000 would take ${(1_000_000 / Math.max(summary.inputsPerSecond, 1e-9) / 60).toFixed(1)} min)`,
    `crashes         ${c.crash}`,
    `hangs           ${c.hang}`,
    `unexpected 500s ${c['status-500']}`,
    `not shown       ${c['not-shown']}`,
    `slow inputs     ${c.slow}`,
    `answers         ${histogram}`,
    `memory          rss ${mib(summary.memoryBefore.rss)} → ${mib(summary.memoryAfter.rss)}, heap ${mib(summary.memoryBefore.heapUsed)} → ${mib(summary.memoryAfter.heapUsed)}` +
      (summary.memoryAfterGc ? ' (after GC)' : ' (no GC: run with --expose-gc)') +
      (summary.memoryFinding === null ? '' : `  FINDING: ${summary.memoryFinding}`),
    summary.slowest === null
      ? 'slowest         -'
      : `slowest         #${summary.slowest.index} ${summary.slowest.ms.toFixed(1)} ms (${summary.slowest.seedName}; ${summary.slowest.mutators.join('+') || 'unmutated'})`,
  ];
  // Defects first (a slow input is a finding, not a failure of the run), so a long run's list shows them all.
  const isOnlySlow = (input: (typeof summary.failing)[number]) => input.failures.every((f) => f.kind === 'slow');
  const listed = [...summary.failing.filter((i) => !isOnlySlow(i)), ...summary.failing.filter(isOnlySlow)].slice(0, MAX_LISTED);
  for (const input of listed) {
    const what = input.failures.map((f) => `${f.kind}: ${f.detail.split('\n')[0]?.slice(0, 160)}`).join('; ');
    lines.push(
      `  failing #${input.index} (${input.seedName}; ${input.mutators.join('+') || 'unmutated'}; ${input.bytes} B) ${what}${input.savedAs === null ? '' : ` → ${input.savedAs}`}`,
    );
  }
  if (summary.failing.length > listed.length) lines.push(`  … and ${summary.failing.length - listed.length} more failing inputs`);
  return lines.join('\n');
}
