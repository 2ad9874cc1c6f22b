import type { NaptrRecord, SrvRecord } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { orderNaptrRecords, orderSrvRecords, srvServicesFor } from '../../../../../electron/sip/locate/target-order';
import { seededRandom } from '../../../../support/sip/lossy-udp-relay';

const naptr = (order: number, preference: number, service: string, replacement: string, flags = 's'): NaptrRecord => ({
  order,
  preference,
  service,
  replacement,
  flags,
  regexp: '',
});
const srv = (priority: number, weight: number, name: string, port = 5060): SrvRecord => ({ priority, weight, name, port });

describe('NAPTR records → SRV names (RFC 3263 §4.1)', () => {
  it('given records out of order, then they come by order, then preference', () => {
    const records = [
      naptr(20, 10, 'SIP+D2U', '_sip._udp.example.com'),
      naptr(10, 50, 'SIP+D2T', '_sip._tcp.example.com'),
      naptr(10, 20, 'SIPS+D2T', '_sips._tcp.example.com'),
    ];
    expect(orderNaptrRecords(records, 'sip')).toEqual([
      { transport: 'tls', name: '_sips._tcp.example.com' },
      { transport: 'tcp', name: '_sip._tcp.example.com' },
      { transport: 'udp', name: '_sip._udp.example.com' },
    ]);
  });

  it('given services we do not speak, flags other than s, or an empty replacement, then those records are dropped', () => {
    const records = [
      naptr(10, 10, 'SIP+D2S', '_sip._sctp.example.com'),
      naptr(10, 20, 'SIP+D2W', '_sip._ws.example.com'),
      naptr(10, 30, 'E2U+sip', '', 'u'),
      naptr(10, 40, 'SIP+D2T', '_sip._tcp.example.com', 'a'),
      naptr(10, 50, 'SIP+D2U', ''),
      naptr(30, 10, 'sip+d2u', '_sip._udp.example.com', 'S'),
    ];
    expect(orderNaptrRecords(records, 'sip')).toEqual([{ transport: 'udp', name: '_sip._udp.example.com' }]);
  });

  it('given a sips: URI, then only SIPS services count', () => {
    const records = [naptr(10, 10, 'SIP+D2U', '_sip._udp.example.com'), naptr(20, 10, 'SIPS+D2T', '_sips._tcp.example.com')];
    expect(orderNaptrRecords(records, 'sips')).toEqual([{ transport: 'tls', name: '_sips._tcp.example.com' }]);
  });
});

describe('SRV names without NAPTR (RFC 3263 §4.1, §4.2)', () => {
  it('given no transport, then sip: asks UDP, TCP and TLS, sips: only TLS', () => {
    expect(srvServicesFor('example.com', 'sip').map((s) => s.name)).toEqual([
      '_sip._udp.example.com',
      '_sip._tcp.example.com',
      '_sips._tcp.example.com',
    ]);
    expect(srvServicesFor('example.com', 'sips')).toEqual([{ transport: 'tls', name: '_sips._tcp.example.com' }]);
  });

  it('given the URI fixes the transport, then only its service is asked, _sips for TLS', () => {
    expect(srvServicesFor('example.com', 'sip', 'tcp')).toEqual([{ transport: 'tcp', name: '_sip._tcp.example.com' }]);
    expect(srvServicesFor('example.com', 'sip', 'tls')).toEqual([{ transport: 'tls', name: '_sips._tcp.example.com' }]);
  });
});

describe('SRV order (RFC 2782)', () => {
  it('given several priorities, then every lower priority comes before any higher one, whatever the weights', () => {
    const records = [srv(20, 100, 'c'), srv(10, 1, 'a'), srv(30, 0, 'd'), srv(10, 1, 'b')];
    for (const seed of [1, 2, 3, 4, 5]) {
      const names = orderSrvRecords(records, seededRandom(seed)).map((r) => r.name);
      expect(names.slice(2)).toEqual(['c', 'd']);
      expect([...names.slice(0, 2)].sort()).toEqual(['a', 'b']);
    }
  });

  it('given weights 60, 30, 10 at one priority, then with a fixed seed each comes first about as often as its share', () => {
    const records = [srv(10, 60, 'sixty'), srv(10, 30, 'thirty'), srv(10, 10, 'ten')];
    const random = seededRandom(42);
    const first = new Map<string, number>();
    const runs = 5_000;
    for (let run = 0; run < runs; run++) {
      const name = orderSrvRecords(records, random)[0]!.name;
      first.set(name, (first.get(name) ?? 0) + 1);
    }
    expect((first.get('sixty') ?? 0) / runs).toBeCloseTo(0.6, 1);
    expect((first.get('thirty') ?? 0) / runs).toBeCloseTo(0.3, 1);
    expect((first.get('ten') ?? 0) / runs).toBeCloseTo(0.1, 1);
  });

  it('given a weight-0 record beside weighted ones, then it comes last unless the draw is exactly 0', () => {
    const records = [srv(10, 0, 'zero'), srv(10, 5, 'five')];
    expect(orderSrvRecords(records, () => 0.5).map((r) => r.name)).toEqual(['five', 'zero']);
    expect(orderSrvRecords(records, () => 0).map((r) => r.name)).toEqual(['zero', 'five']);
  });

  it('given the target ".", then the service is not available and nothing is returned', () => {
    expect(orderSrvRecords([srv(0, 0, '.', 0)], Math.random)).toEqual([]);
  });
});
