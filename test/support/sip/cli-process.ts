/**
 * Runs the built command line (`dist/cli/presently.cjs`, from `npm run build:node`) as a child process
 * and lets a test wait for its output lines and its exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ArrivalWaits } from './wait-for';

export const CLI_PATH = path.resolve(import.meta.dirname, '../../../dist/cli/presently.cjs');

export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: () => string;
  /** Resolves with the first stdout line (already printed or to come) that matches. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number, what?: string): Promise<string>;
  /** Resolves with the exit code (killed by a signal → null). */
  readonly exited: Promise<number | null>;
}

export function runCli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  const lineWaits = new ArrivalWaits();
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    stdout.push(...complete.filter((l) => l !== ''));
    lineWaits.arrived();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => lineWaits.end());
  return {
    child,
    stdout,
    stderr: () => stderr,
    exited,
    waitForLine: (predicate, timeoutMs = 15_000, what = 'a matching line') =>
      lineWaits.until(
        () => stdout.find(predicate),
        timeoutMs,
        (ended) =>
          `presently ${ended ? `exited without printing ${what}` : `did not print ${what} within ${timeoutMs} ms`}.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr}`,
      ),
  };
}

/**
 * What a command run in this process (`runCompositorCommand` with its io) printed, line by line, and a wait for the
 * first line that matches (already printed or to come).
 */
export class OutputLines {
  readonly values: string[] = [];
  private readonly waits = new ArrivalWaits();

  /** Takes one printed value; a value of several lines counts as each of them. */
  add(text: string): void {
    this.values.push(...text.split('\n'));
    this.waits.arrived();
  }

  next(matches: (line: string) => boolean): Promise<string> {
    return this.waits.until(
      () => this.values.find(matches),
      10_000,
      () => `no matching line among:\n${this.values.join('\n')}`,
    );
  }
}
