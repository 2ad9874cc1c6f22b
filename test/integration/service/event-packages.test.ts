/**
 * The service carries the new event packages to the window (electron/service/presence-service.ts over the IPC
 * contract's events and snapshot), on a real Kamailio with rls and presence_mwi: the voicemail indicator's state, the
 * buddy list fed by one list subscription (`buddyFeed`), and buddies' presence arriving through it as through their own.
 * And on the built-in compositor: the app's buddy list written over XCAP becomes the list it subscribes to, named in
 * the account or found in the compositor's rls-services document.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import { buildMessageSummary } from '../../../shared/message-summary';
import { startCompositor } from '../../../electron/compositor';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { benchBuddyAor, publishBuddies } from '../../support/compositor/publish-buddies';
import { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { ServiceProbe } from '../../support/service-probe';
import { XcapClient, userDocumentPath } from '../../../electron/sip/xcap/xcap-client';
import { parseRlsServices, entryUris } from '../../../shared/resource-lists';

const ALICE = 'sip:alice@example.com';
const LIST = 'sip:alice-buddies@example.com';
const MEMBERS = [0, 1, 2, 3].map(benchBuddyAor);

let kamailio: RunningKamailio;

/** A started service on a fresh data folder, with its probe; both gone when the test finishes. */
async function startService(): Promise<{ service: PresenceService; probe: ServiceProbe }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'presently-events-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  await service.start();
  return { service, probe: ServiceProbe.attach(service) };
}

beforeAll(async () => {
  kamailio = await startKamailio({ packages: ['rls', 'message-summary'], serviceLists: { alice: [{ uri: LIST, members: MEMBERS }] } });
}, 30_000);
afterAll(async () => {
  await kamailio?.stop();
});

it('given an account with a presence list URI, then the window gets the list feed, the members’ presence through it, and the voicemail summary once the voicemail system publishes', async () => {
  const target = { host: '127.0.0.1', port: kamailio.ports.udp ?? 0 };
  expect(await publishBuddies(target, MEMBERS.length, 'busy')).toBe(0);
  const { service, probe } = await startService();
  expect(probe.snapshot.voicemail.availability).toBe('off');
  expect(probe.snapshot.buddyFeed.kind).toBe('per-buddy');

  await service.saveAccount({ ...DEFAULT_ACCOUNT_SETTINGS, aor: ALICE, server: kamailio.serverUri('tcp'), presenceListUri: LIST });
  for (const aor of MEMBERS) await service.addBuddy({ aor, displayName: '', group: '' });

  const feed = await probe.waitFor('onBuddyFeedChanged', (f) => f.kind === 'list' && f.subscription?.phase === 'active', {
    what: 'the list subscription active',
  });
  expect(feed.listUri).toBe(LIST);
  for (const aor of MEMBERS) {
    await probe.waitForBuddy((b) => b.aor === aor && b.presence?.status === 'busy', { what: `${aor} busy through the list` });
  }
  await probe.waitFor('onVoicemailChanged', (v) => v.availability === 'offered', { what: 'the mailbox watched' });

  const peer = await SipTestPeer.udp(target);
  onTestFinished(() => peer.close());
  const published = await peer.request({
    method: 'PUBLISH',
    uri: ALICE,
    from: `<${ALICE}>;tag=vm`,
    to: `<${ALICE}>`,
    headers: [
      ['Event', 'message-summary'],
      ['Expires', '600'],
    ],
    contentType: 'application/simple-message-summary',
    body: buildMessageSummary({
      isWaiting: true,
      counts: [{ messageClass: 'voice-message', newMessages: 1, oldMessages: 4 }],
      messageHeaders: [],
    }),
  });
  expect(published.status).toBe(200);
  const voicemail = await probe.waitFor('onVoicemailChanged', (v) => v.isWaiting, { what: 'messages waiting' });
  expect(voicemail).toMatchObject({ account: ALICE, counts: [{ messageClass: 'voice-message', newMessages: 1, oldMessages: 4 }] });
  expect(service.rendererReady()).toMatchObject({ voicemail: { isWaiting: true }, buddyFeed: { kind: 'list', listUri: LIST } });
}, 60_000);

it('given an account with an XCAP root and a presence list URI, when buddies are added, then the server’s rls-services document lists them under that URI and the list subscription is used', async () => {
  const authenticated = await startKamailio({ packages: ['rls'], users: { alice: 'alice-pw' } });
  onTestFinished(() => authenticated.stop());
  const { service, probe } = await startService();
  await service.saveAccount({
    ...DEFAULT_ACCOUNT_SETTINGS,
    aor: ALICE,
    password: 'alice-pw',
    server: authenticated.serverUri('tcp'),
    xcapRoot: authenticated.xcapRoot,
    presenceListUri: LIST,
  });
  for (const aor of MEMBERS) await service.addBuddy({ aor, displayName: '', group: '' });
  const xcap = new XcapClient({ xcapRoot: authenticated.xcapRoot, username: 'alice', password: 'alice-pw' });
  const listed = async () => {
    const read = await xcap.get(userDocumentPath('rls-services', ALICE, 'index'));
    if (read.kind === 'none') return [];
    const parsed = parseRlsServices(read.body);
    const service_ = parsed.ok ? parsed.document.services.find((s) => s.uri === LIST) : undefined;
    return service_?.source.kind === 'list' ? entryUris(service_.source.list) : [];
  };
  const deadline = Date.now() + 20_000;
  let uris = await listed();
  while (uris.length < MEMBERS.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    uris = await listed();
  }
  expect(uris).toEqual(MEMBERS);
  // Whether the first list SUBSCRIBE came before the list existed (then it fell back) or after, the list is used now.
  await probe.waitFor('onBuddyFeedChanged', (f) => f.kind === 'list' && f.subscription?.phase === 'active', {
    what: 'the list subscription active',
  });
}, 60_000);

it.each([
  ['its list URI', LIST],
  // Found in the rls-services document the compositor makes for every user (RFC 4826 §4).
  ['no list URI, which the app finds over XCAP', undefined],
])(
  'given the built-in compositor, an XCAP root and %s, when buddies are added, then the app writes its list there and the buddies’ presence comes through one list subscription',
  async (_, presenceListUri) => {
    const compositor = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: 0, log: () => undefined });
    onTestFinished(() => compositor.stop());
    const udp = compositor.addresses.udp as { host: string; port: number };
    expect(await publishBuddies({ host: udp.host, port: udp.port }, MEMBERS.length, 'busy')).toBe(0);
    const { service, probe } = await startService();
    await service.saveAccount({
      ...DEFAULT_ACCOUNT_SETTINGS,
      aor: ALICE,
      server: compositor.addresses.tcp?.uri as string,
      xcapRoot: compositor.xcapRoot as string,
      ...(presenceListUri === undefined ? {} : { presenceListUri }),
    });
    for (const aor of MEMBERS) await service.addBuddy({ aor, displayName: '', group: '' });
    await probe.waitFor('onBuddyFeedChanged', (f) => f.kind === 'list' && f.subscription?.phase === 'active', {
      what: 'the list subscription active',
      timeoutMs: 20_000,
    });
    for (const aor of MEMBERS) {
      await probe.waitForBuddy((b) => b.aor === aor && b.presence?.status === 'busy', { what: `${aor} busy through the list` });
    }
    // One list dialog, not one per buddy (those added before the list named them had their own until it did).
    const presenceDialogs = async () =>
      (await compositor.status()).watchers
        .filter((w) => w.watcher === ALICE && w.event === 'presence' && w.state !== 'terminated')
        .map((w) => [w.presentity, w.listMembers]);
    const deadline = Date.now() + 20_000;
    while ((await presenceDialogs()).length > 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await presenceDialogs()).toEqual([[LIST, MEMBERS.length]]);
  },
  60_000,
);
