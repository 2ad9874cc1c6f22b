/**
 * Reads an account's server URI into the next hop the transport connects to: which transport, host,
 * port, and for WebSockets the URL. RFC 3261 §19.1.1–19.1.2 (URI parameters and default ports),
 * RFC 3263 §4.1 (`sips:` means TLS; the `transport` parameter selects the protocol), RFC 7118 §5.1
 * (`transport=ws|wss`). No DNS NAPTR/SRV lookups: a numeric or A/AAAA host and an explicit or default port.
 */
import { Grammar } from 'sip.js/lib/grammar/index.js';
import { isSipTransport, type SipTransport } from '../../shared/sip/transport';

/** Where and how to connect. */
export interface ServerTarget {
  readonly kind: SipTransport;
  /** Host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** For ws/wss: the URL to open. */
  readonly wsUrl?: string;
  /** The URI as given, for messages. */
  readonly uri: string;
}

/** A server URI that cannot be used, with a sentence for the user. */
export class ServerUriError extends Error {
  override readonly name = 'ServerUriError';
}

const DEFAULT_PORTS: Readonly<Record<SipTransport, number>> = { udp: 5060, tcp: 5060, tls: 5061, ws: 80, wss: 443 };

/**
 * Parses `sip:host[:port][;transport=…]` or `sips:host[:port]` into a target.
 * @throws ServerUriError with a user-readable message.
 */
export function parseServerTarget(server: string, options: { wsPath?: string } = {}): ServerTarget {
  const trimmed = server.trim();
  const uri = Grammar.URIParse(trimmed);
  if (!uri) throw new ServerUriError(`"${server}" is not a SIP URI (expected e.g. sip:example.com;transport=tcp).`);
  const scheme = uri.scheme.toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips') throw new ServerUriError(`"${server}" must start with sip: or sips:.`);

  const param = uri.getParam('transport');
  const requested = typeof param === 'string' ? param.toLowerCase() : undefined;
  if (requested !== undefined && !isSipTransport(requested)) {
    throw new ServerUriError(`Transport "${requested}" in "${server}" is not one of udp, tcp, tls, ws, wss.`);
  }
  let kind: SipTransport = requested ?? (scheme === 'sips' ? 'tls' : 'udp');
  if (scheme === 'sips') {
    // RFC 3261 §26.2.2: sips: demands TLS on every hop; over WebSockets that means wss.
    if (kind === 'udp' || kind === 'tcp' || kind === 'tls') kind = 'tls';
    else kind = 'wss';
  }

  const host = uri.host.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ServerUriError(`"${server}" has no host.`);
  const port = uri.port ?? DEFAULT_PORTS[kind];
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new ServerUriError(`Port ${port} in "${server}" is not valid.`);

  let wsUrl: string | undefined;
  if (kind === 'ws' || kind === 'wss') {
    const path = options.wsPath ?? '/';
    if (!path.startsWith('/') || /\s/.test(path))
      throw new ServerUriError(`WebSocket path "${path}" must start with / and contain no spaces.`);
    const hostPart = host.includes(':') ? `[${host}]` : host;
    wsUrl = `${kind}://${hostPart}:${port}${path}`;
  }
  return { kind, host, port, uri: trimmed, ...(wsUrl === undefined ? {} : { wsUrl }) };
}
