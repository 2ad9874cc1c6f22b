/**
 * Runs the built command line (`dist/cli/presently.cjs`, from `npm run build:node`) as a child process
 * and lets a test wait for its output lines and its exit.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

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
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    stdout.push(...lines.filter((l) => l !== ''));
    for (const wake of [...waiters]) wake();
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr: () => stderr,
    exited,
    waitForLine: (predicate, timeoutMs = 15_000, what = 'a matching line') =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = stdout.find(predicate);
          if (line === undefined) return false;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`presently did not print ${what} within ${timeoutMs} ms.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
        void exited.then(() => {
          if (waiters.has(check) && !check()) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`presently exited without printing ${what}.\nstdout:\n${stdout.join('\n')}\nstderr:\n${stderr}`));
          }
        });
      }),
  };
}
