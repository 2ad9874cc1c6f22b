/**
 * Saved failing inputs: `<target>-s<seed>-i<index>.bin` holds the exact bytes (`.bin.gz` gzipped, for
 * inputs over 64 KiB: megabyte bodies are mostly one repeated byte), the `.json` beside it says what
 * failed and how it was made. test/unit/fuzz/regressions.test.ts replays every pair.
 *
 * A regression whose product fix is still to come carries `knownIssue` (one sentence naming the defect):
 * its replay is expected to fail until the fix lands, and then the field must be deleted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGET_NAMES, type Failure, type TargetName } from './targets/target';

/** The project's regression folder. */
export const REGRESSION_DIR = fileURLToPath(new URL('./regressions/', import.meta.url));

export interface RegressionMeta {
  readonly target: TargetName;
  readonly seed: number;
  readonly index: number;
  readonly seedName: string;
  readonly mutators: readonly string[];
  /** How long the input took when it was found. */
  readonly ms: number;
  readonly failures: readonly Failure[];
  /** Set by hand: the open product defect this input shows (its replay is expected to fail until fixed). */
  readonly knownIssue?: string;
}

export interface Regression {
  readonly name: string;
  readonly meta: RegressionMeta;
  readonly bytes: Buffer;
}

/** The file name (without extension) for input `index` of `target` under `seed`. */
export function regressionName(target: TargetName, seed: number, index: number): string {
  return `${target}-s${seed}-i${index}`;
}

/** Inputs larger than this are stored gzipped. */
const GZIP_ABOVE_BYTES = 64 * 1024;

/** Writes the input and its description; returns the input's path. */
export function saveRegression(dir: string, meta: RegressionMeta, bytes: Buffer): string {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, regressionName(meta.target, meta.seed, meta.index));
  // Details can be stack traces; the first lines are enough to recognise the defect.
  const failures = meta.failures.map((failure) => ({ kind: failure.kind, detail: failure.detail.split('\n').slice(0, 6).join('\n') }));
  writeFileSync(`${base}.json`, JSON.stringify({ ...meta, failures }, null, 2) + '\n');
  const path = bytes.length > GZIP_ABOVE_BYTES ? `${base}.bin.gz` : `${base}.bin`;
  writeFileSync(path, bytes.length > GZIP_ABOVE_BYTES ? gzipSync(bytes) : bytes);
  return path;
}

/** Every saved regression in `dir`, sorted by name. */
export function loadRegressions(dir: string = REGRESSION_DIR): Regression[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const name = file.slice(0, -'.json'.length);
      const meta = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RegressionMeta;
      if (!(TARGET_NAMES as readonly string[]).includes(meta.target)) throw new Error(`${file}: unknown target "${meta.target}"`);
      const gzipped = join(dir, `${name}.bin.gz`);
      return { name, meta, bytes: existsSync(gzipped) ? gunzipSync(readFileSync(gzipped)) : readFileSync(join(dir, `${name}.bin`)) };
    });
}
