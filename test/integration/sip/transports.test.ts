/**
 * The transports on real loopback sockets against a scripted SIP peer
 * (test/support/sip/scripted-sip-server.ts): Via and Contact as they appear on the wire, the trace tap,
 * stream framing, keep-alives, refused and unreachable servers, and a WebSocket server that does not
 * speak SIP. TLS (with a certificate made at test time) is covered against Kamailio in
 * test/integration/kamailio/transport-matrix.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { buildPidf } from '../../../shared/pidf';
import type { SipClient, SipAccountConfig } from '../../../electron/sip/sip-client';
import type { SipTimers } from '../../../electron/sip/sip-client-types';
import { freePort } from '../../support/net/free-port';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { answerRegister, type ScriptedTransport } from '../../support/sip/scripted-sip-server';
import { createClients } from '../../support/sip/sip-clients';
import { makeTestCertificates } from '../../support/sip/test-certificates';
import { waitFor } from '../../support/sip/wait-for';

function client(uri: string, account: Partial<SipAccountConfig> = {}, timers: Partial<SipTimers> = {}): SipClient {
  const [alice] = createClients(uri, ['alice'], { account, timers });
  return alice;
}

async function registrar(transport: ScriptedTransport, options: { offerSipSubprotocol?: boolean } = {}) {
  const server = await startScriptedServer(transport, options);
  server.onRequest = (request) => {
    if (!answerRegister(request)) request.respond(200, 'OK', ['SIP-ETag: e1', 'Expires: 600']);
  };
  return server;
}

describe('transports (scripted peer)', () => {
  for (const transport of ['udp', 'tcp', 'ws'] as const) {
    it(`given ${transport}, when we register, then Via names the transport and our real address with rport, Contact our real port, and the trace shows exactly the wire`, async () => {
      const peer = await registrar(transport);
      const alice = client(peer.uri);
      const trace: UnnumberedTraceEntry[] = [];
      alice.onTrace((e) => trace.push(e));
      expect(await alice.start()).toMatchObject({ phase: 'registered' });
      const register = await peer.waitForRequest((r) => r.method === 'REGISTER');
      const [, localPort] = /:(\d+)$/.exec(register.flow.remote) ?? [];
      const via = register.header('via') ?? '';
      const contact = register.header('contact') ?? '';
      if (transport === 'ws') {
        // RFC 7118 §5.2: a WebSocket client's sent-by and Contact host are a random .invalid name.
        expect(via).toMatch(/^SIP\/2\.0\/WS [a-z0-9]+\.invalid;branch=z9hG4bK[^;]+;rport$/);
        expect(contact).toMatch(/^<sip:[a-z0-9]+@[a-z0-9]+\.invalid;transport=ws>;expires=600$/);
      } else {
        expect(via).toBe(`SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${localPort};branch=${via.match(/branch=([^;]+)/)?.[1]};rport`);
        expect(contact).toMatch(
          new RegExp(`^<sip:[a-z0-9]+@127\\.0\\.0\\.1:${localPort}${transport === 'tcp' ? ';transport=tcp' : ''}>;expires=600$`),
        );
      }
      // The trace tap: what we sent is byte for byte what the server got, with both ends' addresses.
      const sent = trace.find((e) => e.direction === 'out' && e.raw.startsWith('REGISTER'));
      expect(sent?.raw).toBe(register.raw);
      expect(sent).toMatchObject({
        transport,
        local: { address: '127.0.0.1', port: Number(localPort) },
        remote: { address: '127.0.0.1', port: peer.port },
      });
      const received = trace.find((e) => e.direction === 'in' && e.raw.startsWith('SIP/2.0 200'));
      expect(received?.at).toBeGreaterThanOrEqual(sent?.at ?? Infinity);
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`given an IPv6 server (${transport}, [::1]), when we register and publish, then Via and Contact carry the bracketed address and answers are accepted`, async () => {
      const server = await startScriptedServer(transport, { host: '::1' });
      server.onRequest = (request) => {
        if (!answerRegister(request)) request.respond(200, 'OK', ['SIP-ETag: v6', 'Expires: 600']);
      };
      const alice = client(server.uri);
      expect(server.uri).toMatch(/^sip:\[::1\]:\d+/);
      expect(await alice.start()).toMatchObject({ phase: 'registered' });
      expect(await alice.setPresence('away', '')).toMatchObject({ phase: 'published', etag: 'v6' });
      const register = await server.waitForRequest((r) => r.method === 'REGISTER');
      expect(register.header('via')).toMatch(new RegExp(`^SIP/2\\.0/${transport.toUpperCase()} \\[::1\\]:\\d+;branch=`));
      expect(register.header('contact')).toMatch(/@\[::1\]:\d+/);
    });
  }

  for (const transport of ['udp', 'tcp'] as const) {
    it(`given ${transport}, when the server sends garbage, truncated and malformed messages, then they are dropped or answered and the engine carries on`, async () => {
      const peer = await registrar(transport);
      const alice = client(peer.uri);
      await alice.start();
      const register = await peer.waitForRequest((r) => r.method === 'REGISTER');
      const contact = /<([^>]+)>/.exec(register.header('contact') ?? '')?.[1] ?? '';
      const head = (method: string, extra: string[]) =>
        [
          `${method} ${contact} SIP/2.0`,
          `Via: SIP/2.0/${transport.toUpperCase()} 127.0.0.1:${peer.port};branch=z9hG4bK${Math.random().toString(36).slice(2)}`,
          ...extra,
        ].join('\r\n');
      const garbage = [
        'this is not SIP at all\r\nContent-Length: 0\r\n\r\n',
        // No Call-ID, no CSeq: dropped (RFC 3261 §8.1.1 mandatory headers).
        `${head('OPTIONS', ['From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Content-Length: 0'])}\r\n\r\n`,
        // An out-of-dialog NOTIFY without Subscription-State: answered, not trusted.
        `${head('NOTIFY', ['From: <sip:bob@example.com>;tag=9', 'To: <sip:alice@example.com>;tag=nope', 'Call-ID: junk-1', 'CSeq: 1 NOTIFY', 'Event: presence', 'Content-Length: 0'])}\r\n\r\n`,
        // A response to nothing we sent.
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnothing\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: none\r\nCSeq: 1 PUBLISH\r\nContent-Length: 0\r\n\r\n',
        // An out-of-dialog PRACK, which sip.js's core would throw on.
        `${head('PRACK', ['From: <sip:bob@example.com>;tag=9', 'To: <sip:alice@example.com>', 'Call-ID: junk-2', 'CSeq: 1 PRACK', 'Content-Length: 0'])}\r\n\r\n`,
      ];
      for (const text of garbage) register.flow.send(text);
      const answers = await peer.waitForResponse((r) => r.cseqMethod === 'PRACK');
      expect(answers.statusCode).toBeGreaterThanOrEqual(400);
      const notifyAnswer = await peer.waitForResponse((r) => r.cseqMethod === 'NOTIFY');
      expect(notifyAnswer.statusCode).toBeGreaterThanOrEqual(400);
      // Still registered and working.
      expect(alice.accountState.phase).toBe('registered');
      expect(await alice.setPresence('busy', 'still here')).toMatchObject({ phase: 'published' });
    });
  }

  it('given TCP, when the server sends two NOTIFYs in one segment and then one split in three, then each is taken whole and answered', async () => {
    const peer = await registrar('tcp');
    peer.onRequest = (request) => {
      if (answerRegister(request)) return;
      request.respond(200, 'OK', ['Expires: 600']);
    };
    const alice = client(peer.uri);
    await alice.start();
    alice.watch('sip:bob@example.com');
    const subscribe = await peer.waitForRequest((r) => r.method === 'SUBSCRIBE');
    const body = (note: string) => ({
      contentType: 'application/pidf+xml',
      content: buildPidf({ entity: 'sip:bob@example.com', tupleId: 't', status: 'busy', note, timestamp: new Date() }),
    });
    const notifications: string[] = [];
    const original = subscribe.flow.send;
    const capture = {
      ...subscribe,
      flow: { remote: subscribe.flow.remote, send: (data: string | Buffer) => notifications.push(data.toString()) },
    };
    peer.sendNotify(capture, { cseq: 1, subscriptionState: 'active;expires=600', body: body('one — ü') });
    peer.sendNotify(capture, { cseq: 2, subscriptionState: 'active;expires=600', body: body('two') });
    peer.sendNotify(capture, { cseq: 3, subscriptionState: 'active;expires=600', body: body('three') });
    const [n1, n2, n3] = notifications.map((n) => Buffer.from(n));
    original(Buffer.concat([n1 ?? Buffer.alloc(0), n2 ?? Buffer.alloc(0)]));
    await waitFor(alice.onBuddy.bind(alice), (b) => b.presence?.note === 'two', { current: alice.buddies[0], what: 'note two' });
    const third = n3 ?? Buffer.alloc(0);
    // Split inside a multi-byte character: the framer counts bytes.
    const cut1 = third.indexOf('\r\n\r\n') - 3;
    const cut2 = third.length - 10;
    const pieces = [third.subarray(0, cut1), third.subarray(cut1, cut2), third.subarray(cut2)];
    for (const piece of pieces) original(piece);
    await waitFor(alice.onBuddy.bind(alice), (b) => b.presence?.note === 'three', { current: alice.buddies[0], what: 'note three' });
    await peer.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.header('cseq') === '3 NOTIFY');
    expect(peer.responses.filter((r) => r.cseqMethod === 'NOTIFY').map((r) => r.statusCode)).toEqual([200, 200, 200]);
  });

  it('given TCP, when the server stops answering our keep-alive pings, then the connection is declared dead and we reconnect and register again', async () => {
    const peer = await registrar('tcp');
    const alice = client(peer.uri, {}, { keepAliveInterval: 100, keepAliveTimeout: 300 });
    await alice.start();
    // Let one ping be answered, so that the server is known to answer them.
    await new Promise((resolve) => setTimeout(resolve, 150));
    peer.answerPings = false;
    const lost = await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'failed', {
      current: alice.accountState,
      what: 'a dead connection',
      timeoutMs: 5_000,
    });
    expect(lost.problem?.message).toBe('The server stopped answering keep-alives.');
    peer.answerPings = true;
    await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'registered', {
      current: alice.accountState,
      what: 'registered again',
      timeoutMs: 5_000,
    });
    expect(peer.requestsOf('REGISTER').length).toBeGreaterThanOrEqual(2);
  });

  it('given TCP, when the server sends a message without Content-Length, then the stream is dropped as broken and we reconnect', async () => {
    const peer = await registrar('tcp');
    const alice = client(peer.uri);
    await alice.start();
    const register = await peer.waitForRequest((r) => r.method === 'REGISTER');
    register.flow.send('OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKx\r\n\r\n');
    const lost = await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'failed', {
      current: alice.accountState,
      what: 'a dropped connection',
    });
    expect(lost.problem?.message).toMatch(/malformed message stream \(Content-Length is required on stream transports\)/);
    await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'registered', {
      current: alice.accountState,
      what: 'registered again',
    });
  });

  it('given TCP, when the server closes the connection, then the loss is reported with a retry time and the engine reconnects by itself', async () => {
    const peer = await registrar('tcp');
    const alice = client(peer.uri);
    await alice.start();
    await peer.close();
    const lost = await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'failed', {
      current: alice.accountState,
      what: 'the loss',
    });
    expect(lost.problem?.message).toMatch(/closed the connection|Nothing answers/);
    expect(lost.retryAt).toBeGreaterThan(Date.now() - 50);
    await peer.reopen();
    await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'registered', {
      current: alice.accountState,
      what: 'registered again',
    });
  });

  it('given a WebSocket server that does not offer the "sip" subprotocol, when we connect, then it fails saying so', async () => {
    const peer = await registrar('ws', { offerSipSubprotocol: false });
    const state = await client(peer.uri).start();
    expect(state.phase).toBe('failed');
    expect(state.problem?.message).toMatch(/does not speak SIP \(no "sip" subprotocol\)/);
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`given nothing listens on the port (${transport}), when we start, then it fails saying nothing answers`, async () => {
      const port = await freePort();
      const state = await client(transport === 'udp' ? `sip:127.0.0.1:${port}` : `sip:127.0.0.1:${port};transport=tcp`).start();
      expect(state.phase).toBe('failed');
      expect(state.problem?.message).toMatch(/Nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)/);
      expect(state.retryAt).toEqual(expect.any(Number));
    });
  }

  it('given WSS with a certificate from a CA we were told to trust, then we register; with only an unrelated CA, the connection is refused', async () => {
    const certificates = await makeTestCertificates();
    try {
      const server = await startScriptedServer('wss', { tls: { keyPem: certificates.keyPem, certPem: certificates.certPem } });
      server.onRequest = (request) => void answerRegister(request);
      const trusted = client(server.uri, { tlsCaFile: certificates.caFile });
      const trace: UnnumberedTraceEntry[] = [];
      trusted.onTrace((e) => trace.push(e));
      expect(await trusted.start()).toMatchObject({ phase: 'registered' });
      expect(trace[0]?.transport).toBe('wss');
      expect((await server.waitForRequest((r) => r.method === 'REGISTER')).header('via')).toMatch(/^SIP\/2\.0\/WSS [a-z0-9]+\.invalid;/);

      const untrusted = await client(server.uri, { tlsCaFile: certificates.otherCaFile }).start();
      expect(untrusted.phase).toBe('failed');
      expect(untrusted.problem).toMatchObject({ cause: 'tls' });
    } finally {
      await certificates.remove();
    }
  });

  it('given a CA file that cannot be read, then the start fails naming the file', async () => {
    const state = await client('sips:127.0.0.1:5061', { tlsCaFile: '/nonexistent/presently-ca.pem' }).start();
    expect(state.phase).toBe('failed');
    expect(state.problem?.message).toMatch(/^Could not read the CA file \/nonexistent\/presently-ca\.pem: /);
  });

  it("given an outbound proxy, then every request goes to the proxy with a loose Route to it, and REGISTER names the AOR's domain", async () => {
    const proxy = await registrar('udp');
    // The server itself is not reachable from here: only the proxy is.
    const alice = client('sip:registrar.example.invalid', { outboundProxy: proxy.uri });
    expect(await alice.start()).toMatchObject({ phase: 'registered' });
    expect(await alice.setPresence('busy', '')).toMatchObject({ phase: 'published' });
    const register = await proxy.waitForRequest((r) => r.method === 'REGISTER');
    expect(register.requestUri).toBe('sip:example.com');
    expect(register.header('route')).toBe(`<${proxy.uri};lr>`);
    const publish = await proxy.waitForRequest((r) => r.method === 'PUBLISH');
    expect(publish.requestUri).toBe('sip:alice@example.com');
    expect(publish.header('route')).toBe(`<${proxy.uri};lr>`);
  });

  it('given a server URI that is not SIP, when the client is made, then it refuses with a readable message', () => {
    expect(() => client('http://example.com')).toThrow(/"http:\/\/example\.com" is not a SIP URI/);
    expect(() => client('sip:example.com;transport=sctp')).toThrow(/Transport "sctp" .* is not one of udp, tcp, tls, ws, wss/);
    expect(() => client('sip:example.com', { aor: 'alice' })).toThrow(/is not a SIP address/);
  });
});
