/**
 * The presence notifier over real UDP on 127.0.0.1 (RFC 6665 §4.2, RFC 3856): subscription dialogs,
 * immediate and change NOTIFYs, refresh, unsubscribe, fetch, expiry, dropped watchers, Record-Route.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { pidf } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, toTagOf, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const aliceSays = (note: string) => pidf(ALICE, [{ id: 'pc', basic: 'open', note }]);

let fx: CompositorFixture;
beforeEach(async () => {
  fx = await startFixture({ minExpires: 60, maxExpires: 3600 });
});

function cseqOf(request: { headers: { get(n: string): string | undefined } }): number {
  return Number((request.headers.get('cseq') ?? '').split(' ')[0]);
}

describe('accepting a subscription (RFC 6665 §4.2.1)', () => {
  it('given a SUBSCRIBE, when accepted, then 200 has a To tag, Expires and Contact, and a NOTIFY with the current composite follows', async () => {
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(ALICE, { body: aliceSays('in the office') }));
    const watcher = await fx.udpPeer();
    const spec = subscribeSpec(watcher, ALICE, { expires: 600, fromTag: 'w1', callId: 'dlg-1@test' });
    const response = await watcher.request(spec);
    expect(response.status).toBe(200);
    const tag = toTagOf(response);
    expect(response.headers.get('expires')).toBe('600');
    expect(response.headers.get('contact')).toBe(`<sip:127.0.0.1:${fx.udp.port};transport=udp>`);

    const notify = await watcher.nextRequest();
    expect(notify.requestUri).toBe(watcher.contactUri);
    expect(notify.headers.get('call-id')).toBe('dlg-1@test');
    expect(notify.headers.get('from')).toBe(`<${ALICE}>;tag=${tag}`);
    expect(notify.headers.get('to')).toBe('<sip:watcher@example.com>;tag=w1');
    expect(notify.headers.get('event')).toBe('presence');
    expect(notify.headers.get('subscription-state')).toMatch(/^active;expires=(600|599)$/);
    expect(notify.headers.get('content-type')).toBe('application/pidf+xml');
    expect(notify.body).toContain('<note>in the office</note>');
    expect(notify.body).toContain(`entity="${ALICE}"`);
  });

  it('given nobody has published, when subscribed, then the first NOTIFY carries a closed document (offline)', async () => {
    const watcher = await fx.udpPeer();
    await watcher.request(subscribeSpec(watcher, 'sip:nobody@example.com'));
    const notify = await watcher.nextRequest();
    expect(notify.body).toContain('<basic>closed</basic>');
  });

  it('given no Event header, when subscribed, then 489 with Allow-Events', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { event: null }));
    expect([response.status, response.headers.get('allow-events')]).toEqual([489, 'presence, presence.winfo, message-summary, dialog']);
  });

  it('given an event package not configured, when subscribed, then 489 with Allow-Events', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { event: 'conference' }));
    expect([response.status, response.headers.get('allow-events')]).toEqual([489, 'presence, presence.winfo, message-summary, dialog']);
  });

  it('given an Accept we cannot serve, when subscribed, then 406 Not Acceptable listing what we can', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { accept: 'application/xpidf+xml, text/plain' }));
    expect([response.status, response.reason]).toEqual([406, 'Not Acceptable']);
    expect(response.headers.get('accept')).toBe('application/pidf+xml, application/cpim-pidf+xml');
  });

  it('given Accept: application/cpim-pidf+xml only, when subscribed, then NOTIFYs come as CPIM-PIDF', async () => {
    const watcher = await fx.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE, { accept: 'application/cpim-pidf+xml' }));
    const notify = await watcher.nextRequest();
    expect(notify.headers.get('content-type')).toBe('application/cpim-pidf+xml');
    expect(notify.body).toContain('urn:ietf:params:xml:ns:cpim-pidf');
  });

  it('given Expires below the minimum, when subscribed, then 423 with Min-Expires', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { expires: 10 }));
    expect([response.status, response.headers.get('min-expires')]).toEqual([423, '60']);
  });

  it('given Expires above the maximum, when subscribed, then the granted Expires is the maximum', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { expires: 86400 }));
    expect(response.headers.get('expires')).toBe('3600');
  });

  it('given no Contact, when subscribed, then 400 saying a Contact is needed', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { contact: null }));
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (SUBSCRIBE needs exactly one Contact URI)']);
  });
});

describe('notifying watchers', () => {
  it('given a watcher, when alice publishes, modifies and removes, then each change is NOTIFYed with increasing CSeq', async () => {
    const watcher = await fx.udpPeer();
    const epa = await fx.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE));
    const notifies = [await watcher.nextRequest()];
    const etag1 = (await epa.request(publishSpec(ALICE, { body: aliceSays('one') }))).headers.get('sip-etag') as string;
    notifies.push(await watcher.nextRequest());
    const etag2 = (await epa.request(publishSpec(ALICE, { etag: etag1, body: aliceSays('two') }))).headers.get('sip-etag') as string;
    notifies.push(await watcher.nextRequest());
    await epa.request(publishSpec(ALICE, { etag: etag2, expires: 0 }));
    notifies.push(await watcher.nextRequest());

    expect(notifies.map(cseqOf)).toEqual([1, 2, 3, 4]);
    expect(notifies[1]?.body).toContain('one');
    expect(notifies[2]?.body).toContain('two');
    expect(notifies[3]?.body).toContain('<basic>closed</basic>');
    expect(new Set(notifies.map((n) => n.headers.get('call-id'))).size).toBe(1);
  });

  it('given a refresh without a body, when alice refreshes, then watchers get no NOTIFY (the state did not change)', async () => {
    const watcher = await fx.udpPeer();
    const epa = await fx.udpPeer();
    const etag = (await epa.request(publishSpec(ALICE, { body: aliceSays('steady') }))).headers.get('sip-etag') as string;
    await watcher.request(subscribeSpec(watcher, ALICE));
    await watcher.nextRequest();
    await epa.request(publishSpec(ALICE, { etag }));
    await epa.request(publishSpec(ALICE, { body: aliceSays('marker'), from: ALICE }));
    // The next NOTIFY the watcher sees is the one caused by the marker publication, not by the refresh.
    const next = await watcher.nextRequest();
    expect(next.body).toContain('marker');
    expect(cseqOf(next)).toBe(2);
  });

  it('given a subscription, when refreshed in the dialog, then 200 with the new Expires and an immediate NOTIFY', async () => {
    const watcher = await fx.udpPeer();
    const first = subscribeSpec(watcher, ALICE, { fromTag: 'w2', callId: 'dlg-refresh@test', cseq: 1, expires: 600 });
    const tag = toTagOf(await watcher.request(first));
    await watcher.nextRequest();
    const refresh = await watcher.request(
      subscribeSpec(watcher, ALICE, { fromTag: 'w2', toTag: tag, callId: 'dlg-refresh@test', cseq: 2, expires: 1200 }),
    );
    expect([refresh.status, refresh.headers.get('expires'), toTagOf(refresh)]).toEqual([200, '1200', tag]);
    const notify = await watcher.nextRequest();
    expect(notify.headers.get('subscription-state')).toMatch(/^active;expires=(1200|1199)$/);
    expect(cseqOf(notify)).toBe(2);
    expect(fx.server.counters().subscriptionsActive).toBe(1);
  });

  it('given an unknown dialog, when a refresh arrives, then 481', async () => {
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { toTag: 'never-issued' }));
    expect(response.status).toBe(481);
  });

  it('given a refresh with an old CSeq, when it arrives, then 500 (out of order, RFC 3261 §12.2.2)', async () => {
    const watcher = await fx.udpPeer();
    const tag = toTagOf(await watcher.request(subscribeSpec(watcher, ALICE, { fromTag: 'w3', callId: 'dlg-cseq@test', cseq: 5 })));
    const stale = await watcher.request(subscribeSpec(watcher, ALICE, { fromTag: 'w3', toTag: tag, callId: 'dlg-cseq@test', cseq: 4 }));
    expect([stale.status, stale.reason]).toEqual([500, 'Server Internal Error (CSeq out of order)']);
  });

  it('given a subscription, when Expires: 0 arrives, then 200 and a final NOTIFY terminated;reason=timeout, and nothing after', async () => {
    const watcher = await fx.udpPeer();
    const epa = await fx.udpPeer();
    const tag = toTagOf(await watcher.request(subscribeSpec(watcher, ALICE, { fromTag: 'w4', callId: 'dlg-end@test', cseq: 1 })));
    await watcher.nextRequest();
    const end = await watcher.request(
      subscribeSpec(watcher, ALICE, { fromTag: 'w4', toTag: tag, callId: 'dlg-end@test', cseq: 2, expires: 0 }),
    );
    expect([end.status, end.headers.get('expires')]).toEqual([200, '0']);
    const final = await watcher.nextRequest();
    expect(final.headers.get('subscription-state')).toBe('terminated;reason=timeout');
    expect(fx.server.counters().subscriptionsActive).toBe(0);
    // A later change reaches no one: the only NOTIFY for the marker goes to a second watcher.
    const other = await fx.udpPeer();
    await other.request(subscribeSpec(other, ALICE));
    await other.nextRequest();
    await epa.request(publishSpec(ALICE, { body: aliceSays('after') }));
    expect((await other.nextRequest()).body).toContain('after');
    expect(watcher.received.filter((r) => r.message.kind === 'request')).toHaveLength(2);
  });

  it('given a fetch (initial SUBSCRIBE with Expires: 0), when answered, then one NOTIFY with the state and terminated;reason=timeout', async () => {
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(ALICE, { body: aliceSays('fetched') }));
    const watcher = await fx.udpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { expires: 0 }));
    expect([response.status, response.headers.get('expires')]).toEqual([200, '0']);
    const notify = await watcher.nextRequest();
    expect(notify.headers.get('subscription-state')).toBe('terminated;reason=timeout');
    expect(notify.body).toContain('fetched');
    expect(fx.server.counters().subscriptionsActive).toBe(0);
  });

  it('given a subscription of 1 s, when it is not refreshed, then it ends with NOTIFY terminated;reason=timeout', async () => {
    const short = await startFixture({ minExpires: 1 });
    const watcher = await short.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE, { expires: 1 }));
    expect((await watcher.nextRequest()).headers.get('subscription-state')).toBe('active;expires=1');
    const final = await watcher.nextRequest('NOTIFY', 4000);
    expect(final.headers.get('subscription-state')).toBe('terminated;reason=timeout');
    expect(short.server.counters()).toMatchObject({ subscriptionsActive: 0, subscriptionsExpired: 1 });
  });
});

describe('watchers whose NOTIFYs fail (RFC 6665 §4.2.2)', () => {
  it('given a watcher that answers NOTIFY with 481, when the next change comes, then it has been dropped', async () => {
    const gone = await fx.udpPeer();
    const staying = await fx.udpPeer();
    const epa = await fx.udpPeer();
    await gone.request(subscribeSpec(gone, ALICE));
    await gone.nextRequest();
    await staying.request(subscribeSpec(staying, ALICE));
    await staying.nextRequest();
    gone.notifyAnswer = 481;
    await epa.request(publishSpec(ALICE, { body: aliceSays('first change') }));
    await gone.nextRequest();
    await staying.nextRequest();
    await expect.poll(() => fx.server.counters().watchersDropped).toBe(1);
    await epa.request(publishSpec(ALICE, { body: aliceSays('second change') }));
    expect((await staying.nextRequest()).body).toContain('second change');
    expect(gone.received.filter((r) => r.message.kind === 'request')).toHaveLength(2);
    expect(fx.server.counters().subscriptionsActive).toBe(1);
    expect(fx.log.some((e) => e.what === 'dropped' && e.line.includes('481'))).toBe(true);
  });

  it('given a watcher over UDP that falls silent, when a NOTIFY is sent, then it is retransmitted (Timer E) until Timer F drops the watcher', async () => {
    const quick = await startFixture({ timers: { t1Ms: 40, t2Ms: 160 } });
    const silent = await quick.udpPeer();
    const epa = await quick.udpPeer();
    await silent.request(subscribeSpec(silent, ALICE));
    await silent.nextRequest(); // answered 200: the watcher has shown it is at this address
    silent.notifyAnswer = null;
    const before = quick.server.counters().notifyRetransmissions;
    await epa.request(publishSpec(ALICE, { body: aliceSays('gone quiet') }));
    await expect.poll(() => quick.server.counters().watchersDropped, { timeout: 6000 }).toBe(1);
    const copies = silent.received.filter((r) => r.message.kind === 'request').slice(1);
    // Timer F = 64·T1 = 2.56 s. Timer E doubling 40 → 80 → 160 ms and then staying at T2 sends about 18
    // copies; without the back-off (every 40 ms) it would be 64. A busy machine only delays timers.
    expect(copies.length).toBeGreaterThanOrEqual(8);
    expect(copies.length).toBeLessThanOrEqual(20);
    expect(new Set(copies.map((r) => r.raw)).size).toBe(1); // the very same message each time
    const last = copies[copies.length - 1] as { at: number };
    const beforeLast = copies[copies.length - 2] as { at: number };
    expect(last.at - beforeLast.at).toBeGreaterThanOrEqual(120); // at T2 (160 ms) by then
    expect(quick.server.counters().notifyRetransmissions - before).toBe(copies.length - 1);
    expect(quick.log.some((e) => e.what === 'dropped' && e.line.includes('Timer F'))).toBe(true);
  });

  it('given a NOTIFY still unanswered, when two more changes come, then only the newest is sent once the first is answered', async () => {
    const watcher = await fx.udpPeer();
    const epa = await fx.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE));
    await watcher.nextRequest();
    watcher.notifyAnswer = null;
    await epa.request(publishSpec(ALICE, { body: aliceSays('change 1') }));
    const inFlight = await watcher.nextRequest();
    await epa.request(publishSpec(ALICE, { body: aliceSays('change 2') }));
    await epa.request(publishSpec(ALICE, { body: aliceSays('change 3') }));
    watcher.notifyAnswer = 200;
    watcher.respond(inFlight, 200, 'OK');
    const next = await watcher.nextRequest();
    expect(next.body).toContain('change 3');
    expect(next.body).not.toContain('change 2');
    expect(cseqOf(next)).toBe(cseqOf(inFlight) + 1);
  });

  it('given a coalescing window, when three changes come within it, then watchers get one NOTIFY with the last state', async () => {
    const coalescing = await startFixture({ notifyCoalesceMs: 1500 });
    const watcher = await coalescing.udpPeer();
    const epa = await coalescing.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE));
    await watcher.nextRequest();
    for (const note of ['a', 'b', 'c']) await epa.request(publishSpec(ALICE, { body: aliceSays(`note ${note}`) }));
    const notify = await watcher.nextRequest();
    expect(notify.body).toContain('note c');
    expect(coalescing.server.counters().notifiesSent).toBe(2);
  });
});

describe('dialog routing (RFC 3261 §12)', () => {
  // The proxy forwards the watcher's SUBSCRIBE, so it arrives from the proxy: the next hop is its source.
  it('given a Record-Route with lr, when a NOTIFY is sent, then it goes to the proxy with Route and the Contact as Request-URI', async () => {
    const proxy = await fx.udpPeer();
    const watcher = await fx.udpPeer();
    const route = `<sip:${proxy.hostPort};lr>`;
    await proxy.request(subscribeSpec(watcher, ALICE, { extraHeaders: [['Record-Route', route]] }));
    const notify = await proxy.nextRequest();
    expect(notify.requestUri).toBe(watcher.contactUri);
    expect(notify.headers.getAll('route')).toEqual([route]);
    expect(watcher.received.some((r) => r.message.kind === 'request')).toBe(false);
  });

  it('given a strict-routing Record-Route (no lr), when a NOTIFY is sent, then the route is the Request-URI and the Contact the last Route', async () => {
    const proxy = await fx.udpPeer();
    const watcher = await fx.udpPeer();
    await proxy.request(subscribeSpec(watcher, ALICE, { extraHeaders: [['Record-Route', `<sip:${proxy.hostPort}>`]] }));
    const notify = await proxy.nextRequest();
    expect(notify.requestUri).toBe(`sip:${proxy.hostPort}`);
    expect(notify.headers.getAll('route')).toEqual([`<${watcher.contactUri}>`]);
  });

  it('given a Contact with a host name we cannot resolve, when a NOTIFY is sent, then it goes back to where the SUBSCRIBE came from', async () => {
    const watcher = await fx.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE, { contact: '<sip:watcher@domain.com>' }));
    const notify = await watcher.nextRequest();
    expect(notify.requestUri).toBe('sip:watcher@domain.com');
  });

  it('given a watcher registered from another peer port named in Contact, when a NOTIFY is sent over UDP, then it goes to the Contact', async () => {
    const subscriber = await fx.udpPeer();
    const device = await fx.udpPeer();
    const registered = await device.request({
      method: 'REGISTER',
      uri: 'sip:example.com',
      from: '<sip:watcher@example.com>;tag=r',
      to: '<sip:watcher@example.com>',
      headers: [['Contact', `<${device.contactUri}>`]],
    });
    expect(registered.status).toBe(200);
    await subscriber.request(subscribeSpec(subscriber, ALICE, { contact: `<${device.contactUri}>` }));
    const notify = await device.nextRequest();
    expect(notify.requestUri).toBe(device.contactUri);
  });
});
