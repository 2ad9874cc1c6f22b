/**
 * The built `presently watch` with `--event` and `--list` (dist/cli/presently.cjs) as a child process against a real
 * Kamailio with its optional packages: the mailbox's summary after the voicemail system's PUBLISH, every member of a
 * resource list through one subscription, and the usage errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessageSummary } from '../../../shared/message-summary';
import { benchBuddyAor, publishBuddies } from '../../support/compositor/publish-buddies';
import { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { ensureCliBuilt } from '../../support/sip/build-cli';
import { runCli, type CliProcess } from '../../support/sip/cli-process';

const running: CliProcess[] = [];
const MEMBERS = [0, 1, 2].map(benchBuddyAor);

function cli(args: readonly string[]): CliProcess {
  const process_ = runCli(args, {});
  running.push(process_);
  return process_;
}

describe('presently watch --event and --list against Kamailio', () => {
  let kamailio: RunningKamailio;
  beforeAll(async () => {
    await ensureCliBuilt();
    kamailio = await startKamailio({
      packages: ['rls', 'message-summary'],
      serviceLists: { alice: [{ uri: 'sip:alice-buddies@example.com', members: MEMBERS }] },
    });
  }, 90_000);
  afterAll(async () => {
    for (const process_ of running) process_.child.kill('SIGKILL');
    await kamailio?.stop();
  });

  it('given --event message-summary, when the voicemail system publishes 3 new messages, then a line says messages wait with the counts', async () => {
    const watch = cli(['watch', '--event', 'message-summary', '--aor', 'sip:alice@example.com', '--server', kamailio.serverUri('tcp')]);
    await watch.waitForLine((l) => JSON.parse(l).availability === 'offered', 15_000, 'the mailbox watched');
    const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: kamailio.ports.udp ?? 0 });
    try {
      const response = await peer.request({
        method: 'PUBLISH',
        uri: 'sip:alice@example.com',
        from: '<sip:alice@example.com>;tag=vm1',
        to: '<sip:alice@example.com>',
        headers: [
          ['Event', 'message-summary'],
          ['Expires', '600'],
        ],
        contentType: 'application/simple-message-summary',
        body: buildMessageSummary({
          isWaiting: true,
          counts: [{ messageClass: 'voice-message', newMessages: 3, oldMessages: 1 }],
          messageHeaders: [],
        }),
      });
      expect(response.status).toBe(200);
    } finally {
      await peer.close();
    }
    const line = JSON.parse(await watch.waitForLine((l) => JSON.parse(l).waiting === true, 15_000, 'messages waiting'));
    expect(line).toMatchObject({ account: 'sip:alice@example.com', counts: [{ class: 'voice-message', new: 3, old: 1 }] });
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  }, 30_000);

  it('given --list and no buddies, then every member of the list is printed with its presence', async () => {
    expect(await publishBuddies({ host: '127.0.0.1', port: kamailio.ports.udp ?? 0 }, MEMBERS.length, 'busy')).toBe(0);
    const watch = cli([
      'watch',
      '--list',
      'sip:alice-buddies@example.com',
      '--aor',
      'sip:alice@example.com',
      '--server',
      kamailio.serverUri('tcp'),
    ]);
    const seen = new Set<string>();
    await watch.waitForLine(
      (l) => {
        const line = JSON.parse(l);
        if (line.status === 'busy') seen.add(line.aor);
        return seen.size === MEMBERS.length;
      },
      15_000,
      'every member busy',
    );
    expect([...seen].sort()).toEqual([...MEMBERS].sort());
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  }, 30_000);

  it.each([
    [
      ['watch', '--event', 'voicemail', '--aor', 'sip:a@example.com', '--server', 'sip:example.com'],
      /--event is one of presence, dialog, message-summary/,
    ],
    [
      ['watch', 'sip:b@example.com', '--event', 'message-summary', '--aor', 'sip:a@example.com', '--server', 'sip:example.com'],
      /name no buddies/,
    ],
    [['watch', '--list', 'not a uri', '--aor', 'sip:a@example.com', '--server', 'sip:example.com'], /The list URI/],
  ])('given %j, then it exits 2 with the reason', async (args, message) => {
    const run = cli(args);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(message);
  });
});
