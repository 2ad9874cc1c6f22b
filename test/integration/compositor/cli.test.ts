/**
 * `presently compositor` as a user runs it: a child process (the CLI entry run through tsx, so no build
 * step is needed), real requests over UDP, one log line per request on stdout, and a summary after SIGINT.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec } from '../../support/compositor/compositor-fixture';

function runCli(args: readonly string[]): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  line: (pattern: RegExp) => Promise<RegExpMatchArray>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/presently.ts', 'compositor', ...args], { cwd: process.cwd() });
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i];
      const match = waiter === undefined ? null : text.match(waiter.pattern);
      if (waiter !== undefined && match !== null) {
        waiters.splice(i, 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    output: () => text,
    line: (pattern) =>
      new Promise((resolve) => {
        const match = text.match(pattern);
        if (match !== null) resolve(match);
        else waiters.push({ pattern, resolve });
      }),
  };
}

describe('presently compositor (command line)', () => {
  it('given the command running, when a PUBLISH arrives and Ctrl-C is pressed, then it logs the request and prints a summary', async () => {
    const cli = runCli(['--udp', '0', '--tcp', '0', '--ws', 'off', '--domain', 'example.com']);
    const [, port] = await cli.line(/udp\s+sip:127\.0\.0\.1:(\d+);transport=udp/);
    await cli.line(/Press Ctrl-C to stop\./);
    const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: Number(port) });
    try {
      const body =
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@example.com"><tuple id="t"><status><basic>open</basic></status></tuple></presence>';
      expect((await peer.request(publishSpec('sip:alice@example.com', { body }))).status).toBe(200);
      expect((await peer.request(publishSpec('sip:eve@elsewhere.org', { body }))).status).toBe(404);
      await cli.line(
        /\d\d:\d\d:\d\d\.\d{3} {2}PUBLISH sip:alice@example\.com ← udp 127\.0\.0\.1:\d+ → 200 OK \(initial, etag \S+, expires 600\)/,
      );
      await cli.line(/PUBLISH sip:eve@elsewhere\.org ← udp 127\.0\.0\.1:\d+ → 404 Not Found \(domain not served here\)/);
    } finally {
      await peer.close();
    }
    cli.child.kill('SIGINT');
    const [code] = (await once(cli.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(cli.output()).toContain('SIGINT received, stopping…');
    expect(cli.output()).toMatch(/requests: +2 PUBLISH/);
    expect(cli.output()).toMatch(/responses: +1×200, 1×404/);
  });

  it('given a port in use, when started, then it exits 1 saying which address and what to do', async () => {
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(0, '127.0.0.1', resolve));
    try {
      const cli = runCli(['--udp', String(blocker.address().port), '--tcp', 'off', '--ws', 'off']);
      const [code] = (await once(cli.child, 'exit')) as [number];
      expect(code).toBe(1);
      expect(cli.output()).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is already in use/);
    } finally {
      blocker.close();
    }
  });

  it('given a bad option value, when started, then it exits 2 with a message naming the option', async () => {
    const cli = runCli(['--min-expires', 'soon']);
    const [code] = (await once(cli.child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(cli.output()).toContain('--min-expires must be a whole number, not "soon"');
  });

  it('given --event-package and --no-event-package, when started, then the events line names what is served, and a PUBLISH of it is taken', async () => {
    const cli = runCli([
      '--udp',
      '0',
      '--tcp',
      'off',
      '--ws',
      'off',
      '--event-package',
      'x-alerts:text/plain',
      '--no-event-package',
      'dialog',
    ]);
    const [, port] = await cli.line(/udp\s+sip:127\.0\.0\.1:(\d+);transport=udp/);
    await cli.line(/events: presence, presence\.winfo, message-summary, x-alerts\n/);
    await cli.line(/Press Ctrl-C to stop\./);
    const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: Number(port) });
    try {
      const alert = publishSpec('sip:alice@example.com', { event: 'x-alerts', body: 'drill', contentType: 'text/plain' });
      expect((await peer.request(alert)).status).toBe(200);
      expect(
        (await peer.request(publishSpec('sip:alice@example.com', { event: 'dialog', body: '<x/>', contentType: 'text/plain' }))).status,
      ).toBe(489);
    } finally {
      await peer.close();
    }
    cli.child.kill('SIGINT');
    expect(((await once(cli.child, 'exit')) as [number])[0]).toBe(0);
  });

  it('given --no-event-package for a package that is not a default one, when started, then it exits 2 saying which can be', async () => {
    const cli = runCli(['--no-event-package', 'x-alerts']);
    const [code] = (await once(cli.child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(cli.output()).toContain('--no-event-package x-alerts: only the default packages (message-summary, dialog) can be switched off');
  });

  it('given a limit flag of 0 and one in seconds, when started, then it exits 2 naming the limit that makes no sense', async () => {
    const cli = runCli(['--udp', '0', '--tcp', '0', '--ws', 'off', '--idle-timeout', '90', '--max-connections', '0']);
    const [code] = (await once(cli.child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(cli.output()).toContain('limit maxConnections must be a whole number ≥ 1 (got 0)');
  });
});
