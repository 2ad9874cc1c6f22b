/**
 * The compositor's WSS listener (RFC 7118 over TLS, the TLS listener's certificate) on 127.0.0.1: a raw `ws` client
 * trusting the test CA publishes and subscribes, its NOTIFYs come over its own connection with Via `SIP/2.0/WSS` and
 * a `sips:…;transport=ws` Contact (RFC 7118 §5.1, §5.2); a client trusting another CA cannot connect; and our own
 * SipClient over `wss` registers, publishes and watches through it.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompositorCommand } from '../../../electron/cli/compositor-command';
import type { CompositorOptions } from '../../../electron/compositor';
import { pidf } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec } from '../../support/compositor/compositor-fixture';
import { startClients } from '../../support/sip/sip-clients';
import { makeTestCertificates, type TestCertificates } from '../../support/sip/test-certificates';
import { waitFor } from '../../support/sip/wait-for';

const ALICE = 'sip:alice@example.com';

let certificates: TestCertificates;
beforeAll(async () => {
  certificates = await makeTestCertificates();
}, 60_000);
afterAll(() => certificates.remove());

const wssFixture = (options: CompositorOptions = {}) =>
  startFixture({
    udpPort: null,
    tcpPort: null,
    wsPort: null,
    tls: { cert: certificates.certPem, key: certificates.keyPem, wssPort: 0 },
    ...options,
  });

describe('WSS listener', () => {
  it('given a WSS client trusting the test CA, when it publishes and subscribes, then the NOTIFYs come over its connection as WSS', async () => {
    const fx = await wssFixture();
    const wss = fx.server.addresses.wss;
    expect(wss?.uri).toBe(`sips:127.0.0.1:${wss?.port};transport=ws`);
    const watcher = await fx.wssPeer(certificates.caPem);
    const subscribed = await watcher.request(subscribeSpec(watcher, ALICE, { contact: '<sip:w@df7jal23ls0d.invalid;transport=ws>' }));
    expect(subscribed.status).toBe(200);
    expect(subscribed.headers.get('contact')).toBe(`<sips:127.0.0.1:${wss?.port};transport=ws>`);
    const first = await watcher.nextRequest();
    expect(first.headers.get('via')).toMatch(new RegExp(`^SIP/2\\.0/WSS 127\\.0\\.0\\.1:${wss?.port};branch=z9hG4bK`));
    expect(first.headers.get('contact')).toBe(`<sips:127.0.0.1:${wss?.port};transport=ws>`);

    const epa = await fx.wssPeer(certificates.caPem);
    const published = await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'pc', basic: 'open', note: 'over wss' }]) }));
    expect(published.status).toBe(200);
    expect((await watcher.nextRequest()).body).toContain('over wss');
    expect(fx.log.find((entry) => entry.what === 'PUBLISH')?.source).toMatch(/^wss 127\.0\.0\.1:\d+$/);
  });

  it('given a WSS client trusting only an unrelated CA, when it connects, then the TLS handshake fails', async () => {
    const fx = await wssFixture();
    const wss = fx.server.addresses.wss;
    const other = await readFile(certificates.otherCaFile, 'utf8');
    const socket = new WebSocket(`wss://127.0.0.1:${wss?.port}`, 'sip', { ca: other });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
    });
    socket.terminate();
    expect(outcome).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  it('given a plain HTTP request to the WSS port, then it is answered 426 over TLS', async () => {
    const fx = await wssFixture();
    const status = await new Promise<number>((resolve, reject) => {
      const sent = request({ host: '127.0.0.1', port: fx.server.addresses.wss?.port, path: '/', ca: certificates.caPem }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      sent.once('error', reject);
      sent.end();
    });
    expect(status).toBe(426);
  });
});

describe('WSS limits', () => {
  it('given a 200 ms message deadline, when a peer opens a connection and never starts the TLS handshake, then it is closed', async () => {
    const fx = await wssFixture({ limits: { messageDeadlineMs: 200 } });
    const silent = connect(fx.server.addresses.wss?.port ?? 0, '127.0.0.1');
    silent.on('error', () => undefined);
    await once(silent, 'close');
    expect(fx.log.filter((entry) => entry.what === 'limited' && entry.line.includes('messageDeadlineMs'))).toHaveLength(1);
    expect(fx.log.find((entry) => entry.what === 'limited')?.source).toMatch(/^wss 127\.0\.0\.1:\d+$/);
  });
});

describe('presently compositor --wss-port', () => {
  it('given --tls-cert, --tls-key and --wss-port 0, then it prints the WSS listener as sips:…;transport=ws; without a certificate it refuses', async () => {
    const started: string[] = [];
    let stopStarted: (signal: string) => void = () => undefined;
    const running = runCompositorCommand(
      [
        '--udp',
        'off',
        '--tcp',
        'off',
        '--ws',
        'off',
        '--control',
        'off',
        '--tls-cert',
        certificates.certFile,
        '--tls-key',
        certificates.keyFile,
        '--tls-port',
        '0',
        '--wss-port',
        '0',
      ],
      {
        out: (line) => started.push(line),
        err: (line) => started.push(line),
        stopRequested: new Promise((resolve) => (stopStarted = resolve)),
      },
    );
    // The start-up lines are printed before the stop signal is awaited, so stopping at once still shows them.
    stopStarted('SIGTERM');
    expect(await running).toBe(0);
    expect(started.join('\n')).toMatch(/^ {2}wss {2}sips:127\.0\.0\.1:\d+;transport=ws$/m);
    expect(started.join('\n')).toMatch(/^ {2}tls {2}sip:127\.0\.0\.1:\d+;transport=tls$/m);

    const refused: string[] = [];
    const code = await runCompositorCommand(['--udp', 'off', '--wss-port', '0'], {
      out: (line) => refused.push(line),
      err: (line) => refused.push(line),
      stopRequested: new Promise(() => undefined),
    });
    expect(code).toBe(2);
    expect(refused.join('\n')).toContain('--wss-port needs --tls-cert and --tls-key');
  });
});

describe('our SipClient over wss', () => {
  it('given alice and bob on the WSS listener, when alice publishes and bob watches, then bob sees her note', async () => {
    const fx = await wssFixture();
    const server = fx.server.addresses.wss?.uri as string;
    const [alice, bob] = await startClients(server, ['alice', 'bob'], { account: { tlsCaFile: certificates.caFile } });
    bob.watch(ALICE);
    await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active', {
      what: 'an active subscription',
      current: bob.buddies[0],
    });
    expect(await alice.setPresence('busy', 'secure socket')).toMatchObject({ phase: 'published' });
    const seen = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.note === 'secure socket', {
      what: 'alice’s note at bob',
      current: bob.buddies[0],
    });
    expect(seen.presence?.status).toBe('busy');
    const status = await fx.server.status();
    expect(status.watchers).toMatchObject([{ watcher: 'sip:bob@example.com', presentity: ALICE, state: 'active', transport: 'wss' }]);
    expect(status.presentities).toMatchObject([{ aor: ALICE, status: 'busy', note: 'secure socket' }]);
    const sources = fx.log.filter((entry) => entry.kind === 'request').map((entry) => entry.source ?? '');
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((source) => source.startsWith('wss '))).toBe(true);
  });
});
