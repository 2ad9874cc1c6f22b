/**
 * The built `presently publish` and `presently watch` (dist/cli/presently.cjs) as child processes:
 * against a real Kamailio for the normal run, and against a scripted peer
 * (test/support/sip/scripted-sip-server.ts) for the answers a real server will not give on demand —
 * 403, 489, silence. Checks the JSON lines, the messages and the exit codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { freePort } from '../../support/net/free-port';
import { ensureCliBuilt } from '../../support/sip/build-cli';
import { runCli, type CliProcess } from '../../support/sip/cli-process';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { answerRegister } from '../../support/sip/scripted-sip-server';

const running: CliProcess[] = [];

beforeAll(async () => {
  await ensureCliBuilt();
}, 60_000);

afterAll(() => {
  for (const cli of running) cli.child.kill('SIGKILL');
});

function cli(args: readonly string[], env: Record<string, string> = {}): CliProcess {
  const process_ = runCli(args, env);
  running.push(process_);
  return process_;
}

describe('presently publish and presently watch against Kamailio', () => {
  let kamailio: RunningKamailio;
  beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: { alice: 'alice-pw', bob: 'bob-pw' } });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  it('given bob watching alice, when alice publishes busy with a note and then presses Ctrl-C, then bob prints busy with the note, then offline, and both exit 0', async () => {
    const server = kamailio.serverUri('tcp');
    const watch = cli(['watch', 'sip:alice@example.com', '--aor', 'sip:bob@example.com', '--server', server, '--password', 'bob-pw']);
    await watch.waitForLine((l) => JSON.parse(l).state === 'active', 15_000, 'an active subscription');

    const publish = cli(
      [
        'publish',
        '--aor',
        'sip:alice@example.com',
        '--server',
        server,
        '--status',
        'busy',
        '--note',
        'Budget meeting — back at 3',
        '--expires',
        '120',
      ],
      {
        PRESENTLY_PASSWORD: 'alice-pw',
      },
    );
    const published = JSON.parse(await publish.waitForLine((l) => JSON.parse(l).phase === 'published', 15_000, 'published'));
    expect(published).toMatchObject({
      aor: 'sip:alice@example.com',
      status: 'busy',
      note: 'Budget meeting — back at 3',
      etag: expect.any(String),
    });

    const busy = JSON.parse(await watch.waitForLine((l) => JSON.parse(l).status === 'busy', 15_000, 'busy'));
    expect(busy).toMatchObject({
      aor: 'sip:alice@example.com',
      state: 'active',
      status: 'busy',
      note: 'Budget meeting — back at 3',
      activities: ['busy'],
    });
    expect(busy.tuples).toHaveLength(1);
    expect(busy.tuples[0]).toMatchObject({ status: 'busy', note: 'Budget meeting — back at 3' });

    publish.child.kill('SIGINT');
    expect(await publish.exited).toBe(0);
    expect(JSON.parse(publish.stdout.at(-1) ?? '{}')).toMatchObject({ phase: 'removed' });
    const offline = JSON.parse(await watch.waitForLine((l) => JSON.parse(l).status === 'offline', 15_000, 'offline'));
    expect(offline).toMatchObject({ state: 'active', note: null });

    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  it('given --once, then it publishes, prints the result, removes the publication and exits 0; --trace shows the messages on stderr', async () => {
    const once = cli([
      'publish',
      '--once',
      '--trace',
      '--aor',
      'sip:alice@example.com',
      '--server',
      kamailio.serverUri('udp'),
      '--password',
      'alice-pw',
      '--status',
      'away',
    ]);
    expect(await once.exited).toBe(0);
    expect(once.stdout.map((l) => JSON.parse(l).phase)).toEqual(['published', 'removed']);
    expect(once.stderr()).toMatch(/── [\d:.]+ sent UDP 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+\nPUBLISH sip:alice@example\.com SIP\/2\.0\n/);
    expect(once.stderr()).toMatch(/received UDP .*\nSIP\/2\.0 200 OK\n/);
  });

  it('given a wrong password, then publish exits 4 and says the credentials were refused', async () => {
    const wrong = cli(['publish', '--once', '--aor', 'sip:alice@example.com', '--server', kamailio.serverUri('udp'), '--password', 'nope']);
    expect(await wrong.exited).toBe(4);
    expect(wrong.stderr()).toMatch(/did not accept the user name or password \(401 Unauthorized\)/);
  });
});

describe('presently publish exit codes (scripted peer)', () => {
  it('given nothing listens, then it exits 3 and says the server cannot be reached', async () => {
    const port = await freePort();
    const run = cli(['publish', '--once', '--aor', 'sip:alice@example.com', '--server', `sip:127.0.0.1:${port};transport=tcp`]);
    expect(await run.exited).toBe(3);
    expect(run.stderr()).toBe(
      `presently publish: cannot reach sip:127.0.0.1:${port};transport=tcp: Nothing answers at 127.0.0.1:${port} (connection refused).\n`,
    );
  });

  it('given the registrar answers 403, then it exits 4 and says forbidden', async () => {
    const server = await startScriptedServer('tcp');
    server.onRequest = (request) => request.respond(403, 'Forbidden');
    const run = cli(['publish', '--once', '--aor', 'sip:alice@example.com', '--server', server.uri]);
    expect(await run.exited).toBe(4);
    expect(run.stderr()).toMatch(/Registration refused by the server: forbidden \(403 Forbidden\)\./);
  });

  it('given the server answers PUBLISH with 489, then it exits 5 and says the server does not accept presence publications', async () => {
    const server = await startScriptedServer('udp');
    server.onRequest = (request) => {
      if (!answerRegister(request)) request.respond(489, 'Bad Event');
    };
    const run = cli(['publish', '--once', '--aor', 'sip:alice@example.com', '--server', server.uri]);
    expect(await run.exited).toBe(5);
    expect(run.stderr()).toMatch(/This server does not accept presence publications \(489 Bad Event\)\./);
    expect(JSON.parse(run.stdout[0] ?? '{}')).toMatchObject({ phase: 'unsupported', statusCode: 489 });
  });

  it('given a server that never answers, then it exits 6 after 64·T1 and says it timed out', async () => {
    const server = await startScriptedServer('udp');
    server.onRequest = () => undefined;
    const run = cli(['publish', '--once', '--sip-t1', '20', '--aor', 'sip:alice@example.com', '--server', server.uri]);
    expect(await run.exited).toBe(6);
    expect(run.stderr()).toMatch(/no answer from sip:127\.0\.0\.1:\d+: Registration failed: the server did not answer \(timeout\)\./);
    expect(server.requestsOf('REGISTER').length).toBeGreaterThan(3);
  });

  it.each([
    [['publish', '--server', 'sip:example.com'], /--aor is required/],
    [
      ['publish', '--aor', 'sip:a@example.com', '--server', 'sip:example.com', '--status', 'sleepy'],
      /--status must be one of available, away, busy/,
    ],
    [['publish', '--aor', 'sip:a@example.com', '--server', 'sip:example.com', '--expires', 'ten'], /--expires must be a whole number/],
    [['watch', '--aor', 'sip:a@example.com', '--server', 'sip:example.com'], /name at least one buddy to watch/],
    [['watch', 'bob', '--aor', 'sip:a@example.com', '--server', 'sip:example.com'], /The buddy address "bob" is not a SIP address/],
    [['publish', '--aor', 'sip:a@example.com', '--server', 'sip:example.com', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('given bad usage %j, then it exits 2 with a message', async (args, message) => {
    const run = cli(args);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(message);
    expect(run.stderr()).toMatch(/see presently (publish|watch) --help/);
  });
});
