/** `presently app`: its usage errors, before anything starts. */
import { describe, expect, it } from 'vitest';
import { runAppCommand } from '../../../electron/cli/app-command';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (line: string) => out.push(line),
      err: (line: string) => err.push(line),
      stopRequested: new Promise<string>(() => undefined),
      env: {},
    },
  };
}

describe('presently app', () => {
  it('given no --web, then it exits 2 and says the command line runs the web mode only', async () => {
    const run = io();
    expect(await runAppCommand([], run.io)).toBe(2);
    expect(run.err.join('\n')).toContain('only the web mode runs from the command line: add --web');
  });

  it('given a non-loopback --host, then it exits 2 with the reason, serving nothing', async () => {
    const run = io();
    expect(await runAppCommand(['--web', '--no-open', '--host', '0.0.0.0'], run.io)).toBe(2);
    expect(run.err.join('\n')).toContain('listens on this computer only (127.0.0.1 or ::1), not on "0.0.0.0"');
    expect(run.out).toEqual([]);
  });

  it('given a port out of range, then it exits 2', async () => {
    const run = io();
    expect(await runAppCommand(['--web', '--port', '70000'], run.io)).toBe(2);
    expect(run.err.join('\n')).toContain('--port must be between 0 and 65535');
  });
});
