/**
 * The compositor over TCP, TLS and WebSocket on 127.0.0.1: responses over the same connection (RFC 3261
 * §18.2.2), NOTIFYs to a stream-connected watcher over its own connection (connection reuse), CRLF
 * keep-alive (RFC 5626 §4.4.1), the WebSocket `sip` subprotocol (RFC 7118), and a watcher dropped when its
 * connection is gone. The TLS certificate is made with openssl at test time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pidf } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const aliceSays = (note: string) => pidf(ALICE, [{ id: 'pc', basic: 'open', note }]);

let certDir: string;
let cert: string;
let key: string;
beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), 'presently-compositor-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  key = readFileSync(join(certDir, 'key.pem'), 'utf8');
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

let fx: CompositorFixture;
beforeEach(async () => {
  fx = await startFixture({ tls: { cert, key } });
});

describe('TCP', () => {
  it('given a watcher over TCP with an unreachable Contact, when alice publishes, then the NOTIFY comes over its connection', async () => {
    const watcher = await fx.tcpPeer();
    const response = await watcher.request(subscribeSpec(watcher, ALICE, { contact: '<sip:watcher@192.0.2.1:9;transport=tcp>' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('contact')).toBe(`<sip:127.0.0.1:${fx.server.addresses.tcp?.port};transport=tcp>`);
    expect((await watcher.nextRequest()).headers.get('via')).toMatch(/^SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=z9hG4bK/);
    const epa = await fx.tcpPeer();
    expect((await epa.request(publishSpec(ALICE, { body: aliceSays('over tcp') }))).status).toBe(200);
    expect((await watcher.nextRequest()).body).toContain('over tcp');
  });

  it('given a watcher whose TCP connection closed, when the next change comes, then it is dropped', async () => {
    const watcher = await fx.tcpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE));
    await watcher.nextRequest();
    await watcher.close();
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(ALICE, { body: aliceSays('nobody hears this') }));
    await expect.poll(() => fx.server.counters().watchersDropped).toBe(1);
    expect(fx.server.counters().subscriptionsActive).toBe(0);
    expect(fx.log.some((e) => e.what === 'dropped' && e.line.includes('connection to the watcher is gone'))).toBe(true);
  });

  it('given a CRLF CRLF keep-alive ping, when received, then the server answers with a CRLF pong', async () => {
    const peer = await fx.tcpPeer();
    peer.sendRaw('\r\n\r\n');
    await expect.poll(() => peer.keepAlivePongs).toBe(1);
  });
});

describe('TLS', () => {
  it('given a TLS client trusting the test certificate, when it publishes and subscribes, then both work over the TLS connection', async () => {
    const tls = fx.server.addresses.tls;
    if (tls === undefined) throw new Error('TLS listener missing');
    const peer = await fx.tlsPeer(cert);
    expect((await peer.request(publishSpec(ALICE, { body: aliceSays('secure') }))).status).toBe(200);
    await peer.request(subscribeSpec(peer, ALICE));
    const notify = await peer.nextRequest();
    expect(notify.body).toContain('secure');
    expect(notify.headers.get('via')).toMatch(/^SIP\/2\.0\/TLS /);
    expect(tls.uri).toBe(`sip:127.0.0.1:${tls.port};transport=tls`);
  });
});

describe('WebSocket (RFC 7118)', () => {
  it('given a WebSocket watcher with a .invalid Contact, when alice publishes, then NOTIFYs come over the WebSocket', async () => {
    const watcher = await fx.wsPeer();
    await watcher.request(subscribeSpec(watcher, ALICE, { contact: '<sip:df7jal23@df7jal23ls0d.invalid;transport=ws>' }));
    const first = await watcher.nextRequest();
    expect(first.requestUri).toBe('sip:df7jal23@df7jal23ls0d.invalid;transport=ws');
    expect(first.headers.get('via')).toMatch(/^SIP\/2\.0\/WS /);
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(ALICE, { body: aliceSays('over websocket') }));
    expect((await watcher.nextRequest()).body).toContain('over websocket');
  });

  it('given a WebSocket handshake without the sip subprotocol, when attempted, then it is refused', async () => {
    const ws = fx.server.addresses.ws;
    if (ws === undefined) throw new Error('WS listener missing');
    const socket = new WebSocket(`ws://${ws.host}:${ws.port}`, 'chat');
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('open', () => resolve(101));
      socket.once('error', () => undefined);
    });
    socket.terminate();
    expect(status).toBe(400);
  });
});

describe('listeners', () => {
  it('given ports set to null, when started, then only the remaining transports listen', async () => {
    const udpOnly = await startFixture({ tcpPort: null, wsPort: null });
    expect(Object.keys(udpOnly.server.addresses)).toEqual(['udp']);
  });

  it('given a port already taken, when started, then startCompositor rejects with the bind error', async () => {
    const taken = fx.server.addresses.tcp?.port;
    await expect(startFixture({ tcpPort: taken ?? 1, udpPort: null, wsPort: null })).rejects.toThrow(/EADDRINUSE/);
  });
});
