/**
 * A flow is "where a message came from and how to answer it" — RFC 3261 §18.2.2 (responses go back over
 * the connection the request arrived on, or for UDP to the `received`/`rport` address) and RFC 5626 §3.3
 * (a flow: the transport, the local listener and the remote address). A NOTIFY to a watcher connected
 * over TCP, TLS or WebSocket reuses that watcher's connection through its flow.
 */
import type { CompositorTransport } from '../compositor-types';

export interface Flow {
  readonly transport: CompositorTransport;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** TCP, TLS, WS and WSS are reliable: no retransmissions, no Timer E. */
  readonly isReliable: boolean;
  /** False once a connection has closed (a UDP flow is always open while its socket is). */
  readonly isOpen: boolean;
  /** Sends one whole message; false when it could not be handed to the socket (closed connection). */
  send(message: string | Buffer): boolean;
  /** `udp 127.0.0.1:5070`, for log lines. */
  readonly label: string;
}

/** Called by a listener for every whole message it receives. */
export type MessageHandler = (data: Buffer, flow: Flow) => void;

/** Called when a stream broke the framing rules (the connection is closed afterwards). */
export type FramingFailureHandler = (failure: StreamFailure, flow: Flow) => void;

/** A framing failure on a stream: what went wrong and the header section when it was complete. */
export interface StreamFailure {
  readonly reason: 'headers-too-large' | 'body-too-large' | 'missing-content-length' | 'bad-content-length' | 'message-too-large';
  readonly detail: string;
  readonly headerText?: string;
}

/** One bound listener. */
export interface Listener {
  readonly transport: CompositorTransport;
  readonly host: string;
  readonly port: number;
  /** Open connections (stream listeners) — 0 for UDP. */
  readonly connectionCount: number;
  close(): Promise<void>;
}

/** `udp 127.0.0.1:5070` (IPv6 in brackets). */
export function flowLabel(transport: CompositorTransport, address: string, port: number): string {
  return `${transport} ${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/**
 * The SIP URI of one of our listeners, for listener URIs and our Contact headers. RFC 7118 §5.2: the URI transport
 * parameter is `ws` for WebSocket and secure WebSocket alike (only Via says `WSS`, §5.1); a secure one is told by the
 * `sips` scheme (RFC 3261 §19.1). `sentBy` is `host:port` as hostPort writes it.
 */
export function listenerUri(transport: CompositorTransport, sentBy: string): string {
  return transport === 'wss' ? `sips:${sentBy};transport=ws` : `sip:${sentBy};transport=${transport}`;
}

/** Whether a transport carries one message per datagram or frame, so that Content-Length may be left out (RFC 3261 §18.3, RFC 7118 §5.1). */
export function isMessageFramed(transport: CompositorTransport): boolean {
  return transport === 'udp' || transport === 'ws' || transport === 'wss';
}
