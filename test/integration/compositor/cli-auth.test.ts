/**
 * `presently compositor` for a team: add-user / list-users / remove-user keep the users file (a child process, the
 * password on stdin as a script would give it), and the server with `--users` challenges, logs JSON with `--log json`,
 * refuses to listen beyond loopback without authentication, and advertises `--advertised-host`.
 * The server runs in-process (runCompositorCommand with its own output and stop signal) over real UDP.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCompositorCommand } from '../../../electron/cli/compositor-command';
import { userEntry, usersFileText } from '../../../electron/compositor';
import { authorization, challengesOf } from '../../support/compositor/digest-client';
import { pidf, SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, subscribeSpec } from '../../support/compositor/compositor-fixture';
import { OutputLines } from '../../support/sip/cli-process';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'presently-cli-auth-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs `presently compositor ARGS` as a child process with `stdin` piped in; resolves with its exit code and output. */
async function runChild(args: readonly string[], stdin: string): Promise<{ code: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli/presently.ts', 'compositor', ...args], { cwd: process.cwd() });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stdin.end(stdin);
  const [code] = (await once(child, 'exit')) as [number];
  return { code, output };
}

/** Output lines as they arrive, and a wait for the first one that matches. */
/** The server command in-process: its stdout and stderr lines, and a stop that resolves with the exit code. */
function runServer(args: readonly string[]) {
  const out = new OutputLines();
  const err = new OutputLines();
  let requestStop: (signal: string) => void = () => undefined;
  const exited = runCompositorCommand(args, {
    out: (line) => out.add(line),
    err: (line) => err.add(line),
    stopRequested: new Promise((resolve) => (requestStop = resolve)),
  });
  return {
    out,
    err,
    exited,
    stop: async () => {
      requestStop('SIGTERM');
      return exited;
    },
  };
}

/** A users subcommand in-process, the password given as a terminal user would type it. */
async function runUsers(args: readonly string[], password = '') {
  const lines: string[] = [];
  const code = await runCompositorCommand(args, {
    out: (line) => lines.push(line),
    err: (line) => lines.push(line),
    stopRequested: new Promise(() => undefined),
    readPassword: async () => password,
  });
  return { code, output: lines.join('\n') };
}

describe('presently compositor add-user / list-users / remove-user', () => {
  it('given a password on stdin, when alice is added, then the file is 0600 and holds her hashes, not the password', async () => {
    const file = join(folder, 'users.json');
    const added = await runChild(['add-user', 'alice', '--realm', 'example.com', '--users', file], 'alice secret\n');
    expect(added).toMatchObject({ code: 0, output: expect.stringContaining(`Added alice@example.com in ${file}.`) });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('alice secret');
    expect(text).toContain(userEntry('example.com', 'alice', 'alice secret').ha1['SHA-256']);
  }, 60_000);

  it('given a file with one realm, when users are added, changed, listed and removed, then --realm may be left out', async () => {
    const file = join(folder, 'users.json');
    expect(await runUsers(['add-user', 'alice', '--users', file], 'a')).toMatchObject({
      code: 2,
      output: expect.stringContaining('--realm'),
    });
    expect((await runUsers(['add-user', 'alice', '--realm', 'example.com', '--users', file], 'a')).code).toBe(0);
    expect((await runUsers(['add-user', 'bob', '--users', file], 'b')).output).toBe(`Added bob@example.com in ${file}.`);
    expect((await runUsers(['add-user', 'bob', '--users', file], 'b2')).output).toBe(`Changed the password of bob@example.com in ${file}.`);
    expect((await runUsers(['list-users', '--users', file])).output).toBe('alice@example.com\nbob@example.com');
    expect((await runUsers(['remove-user', 'alice', '--users', file])).code).toBe(0);
    expect((await runUsers(['list-users', '--users', file])).output).toBe('bob@example.com');
    expect((await runUsers(['remove-user', 'alice', '--users', file])).code).toBe(1);
    expect((await runUsers(['add-user', 'carol', '--users', file], '')).output).toContain('the password is empty');
    expect((await runUsers(['add-user', 'al:ice', '--users', file], 'x')).output).toContain('is not a user name');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

describe('presently compositor --users', () => {
  async function usersFile(): Promise<string> {
    const file = join(folder, 'users.json');
    await writeFile(file, usersFileText([userEntry('example.com', 'alice', 'alice secret')]), { mode: 0o600 });
    return file;
  }

  it('given --users and --log json, then stdout is one JSON object per request, a PUBLISH is challenged and then accepted', async () => {
    const server = runServer([
      '--users',
      await usersFile(),
      '--domain',
      'example.com',
      '--udp',
      '0',
      '--tcp',
      'off',
      '--ws',
      'off',
      '--log',
      'json',
    ]);
    const [, port] = (await server.err.next((line) => /udp\s+sip:127\.0\.0\.1:\d+/.test(line))).match(/:(\d+);/) as RegExpMatchArray;
    await server.err.next((line) => line.includes('authentication: Digest (SHA-256, MD5), realm example.com, 1 users'));
    const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: Number(port) });
    try {
      const spec = publishSpec('sip:alice@example.com', { body: pidf('sip:alice@example.com', [{ id: 'pc', basic: 'open' }]) });
      const challenged = await peer.request(spec);
      expect(challenged.status).toBe(401);
      const credentials = authorization(challengesOf(challenged), {
        user: 'alice',
        password: 'alice secret',
        method: 'PUBLISH',
        uri: spec.uri,
      });
      expect((await peer.request({ ...spec, cseq: 2, headers: [...(spec.headers ?? []), ['Authorization', credentials]] })).status).toBe(
        200,
      );
      await server.out.next((line) => line.includes('"status":200'));
    } finally {
      await peer.close();
    }
    expect(await server.stop()).toBe(0);
    const logged = server.out.values.map((line) => JSON.parse(line) as { kind: string; what: string; status: number });
    expect(logged.map(({ kind, what, status }) => `${kind} ${what} ${status}`)).toEqual(['request PUBLISH 401', 'request PUBLISH 200']);
  });

  it('given a non-loopback --host without --users, then it refuses to start, naming --users', async () => {
    const refused = runServer(['--host', '0.0.0.0', '--udp', '0', '--tcp', 'off', '--ws', 'off']);
    expect(await refused.exited).toBe(2);
    expect(refused.err.values.join('\n')).toContain('--host 0.0.0.0 lets other machines in: give --users FILE');
  });

  it('given no --users on loopback, then it starts open and says so', async () => {
    const server = runServer(['--udp', '0', '--tcp', 'off', '--ws', 'off']);
    await server.out.next((line) => line.includes('authentication: none — anyone who can reach this address may publish'));
    expect(await server.stop()).toBe(0);
  });

  it('given a users file others may read, then it does not start and says how to fix it', async () => {
    const file = await usersFile();
    await chmod(file, 0o644);
    const server = runServer(['--users', file, '--udp', '0', '--tcp', 'off', '--ws', 'off']);
    expect(await server.exited).toBe(1);
    expect(server.err.values.join('\n')).toContain(`chmod 600 ${file}`);
  });

  it('given 0.0.0.0 with --advertised-host, then the listener URI and the SUBSCRIBE 200’s Contact carry that name', async () => {
    const server = runServer([
      '--host',
      '0.0.0.0',
      '--advertised-host',
      'presence.example.net',
      '--no-auth',
      '--udp',
      '0',
      '--tcp',
      'off',
      '--ws',
      'off',
    ]);
    const [, port] = (await server.out.next((line) => /udp\s+sip:presence\.example\.net:\d+/.test(line))).match(
      /:(\d+);/,
    ) as RegExpMatchArray;
    const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: Number(port) });
    try {
      const response = await peer.request(subscribeSpec(peer, 'sip:alice@example.com'));
      expect(response.status).toBe(200);
      expect(response.headers.get('contact')).toContain(`sip:presence.example.net:${port}`);
    } finally {
      await peer.close();
    }
    expect(await server.stop()).toBe(0);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal);
  it.skipIf(external === undefined)(
    'given 0.0.0.0 without --advertised-host, then it advertises a non-loopback address, not 127.0.0.1',
    async () => {
      const server = runServer(['--host', '0.0.0.0', '--no-auth', '--udp', '0', '--tcp', 'off', '--ws', 'off']);
      const line = await server.out.next((candidate) => /udp\s+sip:/.test(candidate));
      expect(line).not.toContain('127.0.0.1');
      expect(line).toMatch(/udp\s+sip:\d+\.\d+\.\d+\.\d+:\d+;transport=udp/);
      expect(await server.stop()).toBe(0);
    },
  );
});

describe('presently compositor --default-rule', () => {
  it('given a value it does not know, then it exits 2 naming the three it does', async () => {
    const refused = runServer(['--default-rule', 'maybe', '--udp', '0', '--tcp', 'off', '--ws', 'off']);
    expect(await refused.exited).toBe(2);
    expect(refused.err.values.join('\n')).toContain('--default-rule must be allow, ask, block, not "maybe"');
  });

  it('given --default-rule block, then a watcher of someone without rules is rejected, and the start lines name the XCAP root', async () => {
    const server = runServer(['--default-rule', 'block', '--udp', '0', '--tcp', 'off', '--ws', '0']);
    const [, port] = (await server.out.next((line) => /udp\s+sip:127\.0\.0\.1:\d+/.test(line))).match(/:(\d+);/) as RegExpMatchArray;
    await server.out.next((line) => /xcap http:\/\/127\.0\.0\.1:\d+\/xcap-root/.test(line));
    const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: Number(port) });
    try {
      expect((await peer.request(subscribeSpec(peer, 'sip:alice@example.com', { from: 'sip:bob@example.com' }))).status).toBe(200);
      expect((await peer.nextRequest()).headers.get('subscription-state')).toBe('terminated;reason=rejected');
    } finally {
      await peer.close();
    }
    expect(await server.stop()).toBe(0);
  });
});
