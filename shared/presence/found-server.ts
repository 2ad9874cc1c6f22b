/**
 * Which server the engine found for an account and how (RFC 3263 §4: NAPTR → SRV → A/AAAA, or the
 * URI's own host and port), as plain data on the account state, and the sentence that shows it.
 */
import type { SipTransport } from '../sip/transport';

/** How the server was found: NAPTR then SRV records, SRV records alone, or the server URI's own host and port. */
export type FoundVia = 'naptr' | 'srv' | 'uri';

/** The server an account connected to. */
export interface FoundServer {
  /** The host name as the records (or the URI) named it, e.g. the SRV target `sip.example.com`. */
  readonly host: string;
  readonly port: number;
  readonly transport: SipTransport;
  readonly via: FoundVia;
}

const VIA_TEXT: Readonly<Record<FoundVia, string>> = { naptr: 'via DNS NAPTR and SRV', srv: 'via DNS SRV', uri: 'as configured' };

/** "Found sip.example.com:5061 over TLS via DNS SRV", for the connection details and the log. */
export function describeFoundServer(found: FoundServer): string {
  const host = found.host.includes(':') ? `[${found.host}]` : found.host;
  return `Found ${host}:${found.port} over ${found.transport.toUpperCase()} ${VIA_TEXT[found.via]}`;
}
