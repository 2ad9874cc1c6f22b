/**
 * The orderings RFC 3263 §4 prescribes for the DNS records that locate a SIP server, as pure functions:
 * NAPTR records by order then preference, keeping only the services we speak (RFC 3263 §4.1, RFC 3403
 * §4.1), and SRV records by priority with a weighted random choice among equal priorities (RFC 2782,
 * "Usage rules"). ./locate-server.ts asks DNS and uses these to build the list of targets to try.
 */
import type { NaptrRecord, SrvRecord } from 'node:dns';

/** The transports a NAPTR or SRV record can lead us to (WebSockets are reached by URL only, RFC 7118 §5.1). */
export type LocatedTransport = 'udp' | 'tcp' | 'tls';

/** An SRV name to look up, and the transport its records are for. */
export interface SrvService {
  readonly transport: LocatedTransport;
  /** e.g. `_sip._udp.example.com` */
  readonly name: string;
}

/** RFC 3263 §4.1: the NAPTR service fields of the transports we speak, with SIPS only over TLS. */
const NAPTR_SERVICES: Readonly<Record<string, LocatedTransport>> = { 'SIP+D2U': 'udp', 'SIP+D2T': 'tcp', 'SIPS+D2T': 'tls' };

/**
 * The SRV names a domain's NAPTR records point to, best first: only records with the `s` flag (the
 * replacement is an SRV name, RFC 3263 §4.1) and a service we speak; for a `sips:` URI only SIPS ones.
 * Ordered by `order`, then `preference` (RFC 3403 §4.1).
 */
export function orderNaptrRecords(records: readonly NaptrRecord[], scheme: 'sip' | 'sips'): SrvService[] {
  const services: (SrvService & { readonly order: number; readonly preference: number })[] = [];
  for (const record of records) {
    const service = record.service.toUpperCase();
    const transport = NAPTR_SERVICES[service];
    if (transport === undefined || record.flags.toLowerCase() !== 's' || record.replacement === '') continue;
    if (scheme === 'sips' && !service.startsWith('SIPS+')) continue;
    services.push({ transport, name: record.replacement, order: record.order, preference: record.preference });
  }
  services.sort((a, b) => a.order - b.order || a.preference - b.preference);
  return services.map(({ transport, name }) => ({ transport, name }));
}

/**
 * RFC 3263 §4.1 without NAPTR records (or with the transport fixed by the URI, §4.2): the SRV names to
 * ask, in our order of preference — `_sip._udp`, `_sip._tcp`, `_sips._tcp` for a `sip:` URI, only
 * `_sips._tcp` for `sips:`. A `sip:` URI over TLS also uses `_sips._tcp` (§4.2).
 */
export function srvServicesFor(domain: string, scheme: 'sip' | 'sips', transport?: LocatedTransport): SrvService[] {
  const all: SrvService[] = [
    { transport: 'udp', name: `_sip._udp.${domain}` },
    { transport: 'tcp', name: `_sip._tcp.${domain}` },
    { transport: 'tls', name: `_sips._tcp.${domain}` },
  ];
  return all.filter((service) =>
    transport === undefined ? scheme === 'sip' || service.transport === 'tls' : service.transport === transport,
  );
}

/**
 * RFC 2782's order for SRV records: lowest priority first; within one priority, repeatedly a random
 * choice weighted by `weight` among those not yet chosen. RFC 2782 puts weight-0 records first in the
 * running sum, so they are chosen on a draw of exactly 0 or once only weight-0 records are left.
 * A lone record whose target is `.` means the service is "decidedly not available" and yields nothing.
 * `random` returns [0, 1), like Math.random; tests pass a seeded one.
 */
export function orderSrvRecords(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const usable = records.filter((record) => record.name !== '' && record.name !== '.');
  const priorities = [...new Set(usable.map((record) => record.priority))].sort((a, b) => a - b);
  const ordered: SrvRecord[] = [];
  for (const priority of priorities) {
    // Weight 0 first, as RFC 2782 arranges them before the running sum is taken.
    const pool = usable
      .filter((record) => record.priority === priority)
      .sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (pool.length > 0) {
      const total = pool.reduce((sum, record) => sum + record.weight, 0);
      const draw = random() * total;
      let running = 0;
      let chosen = pool.length - 1;
      for (const [index, record] of pool.entries()) {
        running += record.weight;
        if (running >= draw) {
          chosen = index;
          break;
        }
      }
      ordered.push(...pool.splice(chosen, 1));
    }
  }
  return ordered;
}
