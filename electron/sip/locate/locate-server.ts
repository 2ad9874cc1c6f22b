/**
 * Finds the servers to try for a server URI, best first, as RFC 3263 §4 describes:
 *
 *   numeric IP, explicit port, or ws/wss ──► the URI's host and port (§4.2; RFC 7118 defines no DNS records)
 *   no transport in the URI ──► NAPTR of the domain (§4.1): SIP+D2U, SIP+D2T, SIPS+D2T by order/preference
 *   no usable NAPTR, or the transport fixed ──► SRV `_sip._udp`, `_sip._tcp`, `_sips._tcp` (§4.1, §4.2)
 *   each SRV target in RFC 2782 order ──► its A and AAAA addresses (§4.2), one target per address
 *   no SRV records at all ──► the URI's host on the transport's default port (§4.2)
 *
 * The caller tries the targets in order and moves to the next one when a target does not answer
 * (§4.3). Names DNS gives no address for, and the URI's own host, are left to the system's resolver
 * (the hosts file, mDNS) like any host name, so an account that names its server keeps working as before.
 */
import type { NaptrRecord, SrvRecord } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import type { FoundServer } from '../../../shared/presence/found-server';
import { serverTarget, targetAsGiven, transportOf, type ServerTarget, type ServerUri } from '../server-target';
import { orderNaptrRecords, orderSrvRecords, srvServicesFor, type SrvService } from './target-order';

/** The DNS queries server location asks: the shape of node:dns/promises' `Resolver`, so production passes one. */
export interface DnsResolver {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

/** A next hop to try, and how it was found (for the account state and the log). */
export interface LocatedTarget {
  readonly target: ServerTarget;
  readonly found: FoundServer;
}

/** At most this many targets are tried per connection attempt: each may cost a connect timeout. */
const MAX_LOCATED_TARGETS = 12;

/** Per DNS query: a resolver that does not answer should not hold a connection attempt for long. */
const DNS_QUERY_TIMEOUT_MS = 2_000;
const DNS_QUERY_TRIES = 2;

/** The system's DNS servers, with a short timeout per query. */
export function systemResolver(): DnsResolver {
  return new Resolver({ timeout: DNS_QUERY_TIMEOUT_MS, tries: DNS_QUERY_TRIES });
}

/**
 * The targets for `server`, best first (never empty). `random` orders SRV records of equal priority by
 * weight (RFC 2782); tests pass a seeded one.
 */
export async function locateServer(server: ServerUri, resolver: DnsResolver, random: () => number): Promise<LocatedTarget[]> {
  const kind = transportOf(server);
  const asGiven = (): LocatedTarget[] => {
    const target = targetAsGiven(server);
    return [{ target, found: { host: target.host, port: target.port, transport: target.kind, via: 'uri' } }];
  };
  if (net.isIP(server.host) !== 0 || server.port !== undefined || kind === 'ws' || kind === 'wss') return asGiven();

  let services: SrvService[] = [];
  let via: 'naptr' | 'srv' = 'srv';
  if (server.transport === undefined) {
    services = orderNaptrRecords(await answers(() => resolver.resolveNaptr(server.host)), server.scheme);
    if (services.length > 0) via = 'naptr';
  }
  if (services.length === 0) services = srvServicesFor(server.host, server.scheme, server.transport === undefined ? undefined : kind);

  const perService = await Promise.all(
    services.map(async (service) => {
      const records = orderSrvRecords(await answers(() => resolver.resolveSrv(service.name)), random);
      const perRecord = await Promise.all(
        records.map(async (record) => {
          const [v4, v6] = await Promise.all([
            answers(() => resolver.resolve4(record.name)),
            answers(() => resolver.resolve6(record.name)),
          ]);
          const addresses = v4.length + v6.length > 0 ? [...v4, ...v6] : [record.name];
          const found: FoundServer = { host: record.name, port: record.port, transport: service.transport, via };
          return addresses.map((address) => ({
            target: serverTarget(server, { kind: service.transport, host: address, port: record.port, tlsServerName: server.host }),
            found,
          }));
        }),
      );
      return perRecord.flat();
    }),
  );
  const located = perService.flat().slice(0, MAX_LOCATED_TARGETS);
  return located.length > 0 ? located : asGiven();
}

/** A query's records; no such name, no records of the type, or no answer all mean none (RFC 3263 §4.1–4.2 fall back). */
async function answers<T>(query: () => Promise<T[]>): Promise<T[]> {
  try {
    return await query();
  } catch {
    return [];
  }
}
