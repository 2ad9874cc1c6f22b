/**
 * WebSocket listener — RFC 7118 (SIP over WebSocket): the handshake must offer the `sip` subprotocol
 * (§4.1; others are refused with 400), each WebSocket message carries exactly one SIP message (§5.1), and
 * requests to the client go over the same connection (§5.2: a WebSocket client cannot be reached
 * otherwise; its Contact host is usually `*.invalid`).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { flowLabel, type FramingFailureHandler, type Flow, type Listener, type MessageHandler } from './flow';

/** Frames above this are refused by `ws` itself (close code 1009); between maxMessageBytes and this we answer 513. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export interface WsListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  readonly onMessage: MessageHandler;
  readonly onFramingFailure: FramingFailureHandler;
  readonly onClose?: (flow: Flow) => void;
}

export async function startWsListener(options: WsListenerOptions): Promise<Listener> {
  const server = new WebSocketServer({
    host: options.host,
    port: options.port,
    maxPayload: Math.max(MAX_FRAME_BYTES, options.maxMessageBytes + 1),
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    verifyClient: (info, callback) => {
      const offered = String(info.req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim().toLowerCase());
      if (offered.includes('sip')) callback(true);
      else callback(false, 400, 'WebSocket subprotocol "sip" required (RFC 7118)');
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);

  server.on('connection', (socket: WebSocket, request) => {
    const remoteAddress = request.socket.remoteAddress ?? '0.0.0.0';
    const remotePort = request.socket.remotePort ?? 0;
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
    socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
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
    socket.on('error', () => socket.terminate());
    socket.on('close', () => options.onClose?.(flow));
  });

  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    transport: 'ws',
    host: options.host,
    port,
    get connectionCount() {
      return server.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
