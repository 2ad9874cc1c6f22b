/**
 * The engine against Kamailio's optional event packages (the reference configuration's WITH_RLS, WITH_MWI,
 * WITH_DIALOG): one resource list subscription for a 200-member buddy list (rls, RFC 4662) — full state first, then a
 * member's change as a partial NOTIFY with one part; the voicemail summary (presence_mwi, RFC 3842) and a buddy's line
 * state (presence_dialoginfo, RFC 4235) from a publisher's PUBLISH to the watcher; and the fallback to one subscription
 * per buddy when the list URI is not a list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipClient } from '../../../electron/sip/sip-client';
import { buildDialogInfo, lineStateDocument } from '../../../shared/dialog-info/dialog-info';
import { buildMessageSummary } from '../../../shared/message-summary';
import { parseMultipartRelated, parseRlmi } from '../../../shared/resource-lists';
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { benchBuddyAor, publishBuddies } from '../../support/compositor/publish-buddies';
import { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { createClients, startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const DOMAIN = 'example.com';
const MEMBERS = Array.from({ length: 200 }, (_, i) => benchBuddyAor(i));
const LIST_URI = `sip:alice-buddies@${DOMAIN}`;

/** The header of a traced message, or undefined. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}

function bodyOf(raw: string): string {
  const end = /\r?\n\r?\n/.exec(raw);
  return end === null ? '' : raw.slice(end.index + end[0].length);
}

/** Every message the client sent or received, as traced. */
function recordTrace(client: SipClient): UnnumberedTraceEntry[] {
  const entries: UnnumberedTraceEntry[] = [];
  client.onTrace((entry) => entries.push(entry));
  return entries;
}

const isListNotify = (entry: UnnumberedTraceEntry) =>
  entry.direction === 'in' && entry.raw.startsWith('NOTIFY ') && (header(entry.raw, 'content-type') ?? '').startsWith('multipart/related');

function readListNotify(raw: string) {
  const multipart = parseMultipartRelated(bodyOf(raw), header(raw, 'content-type') ?? '');
  if (!multipart.ok) throw new Error(multipart.message);
  const rlmi = parseRlmi(multipart.multipart.root?.body ?? '');
  if (!rlmi.ok) throw new Error(rlmi.message);
  return { parts: multipart.multipart.parts, rlmi: rlmi.document };
}

describe('Kamailio rls: the buddy list as one resource list subscription', () => {
  let kamailio: RunningKamailio;

  beforeAll(async () => {
    kamailio = await startKamailio({
      packages: ['rls'],
      serviceLists: { alice: [{ uri: LIST_URI, members: MEMBERS }] },
    });
  }, 30_000);
  afterAll(async () => {
    await kamailio?.stop();
  });

  it('given a 200-member list of present buddies, when alice watches them through it, then one SUBSCRIBE brings full state and then their presence, and a member’s change arrives as a partial NOTIFY with one part', async () => {
    const target = { host: '127.0.0.1', port: kamailio.ports.udp ?? 0 };
    // Kamailio's rls keeps no state for a member without a publication (its back-end NOTIFY has no body).
    expect(await publishBuddies(target, MEMBERS.length, 'available')).toBe(0);
    const [alice] = createClients(kamailio.serverUri('tcp'), ['alice'], { account: { presenceListUri: LIST_URI } });
    const trace = recordTrace(alice);
    expect(await alice.start()).toMatchObject({ phase: 'registered' });
    for (const aor of MEMBERS) alice.watch(aor);

    await waitFor(
      alice.onBuddy.bind(alice),
      () => alice.buddies.every((b) => b.subscription.phase === 'active' && b.presence?.status === 'available'),
      { what: 'every member available through the list', timeoutMs: 30_000 },
    );
    expect(alice.buddyFeed).toMatchObject({ kind: 'list', listUri: LIST_URI, subscription: { phase: 'active' } });
    const subscribes = trace.filter(
      (e) => e.direction === 'out' && e.raw.startsWith('SUBSCRIBE ') && header(e.raw, 'event') === 'presence',
    );
    expect(new Set(subscribes.map((e) => header(e.raw, 'call-id'))).size).toBe(1);
    expect(subscribes[0]?.raw).toMatch(/^SUBSCRIBE sip:alice-buddies@example\.com/);
    expect(header(subscribes[0]?.raw ?? '', 'supported')).toBe('eventlist');
    const first = trace.find(isListNotify);
    expect(first).toBeDefined();
    const full = readListNotify(first?.raw ?? '');
    expect(full.rlmi.isFullState).toBe(true);
    expect(new Set(full.rlmi.resources.map((r) => r.uri))).toEqual(new Set(MEMBERS));

    const before = trace.filter(isListNotify).length;
    expect(await publishBuddies(target, 1, 'busy', 7)).toBe(0);
    const busy = await waitFor(alice.onBuddy.bind(alice), (b) => b.aor === MEMBERS[7] && b.presence?.status === 'busy', {
      what: 'member7 busy through the list',
      timeoutMs: 15_000,
    });
    expect(busy.presence?.note).toBe('In a meeting (7)');
    const partials = trace
      .filter(isListNotify)
      .slice(before)
      .map((e) => readListNotify(e.raw))
      .filter((n) => n.rlmi.resources.some((r) => r.uri === MEMBERS[7]));
    expect(partials[0]?.rlmi.isFullState).toBe(false);
    expect(partials[0]?.rlmi.resources.map((r) => r.uri)).toEqual([MEMBERS[7]]);
    // The RLMI root and member7's presence document.
    expect(partials[0]?.parts).toHaveLength(2);
    // Nobody else changed.
    expect(alice.buddies.filter((b) => b.presence?.status === 'busy').map((b) => b.aor)).toEqual([MEMBERS[7]]);
  }, 60_000);

  it('given a list URI that is no list of hers, when bob watches through it, then the engine falls back to one subscription per buddy and shows the same presence', async () => {
    const [bob, carol] = await startClients(kamailio.serverUri('tcp'), ['bob', 'carol'], {
      account: { presenceListUri: `sip:bob-buddies@${DOMAIN}` },
    });
    await carol.setPresence('away', 'Back soon');
    bob.watch(`sip:carol@${DOMAIN}`);
    const feed = await waitFor(bob.onBuddyFeed.bind(bob), (f) => f.kind === 'per-buddy', { current: bob.buddyFeed, what: 'the fallback' });
    expect(feed.problem?.message).toMatch(/not a resource list/);
    const away = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'away', {
      current: bob.buddies[0],
      what: 'carol away per buddy',
    });
    expect(away).toMatchObject({ aor: `sip:carol@${DOMAIN}`, subscription: { phase: 'active' }, presence: { note: 'Back soon' } });
  }, 30_000);
});

describe('Kamailio presence_mwi and presence_dialoginfo: published state reaches the watcher', () => {
  let kamailio: RunningKamailio;
  let publisher: SipTestPeer;

  beforeAll(async () => {
    kamailio = await startKamailio({ packages: ['message-summary', 'dialog'] });
    publisher = await SipTestPeer.udp({ host: '127.0.0.1', port: kamailio.ports.udp ?? 0 });
  }, 30_000);
  afterAll(async () => {
    await publisher?.close();
    await kamailio?.stop();
  });

  const publish = (aor: string, event: string, contentType: string, body: string) =>
    publisher.request({
      method: 'PUBLISH',
      uri: aor,
      from: `<${aor}>;tag=p${Math.random().toString(36).slice(2)}`,
      to: `<${aor}>`,
      headers: [
        ['Event', event],
        ['Expires', '600'],
      ],
      body,
      contentType,
    });

  it('given the voicemail system publishes 2 new and 8 old voice messages for alice, then alice’s voicemail indicator shows them', async () => {
    const [alice] = await startClients(kamailio.serverUri('udp'), ['alice'], { account: { messageSummary: true } });
    await waitFor(alice.onVoicemail.bind(alice), (v) => v.availability === 'offered', {
      current: alice.voicemail,
      what: 'the mailbox subscribed',
    });
    const response = await publish(
      'sip:alice@example.com',
      'message-summary',
      'application/simple-message-summary',
      buildMessageSummary({
        isWaiting: true,
        account: 'sip:alice@example.com',
        counts: [{ messageClass: 'voice-message', newMessages: 2, oldMessages: 8 }],
        messageHeaders: [],
      }),
    );
    expect(response.status).toBe(200);
    const voicemail = await waitFor(alice.onVoicemail.bind(alice), (v) => v.isWaiting, {
      current: alice.voicemail,
      what: 'messages waiting',
    });
    expect(voicemail).toMatchObject({
      availability: 'offered',
      account: 'sip:alice@example.com',
      mailbox: 'sip:alice@example.com',
      counts: [{ messageClass: 'voice-message', newMessages: 2, oldMessages: 8 }],
    });
  }, 30_000);

  it('given bob’s phone publishes ringing and then a confirmed call, then alice sees bob’s line ringing and then on the phone, next to his presence', async () => {
    const [alice] = await startClients(kamailio.serverUri('udp'), ['alice'], { account: { lineState: true } });
    alice.watch('sip:bob@example.com');
    const bobOf = () => alice.buddies.find((b) => b.aor === 'sip:bob@example.com');
    await waitFor(alice.onBuddy.bind(alice), (b) => b.line?.offered === 'yes', { current: bobOf(), what: 'the dialog package offered' });
    const ringing = await publish(
      'sip:bob@example.com',
      'dialog',
      'application/dialog-info+xml',
      buildDialogInfo(lineStateDocument('sip:bob@example.com', 'ringing', 0)),
    );
    expect(ringing.status).toBe(200);
    await waitFor(alice.onBuddy.bind(alice), (b) => b.line?.activity === 'ringing', { current: bobOf(), what: 'bob ringing' });
    await publish(
      'sip:bob@example.com',
      'dialog',
      'application/dialog-info+xml',
      buildDialogInfo(lineStateDocument('sip:bob@example.com', 'on-the-phone', 1)),
    );
    const onThePhone = await waitFor(alice.onBuddy.bind(alice), (b) => b.line?.activity === 'on-the-phone', {
      current: bobOf(),
      what: 'bob on the phone',
    });
    // The presence subscription runs beside it: the line state does not replace presence.
    expect(onThePhone.subscription.phase).toBe('active');
  }, 30_000);

  it('given a server without the dialog package, then the line state says "not offered" and the engine stops asking', async () => {
    const plain = await startKamailio({});
    try {
      const [alice] = await startClients(plain.serverUri('udp'), ['alice'], { account: { lineState: true } });
      alice.watch('sip:bob@example.com');
      const bob = await waitFor(alice.onBuddy.bind(alice), (b) => b.line?.offered === 'no', { what: 'dialog not offered' });
      expect(bob.line?.activity).toBe('unknown');
      await alice.stop({ timeoutMs: 1_000 });
    } finally {
      await plain.stop();
    }
  }, 30_000);
});
