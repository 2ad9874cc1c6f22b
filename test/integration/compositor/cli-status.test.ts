/**
 * `presently compositor status` against a running `presently compositor` over real sockets: the control listener's
 * GET /status lists what a peer registered, published and subscribed (tables and --json); without a users file it is
 * open on loopback only (refused elsewhere at start, Host checked); with one it wants HTTP Digest as an --admin user;
 * a compositor that is not running, a wrong password and a non-admin each get a sentence, not a stack trace.
 * The server runs in-process (runCompositorCommand); one status run is a child process (tsx) with the password on stdin.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { runCompositorCommand } from '../../../electron/cli/compositor-command';
import { userEntry, usersFileText, type CompositorStatus } from '../../../electron/compositor';
import { publishSpec, subscribeSpec } from '../../support/compositor/compositor-fixture';
import { pidf, SipTestPeer } from '../../support/compositor/sip-test-peer';
import { OutputLines } from '../../support/sip/cli-process';

const ALICE = 'sip:alice@example.com';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'presently-cli-status-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Output lines as they arrive, and a wait for the first one that matches. */
/** `presently compositor ARGS` in-process, with the UDP and control ports it bound; stopped after the test. */
async function startServer(args: readonly string[]) {
  const out = new OutputLines();
  const err = new OutputLines();
  let requestStop: (signal: string) => void = () => undefined;
  const exited = runCompositorCommand(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--control', '127.0.0.1:0', ...args], {
    out: (line) => out.add(line),
    err: (line) => err.add(line),
    stopRequested: new Promise((resolve) => (requestStop = resolve)),
  });
  const udpLine = await Promise.race([out.next((line) => /udp\s+sip:127\.0\.0\.1:\d+/.test(line)), exited.then(() => '')]);
  if (udpLine === '') throw new Error(`the compositor did not start:\n${err.values.join('\n')}`);
  const controlLine = await out.next((line) => line.includes('control: http://'));
  const stop = async () => {
    requestStop('SIGTERM');
    return exited;
  };
  onTestFinished(async () => {
    await stop();
  });
  return {
    out,
    err,
    stop,
    udpPort: Number((/:(\d+);/.exec(udpLine) as RegExpExecArray)[1]),
    controlPort: Number((/http:\/\/127\.0\.0\.1:(\d+)\/status/.exec(controlLine) as RegExpExecArray)[1]),
  };
}

/** `presently compositor status ARGS` in-process; the password as a terminal user would type it. */
async function status(args: readonly string[], password = '') {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runCompositorCommand(['status', ...args], {
    out: (line) => lines.push(line),
    err: (line) => errors.push(line),
    stopRequested: new Promise(() => undefined),
    readPassword: async () => password,
  });
  return { code, output: lines.join('\n'), errors: errors.join('\n') };
}

/** alice registers and publishes from one peer, bob watches her from another (both UDP). */
async function aliceAndBob(port: number): Promise<void> {
  const alice = await SipTestPeer.udp({ host: '127.0.0.1', port });
  const bob = await SipTestPeer.udp({ host: '127.0.0.1', port });
  onTestFinished(async () => {
    await Promise.all([alice.close(), bob.close()]);
  });
  const registered = await alice.request({
    method: 'REGISTER',
    uri: 'sip:example.com',
    from: `<${ALICE}>;tag=r1`,
    to: `<${ALICE}>`,
    headers: [
      ['Contact', `<${alice.contactUri}>`],
      ['Expires', '600'],
    ],
  });
  expect(registered.status).toBe(200);
  const body = pidf(ALICE, [{ id: 'laptop', basic: 'open', note: 'writing docs' }]);
  expect((await alice.request(publishSpec(ALICE, { body }))).status).toBe(200);
  expect((await bob.request(subscribeSpec(bob, ALICE, { from: 'sip:bob@example.com' }))).status).toBe(200);
  await bob.nextRequest();
}

/** An HTTP request to the control listener (GET /status by default) with the Host header given. */
function getStatus(port: number, host: string, method = 'GET', path = '/status'): Promise<{ status: number; body: string; allow: string }> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: '127.0.0.1', port, path, method, headers: { Host: host } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, allow: String(response.headers.allow ?? '') }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('presently compositor status (open loopback)', () => {
  it('given a registration, a publication and a watcher, then the tables and --json show all three', async () => {
    const server = await startServer([]);
    await aliceAndBob(server.udpPort);

    const shown = await status(['--control', `127.0.0.1:${server.controlPort}`]);
    expect(shown.errors).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.output).toMatch(/^Presentities \(1\)$/m);
    expect(shown.output).toMatch(/^ {2}sip:alice@example\.com +available +1: laptop \(available\) +\d+ s +writing docs$/m);
    expect(shown.output).toMatch(/^Watchers \(1\)$/m);
    expect(shown.output).toMatch(/^ {2}sip:bob@example\.com +sip:alice@example\.com +active +udp +\d+ s +udp 127\.0\.0\.1:\d+$/m);
    expect(shown.output).toMatch(/^Registrations \(1\)$/m);
    expect(shown.output).toMatch(/^ {2}sip:alice@example\.com +<?sip:peer@127\.0\.0\.1:\d+>? +\d+ s +udp 127\.0\.0\.1:\d+$/m);

    const json = await status(['--control', `127.0.0.1:${server.controlPort}`, '--json']);
    const parsed = JSON.parse(json.output) as CompositorStatus;
    expect(parsed.presentities).toMatchObject([{ aor: ALICE, status: 'available', note: 'writing docs', devices: [{ id: 'laptop' }] }]);
    expect(parsed.watchers).toMatchObject([{ watcher: 'sip:bob@example.com', presentity: ALICE, state: 'active', transport: 'udp' }]);
    expect(parsed.registrations).toHaveLength(1);
    const expiresIn = (parsed.presentities[0]?.publications[0]?.expiresAt ?? 0) - parsed.time;
    expect(expiresIn).toBeGreaterThan(590_000);
    expect(expiresIn).toBeLessThanOrEqual(600_000);
  });

  it('given a request naming another Host, then it is refused 421 (a rebound DNS name cannot read the status); other paths 404, other methods 405', async () => {
    const server = await startServer([]);
    expect((await getStatus(server.controlPort, `127.0.0.1:${server.controlPort}`)).status).toBe(200);
    const foreign = await getStatus(server.controlPort, `attacker.example:${server.controlPort}`);
    expect(foreign.status).toBe(421);
    expect(JSON.parse(foreign.body)).toEqual({ error: expect.stringContaining('loopback addresses only') });
    const local = `localhost:${server.controlPort}`;
    expect(await getStatus(server.controlPort, local, 'GET', '/other')).toMatchObject({
      status: 404,
      body: JSON.stringify({ error: 'nothing at /other: the status is at /status' }),
    });
    expect(await getStatus(server.controlPort, local, 'DELETE')).toMatchObject({ status: 405, allow: 'GET' });
  });

  it('given no compositor at the address, then it says so and exits 1', async () => {
    const port = await closedPort();
    const shown = await status(['--control', `127.0.0.1:${port}`]);
    expect(shown.code).toBe(1);
    expect(shown.errors).toBe(
      `presently compositor status: No compositor answers at 127.0.0.1:${port} (is it running, and is its --control the same?)`,
    );
  });

  it('given a non-loopback --control without --users, or --admin without --users, then the server refuses to start', async () => {
    const lines: string[] = [];
    const io = {
      out: (line: string) => lines.push(line),
      err: (line: string) => lines.push(line),
      stopRequested: new Promise<string>(() => undefined),
    };
    expect(await runCompositorCommand(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--control', '0.0.0.0:0'], io)).toBe(2);
    expect(lines.join('\n')).toContain('--control 0.0.0.0:0 lets other machines read the status: give --users FILE and --admin USER');
    expect(await runCompositorCommand(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--admin', 'alice'], io)).toBe(2);
    expect(lines.join('\n')).toContain('--admin names a user of --users FILE');
  });

  it('given --control on a port already taken, then the server does not start and names --control', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const { port } = taken.address() as { port: number };
    const lines: string[] = [];
    const code = await runCompositorCommand(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--control', `127.0.0.1:${port}`], {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
      stopRequested: new Promise(() => undefined),
    });
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(`--control 127.0.0.1:${port}: cannot listen on 127.0.0.1:${port}: the port is already in use`);
  });
});

describe('presently compositor status (--users, --admin)', () => {
  async function usersFile(): Promise<string> {
    const file = join(folder, 'users.json');
    const entries = [userEntry('example.com', 'alice', 'alice secret'), userEntry('example.com', 'bob', 'bob secret')];
    await writeFile(file, usersFileText(entries), { mode: 0o600 });
    return file;
  }

  it('given an admin, then only the right password shows the status; no login, a wrong password and a non-admin get a sentence', async () => {
    const server = await startServer(['--users', await usersFile(), '--domain', 'example.com', '--admin', 'alice']);
    await server.out.next((line) =>
      line.includes(
        `control: http://127.0.0.1:${server.controlPort}/status (presently compositor status --control 127.0.0.1:${server.controlPort}), for alice`,
      ),
    );
    const control = ['--control', `127.0.0.1:${server.controlPort}`];

    expect(await status(control)).toMatchObject({
      code: 1,
      errors: `presently compositor status: the compositor at 127.0.0.1:${server.controlPort} wants a login: give --user NAME (one of its --admin users)`,
    });
    expect(await status([...control, '--user', 'alice'], 'not it')).toMatchObject({
      code: 1,
      errors: 'presently compositor status: wrong user or password',
    });
    expect(await status([...control, '--user', 'bob'], 'bob secret')).toMatchObject({
      code: 1,
      errors: expect.stringContaining('answered 403: bob is not an admin of this compositor'),
    });
    const shown = await status([...control, '--user', 'alice'], 'alice secret');
    expect(shown).toMatchObject({ code: 0, errors: '' });
    expect(shown.output).toMatch(/^Presentities \(0\)\n {2}none$/m);
  });

  it('given the built command line as a child process, when the password comes on stdin, then it prints the status', async () => {
    const server = await startServer(['--users', await usersFile(), '--domain', 'example.com', '--admin', 'alice']);
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/presently.ts',
        'compositor',
        'status',
        '--control',
        `127.0.0.1:${server.controlPort}`,
        '--user',
        'alice',
      ],
      { cwd: process.cwd() },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stdin.end('alice secret\n');
    const [code] = (await once(child, 'exit')) as [number];
    expect(output).toContain(`Presently compositor at 127.0.0.1:${server.controlPort}`);
    expect(output).toContain('Watchers (0)');
    expect(code).toBe(0);
  }, 60_000);
});
