/**
 * Buddy subscriptions (RFC 6665, RFC 3856) against a scripted notifier on real loopback sockets
 * (test/support/sip/scripted-sip-server.ts): the test plays the presence server and sends exactly the
 * NOTIFYs and answers each case needs — pending, malformed bodies, damaged headers, terminations with each
 * reason, retry-after, 423 — which a real server cannot be made to produce on demand.
 */
import { describe, expect, it } from 'vitest';
import { buildPidf } from '../../../shared/pidf';
import type { SipClient } from '../../../electron/sip/sip-client';
import type { SipTimers } from '../../../electron/sip/sip-client-types';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import {
  answerRegister,
  type ScriptedRequest,
  type ScriptedSipServer,
  type ScriptedTransport,
} from '../../support/sip/scripted-sip-server';
import { createClients, startClients } from '../../support/sip/sip-clients';
import { collect, waitFor } from '../../support/sip/wait-for';

const BOB = 'sip:bob@example.com';

/** The current test's notifier: the answers a test scripts for setUp send their NOTIFYs through it. */
let server: ScriptedSipServer | undefined;

const pidf = (status: 'busy' | 'away' | 'available', note: string) => ({
  contentType: 'application/pidf+xml',
  content: buildPidf({ entity: BOB, tupleId: 'bob-phone', status, note, timestamp: new Date('2024-06-11T09:00:00Z') }),
});

/** A scripted notifier: SUBSCRIBEs go to `onSubscribe` (default: 200 with the requested Expires). */
async function setUp(
  transport: ScriptedTransport,
  onSubscribe?: (request: ScriptedRequest, index: number) => void,
  subscribeExpires = 600,
  timers: Partial<SipTimers> = {},
) {
  server = await startScriptedServer(transport);
  let index = 0;
  server.onRequest = (request) => {
    if (answerRegister(request)) return;
    if (request.method === 'SUBSCRIBE') {
      if (onSubscribe) onSubscribe(request, index++);
      else request.respond(200, 'OK', [`Expires: ${request.header('expires') ?? '600'}`]);
    } else request.respond(405, 'Method Not Allowed');
  };
  const [client] = await startClients(server.uri, ['alice'], { account: { publish: false, subscribeExpires }, timers });
  return { client, server };
}

const buddy = (client: SipClient) => client.buddies.find((b) => b.aor === BOB);
const untilBuddy = (client: SipClient, predicate: Parameters<typeof waitFor<NonNullable<ReturnType<typeof buddy>>>>[1], what: string) =>
  waitFor(client.onBuddy.bind(client), predicate, { current: buddy(client), what });

describe('buddy subscriptions (scripted notifier)', () => {
  it('given a watcher not yet authorised, when the notifier sends pending without a body and later active with PIDF, then the buddy is pending (no presence, not offline) and then shows the parsed presence', async () => {
    const { client, server } = await setUp('tcp');
    client.watch(BOB);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    expect(subscribe.header('event')).toBe('presence');
    expect(subscribe.header('accept')).toBe('application/pidf+xml, application/cpim-pidf+xml, application/xpidf+xml');
    expect(subscribe.header('expires')).toBe('600');

    server.sendNotify(subscribe, { cseq: 1, subscriptionState: 'pending;expires=600' });
    const pending = await untilBuddy(client, (b) => b.subscription.phase === 'pending', 'pending');
    expect(pending.presence).toBeNull();
    await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.statusCode === 200);

    server.sendNotify(subscribe, { cseq: 2, subscriptionState: 'active;expires=599', body: pidf('busy', 'Call with a customer') });
    const active = await untilBuddy(client, (b) => b.subscription.phase === 'active', 'active');
    expect(active.presence).toMatchObject({ status: 'busy', note: 'Call with a customer', activities: ['busy'] });
    expect(active.presence?.devices[0]).toMatchObject({ id: 'bob-phone', status: 'busy' });
    expect(active.changedAt).toEqual(expect.any(Number));
    expect(active.subscription.expiresAt).toBeGreaterThan(Date.now() + 590_000);
  });

  it('given an active buddy, when a NOTIFY carries malformed XML, then it is answered 200, the problem is reported and the last known presence is kept', async () => {
    const { client, server } = await setUp('udp');
    client.watch(BOB);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    server.sendNotify(subscribe, { cseq: 1, subscriptionState: 'active;expires=600', body: pidf('away', 'Lunch') });
    await untilBuddy(client, (b) => b.presence?.status === 'away', 'away');

    server.sendNotify(subscribe, {
      cseq: 2,
      subscriptionState: 'active;expires=600',
      body: { contentType: 'application/pidf+xml', content: '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple' },
    });
    const reported = await untilBuddy(client, (b) => b.subscription.problem !== undefined, 'a reported problem');
    expect(reported.subscription.phase).toBe('active');
    expect(reported.subscription.problem?.message).toMatch(/^The server sent a presence document Presently could not read: /);
    expect(reported.presence).toMatchObject({ status: 'away', note: 'Lunch' });
    const answer = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.header('cseq')?.startsWith('2 ') === true);
    expect(answer.statusCode).toBe(200);
  });

  it('given a first NOTIFY whose body is of a type we never accepted, then it is answered 415 with our Accept and the buddy shows the problem while the subscription waits on', async () => {
    const { client, server } = await setUp('tcp');
    client.watch(BOB);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    server.sendNotify(subscribe, {
      cseq: 1,
      subscriptionState: 'active;expires=600',
      body: { contentType: 'text/plain', content: 'bob is busy' },
    });
    const answer = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY');
    expect(answer.statusCode).toBe(415);
    expect(answer.header('accept')).toBe('application/pidf+xml, application/cpim-pidf+xml, application/xpidf+xml');
    const shown = await untilBuddy(client, (b) => b.subscription.problem !== undefined, 'a reported problem');
    expect(shown.subscription.problem).toMatchObject({ statusCode: 415 });
    expect(shown.subscription.phase).toBe('unknown');
    expect(shown.presence).toBeNull();
  });

  it('given the notifier ends the subscription with reason "rejected", then the buddy is terminated(rejected) and asks again only after minutes, not at the pace of a passing failure', async () => {
    const { client, server } = await setUp('tcp');
    client.watch(BOB);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    const endedAt = Date.now();
    server.sendNotify(subscribe, { cseq: 1, subscriptionState: 'terminated;reason=rejected' });
    const ended = await untilBuddy(client, (b) => b.subscription.phase === 'terminated', 'terminated');
    expect(ended.subscription).toMatchObject({ phase: 'terminated', reason: 'rejected' });
    // DEFAULT_SIP_TIMERS.refusalRetryBase (5 min) less the 20 % jitter.
    expect(ended.subscription.retryAt).toBeGreaterThanOrEqual(endedAt + 240_000);
    // Three back-off periods later there is still only the one SUBSCRIBE.
    await expect(server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r !== subscribe, 900)).rejects.toThrow(/did not see/);
  });

  it('given "terminated;reason=probation;retry-after=1", then we subscribe again after one second — seconds, not milliseconds', async () => {
    const { client, server } = await setUp('tcp');
    client.watch(BOB);
    const first = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    const endedAt = Date.now();
    server.sendNotify(first, { cseq: 1, subscriptionState: 'terminated;reason=probation;retry-after=1' });
    const ended = await untilBuddy(client, (b) => b.subscription.phase === 'terminated', 'terminated');
    expect(ended.subscription.reason).toBe('probation');
    expect(ended.subscription.retryAt).toBeGreaterThanOrEqual(endedAt + 1_000);
    const again = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r !== first, 3_000);
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(980);
    expect(again.header('call-id')).not.toBe(first.header('call-id'));
  });

  it('given "terminated;reason=timeout", then we subscribe again at once', async () => {
    const { client, server } = await setUp('udp');
    client.watch(BOB);
    const first = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    const endedAt = Date.now();
    server.sendNotify(first, { cseq: 1, subscriptionState: 'terminated;reason=timeout' });
    await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r !== first, 2_000);
    expect(Date.now() - endedAt).toBeLessThan(500);
  });

  it('given 423 with Min-Expires 1800, when we subscribe for 600 s, then we subscribe again for 1800 s', async () => {
    const { client, server } = await setUp('tcp', (request, index) => {
      if (index === 0) request.respond(423, 'Interval Too Brief', ['Min-Expires: 1800']);
      else request.respond(200, 'OK', ['Expires: 1800']);
    });
    client.watch(BOB);
    const second = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r.header('expires') === '1800');
    expect(server.requestsOf('SUBSCRIBE').map((r) => r.header('expires'))).toEqual(['600', '1800']);
    server.sendNotify(second, { cseq: 1, subscriptionState: 'active;expires=1800', body: pidf('available', '') });
    await untilBuddy(client, (b) => b.presence?.status === 'available', 'available');
  });

  it('given 423 with a Min-Expires that is not a number, when we subscribe, then the watch is in error with a clear problem and the refused interval is asked for again only after minutes', async () => {
    const { client, server } = await setUp('tcp', (request) => request.respond(423, 'Interval Too Brief', ['Min-Expires: soon']));
    client.watch(BOB);
    const watched = await untilBuddy(client, (b) => b.subscription.phase === 'error', 'error');
    expect(watched.subscription).toMatchObject({ problem: { statusCode: 423 } });
    expect(watched.subscription.problem?.message).toMatch(/unusable interval \(Min-Expires: soon\)/);
    // DEFAULT_SIP_TIMERS.refusalRetryBase (5 min) less the 20 % jitter.
    expect(watched.subscription.retryAt).toBeGreaterThanOrEqual(Date.now() + 239_000);
    // Longer than FAST.retryBase: a back-off retry would have come by now.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.requestsOf('SUBSCRIBE')).toHaveLength(1);
  });

  it('given an active subscription that expires in 2 s, then it is refreshed inside the dialog before it expires', async () => {
    const { client, server } = await setUp('tcp', (request) => request.respond(200, 'OK', ['Expires: 2']), 2);
    client.watch(BOB);
    const initial = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    server.sendNotify(initial, { cseq: 1, subscriptionState: 'active;expires=2', body: pidf('available', '') });
    await untilBuddy(client, (b) => b.subscription.phase === 'active', 'active');
    const notifiedAt = Date.now();
    const refresh = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r !== initial, 3_000);
    expect(Date.now() - notifiedAt).toBeLessThan(2_000);
    expect(refresh.header('call-id')).toBe(initial.header('call-id'));
    expect(refresh.header('to')).toContain(`tag=${initial.toTag}`);
    expect(refresh.header('expires')).toBe('2');
    expect(refresh.header('accept')).toBe(initial.header('accept'));
  });

  it('given a notifier that challenges every SUBSCRIBE (407), when the subscription is refreshed twice, then each request has a higher CSeq than the last (RFC 3261 §12.2.1.1)', async () => {
    server = await startScriptedServer('tcp');
    server.onRequest = (request) => {
      if (answerRegister(request)) return;
      if (request.header('proxy-authorization') === undefined) {
        request.respond(407, 'Proxy Authentication Required', [
          'Proxy-Authenticate: Digest realm="example.com", nonce="n0nce", algorithm=MD5, qop="auth"',
        ]);
        return;
      }
      request.respond(200, 'OK', ['Expires: 2']);
      if (request.header('to')?.includes('tag=') !== true)
        server?.sendNotify(request, { cseq: 1, subscriptionState: 'active;expires=2', body: pidf('away', '') });
    };
    const [client] = createClients(server.uri, ['alice'], { account: { password: 'secret', publish: false, subscribeExpires: 2 } });
    await client.start();
    client.watch(BOB);
    // initial (challenged, authorised) + two refreshes (challenged, authorised each)
    await server.waitForRequest(
      (r) =>
        r.method === 'SUBSCRIBE' &&
        r.header('proxy-authorization') !== undefined &&
        r.header('to')?.includes('tag=') === true &&
        server
          ?.requestsOf('SUBSCRIBE')
          .filter((x) => x.header('to')?.includes('tag=') === true && x.header('proxy-authorization') !== undefined).length === 2,
      5_000,
    );
    const cseqs = server.requestsOf('SUBSCRIBE').map((r) => Number(r.header('cseq')?.split(' ')[0]));
    expect(cseqs.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < cseqs.length; i++) expect(cseqs[i], `SUBSCRIBE #${i + 1}`).toBeGreaterThan(cseqs[i - 1] ?? Infinity);
  });

  it('given a one-shot fetch, then one SUBSCRIBE with Expires: 0 is sent, the terminating NOTIFY gives the presence, and nothing is re-sent', async () => {
    const { client, server } = await setUp('tcp', (request) => {
      request.respond(200, 'OK', ['Expires: 0']);
      server?.sendNotify(request, { cseq: 1, subscriptionState: 'terminated;reason=timeout', body: pidf('busy', 'Fetched') });
    });
    const fetched = await client.fetchPresence(BOB, { timeoutMs: 2_000 });
    expect(fetched.presence).toMatchObject({ status: 'busy', note: 'Fetched' });
    expect(fetched.subscription.phase).toBe('terminated');
    expect(server.requestsOf('SUBSCRIBE')).toHaveLength(1);
    expect(server.requestsOf('SUBSCRIBE')[0]?.header('expires')).toBe('0');
    await expect(
      server.waitForRequest(
        (r) => r.method === 'SUBSCRIBE' && r.header('cseq') !== server?.requestsOf('SUBSCRIBE')[0]?.header('cseq'),
        500,
      ),
    ).rejects.toThrow();
    expect(client.buddies).toEqual([]);
  });

  it('given a notifier that never answers, when we fetch or unwatch, then both finish within their time limits', async () => {
    const { client } = await setUp('udp', () => undefined);
    const started = Date.now();
    const fetched = await client.fetchPresence(BOB, { timeoutMs: 400 });
    expect(fetched.subscription.phase).toBe('error');
    expect(fetched.subscription.problem?.message).toMatch(/no answer within 400 ms|did not answer/);
    client.watch(BOB);
    await client.unwatch(BOB, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(client.buddies).toEqual([]);
  });

  it('given an established dialog, when we unwatch, then SUBSCRIBE Expires: 0 is sent in the dialog and the final NOTIFY is answered 200', async () => {
    const { client, server } = await setUp('tcp', (request) => {
      request.respond(200, 'OK', [`Expires: ${request.header('expires') ?? '0'}`]);
      if (request.header('expires') === '0') server?.sendNotify(request, { cseq: 2, subscriptionState: 'terminated;reason=timeout' });
    });
    client.watch(BOB);
    const initial = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    server.sendNotify(initial, { cseq: 1, subscriptionState: 'active;expires=600', body: pidf('available', '') });
    await untilBuddy(client, (b) => b.subscription.phase === 'active', 'active');
    await client.unwatch(BOB, { timeoutMs: 2_000 });
    const ending = server.requestsOf('SUBSCRIBE').find((r) => r.header('expires') === '0');
    expect(ending?.header('call-id')).toBe(initial.header('call-id'));
    const finalAnswer = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.header('cseq')?.startsWith('2 ') === true);
    expect(finalAnswer.statusCode).toBe(200);
  });

  it('given UDP, when the notifier retransmits a NOTIFY, then the retransmission gets the identical answer from the cache and is not processed twice', async () => {
    const { client, server } = await setUp('udp');
    const changes: number[] = [];
    client.onBuddy((b) => {
      if (b.presence?.status === 'busy') changes.push(b.changedAt ?? 0);
    });
    client.watch(BOB);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    const notify = server.sendNotify(subscribe, { cseq: 1, subscriptionState: 'active;expires=600', body: pidf('busy', 'Once') });
    const first = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY');
    subscribe.flow.send(notify); // the same NOTIFY again, same branch
    await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r !== first);
    const [a, b] = server.responses.filter((r) => r.cseqMethod === 'NOTIFY');
    expect(a?.statusCode).toBe(200);
    expect(b?.raw).toBe(a?.raw);
    expect(changes).toHaveLength(1);
  });

  it('given a NOTIFY for a subscription we do not have, then it is answered 481', async () => {
    const { server } = await setUp('udp');
    const ghost = { ...(await fakeSubscribe(server)) };
    server.sendNotify(ghost, { cseq: 1, subscriptionState: 'active;expires=60', body: pidf('busy', '') });
    const answer = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY');
    expect(answer.statusCode).toBe(481);
  });
});

/** Short refusal back-off for the tests that wait for it: the slow pace at 1.5 s (±20 %), the fast one at FAST_TIMERS' 300 ms. */
const SHORT_REFUSAL_TIMERS: Partial<SipTimers> = { refusalRetryBase: 1_500, refusalRetryMax: 3_000 };

describe('subscribing again after a real end (scripted notifier)', () => {
  it('given "terminated;reason=deactivated", then we subscribe again at once with a new dialog', async () => {
    const { client, server } = await setUp('tcp', undefined, 600, SHORT_REFUSAL_TIMERS);
    client.watch(BOB);
    const first = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    server.sendNotify(first, { cseq: 1, subscriptionState: 'active;expires=600', body: pidf('away', '') });
    await untilBuddy(client, (b) => b.subscription.phase === 'active', 'active');
    const endedAt = Date.now();
    server.sendNotify(first, { cseq: 2, subscriptionState: 'terminated;reason=deactivated' });
    const again = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r !== first, 2_000);
    expect(Date.now() - endedAt).toBeLessThan(300); // before even one FAST_TIMERS.retryBase
    expect(again.header('call-id')).not.toBe(first.header('call-id'));
    expect(again.header('to')).not.toContain('tag=');
  });

  it.each([
    ['the notifier ends it with "terminated;reason=rejected"', 'terminated'],
    ['the SUBSCRIBE is refused with 403', 'error'],
  ] as const)(
    'given %s, then we subscribe again on our own, slowly (the refusal back-off), and the buddy says when',
    async (_case, phase) => {
      const endedAt = { ms: 0 };
      const { client, server } = await setUp(
        'tcp',
        (request, index) => {
          if (index === 0 && phase === 'error') {
            endedAt.ms = Date.now();
            request.respond(403, 'Forbidden');
          } else request.respond(200, 'OK', [`Expires: ${request.header('expires') ?? '600'}`]);
        },
        600,
        SHORT_REFUSAL_TIMERS,
      );
      client.watch(BOB);
      const first = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
      if (phase === 'terminated') {
        endedAt.ms = Date.now();
        server.sendNotify(first, { cseq: 1, subscriptionState: 'terminated;reason=rejected' });
      }
      const ended = await untilBuddy(client, (b) => b.subscription.phase === phase, phase);
      expect(ended.subscription.retryAt).toBeGreaterThanOrEqual(endedAt.ms + 1_200);
      expect(ended.subscription.retryAt).toBeLessThanOrEqual(Date.now() + 1_800);
      if (phase === 'error') expect(ended.subscription.problem).toMatchObject({ statusCode: 403 });
      else expect(ended.subscription.reason).toBe('rejected');
      const again = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r !== first, 3_000);
      expect(Date.now() - endedAt.ms).toBeGreaterThanOrEqual(1_150);
      expect(again.header('call-id')).not.toBe(first.header('call-id'));
    },
  );
});

/** One way a NOTIFY can be damaged, and the answer it must get (the subscription survives each). */
interface Damage {
  readonly kind: string;
  readonly expected: number;
  /** Turns the well-formed NOTIFY text into the damaged one (a changed body keeps its Content-Length right). */
  readonly damage: (text: string) => string;
}

const withoutHeader = (name: string) => (text: string) => text.replace(new RegExp(`\r\n${name}: [^\r]*`), '');
const withHeader = (name: string, value: string) => (text: string) =>
  text.replace(new RegExp(`\r\n${name}: [^\r]*`), `\r\n${name}: ${value}`);
const withBody = (body: string) => (text: string) => {
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  return `${head.replace(/\r\nContent-Length: \d+/, `\r\nContent-Length: ${Buffer.byteLength(body)}`)}\r\n\r\n${body}`;
};

const DAMAGES: readonly Damage[] = [
  { kind: 'no Content-Type', expected: 400, damage: withoutHeader('Content-Type') },
  { kind: 'garbled Content-Type', expected: 400, damage: withHeader('Content-Type', 'pidf') },
  { kind: 'wrong content type', expected: 415, damage: withHeader('Content-Type', 'text/plain') },
  { kind: 'no Subscription-State', expected: 400, damage: withoutHeader('Subscription-State') },
  { kind: 'garbled Subscription-State', expected: 400, damage: withHeader('Subscription-State', ';;expires=60') },
  { kind: 'unknown Subscription-State', expected: 400, damage: withHeader('Subscription-State', 'sleeping;expires=60') },
  { kind: 'no Event', expected: 400, damage: withoutHeader('Event') },
  { kind: 'garbled Event', expected: 400, damage: withHeader('Event', ';id=7') },
  { kind: 'wrong Event', expected: 489, damage: withHeader('Event', 'dialog') },
  { kind: 'garbage body', expected: 200, damage: withBody('\u0000\u0001 not xml at all }{') },
  { kind: 'truncated XML', expected: 200, damage: (text) => withBody(text.slice(text.indexOf('\r\n\r\n') + 4, -40))(text) },
  {
    kind: 'not a presence document',
    expected: 200,
    damage: withBody('<?xml version="1.0"?><dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>'),
  },
  // An older CSeq than one already taken (RFC 3261 §12.2.2 would have it answered 500): answered 200, not applied.
  { kind: 'out-of-order CSeq', expected: 200, damage: (text) => text.replace(/\r\nCSeq: \d+ NOTIFY/, '\r\nCSeq: 1 NOTIFY') },
];

describe('a storm of damaged NOTIFYs in an active dialog (scripted notifier)', () => {
  it('given 1,000 damaged NOTIFYs and then a valid one, then each damaged kind gets its answer (never 500), the subscription is never ended, and the valid one is shown within a second', async () => {
    const { client, server } = await setUp('tcp');
    client.watch(BOB);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    server.sendNotify(subscribe, { cseq: 1, subscriptionState: 'active;expires=600', body: pidf('away', 'Lunch') });
    await untilBuddy(client, (b) => b.presence?.status === 'away', 'away');
    const seen = collect<BuddyPresence>(client.onBuddy.bind(client));

    const kindOfBranch = new Map<string, string>();
    const branchOf = (text: string) => /;branch=([^;\s]+)/.exec(text)?.[1] ?? '';
    const busy = pidf('busy', 'Damaged');
    for (let i = 0; i < 1_000; i++) {
      const damage = DAMAGES[i % DAMAGES.length] as Damage;
      const text = damage.damage(server.notifyText(subscribe, { cseq: 2 + i, subscriptionState: 'active;expires=600', body: busy }));
      kindOfBranch.set(branchOf(text), damage.kind);
      subscribe.flow.send(text);
    }
    const notifyAnswers = () => server.responses.filter((r) => r.cseqMethod === 'NOTIFY');
    await server.waitForResponse(() => notifyAnswers().length >= 1_001, 30_000, '1,000 answers to damaged NOTIFYs');

    const validSentAt = Date.now();
    server.sendNotify(subscribe, { cseq: 1_002, subscriptionState: 'active;expires=600', body: pidf('available', 'Back') });
    const shown = await untilBuddy(client, (b) => b.presence?.status === 'available', 'the valid NOTIFY shown');
    expect(Date.now() - validSentAt).toBeLessThan(1_000);
    seen.stop();
    await server.waitForResponse(() => notifyAnswers().length >= 1_002, 5_000, 'the answer to the valid NOTIFY');

    const histogram: Record<string, Record<number, number>> = {};
    for (const answer of notifyAnswers().slice(1)) {
      const kind = kindOfBranch.get(branchOf(answer.header('via') ?? '')) ?? 'the valid one';
      const counts = (histogram[kind] ??= {});
      counts[answer.statusCode] = (counts[answer.statusCode] ?? 0) + 1;
    }
    const expected: Record<string, Record<number, number>> = { 'the valid one': { 200: 1 } };
    DAMAGES.forEach((damage, index) => {
      expected[damage.kind] = { [damage.expected]: Math.ceil((1_000 - index) / DAMAGES.length) };
    });
    expect(histogram).toEqual(expected);

    // Never ended by the damage: one SUBSCRIBE, the same dialog, active throughout, nothing damaged applied.
    expect(server.requestsOf('SUBSCRIBE')).toHaveLength(1);
    expect(seen.values.every((b) => b.subscription.phase === 'active')).toBe(true);
    expect(seen.values.some((b) => b.presence?.status === 'busy')).toBe(false);
    expect(seen.values.some((b) => b.subscription.problem?.statusCode === 400)).toBe(true);
    expect(shown.subscription).not.toHaveProperty('problem');
    expect(shown.presence).toMatchObject({ note: 'Back' });
  }, 60_000);
});

/** A SUBSCRIBE-shaped record for a dialog the client never created: its REGISTER tells where it is. */
async function fakeSubscribe(server: ScriptedSipServer): Promise<ScriptedRequest> {
  const register = await server.waitForRequest((r) => r.method === 'REGISTER');
  return {
    ...register,
    method: 'SUBSCRIBE',
    toTag: 'ghost-tag',
    header: (name) =>
      name === 'from'
        ? '<sip:alice@example.com>;tag=never-sent'
        : name === 'call-id'
          ? 'ghost-call-id'
          : name === 'to'
            ? `<${BOB}>`
            : register.header(name),
  };
}
