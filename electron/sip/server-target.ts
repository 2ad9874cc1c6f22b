/**
 * Reads an account's server URI into what it fixes and what it leaves to DNS, and builds the next hop
 * the transport connects to: which transport, host, port, and for WebSockets the URL. RFC 3261
 * §19.1.1–19.1.2 (URI parameters and default ports), RFC 3263 §4.1 (`sips:` means TLS; the `transport`
 * parameter selects the protocol), RFC 7118 §5.1 (`transport=ws|wss`). Finding the server of a bare
 * domain through NAPTR and SRV records (RFC 3263 §4) is ./locate/locate-server.ts's work.
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
  /**
   * For TLS to an address DNS gave us: the name the server's certificate must carry, the URI's domain
   * (RFC 5922 §4.1 — never the SRV target, which an unauthenticated DNS answer chose). Absent: `host`.
   */
  readonly tlsServerName?: string;
  /** The URI as given, for messages. */
  readonly uri: string;
}

/** A server URI as given, before any DNS lookup: what it fixes and what RFC 3263 §4 may choose. */
export interface ServerUri {
  /** The URI as given, trimmed. */
  readonly uri: string;
  readonly scheme: 'sip' | 'sips';
  /** Host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  /** The URI's port; absent, SRV records may choose one (RFC 3263 §4.2). */
  readonly port?: number;
  /** The URI's `transport` (TLS or WSS for `sips:`); absent, NAPTR records may choose one (RFC 3263 §4.1). */
  readonly transport?: SipTransport;
  /** For ws/wss: the HTTP path (default `/`). */
  readonly wsPath?: string;
}

/** A server URI that cannot be used, with a sentence for the user. */
export class ServerUriError extends Error {
  override readonly name = 'ServerUriError';
}

/** RFC 3261 §19.1.2 and RFC 7118 §5.1: the port when neither the URI nor DNS names one. */
export const DEFAULT_PORTS: Readonly<Record<SipTransport, number>> = { udp: 5060, tcp: 5060, tls: 5061, ws: 80, wss: 443 };

/**
 * Reads `sip:host[:port][;transport=…]` or `sips:host[:port]`.
 * @throws ServerUriError with a user-readable message.
 */
export function readServerUri(server: string, options: { wsPath?: string } = {}): ServerUri {
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
  // RFC 3261 §26.2.2: sips: demands TLS on every hop; over WebSockets that means wss.
  const transport = requested === undefined || scheme === 'sip' ? requested : requested === 'ws' || requested === 'wss' ? 'wss' : 'tls';

  const host = uri.host.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ServerUriError(`"${server}" has no host.`);
  const port = uri.port;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65_535))
    throw new ServerUriError(`Port ${port} in "${server}" is not valid.`);
  const path = options.wsPath ?? '/';
  if ((transport === 'ws' || transport === 'wss') && (!path.startsWith('/') || /\s/.test(path)))
    throw new ServerUriError(`WebSocket path "${path}" must start with / and contain no spaces.`);
  return {
    uri: trimmed,
    scheme,
    host,
    ...(port === undefined ? {} : { port }),
    ...(transport === undefined ? {} : { transport }),
    ...(options.wsPath === undefined ? {} : { wsPath: options.wsPath }),
  };
}

/** RFC 3263 §4.1: the URI's transport, else UDP for `sip:` and TLS (over TCP) for `sips:`. */
export function transportOf(server: ServerUri): SipTransport {
  return server.transport ?? (server.scheme === 'sips' ? 'tls' : 'udp');
}

/** The next hop for `server` over `kind` at `host:port` (the URI's own, or what DNS found). */
export function serverTarget(
  server: ServerUri,
  hop: { readonly kind: SipTransport; readonly host: string; readonly port: number; readonly tlsServerName?: string },
): ServerTarget {
  const { kind, host, port } = hop;
  let wsUrl: string | undefined;
  if (kind === 'ws' || kind === 'wss') {
    const hostPart = host.includes(':') ? `[${host}]` : host;
    wsUrl = `${kind}://${hostPart}:${port}${server.wsPath ?? '/'}`;
  }
  return {
    kind,
    host,
    port,
    uri: server.uri,
    ...(wsUrl === undefined ? {} : { wsUrl }),
    ...(kind === 'tls' && hop.tlsServerName !== undefined ? { tlsServerName: hop.tlsServerName } : {}),
  };
}

/** The next hop as the URI gives it, without DNS: its transport, host, and its port or the default. */
export function targetAsGiven(server: ServerUri): ServerTarget {
  const kind = transportOf(server);
  return serverTarget(server, { kind, host: server.host, port: server.port ?? DEFAULT_PORTS[kind] });
}
