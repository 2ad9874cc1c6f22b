/**
 * SIP over WebSocket (RFC 7118): the `sip` subprotocol is required (§4: a server that does not select it
 * is refused), one SIP message per text frame (§5.1; binary frames are accepted as UTF-8 too), WSS
 * verifies the server certificate like TLS. Keep-alive uses WebSocket ping frames (RFC 6455 §5.5.2: a
 * peer must answer with a pong), so an unanswered ping reliably means a dead connection.
 */
import type { IncomingMessage } from 'node:http';
import tls from 'node:tls';
import WebSocket from 'ws';
import type { TraceEndpoint } from '../../../shared/trace/trace-entry';
import type { ServerTarget } from '../server-target';
import {
  type ConnectionEvents,
  failureFromSocketError,
  MAX_RECEIVED_BODY_BYTES,
  type OpenConnectionOptions,
  type SipConnection,
  traceEntry,
  TransportFailure,
} from './sip-connection';

/**
 * The largest WebSocket message accepted from the server: a SIP message of at most 64 KiB of headers and
 * `MAX_RECEIVED_BODY_BYTES` of body, the same bounds as over TCP (a resource list's full state is megabytes); without a
 * bound `ws` would buffer 100 MiB frames.
 */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024 + MAX_RECEIVED_BODY_BYTES;

/** `ws` reports a frame over `maxPayload` with this code (and closes with 1009). */
const OVERSIZED_FRAME = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** SIP over one WebSocket to the next hop (see the module comment). */
export class WsConnection implements SipConnection {
  readonly isReliable = true;
  private isClosed = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private pongDeadline: NodeJS.Timeout | undefined;

  private constructor(
    readonly kind: 'ws' | 'wss',
    private readonly ws: WebSocket,
    readonly local: TraceEndpoint,
    readonly remote: TraceEndpoint,
    private readonly events: ConnectionEvents,
    private readonly options: OpenConnectionOptions,
  ) {
    const url = ws.url;
    ws.on('message', (data: WebSocket.RawData) => this.onFrame(data));
    ws.on('pong', () => {
      clearTimeout(this.pongDeadline);
      this.pongDeadline = undefined;
    });
    ws.on('error', (error: Error & { code?: string }) =>
      this.finish(
        error.code === OVERSIZED_FRAME
          ? new TransportFailure(
              'protocol',
              `The server at ${url} sent a WebSocket message larger than ${MAX_WS_MESSAGE_BYTES / 1024} KB; the connection was closed.`,
            )
          : failureFromSocketError(error, url),
      ),
    );
    ws.on('close', (code, reason) =>
      this.finish(
        new TransportFailure('closed', `The server closed the WebSocket (${code}${reason.length > 0 ? ` ${reason.toString()}` : ''}).`),
      ),
    );
    if (options.timers.keepAliveInterval > 0) {
      this.keepAlive = setInterval(() => this.ping(), options.timers.keepAliveInterval);
      this.keepAlive.unref();
    }
  }

  static open(target: ServerTarget, events: ConnectionEvents, options: OpenConnectionOptions): Promise<WsConnection> {
    const kind = target.kind === 'wss' ? 'wss' : 'ws';
    const url = target.wsUrl ?? `${kind}://${target.host}:${target.port}/`;
    let endpoints: { local: TraceEndpoint; remote: TraceEndpoint } | undefined;
    return new Promise<WsConnection>((resolve, reject) => {
      const socket = new WebSocket(url, ['sip'], {
        handshakeTimeout: options.timers.connectTimeout,
        perMessageDeflate: false,
        maxPayload: MAX_WS_MESSAGE_BYTES,
        ...(kind === 'wss' && options.caPem !== undefined ? { ca: [...tls.rootCertificates, options.caPem] } : {}),
      });
      socket.once('upgrade', (response: IncomingMessage) => {
        const s = response.socket;
        endpoints = {
          local: { address: s.localAddress ?? '', port: s.localPort ?? 0 },
          remote: { address: s.remoteAddress ?? target.host, port: s.remotePort ?? target.port },
        };
      });
      socket.once('open', () => {
        socket.removeAllListeners('error');
        // RFC 7118 §4: the subprotocol the server chose must be `sip` (ws also enforces this).
        if (socket.protocol !== 'sip' || endpoints === undefined) {
          socket.terminate();
          reject(new TransportFailure('protocol', `The WebSocket server at ${url} does not speak SIP (no "sip" subprotocol).`));
          return;
        }
        // Built here, synchronously: a frame that came in the same packet as the 101 is parsed right
        // after 'open', before any promise continuation could attach the listeners.
        resolve(new WsConnection(kind, socket, endpoints.local, endpoints.remote, events, options));
      });
      socket.once('error', (error: Error) => {
        socket.terminate();
        if (/subprotocol/i.test(error.message)) {
          reject(new TransportFailure('protocol', `The WebSocket server at ${url} does not speak SIP (no "sip" subprotocol).`));
        } else if (/timed out/i.test(error.message)) {
          reject(new TransportFailure('timeout', `${url} did not complete the WebSocket handshake in time.`));
        } else if (/Unexpected server response/i.test(error.message)) {
          reject(new TransportFailure('protocol', `${url} refused the WebSocket upgrade (${error.message}).`));
        } else {
          reject(failureFromSocketError(error, url));
        }
      });
    });
  }

  send(text: string): Promise<void> {
    if (this.isClosed || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TransportFailure('closed', 'The WebSocket is closed.'));
    }
    return new Promise((resolve, reject) => {
      this.ws.send(text, (error) => (error ? reject(failureFromSocketError(error, this.ws.url)) : resolve()));
      this.events.trace(traceEntry(this, 'out', text));
    });
  }

  close(): void {
    if (this.isClosed) return;
    this.ws.close(1000);
    this.finish(undefined);
  }

  private onFrame(data: WebSocket.RawData): void {
    if (this.isClosed) return;
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (text.trim() === '') return;
    this.events.trace(traceEntry(this, 'in', text));
    this.events.message(text);
  }

  private ping(): void {
    if (this.isClosed || this.pongDeadline !== undefined) return;
    this.ws.ping();
    this.pongDeadline = setTimeout(() => {
      this.ws.terminate();
      this.finish(new TransportFailure('timeout', 'The server stopped answering WebSocket pings.'));
    }, this.options.timers.keepAliveTimeout);
    this.pongDeadline.unref();
  }

  private finish(failure: TransportFailure | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.pongDeadline);
    this.events.closed(failure);
  }
}
