/**
 * `npm run fuzz -- --target all|pidf|compositor-udp|compositor-tcp|compositor-ws|client-notify
 *                  --count N --seed S --time-limit-ms MS [--slow-ms MS] [--no-save]`
 *
 * Prints one summary block per target; failing inputs are saved under test/fuzz/regressions/. Exits 1
 * when any target had a crash, a hang, an unexpected 500, a NOTIFY not shown, or heap growth over the
 * bound (slow inputs are saved and reported but do not fail the run: timing on busy machines is noisy).
 */
import { REGRESSION_DIR } from './regressions';
import { formatSummary, hasFailures, runTarget } from './runner';
import { createTarget, TARGET_NAMES, type TargetName } from './targets';

interface FuzzCliOptions {
  readonly targets: readonly TargetName[];
  readonly count: number;
  readonly seed: number;
  readonly timeLimitMs: number | undefined;
  readonly slowMs: number;
  readonly save: boolean;
}

const USAGE = `usage: npm run fuzz -- [--target all|${TARGET_NAMES.join('|')}] [--count N] [--seed S] [--time-limit-ms MS] [--slow-ms MS] [--no-save]`;

/** Reads the command line; throws a usage message on anything it does not understand. */
function parseFuzzArgs(argv: readonly string[]): FuzzCliOptions {
  let targets: readonly TargetName[] = TARGET_NAMES;
  let count = 10_000;
  let seed = 1;
  let timeLimitMs: number | undefined;
  let slowMs = 50;
  let save = true;
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (value === undefined || !Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`${flag} needs a whole number ≥ 0\n${USAGE}`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] as string).split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--target': {
        const name = value();
        if (name === 'all') targets = TARGET_NAMES;
        else if ((TARGET_NAMES as readonly string[]).includes(name ?? '')) targets = [name as TargetName];
        else throw new Error(`unknown target "${name ?? ''}"\n${USAGE}`);
        break;
      }
      case '--count':
        count = number(flag, value());
        break;
      case '--seed':
        seed = number(flag, value());
        break;
      case '--time-limit-ms':
        timeLimitMs = number(flag, value());
        break;
      case '--slow-ms':
        slowMs = number(flag, value());
        break;
      case '--no-save':
        save = false;
        break;
      case '--help':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option "${flag}"\n${USAGE}`);
    }
  }
  return { targets, count, seed, timeLimitMs, slowMs, save };
}

async function main(): Promise<number> {
  let options: FuzzCliOptions;
  try {
    options = parseFuzzArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  let failed = false;
  for (const name of options.targets) {
    console.log(
      `fuzzing ${name}: ${options.count} inputs, seed ${options.seed}${options.timeLimitMs === undefined ? '' : `, at most ${options.timeLimitMs} ms`}`,
    );
    const summary = await runTarget(createTarget(name), {
      seed: options.seed,
      count: options.count,
      slowMs: options.slowMs,
      regressionDir: options.save ? REGRESSION_DIR : null,
      ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
      progressEvery: 10_000,
      onProgress: (done, elapsedMs) => console.log(`  ${name}: ${done} inputs, ${(done / (elapsedMs / 1000)).toFixed(0)}/s`),
    });
    console.log(formatSummary(summary) + '\n');
    failed ||= hasFailures(summary);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
