/**
 * One connection to the next hop, on any transport: the SIP transport layer of RFC 3261 §18 for a
 * client that always talks to one server. UDP, TCP, TLS and WebSocket implementations live beside this
 * file; `openConnection` picks one for a server target. Every message that crosses the socket is
 * reported to the trace tap here, at the transport, exactly as sent or received.
 *
 * A connection is single-use: once `closed` has fired it never reopens; the engine opens a new one
 * (with back-off) and re-registers over it.
 *
 *   open() ──► connected ──send/receive──► … ──(close() | peer closed | error | keep-alive lost)──► closed
 */
import type { TraceEndpoint, UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { errorMessage } from '../../../shared/error-message';
import type { SipTransport } from '../../../shared/sip/transport';
import type { SipTimers } from '../sip-client-types';

/**
 * The largest body the client takes over TCP, TLS or WebSocket. A resource list's full-state NOTIFY (RFC 4662) carries
 * every member's presence at once: 2.7 MB for 5,000 members from the compositor, whose lists hold up to 10,000; the
 * stream framer's default of 1 MiB cut the connection at each such NOTIFY. Presence documents of single buddies are a
 * few KiB. Over UDP a message is one datagram (64 KiB) whatever this says.
 */
export const MAX_RECEIVED_BODY_BYTES = 8 * 1024 * 1024;

/** Why a connection could not be opened or was lost; `message` is written for the user. */
export type TransportFailureCode = 'dns' | 'refused' | 'unreachable' | 'timeout' | 'tls' | 'protocol' | 'closed';

export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  constructor(
    readonly code: TransportFailureCode,
    message: string,
  ) {
    super(message);
  }
}

/** What a connection tells its owner. */
export interface ConnectionEvents {
  /** One complete SIP message (keep-alives are handled inside the connection). */
  message(text: string): void;
  /** Fires once when the connection ends; `failure` is undefined when `close()` was called. */
  closed(failure: TransportFailure | undefined): void;
  /** A message crossed the socket. */
  trace(entry: UnnumberedTraceEntry): void;
}

export interface SipConnection {
  readonly kind: SipTransport;
  /** True for TCP/TLS/WS: no retransmissions (RFC 3261 §17.1.2.2 Timer E only over unreliable transports). */
  readonly isReliable: boolean;
  readonly local: TraceEndpoint;
  readonly remote: TraceEndpoint;
  /** Writes one message. Rejects with a TransportFailure when the connection cannot take it. */
  send(text: string): Promise<void>;
  /** Closes the connection; `closed` fires with no failure. Idempotent. */
  close(): void;
}

/** Options common to every transport. */
export interface OpenConnectionOptions {
  readonly timers: SipTimers;
  /** Extra trusted certificate authorities (PEM text) for TLS and WSS. */
  readonly caPem?: string;
}

/** Wall-clock time with sub-millisecond precision, for trace entries. */
function traceTime(): number {
  return performance.timeOrigin + performance.now();
}

/** Builds a trace entry for a message on a connection. */
export function traceEntry(
  connection: Pick<SipConnection, 'kind' | 'local' | 'remote'>,
  direction: 'in' | 'out',
  raw: string,
): UnnumberedTraceEntry {
  return { at: traceTime(), direction, transport: connection.kind, local: connection.local, remote: connection.remote, raw };
}

/** A user-readable failure for a Node socket error. */
export function failureFromSocketError(error: unknown, where: string): TransportFailure {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const detail = errorMessage(error);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new TransportFailure('dns', `The server name ${where} could not be resolved (${code}).`);
    case 'ECONNREFUSED':
      return new TransportFailure('refused', `Nothing answers at ${where} (connection refused).`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return new TransportFailure('unreachable', `${where} is unreachable (${code}).`);
    case 'ETIMEDOUT':
      return new TransportFailure('timeout', `${where} did not answer in time.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new TransportFailure('closed', `The connection to ${where} was reset.`);
    default:
      if (code.startsWith('ERR_TLS') || /certificate|self[- ]signed|altname|SSL/i.test(`${code} ${detail}`)) {
        return new TransportFailure('tls', `The TLS connection to ${where} failed: ${detail}`);
      }
      return new TransportFailure('unreachable', `The connection to ${where} failed: ${detail}`);
  }
}

/** `host:port`, with brackets around IPv6 literals. */
export function formatHostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
