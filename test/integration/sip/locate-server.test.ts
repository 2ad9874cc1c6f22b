/**
 * RFC 3263 §4 server location against a real node:dns Resolver asking a DNS server on loopback
 * (test/support/dns/dns-responder.ts): which records are asked for, in which order the targets come,
 * and when DNS is not asked at all.
 */
import { describe, expect, it } from 'vitest';
import { locateServer } from '../../../electron/sip/locate/locate-server';
import { readServerUri } from '../../../electron/sip/server-target';
import { startDnsResponder, type DnsZone } from '../../support/dns/dns-responder';

const ZONE: DnsZone = {
  'example.test': {
    naptr: [
      { order: 20, preference: 10, flags: 's', service: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.test' },
      { order: 10, preference: 10, flags: 's', service: 'SIP+D2T', regexp: '', replacement: '_sip._tcp.example.test' },
      { order: 10, preference: 5, flags: 's', service: 'SIPS+D2T', regexp: '', replacement: '_sips._tcp.example.test' },
    ],
  },
  '_sip._udp.example.test': { srv: [{ priority: 10, weight: 1, port: 5062, name: 'udp.example.test' }] },
  '_sip._tcp.example.test': { srv: [{ priority: 10, weight: 1, port: 5064, name: 'tcp.example.test' }] },
  '_sips._tcp.example.test': { srv: [{ priority: 10, weight: 1, port: 5066, name: 'tls.example.test' }] },
  'udp.example.test': { a: ['192.0.2.1'] },
  'tcp.example.test': { a: ['192.0.2.2'], aaaa: ['2001:db8::2'] },
  'tls.example.test': { a: ['192.0.2.3'] },
  // No NAPTR: SRV for UDP and TLS only.
  'plain.test': {},
  '_sip._udp.plain.test': {
    srv: [
      { priority: 20, weight: 1, port: 5070, name: 'backup.plain.test' },
      { priority: 10, weight: 1, port: 5060, name: 'main.plain.test' },
    ],
  },
  '_sips._tcp.plain.test': { srv: [{ priority: 10, weight: 1, port: 5061, name: 'main.plain.test' }] },
  'main.plain.test': { a: ['192.0.2.10'] },
  'backup.plain.test': { a: ['192.0.2.11'] },
  'empty.test': {},
};

async function locate(uri: string) {
  const dns = await startDnsResponder(ZONE);
  const targets = await locateServer(readServerUri(uri), dns.resolver(), () => 0.5);
  return { dns, targets, hops: targets.map(({ target }) => `${target.kind} ${target.host}:${target.port}`) };
}

describe('server location (RFC 3263 §4, real resolver, loopback DNS)', () => {
  it('given a domain with NAPTR records, then their SRV targets come by NAPTR order and preference, each with its A and AAAA addresses', async () => {
    const { dns, targets, hops } = await locate('sip:example.test');
    expect(hops).toEqual(['tls 192.0.2.3:5066', 'tcp 192.0.2.2:5064', 'tcp 2001:db8::2:5064', 'udp 192.0.2.1:5062']);
    expect(targets[0]).toEqual({
      // RFC 5922 §4.1: the certificate must name the URI's domain, not the SRV target.
      target: { kind: 'tls', host: '192.0.2.3', port: 5066, tlsServerName: 'example.test', uri: 'sip:example.test' },
      found: { host: 'tls.example.test', port: 5066, transport: 'tls', via: 'naptr' },
    });
    expect(dns.questions[0]).toEqual({ name: 'example.test', type: 'NAPTR' });
  });

  it('given a sips: URI, then only the SIPS NAPTR service is used', async () => {
    const { hops } = await locate('sips:example.test');
    expect(hops).toEqual(['tls 192.0.2.3:5066']);
  });

  it('given a domain without NAPTR records, then SRV is asked for UDP, TCP and TLS, and the targets come by transport, then SRV priority', async () => {
    const { dns, targets, hops } = await locate('sip:plain.test');
    expect(hops).toEqual(['udp 192.0.2.10:5060', 'udp 192.0.2.11:5070', 'tls 192.0.2.10:5061']);
    expect(targets.map((t) => t.found.via)).toEqual(['srv', 'srv', 'srv']);
    expect(dns.questions.filter((q) => q.type === 'SRV' || q.type === 'NAPTR').map((q) => `${q.type} ${q.name}`)).toEqual([
      'NAPTR plain.test',
      'SRV _sip._udp.plain.test',
      'SRV _sip._tcp.plain.test',
      'SRV _sips._tcp.plain.test',
    ]);
  });

  it('given the URI fixes the transport, then NAPTR is not asked and only that transport’s SRV is', async () => {
    const { dns, hops } = await locate('sip:example.test;transport=tcp');
    expect(hops).toEqual(['tcp 192.0.2.2:5064', 'tcp 2001:db8::2:5064']);
    expect(dns.questions.map((q) => q.type)).not.toContain('NAPTR');
    expect(dns.questions.filter((q) => q.type === 'SRV').map((q) => q.name)).toEqual(['_sip._tcp.example.test']);
  });

  it.each([
    ['sip:example.test:5080', 'udp example.test:5080'],
    ['sip:example.test:5080;transport=tcp', 'tcp example.test:5080'],
    ['sip:192.0.2.7', 'udp 192.0.2.7:5060'],
    ['sips:[2001:db8::7]', 'tls 2001:db8::7:5061'],
    ['sip:example.test;transport=ws', 'ws example.test:80'],
  ])('given %s (a port, an IP address, or a WebSocket), then DNS is not asked and the URI is the target', async (uri, hop) => {
    const { dns, targets, hops } = await locate(uri);
    expect(hops).toEqual([hop]);
    expect(targets[0]?.found.via).toBe('uri');
    expect(dns.questions).toEqual([]);
  });

  it('given a domain with no NAPTR or SRV records, then its own name on the default port is the one target', async () => {
    const { targets } = await locate('sip:empty.test');
    expect(targets).toEqual([
      {
        target: { kind: 'udp', host: 'empty.test', port: 5060, uri: 'sip:empty.test' },
        found: { host: 'empty.test', port: 5060, transport: 'udp', via: 'uri' },
      },
    ]);
  });
});
