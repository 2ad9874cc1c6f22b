/**
 * A real SipClient that is given only a domain finds its server through DNS (RFC 3263 §4) — a real
 * node:dns Resolver asking a DNS responder on loopback (test/support/dns/) — and registers with the
 * built-in compositor; when the first SRV target does not answer (nothing listening, or a server that
 * accepts the connection and then stays silent) it moves on to the next one (§4.3).
 */
import net from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { startDnsResponder, type DnsZone } from '../../support/dns/dns-responder';
import { freePort } from '../../support/net/free-port';
import { createClients } from '../../support/sip/sip-clients';
import { makeTestCertificates } from '../../support/sip/test-certificates';

const DOMAIN = 'example.test';

/** `_sip._<proto>.example.test` with the given targets, each named `<label>.example.test` on 127.0.0.1. */
function zoneWith(
  proto: 'udp' | 'tcp',
  targets: readonly { label: string; priority: number; port: number }[],
  extra: DnsZone = {},
): DnsZone {
  const zone: Record<string, DnsZone[string]> = {
    [`_sip._${proto}.${DOMAIN}`]: {
      srv: targets.map(({ label, priority, port }) => ({ priority, weight: 1, port, name: `${label}.${DOMAIN}` })),
    },
    ...extra,
  };
  for (const { label } of targets) zone[`${label}.${DOMAIN}`] = { a: ['127.0.0.1'] };
  return zone;
}

/** A TCP server that accepts connections and never says a word; counts the connections. */
async function silentTcpServer(): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onTestFinished(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as net.AddressInfo).port, connections: () => connections };
}

describe('finding the server through DNS (RFC 3263)', () => {
  it('given SRV records whose first target has nothing listening, when we start, then we register with the second and say how it was found', async () => {
    const fx = await startFixture();
    const deadPort = await freePort();
    const serverPort = fx.udp.port;
    const dns = await startDnsResponder(
      zoneWith('udp', [
        { label: 'dead', priority: 10, port: deadPort },
        { label: 'sip', priority: 20, port: serverPort },
      ]),
    );
    const [alice] = createClients(`sip:${DOMAIN};transport=udp`, ['alice'], { domain: DOMAIN, resolver: dns.resolver() });

    const state = await alice.start();

    expect(state).toMatchObject({ phase: 'registered', found: { host: `sip.${DOMAIN}`, port: serverPort, transport: 'udp', via: 'srv' } });
    expect(fx.log.some((entry) => entry.what === 'REGISTER' && entry.status === 200)).toBe(true);
    expect(dns.questions.map((q) => `${q.type} ${q.name}`)).toContain(`SRV _sip._udp.${DOMAIN}`);
  });

  it('given only the domain, when NAPTR points to TCP and the first SRV target accepts but never answers, then the REGISTER times out there and we register with the next over TCP', async () => {
    const fx = await startFixture();
    const silent = await silentTcpServer();
    const serverPort = fx.server.addresses.tcp!.port;
    const dns = await startDnsResponder(
      zoneWith(
        'tcp',
        [
          { label: 'silent', priority: 10, port: silent.port },
          { label: 'sip', priority: 20, port: serverPort },
        ],
        {
          [DOMAIN]: {
            naptr: [{ order: 10, preference: 10, flags: 's', service: 'SIP+D2T', regexp: '', replacement: `_sip._tcp.${DOMAIN}` }],
          },
        },
      ),
    );
    const [alice] = createClients(`sip:${DOMAIN}`, ['alice'], { domain: DOMAIN, resolver: dns.resolver() });
    const sent: string[] = [];
    alice.onTrace((entry) => {
      if (entry.direction === 'out') sent.push(entry.raw);
    });

    const state = await alice.start();

    expect(state).toMatchObject({
      phase: 'registered',
      found: { host: `sip.${DOMAIN}`, port: serverPort, transport: 'tcp', via: 'naptr' },
    });
    expect(silent.connections()).toBe(1);
    // The URI alone would mean UDP; Via names the transport the records chose.
    const registers = sent.filter((raw) => raw.startsWith('REGISTER'));
    expect(registers.length, 'one REGISTER to the silent server, one to the compositor').toBeGreaterThanOrEqual(2);
    for (const raw of registers) expect(raw).toMatch(/\r\nVia: SIP\/2\.0\/TCP /i);
  });

  it('given SRV targets none of which answers, when we start, then the attempt fails with the last target’s problem and is retried', async () => {
    const [first, second] = [await freePort(), await freePort()];
    const dns = await startDnsResponder(
      zoneWith('udp', [
        { label: 'one', priority: 10, port: first },
        { label: 'two', priority: 20, port: second },
      ]),
    );
    const [alice] = createClients(`sip:${DOMAIN};transport=udp`, ['alice'], { domain: DOMAIN, resolver: dns.resolver() });

    const state = await alice.start();

    expect(state.phase).toBe('failed');
    expect(state.problem?.message).toBe(`Nothing answers at 127.0.0.1:${second} (connection refused).`);
    expect(state.retryAt).toEqual(expect.any(Number));
  });

  it('given sips: and SRV records leading to 127.0.0.1, when we connect over TLS, then the certificate must name the URI’s domain, not the address or the SRV target (RFC 5922 §4.1)', async () => {
    // The test certificate names localhost and 127.0.0.1, not example.test nor the SRV target node7.example.test.
    const certificates = await makeTestCertificates();
    onTestFinished(() => certificates.remove());
    const fx = await startFixture({ tls: { cert: certificates.certPem, key: certificates.keyPem } });
    const tlsPort = fx.server.addresses.tls!.port;
    const srvTo = (domain: string) => ({
      [`_sips._tcp.${domain}`]: { srv: [{ priority: 10, weight: 1, port: tlsPort, name: 'node7.example.test' }] },
    });
    const dns = await startDnsResponder({ ...srvTo('localhost'), ...srvTo(DOMAIN), 'node7.example.test': { a: ['127.0.0.1'] } });
    const clientOf = (domain: string) =>
      createClients(`sips:${domain}`, ['alice'], { domain, resolver: dns.resolver(), account: { tlsCaFile: certificates.caFile } })[0];

    expect(await clientOf('localhost').start()).toMatchObject({
      phase: 'registered',
      found: { host: 'node7.example.test', port: tlsPort, transport: 'tls', via: 'srv' },
    });
    const refused = await clientOf(DOMAIN).start();
    expect(refused).toMatchObject({ phase: 'failed', problem: { cause: 'tls' } });
  });
});
