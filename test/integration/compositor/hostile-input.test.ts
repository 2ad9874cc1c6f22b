/**
 * Hostile input over real sockets: truncated messages, wrong Content-Length, 1 MB bodies, XML with entity
 * declarations, random bytes and mutated requests. The server must answer what it can (400, 513), drop
 * what it cannot with a log line, never crash, never hit an internal error, and keep serving.
 *
 * "Everything before X has been processed" is established without sleeping: UDP on loopback keeps order
 * and the server handles datagrams one at a time, so once a final OPTIONS is answered, every datagram sent
 * before it has been handled.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SipResponse } from '../../../electron/compositor/message/sip-message';
import { pidf, type SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';

/** Deterministic random numbers (mulberry32) so a failing case can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let fx: CompositorFixture;
beforeEach(async () => {
  fx = await startFixture({ maxMessageBytes: 65_535 });
});
afterEach(async () => {
  expect(fx.log.filter((e) => e.what === 'internal-error').map((e) => e.line)).toEqual([]);
});

/** Sends OPTIONS and waits for its 200: proof the server is alive and has processed everything sent before. */
async function stillServing(peer: SipTestPeer): Promise<void> {
  const response = await peer.request({
    method: 'OPTIONS',
    uri: 'sip:example.com',
    from: '<sip:probe@example.com>;tag=p',
    to: '<sip:example.com>',
  });
  expect(response.status).toBe(200);
}

function responsesOf(peer: SipTestPeer): SipResponse[] {
  return peer.received.map((r) => r.message).filter((m): m is SipResponse => m.kind === 'response');
}

describe('truncated messages', () => {
  it('given a PUBLISH cut at every length, when each piece arrives as a datagram, then each is answered 400 or dropped, never 200', async () => {
    const peer = await fx.udpPeer();
    const full = peer.build(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open', note: 'truncate me' }]) })).text;
    for (let cut = 1; cut < full.length; cut += 3) peer.sendRaw(full.slice(0, cut));
    await stillServing(peer);
    const statuses = responsesOf(peer).map((r) => r.status);
    expect(statuses.pop()).toBe(200); // the OPTIONS
    expect(statuses.length).toBeGreaterThan(10);
    expect(new Set(statuses)).toEqual(new Set([400]));
    expect(fx.server.counters().publicationsActive).toBe(0);
    expect(fx.log.some((e) => e.what === 'dropped' && e.line.includes('unparseable'))).toBe(true);
  });

  it('given a truncated message without the empty line, when answered, then the reason says it is truncated', async () => {
    const peer = await fx.udpPeer();
    const full = peer.build(publishSpec(ALICE, { body: '' })).text;
    const built = full.slice(0, full.indexOf('\r\n\r\n'));
    peer.sendRaw(built);
    await stillServing(peer);
    const [answer] = responsesOf(peer);
    expect([answer?.status, answer?.reason]).toEqual([400, 'Bad Request (Truncated message: the header section has no end (empty line))']);
  });
});

describe('wrong Content-Length', () => {
  it('given a Content-Length larger than the datagram, when received, then 400 says so', async () => {
    const peer = await fx.udpPeer();
    const response = await peer.request({
      ...publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open' }]) }),
      contentLength: 5000,
    });
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (Content-Length exceeds the message)']);
  });

  it('given a Content-Length shorter than the body, when received, then the body is cut there (RFC 3261 §18.3) and fails as XML', async () => {
    const peer = await fx.udpPeer();
    const response = await peer.request({ ...publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open' }]) }), contentLength: 40 });
    expect(response.status).toBe(400);
    expect(response.reason).toMatch(/^Bad Request \(Malformed XML/);
  });

  it.each(['-1', 'ten', '1e3', '99999999999'])('given Content-Length %j, when received, then 400', async (value) => {
    const peer = await fx.udpPeer();
    const text = peer
      .build({ ...publishSpec(ALICE, { body: '<x/>' }), omitContentLength: true })
      .text.replace('\r\n\r\n', `\r\nContent-Length: ${value}\r\n\r\n`);
    peer.sendRaw(text);
    await stillServing(peer);
    expect(responsesOf(peer)[0]?.status).toBe(400);
  });

  it('given a TCP stream with a Content-Length larger than what follows, when the client waits, then the server waits too and serves the next message once the bytes arrive', async () => {
    const peer = await fx.tcpPeer();
    const built = peer.build(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open' }]) }));
    const [head, body] = built.text.split('\r\n\r\n') as [string, string];
    peer.sendRaw(head + '\r\n\r\n' + body.slice(0, 10));
    peer.sendRaw(body.slice(10));
    expect((await peer.responseTo(built.branch)).status).toBe(200);
  });
});

describe('oversized messages', () => {
  const hugeBody = (bytes: number) =>
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${ALICE}"><note>${'x'.repeat(bytes)}</note></presence>`;

  it('given a 1 MB body over TCP, when the headers arrive, then 513 Message Too Large and the connection is closed', async () => {
    const peer = await fx.tcpPeer();
    const built = peer.build(publishSpec(ALICE, { body: hugeBody(1024 * 1024) }));
    peer.sendRaw(built.text);
    const response = await peer.responseTo(built.branch);
    expect([response.status, response.reason]).toEqual([513, 'Message Too Large']);
    await expect.poll(() => peer.isClosed, { timeout: 5000 }).toBe(true);
    await stillServing(await fx.udpPeer());
  });

  it('given a 200 KB message over WebSocket, when received, then 513 and the server keeps serving', async () => {
    const peer = await fx.wsPeer();
    const built = peer.build(publishSpec(ALICE, { body: hugeBody(200 * 1024) }));
    peer.sendRaw(built.text);
    expect((await peer.responseTo(built.branch)).status).toBe(513);
    await stillServing(await fx.udpPeer());
  });

  it('given a 1 MB frame over WebSocket, when its header arrives, then the connection is closed with 1009 and the server keeps serving', async () => {
    const peer = await fx.wsPeer();
    peer.sendRaw(peer.build(publishSpec(ALICE, { body: hugeBody(1024 * 1024) })).text);
    await expect.poll(() => peer.wsCloseCode, { timeout: 5000 }).toBe(1009);
    expect(fx.log.filter((e) => e.what === 'dropped').map((e) => e.line)).toEqual([
      expect.stringMatching(/WebSocket frame over \d+ bytes, closed with 1009/),
    ]);
    await stillServing(await fx.udpPeer());
  });

  it('given a datagram above the configured limit, when received over UDP, then 513', async () => {
    const small = await startFixture({ maxMessageBytes: 2000 });
    const peer = await small.udpPeer();
    const response = await peer.request(publishSpec(ALICE, { body: hugeBody(4000) }));
    expect(response.status).toBe(513);
  });

  it('given a 70 KB header section over TCP, when received, then the connection is closed and the server keeps serving', async () => {
    const peer = await fx.tcpPeer();
    peer.sendRaw(`PUBLISH ${ALICE} SIP/2.0\r\nX-Filler: ${'y'.repeat(70 * 1024)}\r\n`);
    await expect.poll(() => peer.isClosed, { timeout: 5000 }).toBe(true);
    await stillServing(await fx.udpPeer());
  });
});

describe('XML with entity declarations', () => {
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE presence [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${ALICE}"><tuple id="t"><status><basic>open</basic></status><note>&lol9;</note></tuple></presence>`;
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE presence [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${ALICE}"><tuple id="t"><status><basic>open</basic></status><note>&xxe;</note></tuple></presence>`;

  it.each([
    ['billion laughs', billionLaughs],
    ['an external entity (XXE)', xxe],
  ])('given %s, when published, then 400 saying DTDs are not accepted, and nothing is expanded or read', async (_name, body) => {
    const peer = await fx.udpPeer();
    const response = await peer.request(publishSpec(ALICE, { body }));
    expect(response.status).toBe(400);
    expect(response.reason).toMatch(/DTD|entity/i);
    expect(fx.server.currentDocument(ALICE)).not.toContain('root:');
    expect(fx.server.counters().publicationsActive).toBe(0);
  });

  it('given an undeclared entity reference, when published, then 400', async () => {
    const peer = await fx.udpPeer();
    const response = await peer.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open', note: '&undeclared;' }]) }));
    expect(response.status).toBe(400);
  });
});

describe('garbage and mutated requests', () => {
  it('given random bytes, when they arrive as datagrams, then they are dropped and the server keeps serving', async () => {
    const peer = await fx.udpPeer();
    const random = seeded(42);
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.alloc(1 + Math.floor(random() * 1400));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      peer.sendRaw(bytes);
    }
    peer.sendRaw(Buffer.alloc(1000)); // all NUL
    await stillServing(peer);
    expect(fx.server.counters().malformedMessages).toBeGreaterThanOrEqual(300);
  });

  it('given 3,000 randomly mutated PUBLISH and SUBSCRIBE requests, when processed, then no internal error and the server keeps serving', async () => {
    const peer = await fx.udpPeer();
    const random = seeded(7);
    const templates = [
      peer.build(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open', note: 'n' }]) })).text,
      peer.build({
        method: 'SUBSCRIBE',
        uri: ALICE,
        from: '<sip:w@example.com>;tag=1',
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence'],
          ['Contact', `<${peer.contactUri}>`],
          ['Expires', '60'],
          ['Accept', 'application/pidf+xml'],
        ],
      }).text,
    ];
    const alphabet = ['\r\n', ':', ';', ',', '<', '>', '"', ' ', '\0', 'é', '=', '0', '-', '@', 'sip:', '\r\n\r\n', '&', '<!DOCTYPE x>'];
    for (let i = 0; i < 3000; i++) {
      let text = templates[i % 2] as string;
      const edits = 1 + Math.floor(random() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * text.length);
        const choice = random();
        if (choice < 0.4) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 8));
        else if (choice < 0.8) text = text.slice(0, at) + (alphabet[Math.floor(random() * alphabet.length)] as string) + text.slice(at);
        else text = text.slice(0, at) + text.slice(at).toUpperCase();
      }
      // A fresh branch each time so that no mutation is taken for a retransmission of another.
      peer.sendRaw(text.replace(/branch=[^;\r\n]*/, `branch=z9hG4bK-fuzz-${i}`));
      if (i % 500 === 499) await stillServing(peer); // pace the sender so the kernel buffer never overflows
    }
    await stillServing(peer);
    const statuses = new Set(responsesOf(peer).map((r) => r.status));
    expect([...statuses].every((s) => s >= 200 && s < 600)).toBe(true);
    expect(statuses.has(400)).toBe(true);
    // Invented method names (mutated "PUBLISH") are counted together, not one counter each.
    expect(Object.keys(fx.server.counters().requestsByMethod).length).toBeLessThanOrEqual(5);
  });

  it('given garbage on a TCP connection, when received, then that connection is closed and the server keeps serving', async () => {
    const peer = await fx.tcpPeer();
    peer.sendRaw('this is not SIP at all\r\n\r\n');
    await expect.poll(() => peer.isClosed, { timeout: 5000 }).toBe(true);
    await stillServing(await fx.udpPeer());
  });
});
