/**
 * The compositor's limits over real sockets on 127.0.0.1 (docs/compositor-limits.md): connection caps,
 * the message deadline and idle timeout, header checks, state caps answered 503 + Retry-After, UDP
 * anti-reflection and the amplification bound, the WebSocket Origin allow-list, and "logged once per
 * source". Small limits and short deadlines come from the options; every wait is for an event.
 */
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { CompositorConfigError, type CompositorLimits } from '../../../electron/compositor';
import { pidf, type SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';

let fx: CompositorFixture | undefined;
afterEach(async () => {
  expect(fx?.log.filter((e) => e.what === 'internal-error').map((e) => e.line) ?? []).toEqual([]);
  await fx?.stop();
  fx = undefined;
});

async function start(limits: Partial<CompositorLimits>): Promise<CompositorFixture> {
  fx = await startFixture({ limits });
  return fx;
}

function limitedLines(fixture: CompositorFixture, limit: string): string[] {
  return fixture.log.filter((e) => e.what === 'limited' && e.line.includes(`${limit}:`)).map((e) => e.line);
}

/** A raw TCP connection, resolved once connected; `closed` resolves when the server closes it. */
async function rawConnection(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed };
}

const register = (peer: SipTestPeer, user: string, contacts: readonly string[], cseq = 1) =>
  peer.request({
    method: 'REGISTER',
    uri: 'sip:example.com',
    from: `<sip:${user}@example.com>;tag=r`,
    to: `<sip:${user}@example.com>`,
    callId: `reg-${user}@test`,
    cseq,
    headers: contacts.map((c) => ['Contact', c] as const),
  });

describe('connections', () => {
  it('given 3 connections per address allowed, when a 4th and 5th connect, then they are closed and the limit is logged once', async () => {
    const f = await start({ maxConnectionsPerAddress: 3 });
    const kept = [await f.tcpPeer(), await f.tcpPeer(), await f.tcpPeer()];
    const refused = [await f.tcpPeer(), await f.tcpPeer()];
    await expect.poll(() => refused.every((peer) => peer.isClosed)).toBe(true);
    expect(kept.some((peer) => peer.isClosed)).toBe(false);
    expect(limitedLines(f, 'maxConnectionsPerAddress')).toHaveLength(1);
    // Once one closes, its place is free again (the server may see the close a moment later: retried).
    await kept[0]?.close();
    const answered = async (): Promise<number> => {
      const peer = await f.tcpPeer();
      const options = { method: 'OPTIONS', uri: 'sip:example.com', from: '<sip:a@example.com>;tag=a', to: '<sip:example.com>' };
      return peer.request(options, 500).then(
        (r) => r.status,
        () => 0,
      );
    };
    await expect.poll(answered, { timeout: 5000 }).toBe(200);
  });

  it('given 3 connections in total allowed, when a WebSocket client is the 4th, then its connection is closed before the upgrade', async () => {
    const f = await start({ maxConnections: 3 });
    await f.tcpPeer();
    await f.wsPeer();
    await f.wsPeer();
    await expect(f.wsPeer()).rejects.toThrow();
    expect(limitedLines(f, 'maxConnections')).toHaveLength(1);
  });
});

describe('deadlines', () => {
  it('given a 200 ms message deadline, when a peer sends half a message, then it is closed, while one that finished its message stays', async () => {
    const f = await start({ messageDeadlineMs: 200 });
    const finished = await f.tcpPeer();
    const options = await finished.request({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=a',
      to: '<sip:example.com>',
    });
    expect(options.status).toBe(200);
    const slow = await rawConnection(f.server.addresses.tcp?.port ?? 0);
    slow.socket.write(`OPTIONS sip:example.com SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK-slow\r\n`);
    await slow.closed;
    expect(finished.isClosed).toBe(false);
    expect(limitedLines(f, 'messageDeadlineMs')).toHaveLength(1);
  });

  it('given a 200 ms message deadline, when a WebSocket handshake is left unfinished, then the connection is closed', async () => {
    const f = await start({ messageDeadlineMs: 200 });
    const slow = await rawConnection(f.server.addresses.ws?.port ?? 0);
    slow.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    await slow.closed;
    expect(limitedLines(f, 'messageDeadlineMs')).toHaveLength(1);
  });

  it('given a 300 ms idle timeout, when one peer sends CRLF keep-alives and another is silent, then only the silent one is closed', async () => {
    const f = await start({ idleTimeoutMs: 300 });
    const pinging = await f.tcpPeer();
    const timer = setInterval(() => pinging.sendRaw('\r\n\r\n'), 50);
    try {
      const silent = await f.tcpPeer();
      await expect.poll(() => silent.isClosed).toBe(true);
      expect(pinging.isClosed).toBe(false);
      expect(pinging.keepAlivePongs).toBeGreaterThan(0);
      expect(limitedLines(f, 'idleTimeoutMs')).toHaveLength(1);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('header checks', () => {
  it('given at most 10 header fields, when a request has more, then 400 says so', async () => {
    const f = await start({ maxHeaderFields: 10 });
    const peer = await f.udpPeer();
    const headers = Array.from({ length: 6 }, (_, i) => [`X-Extra-${i}`, 'x'] as const);
    const response = await peer.request({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=a',
      to: '<sip:example.com>',
      headers,
    });
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (more than 10 header fields)']);
    expect(limitedLines(f, 'maxHeaderFields')).toHaveLength(1);
  });

  it('given a 1,000-byte header section limit, when a PUBLISH has a larger one, then 513', async () => {
    const f = await start({ maxHeaderBytes: 1000 });
    const peer = await f.udpPeer();
    const response = await peer.request(
      publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open' }]), extraHeaders: [['X-Filler', 'y'.repeat(1200)]] }),
    );
    expect(response.status).toBe(513);
    expect(limitedLines(f, 'maxHeaderBytes')).toHaveLength(1);
  });

  it('given a header value with an escape character, when received, then 400 names the header and the log line prints no control character', async () => {
    const f = await start({});
    const peer = await f.udpPeer();
    const response = await peer.request({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=a',
      to: '<sip:evil\x1b[2J@example.com>',
      headers: [['Subject', 'hi\tthere']],
    });
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (control character in the To header)']);
    // eslint-disable-next-line no-control-regex
    expect(f.log.some((e) => /[\x00-\x1f\x7f]/.test(e.line))).toBe(false);
    const tabbed = await peer.request({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=b',
      to: '<sip:example.com>',
      headers: [['Subject', 'hi\tthere']],
    });
    expect(tabbed.status).toBe(200);
  });
});

describe('state caps (503 + Retry-After, RFC 3261 §21.5.4)', () => {
  const body = (aor: string) => pidf(aor, [{ id: 't' + Math.random().toString(36).slice(2), basic: 'open' }]);

  it('given 2 publications per AOR, when a third device publishes, then 503 with Retry-After, while a refresh still works; logged once', async () => {
    const f = await start({ maxPublicationsPerAor: 2 });
    const peer = await f.udpPeer();
    const first = await peer.request(publishSpec(ALICE, { body: body(ALICE) }));
    await peer.request(publishSpec(ALICE, { body: body(ALICE) }));
    for (let i = 0; i < 3; i++) {
      const refused = await peer.request(publishSpec(ALICE, { body: body(ALICE) }));
      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '60']);
    }
    expect((await peer.request(publishSpec(ALICE, { etag: first.headers.get('sip-etag') as string }))).status).toBe(200);
    expect(f.server.counters().publicationsActive).toBe(2);
    expect(limitedLines(f, 'maxPublicationsPerAor')).toHaveLength(1);
  });

  it('given 3 publications in total, when a fourth AOR publishes, then 503', async () => {
    const f = await start({ maxPublications: 3 });
    const peer = await f.udpPeer();
    for (const user of ['a', 'b', 'c'])
      expect((await peer.request(publishSpec(`sip:${user}@example.com`, { body: body(`sip:${user}@example.com`) }))).status).toBe(200);
    expect((await peer.request(publishSpec('sip:d@example.com', { body: body('sip:d@example.com') }))).status).toBe(503);
  });

  it('given 2 subscriptions per watcher, when it subscribes a third time, then 503, while a fetch still works', async () => {
    const f = await start({ maxSubscriptionsPerWatcher: 2 });
    const watcher = await f.udpPeer();
    for (const user of ['a', 'b']) expect((await watcher.request(subscribeSpec(watcher, `sip:${user}@example.com`))).status).toBe(200);
    const refused = await watcher.request(subscribeSpec(watcher, 'sip:c@example.com'));
    expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, '60']);
    expect((await watcher.request(subscribeSpec(watcher, 'sip:c@example.com', { expires: 0 }))).status).toBe(200);
    expect((await watcher.request(subscribeSpec(watcher, 'sip:c@example.com', { from: 'sip:other@example.com' }))).status).toBe(200);
  });

  it('given 3 subscriptions in total, when a fourth watcher subscribes, then 503', async () => {
    const f = await start({ maxSubscriptions: 3 });
    const watcher = await f.udpPeer();
    for (const user of ['a', 'b', 'c'])
      expect((await watcher.request(subscribeSpec(watcher, ALICE, { from: `sip:${user}@example.com` }))).status).toBe(200);
    expect((await watcher.request(subscribeSpec(watcher, ALICE, { from: 'sip:d@example.com' }))).status).toBe(503);
  });

  it('given 2 bindings per AOR and 3 in total, when more are registered, then 503 and nothing changes', async () => {
    const f = await start({ maxBindingsPerAor: 2, maxBindings: 3 });
    const peer = await f.udpPeer();
    expect((await register(peer, 'bob', ['<sip:bob@127.0.0.1:5001>', '<sip:bob@127.0.0.1:5002>'])).status).toBe(200);
    const perAor = await register(peer, 'bob', ['<sip:bob@127.0.0.1:5003>'], 2);
    expect([perAor.status, perAor.headers.get('retry-after')]).toEqual([503, '60']);
    expect((await register(peer, 'bob', ['<sip:bob@127.0.0.1:5001>'], 3)).status).toBe(200);
    expect((await register(peer, 'carol', ['<sip:carol@127.0.0.1:5004>'])).status).toBe(200);
    expect((await register(peer, 'dave', ['<sip:dave@127.0.0.1:5005>'])).status).toBe(503);
    expect(f.server.counters().bindingsActive).toBe(3);
  });
});

describe('UDP anti-reflection and amplification', () => {
  it('given a SUBSCRIBE whose Contact names another address, when the NOTIFY is sent, then it goes to the source instead; logged once', async () => {
    const f = await start({});
    const subscriber = await f.udpPeer();
    const victim = await f.udpPeer();
    await subscriber.request(subscribeSpec(subscriber, ALICE, { contact: `<${victim.contactUri}>` }));
    const notify = await subscriber.nextRequest();
    expect(notify.requestUri).toBe(victim.contactUri);
    const epa = await f.udpPeer();
    await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open' }]) }));
    await subscriber.nextRequest();
    expect(victim.received).toEqual([]);
    expect(limitedLines(f, 'udpReflection')).toHaveLength(1);
  });

  it('given a UDP source that never answers (a spoofed one), when its SUBSCRIBE gets a NOTIFY, then the copies stay within 3× the SUBSCRIBE', async () => {
    fx = await startFixture({ timers: { t1Ms: 40, t2Ms: 160 }, limits: { udpAmplificationFactor: 3 } });
    const epa = await fx.udpPeer();
    const note = 'a note that makes the NOTIFY larger than the SUBSCRIBE '.repeat(8);
    await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't1', basic: 'open', note }]) }));
    const victim = await fx.udpPeer();
    victim.notifyAnswer = null;
    const subscribe = victim.build(subscribeSpec(victim, ALICE));
    victim.sendRaw(subscribe.text);
    await victim.responseTo(subscribe.branch);
    const subscribeBytes = Buffer.byteLength(subscribe.text);
    await expect.poll(() => fx!.server.counters().watchersDropped, { timeout: 6000 }).toBe(1);
    const notifies = victim.received.filter((r) => r.message.kind === 'request');
    const notifyBytes = Buffer.byteLength(notifies[0]!.raw);
    expect(notifies.length).toBeGreaterThanOrEqual(1);
    expect(notifies.length).toBe(Math.max(1, Math.floor((3 * subscribeBytes) / notifyBytes)));
    expect(notifies.length * notifyBytes).toBeLessThanOrEqual(Math.max(notifyBytes, 3 * subscribeBytes));
  });

  it('given a watcher over UDP whose NOTIFYs exceed its budget, when it answers one NOTIFY and the first NOTIFY of its other subscription was lost, then that one is retransmitted', async () => {
    fx = await startFixture({ timers: { t1Ms: 40, t2Ms: 160 }, limits: { udpAmplificationFactor: 3 } });
    const epa = await fx.udpPeer();
    const note = 'a note that makes the NOTIFY larger than the SUBSCRIBE '.repeat(8);
    for (const aor of [ALICE, BOB]) await epa.request(publishSpec(aor, { body: pidf(aor, [{ id: 't1', basic: 'open', note }]) }));
    const watcher = await fx.udpPeer();
    watcher.notifyAnswer = null;
    await watcher.request(subscribeSpec(watcher, ALICE));
    const toAlice = await watcher.nextRequest();
    await watcher.request(subscribeSpec(watcher, BOB));
    // Bob's first NOTIFY is left unanswered, as if the datagram had been lost; its budget allows no second copy.
    const toBob = await watcher.nextRequest();
    expect(toBob.headers.get('call-id')).not.toBe(toAlice.headers.get('call-id'));
    watcher.respond(toAlice, 200, 'OK');
    const again = await watcher.nextRequest('NOTIFY', 2_000);
    expect(again.headers.get('call-id')).toBe(toBob.headers.get('call-id'));
    expect(again.headers.get('cseq')).toBe(toBob.headers.get('cseq'));
    watcher.respond(again, 200, 'OK');
    expect(fx.server.counters().watchersDropped).toBe(0);
  });

  it('given 20 bindings, when a small REGISTER query comes over UDP, then the 200 stays within 3× its size and a Warning says how many are listed', async () => {
    const f = await start({});
    const tcp = await f.tcpPeer();
    const contacts = Array.from({ length: 20 }, (_, i) => `<sip:bob-device-with-a-long-name-${i}@127.0.0.1:${6000 + i}>`);
    expect((await register(tcp, 'bob', contacts)).status).toBe(200);
    const udp = await f.udpPeer();
    const query = udp.build({
      method: 'REGISTER',
      uri: 'sip:example.com',
      from: '<sip:bob@example.com>;tag=q',
      to: '<sip:bob@example.com>',
    });
    udp.sendRaw(query.text);
    const answer = await udp.responseTo(query.branch);
    expect(answer.status).toBe(200);
    expect(Buffer.byteLength(answer.raw)).toBeLessThanOrEqual(3 * Buffer.byteLength(query.text));
    const listed = answer.headers.getAll('contact').length;
    expect(listed).toBeLessThan(20);
    expect(answer.headers.get('warning')).toBe(
      `399 compositor "${listed} of 20 bindings listed: UDP answers are kept small; query over TCP for all"`,
    );
    const overTcp = await tcp.request({
      method: 'REGISTER',
      uri: 'sip:example.com',
      from: '<sip:bob@example.com>;tag=q',
      to: '<sip:bob@example.com>',
    });
    expect(overTcp.headers.getAll('contact')).toHaveLength(20);
  });
});

describe('WebSocket Origin allow-list', () => {
  /** The HTTP status of a WebSocket upgrade offering `sip`, with `origin` when given. */
  async function upgradeStatus(f: CompositorFixture, origin?: string): Promise<number> {
    const ws = f.server.addresses.ws;
    const socket = new WebSocket(`ws://127.0.0.1:${ws?.port ?? 0}`, 'sip', origin === undefined ? {} : { origin });
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => undefined);
    });
    socket.terminate();
    return status;
  }

  it('given one allowed origin, when clients upgrade without Origin, with it, and with another, then 101, 101 and 403 (logged once)', async () => {
    const f = await start({ wsAllowedOrigins: ['https://App.Example.com/'] });
    expect(await upgradeStatus(f)).toBe(101);
    expect(await upgradeStatus(f, 'https://app.example.com')).toBe(101);
    expect(await upgradeStatus(f, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(f, 'null')).toBe(403);
    expect(limitedLines(f, 'wsAllowedOrigins')).toHaveLength(1);
  });
});

describe('configuration', () => {
  it.each([{ maxConnections: 0 }, { idleTimeoutMs: 1.5 }, { wsAllowedOrigins: ['not an origin'] }])(
    'given limits %j, when started, then CompositorConfigError',
    async (limits) => {
      await expect(startFixture({ limits })).rejects.toThrow(CompositorConfigError);
    },
  );
});
