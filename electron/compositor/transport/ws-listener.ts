/**
 * WebSocket listener — RFC 7118 (SIP over WebSocket): the handshake must offer the `sip` subprotocol
 * (§4.1; others are refused with 400), each WebSocket message carries exactly one SIP message (§5.1), and
 * requests to the client go over the same connection (§5.2: a WebSocket client cannot be reached
 * otherwise; its Contact host is usually `*.invalid`).
 *
 * Browsers send an Origin header (RFC 6455 §4.1, §10.2) and let any page open a WebSocket to any server,
 * so an upgrade with an Origin is accepted only from the configured origins (403 otherwise); one without
 * Origin comes from a non-browser client and is accepted. Connection caps and deadlines as for TCP
 * (limits/connection-limits.ts): counted per TCP connection before the upgrade, the HTTP handshake must
 * finish within the message deadline, WebSocket pings count as traffic for the idle timeout.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { normaliseOrigin } from '../limits/limits';
import type { ConnectionGuard, ConnectionTimers } from '../limits/connection-limits';
import { flowLabel, type FramingFailureHandler, type Flow, type Listener, type MessageHandler } from './flow';

/**
 * Frames above this are refused by `ws` itself from the frame header, before their payload is read: it
 * closes with 1009 Message Too Big (RFC 6455 §7.4.1). Between maxMessageBytes and this we read the frame
 * and answer 513, so a client that sends a slightly too large message learns why in SIP terms. The bound
 * is small on purpose: reading (and unmasking) a multi-megabyte frame only to refuse it cost 60–130 ms.
 */
const MAX_FRAME_BYTES = 256 * 1024;

export interface WsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  /** Connection caps and deadlines. */
  readonly guard: ConnectionGuard;
  /** Serialised origins (`https://app.example.com`) whose pages may connect. */
  readonly allowedOrigins: ReadonlySet<string>;
  /** An upgrade was refused for its Origin (answered 403). */
  readonly onOriginRefused: (label: string, address: string, origin: string) => void;
  readonly onMessage: MessageHandler;
  readonly onFramingFailure: FramingFailureHandler;
  readonly onClose?: (flow: Flow) => void;
  /** Plain HTTP requests (XCAP, xcap/): true when handled; the rest are answered 426. */
  readonly onHttpRequest?: (request: IncomingMessage, response: ServerResponse) => boolean;
}

export async function startWsListener(options: WsListenerOptions): Promise<Listener> {
  const { guard } = options;
  const http = createServer();
  /** Admitted TCP connections and their timers, from accept on (the handshake is under the deadline too). */
  const connections = new Map<Socket, ConnectionTimers>();
  http.on('connection', (raw: Socket) => {
    const address = raw.remoteAddress ?? '0.0.0.0';
    const label = flowLabel('ws', address, raw.remotePort ?? 0);
    if (!guard.admit(label, address)) {
      raw.destroy();
      return;
    }
    const timers = guard.startTimers(label, address, () => raw.destroy());
    timers.received({ completed: false, midMessage: true });
    connections.set(raw, timers);
    raw.once('close', () => {
      timers.dispose();
      connections.delete(raw);
      guard.release(address);
    });
  });
  // Plain HTTP requests: XCAP when it is on, else this port speaks only WebSocket.
  http.on('request', (request, response) => {
    const timers = connections.get(request.socket);
    // An answered request completes a message: the connection falls under the idle timeout, not the deadline.
    response.once('finish', () => timers?.received({ completed: true, midMessage: false }));
    if (options.onHttpRequest?.(request, response) === true) return;
    response.writeHead(426, { Upgrade: 'websocket', Connection: 'close' });
    response.end();
  });

  const maxPayload = Math.max(MAX_FRAME_BYTES, options.maxMessageBytes + 1);
  const server = new WebSocketServer({
    server: http,
    maxPayload,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    verifyClient: (info: { req: IncomingMessage }, callback) => {
      const origin = info.req.headers.origin;
      if (origin !== undefined && !options.allowedOrigins.has(normaliseOrigin(origin) ?? '')) {
        const address = info.req.socket.remoteAddress ?? '0.0.0.0';
        options.onOriginRefused(flowLabel('ws', address, info.req.socket.remotePort ?? 0), address, origin);
        callback(false, 403, 'Origin not allowed');
        return;
      }
      const offered = String(info.req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim().toLowerCase());
      if (offered.includes('sip')) callback(true);
      else callback(false, 400, 'WebSocket subprotocol "sip" required (RFC 7118)');
    },
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  http.on('error', () => undefined);
  server.on('error', () => undefined);

  server.on('connection', (socket: WebSocket, request) => {
    const raw = request.socket;
    const remoteAddress = raw.remoteAddress ?? '0.0.0.0';
    const remotePort = raw.remotePort ?? 0;
    const timers = connections.get(raw);
    const flow: Flow = {
      transport: 'ws',
      remoteAddress,
      remotePort,
      isReliable: true,
      get isOpen() {
        return socket.readyState === socket.OPEN;
      },
      send(message: string | Buffer): boolean {
        if (socket.readyState !== socket.OPEN) return false;
        // Text frames: RFC 7118 §5.1 lets either kind carry SIP, and text is what browsers expect.
        socket.send(typeof message === 'string' ? message : message.toString('utf8'));
        return true;
      },
      label: flowLabel('ws', remoteAddress, remotePort),
    };
    // `ws` emits messages and pings synchronously while it reads a chunk, before this 'data' listener
    // (added after its own) runs: a chunk that completed nothing leaves a frame under way.
    let completedInChunk = 0;
    const completed = (): void => {
      completedInChunk++;
      timers?.received({ completed: true, midMessage: false });
    };
    timers?.received({ completed: true, midMessage: false });
    raw.on('data', () => {
      if (completedInChunk === 0) timers?.received({ completed: false, midMessage: true });
      completedInChunk = 0;
    });
    socket.on('ping', completed);
    socket.on('pong', completed);
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      completed();
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (bytes.length > options.maxMessageBytes) {
        const end = bytes.indexOf('\r\n\r\n');
        options.onFramingFailure(
          end === -1
            ? { reason: 'message-too-large', detail: `message of ${bytes.length} bytes` }
            : { reason: 'message-too-large', detail: `message of ${bytes.length} bytes`, headerText: bytes.toString('utf8', 0, end) },
          flow,
        );
        return;
      }
      options.onMessage(bytes, flow);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      // `ws` has already sent its close frame (1009 for a frame over maxPayload); say why in the log.
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        options.onFramingFailure(
          { reason: 'message-too-large', detail: `WebSocket frame over ${maxPayload} bytes, closed with 1009` },
          flow,
        );
      socket.terminate();
    });
    socket.on('close', () => options.onClose?.(flow));
  });

  const address = http.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    transport: 'ws',
    host: options.host,
    port,
    get connectionCount() {
      return connections.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        for (const raw of connections.keys()) raw.destroy();
        server.close();
        http.close(() => resolve());
      }),
  };
}
