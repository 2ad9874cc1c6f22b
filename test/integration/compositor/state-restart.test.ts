/**
 * `presently compositor --state FILE` across a `kill -9`: a child process (the built CLI) on real UDP, killed
 * with SIGKILL and started again on the same port with the same file. What was acknowledged is back — publications
 * (their ETag still refreshes), subscriptions (the watcher gets the next NOTIFY without subscribing again, with a
 * higher CSeq), bindings, presence rules — and what expired while it was down is gone, its watchers told.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStateStore, STATE_SCHEMA_VERSION } from '../../../electron/compositor';
import { pidf, SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, subscribeSpec, toTagOf } from '../../support/compositor/compositor-fixture';
import { httpRequestTo } from '../../support/compositor/http-request';
import { buildResourceLists, RESOURCE_LISTS_CONTENT_TYPE } from '../../../shared/resource-lists/resource-lists';
import { parseMultipartRelated } from '../../../shared/resource-lists/multipart';
import { parseRlmi } from '../../../shared/resource-lists/rlmi';
import { ensureCliBuilt } from '../../support/sip/build-cli';
import { CLI_PATH } from '../../support/sip/cli-process';

/** The state writer thread from source (the rules are saved through it, as the CLI does with its bundled one). */
const WRITER_THREAD = path.resolve('test/support/compositor/state-writer-worker.dev.mjs');

beforeAll(ensureCliBuilt, 120_000);

interface Cli {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  line(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

function runCli(args: readonly string[]): Cli {
  // The built CLI, as shipped: it commits on the state writer thread bundled beside it.
  const child = spawn(process.execPath, [CLI_PATH, 'compositor', ...args], { cwd: process.cwd() });
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void; reject: (e: Error) => void }> = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i] as (typeof waiters)[number];
      const match = text.match(waiter.pattern);
      if (match !== null) {
        waiters.splice(i, 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = once(child, 'exit').then(([code]) => {
    for (const waiter of waiters.splice(0))
      waiter.reject(new Error(`the compositor exited (${String(code)}) before printing ${waiter.pattern}:\n${text}`));
    return code as number | null;
  });
  return {
    child,
    output: () => text,
    exited,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const match = text.match(pattern);
        if (match !== null) return resolve(match);
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within 15 s; the compositor printed:\n${text}`)), 15_000);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)), reject: (e) => (clearTimeout(timer), reject(e)) });
      }),
  };
}

const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
const CAROL = 'sip:carol@example.com';

let folder: string;
let stateFile: string;
const running: Cli[] = [];
const peers: SipTestPeer[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'presently-state-'));
  stateFile = join(folder, 'state.db');
});

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  for (const cli of running.splice(0)) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  }
  rmSync(folder, { recursive: true, force: true });
});

/** Starts the CLI with the state file on `udpPort` (0: a free one); resolves with the port once it serves. */
async function start(udpPort: number, extra: readonly string[] = []): Promise<{ cli: Cli; port: number }> {
  const cli = runCli([
    '--udp',
    String(udpPort),
    '--tcp',
    'off',
    '--ws',
    'off',
    '--domain',
    'example.com',
    '--min-expires',
    '1',
    '--state',
    stateFile,
    ...extra,
  ]);
  running.push(cli);
  const [, port] = await cli.line(/udp\s+sip:127\.0\.0\.1:(\d+);transport=udp/);
  await cli.line(/Press Ctrl-C to stop\./);
  return { cli, port: Number(port) };
}

async function kill9(cli: Cli): Promise<void> {
  cli.child.kill('SIGKILL');
  await cli.exited;
}

async function peer(port: number): Promise<SipTestPeer> {
  const created = await SipTestPeer.udp({ host: '127.0.0.1', port });
  peers.push(created);
  return created;
}

/** Resolves once the wall clock has passed `at` (ms since the epoch): the event "that deadline is behind us". */
function clockPasses(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now() + 5)));
}

function cseqOf(request: { headers: { get(name: string): string | undefined } }): number {
  return Number((request.headers.get('cseq') ?? '').split(' ')[0]);
}

describe('presently compositor --state across kill -9', { timeout: 60_000 }, () => {
  it('given publications, subscriptions and a binding, when killed with SIGKILL and started again, then all are back and what expired while down is gone', async () => {
    const first = await start(0);
    const port = first.port;
    const epa = await peer(port);
    const aliceWatcher = await peer(port);
    const bobWatcher = await peer(port);

    const published = await epa.request(
      publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'pc', basic: 'open', note: 'before' }]), expires: 600 }),
    );
    expect(published.status).toBe(200);
    const aliceEtag = published.headers.get('sip-etag') as string;
    const subscribe = subscribeSpec(aliceWatcher, ALICE, { expires: 600, fromTag: 'wa', callId: 'watch-alice@test' });
    const subscribed = await aliceWatcher.request(subscribe);
    expect(subscribed.status).toBe(200);
    const dialogTag = toTagOf(subscribed);
    const firstNotify = await aliceWatcher.nextRequest();
    expect(firstNotify.body).toContain('<note>before</note>');
    const registered = await epa.request({
      method: 'REGISTER',
      uri: 'sip:example.com',
      from: `<${CAROL}>;tag=r1`,
      to: `<${CAROL}>`,
      callId: 'reg-carol@test',
      cseq: 1,
      headers: [
        ['Contact', '<sip:carol@127.0.0.1:5999>'],
        ['Expires', '600'],
      ],
    });
    expect(registered.status).toBe(200);

    // Bob publishes for two seconds, watched, just before the kill: his publication expires while the server is down.
    expect(
      (await bobWatcher.request(subscribeSpec(bobWatcher, BOB, { expires: 600, fromTag: 'wb', callId: 'watch-bob@test' }))).status,
    ).toBe(200);
    expect((await bobWatcher.nextRequest()).body).toContain('<basic>closed</basic>');
    const bobPublished = await epa.request(publishSpec(BOB, { body: pidf(BOB, [{ id: 'pc', basic: 'open', note: 'brief' }]), expires: 2 }));
    expect(bobPublished.status).toBe(200);
    const bobGoneAt = Date.now() + 2000;
    const bobEtag = bobPublished.headers.get('sip-etag') as string;
    const bobFirst = await bobWatcher.nextRequest();
    expect(bobFirst.body).toContain('<basic>open</basic>');

    await kill9(first.cli);
    await clockPasses(bobGoneAt);
    const second = await start(port);
    expect(second.port).toBe(port);
    // The import of node:sqlite stays quiet: stderr is for what the user must act on.
    expect(first.cli.output() + second.cli.output()).not.toContain('ExperimentalWarning');
    await second.cli.line(/restored: from .*: 1 publications, 2 subscriptions, 1 bindings; expired while down: 1 publications/);

    // Bob's publication expired while the server was down: his watcher hears it without asking, on the same dialog.
    const bobAfter = await bobWatcher.nextRequest();
    expect(bobAfter.headers.get('call-id')).toBe('watch-bob@test');
    expect(cseqOf(bobAfter)).toBeGreaterThan(cseqOf(bobFirst));
    expect(bobAfter.body).toContain('<basic>closed</basic>');
    expect((await epa.request(publishSpec(BOB, { etag: bobEtag, expires: 600 }))).status).toBe(412);

    // Alice's ETag still works for a refresh, and a change reaches her watcher on the old dialog.
    const refreshed = await epa.request(publishSpec(ALICE, { etag: aliceEtag, expires: 600 }));
    expect(refreshed.status).toBe(200);
    const modified = await epa.request(
      publishSpec(ALICE, {
        etag: refreshed.headers.get('sip-etag') as string,
        body: pidf(ALICE, [{ id: 'pc', basic: 'open', note: 'after' }]),
      }),
    );
    expect(modified.status).toBe(200);
    const next = await aliceWatcher.nextRequest();
    expect(next.headers.get('call-id')).toBe('watch-alice@test');
    expect(next.headers.get('from')).toBe(`<${ALICE}>;tag=${dialogTag}`);
    expect(next.headers.get('to')).toBe('<sip:watcher@example.com>;tag=wa');
    expect(cseqOf(next)).toBeGreaterThan(cseqOf(firstNotify));
    expect(next.headers.get('subscription-state')).toMatch(/^active;expires=\d+$/);
    expect(next.body).toContain('<note>after</note>');

    // Carol's binding is listed again.
    const query = await epa.request({
      method: 'REGISTER',
      uri: 'sip:example.com',
      from: `<${CAROL}>;tag=r2`,
      to: `<${CAROL}>`,
      callId: 'query@test',
      cseq: 1,
    });
    const listed = /<sip:carol@127\.0\.0\.1:5999>;expires=(\d+)/.exec(query.headers.getAll('contact').join(','));
    // The remaining lifetime, counted from the REGISTER before the kill.
    expect(Number(listed?.[1])).toBeGreaterThan(0);
    expect(Number(listed?.[1])).toBeLessThanOrEqual(600);

    second.cli.child.kill('SIGINT');
    expect(await second.cli.exited).toBe(0);
  });

  it.each(['full', 'normal'])(
    'given many rapid PUBLISHes with --state-sync %s, when killed with SIGKILL right after the 200s, then every acknowledged publication is there after the restart',
    async (sync) => {
      const first = await start(0, ['--state-sync', sync]);
      const epa = await peer(first.port);
      const count = 300;
      const acknowledged: Array<{ aor: string; etag: string }> = [];
      let resolveHalf: () => void = () => undefined;
      const half = new Promise<void>((resolve) => (resolveHalf = resolve));
      const sends = Array.from({ length: count }, async (_, i) => {
        const aor = `sip:user${i}@example.com`;
        try {
          const response = await epa.request(publishSpec(aor, { body: pidf(aor, [{ id: 't', basic: 'open', note: `n${i}` }]) }), 3000);
          if (response.status === 200) acknowledged.push({ aor, etag: response.headers.get('sip-etag') as string });
          if (acknowledged.length === count / 2) resolveHalf();
        } catch {
          // No answer before the kill: not acknowledged, so nothing is owed.
        }
      });
      // The kill lands while the rest are still arriving: the 200s seen so far are the promise to keep.
      await Promise.race([half, Promise.allSettled(sends)]);
      first.cli.child.kill('SIGKILL');
      const seen = [...acknowledged];
      await Promise.all(sends);
      await first.cli.exited;
      expect(seen.length).toBeGreaterThan(0);

      const second = await start(first.port, ['--state-sync', sync]);
      const restarted = await peer(second.port);
      const statuses = await Promise.all(
        seen.map(({ aor, etag }) => restarted.request(publishSpec(aor, { etag }), 5000).then((r) => r.status)),
      );
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
    },
  );

  it("given alice's buddy list and her UDP list subscription, when killed with SIGKILL and started again, then the list is back and the dialog goes on with full state", async () => {
    const first = await start(0, ['--ws', '0']);
    const [, wsPort] = await first.cli.line(/xcap http:\/\/127\.0\.0\.1:(\d+)\/xcap-root/);
    const listPath = `/xcap-root/resource-lists/users/${encodeURIComponent(ALICE)}/index`;
    const document = buildResourceLists({
      lists: [{ name: 'buddies', items: [BOB, CAROL].map((uri) => ({ kind: 'entry' as const, uri })) }],
    });
    const put = await httpRequestTo({ host: '127.0.0.1', port: Number(wsPort) }, 'PUT', listPath, {
      body: document,
      type: RESOURCE_LISTS_CONTENT_TYPE,
    });
    expect(put.status).toBe(201);
    const owner = await peer(first.port);
    const subscribed = await owner.request({
      ...subscribeSpec(owner, 'sip:alice-buddies@example.com', { from: ALICE, fromTag: 'wl', callId: 'list@test', expires: 600 }),
      headers: [
        ['Event', 'presence'],
        ['Expires', '600'],
        ['Contact', `<${owner.contactUri}>`],
        ['Supported', 'eventlist'],
      ],
    });
    expect(subscribed.status).toBe(200);
    const before = await owner.nextRequest();
    const rlmiOf = (notify: { body: string; headers: { get(name: string): string | undefined } }) => {
      const multipart = parseMultipartRelated(notify.body, notify.headers.get('content-type') ?? '');
      if (!multipart.ok || multipart.multipart.root === undefined) throw new Error('not a list NOTIFY');
      const rlmi = parseRlmi(multipart.multipart.root.body);
      if (!rlmi.ok) throw new Error(rlmi.message);
      return rlmi.document;
    };
    expect(rlmiOf(before).resources.map((r) => r.uri)).toEqual([BOB, CAROL]);

    await kill9(first.cli);
    const second = await start(first.port, ['--ws', '0']);
    const [, secondWsPort] = await second.cli.line(/xcap http:\/\/127\.0\.0\.1:(\d+)\/xcap-root/);
    const read = await httpRequestTo({ host: '127.0.0.1', port: Number(secondWsPort) }, 'GET', listPath);
    expect([read.status, read.body]).toEqual([200, document]);

    // Bob changes: the restored dialog hears of it, with full state since the server cannot know what was sent.
    const epa = await peer(second.port);
    expect((await epa.request(publishSpec(BOB, { body: pidf(BOB, [{ id: 'pc', basic: 'open', note: 'back' }]) }))).status).toBe(200);
    const after = await owner.nextRequest();
    expect(after.headers.get('call-id')).toBe('list@test');
    expect(cseqOf(after)).toBeGreaterThan(cseqOf(before));
    // The version goes on above any the watcher may have seen: the one after `before` may have left uncommitted.
    const rlmi = rlmiOf(after);
    expect(rlmi.version).toBeGreaterThan(rlmiOf(before).version + 1);
    expect([rlmi.isFullState, rlmi.resources.map((r) => r.uri)]).toEqual([true, [BOB, CAROL]]);
    expect(after.body).toContain('<note>back</note>');
  });

  it('given presence rules saved, when the process is killed with SIGKILL, then the rules are read back', async () => {
    const script = `
      import { openStateStore } from './electron/compositor/state/state-store.ts';
      const store = await openStateStore(${JSON.stringify(stateFile)}, { writerThread: ${JSON.stringify(WRITER_THREAD)} });
      store.rules.save('alice@example.com', '<ruleset>alice</ruleset>');
      store.rules.save('bob@example.com', '<ruleset>bob v1</ruleset>');
      store.rules.save('bob@example.com', '<ruleset>bob v2</ruleset>');
      process.stdout.write('saved\\n');
      setInterval(() => undefined, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('saved') && resolve());
      child.once('exit', (code) => reject(new Error(`exited ${String(code)}: ${output}`)));
    });
    child.kill('SIGKILL');
    await once(child, 'exit');
    const store = await openStateStore(stateFile);
    try {
      expect([...store.rules.load()].sort()).toEqual([
        ['alice@example.com', '<ruleset>alice</ruleset>'],
        ['bob@example.com', '<ruleset>bob v2</ruleset>'],
      ]);
    } finally {
      store.close();
    }
  });
});

describe('presently compositor --state refusing a file', { timeout: 60_000 }, () => {
  it('given a state file others can read, when started, then it exits 1 saying to chmod 600', async () => {
    (await openStateStore(stateFile)).close();
    chmodSync(stateFile, 0o644);
    const cli = runCli(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--state', stateFile]);
    running.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`--state ${stateFile} can be read or written by other users (mode 644)`);
    expect(cli.output()).toContain(`chmod 600 ${stateFile}`);
  });

  it('given a state file of a newer schema, when started, then it exits 1 naming both versions', async () => {
    const store = await openStateStore(stateFile);
    store.close();
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(stateFile);
    db.exec(`PRAGMA user_version = ${STATE_SCHEMA_VERSION + 1}`);
    db.close();
    const cli = runCli(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--state', stateFile]);
    running.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(
      `was written by a newer Presently (state schema ${STATE_SCHEMA_VERSION + 1}; this version reads up to ${STATE_SCHEMA_VERSION})`,
    );
  });

  it('given --state-sync with another value, when started, then it exits 2 naming the two it takes', async () => {
    const cli = runCli(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--state', stateFile, '--state-sync', 'sometimes']);
    running.push(cli);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('--state-sync must be full or normal, not "sometimes"');
  });

  it('given a file that is not a state file, when started, then it exits 1 saying so', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(stateFile, 'not a database, just text '.repeat(100), { mode: 0o600 });
    const cli = runCli(['--udp', '0', '--tcp', 'off', '--ws', 'off', '--state', stateFile]);
    running.push(cli);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`--state ${stateFile} is not a Presently state file`);
  });
});
