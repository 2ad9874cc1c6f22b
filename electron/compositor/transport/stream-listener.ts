/**
 * TCP and TLS listeners — RFC 3261 §18.3 (stream framing by Content-Length, done by the shared
 * `SipStreamFramer`), §18.2.2 (responses over the same connection), RFC 5626 §4.4.1 (CRLF keep-alive:
 * a double-CRLF ping is answered with a single CRLF pong). Each connection is one flow; the notifier keeps
 * a watcher's flow and sends its NOTIFYs over the same connection (connection reuse).
 *
 * A stream that breaks the framing rules cannot be re-synchronised: the listener reports the failure (so
 * the server can answer 400 or 513 from the header section) and then closes the connection.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SipStreamFramer } from '../../net/sip-stream-framer';
import type { CompositorTlsOptions } from '../compositor-types';
import { flowLabel, type FramingFailureHandler, type Flow, type Listener, type MessageHandler } from './flow';

export interface StreamListenerOptions {
  readonly transport: 'tcp' | 'tls';
  readonly host: string;
  readonly port: number;
  readonly tls?: CompositorTlsOptions;
  /** Largest header section and largest body accepted, bytes. */
  readonly maxMessageBytes: number;
  readonly onMessage: MessageHandler;
  readonly onFramingFailure: FramingFailureHandler;
  /** A connection closed (its flow is no longer usable). */
  readonly onClose?: (flow: Flow) => void;
}

export async function startStreamListener(options: StreamListenerOptions): Promise<Listener> {
  const { transport, maxMessageBytes } = options;
  const sockets = new Set<Socket>();

  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const remoteAddress = socket.remoteAddress ?? '0.0.0.0';
    const remotePort = socket.remotePort ?? 0;
    let isOpen = true;
    const flow: Flow = {
      transport,
      remoteAddress,
      remotePort,
      isReliable: true,
      get isOpen() {
        return isOpen && !socket.destroyed && socket.writable;
      },
      send(message: string | Buffer): boolean {
        if (!flow.isOpen) return false;
        socket.write(message);
        return true;
      },
      label: flowLabel(transport, remoteAddress, remotePort),
    };
    const framer = new SipStreamFramer({ maxHeaderBytes: maxMessageBytes, maxBodyBytes: maxMessageBytes });
    socket.on('data', (chunk: Buffer) => {
      for (const item of framer.push(chunk)) {
        switch (item.kind) {
          case 'message':
            options.onMessage(item.bytes, flow);
            break;
          case 'ping':
            if (flow.isOpen) socket.write('\r\n');
            break;
          case 'pong':
            break;
          case 'error':
            options.onFramingFailure(
              item.headerText === undefined
                ? { reason: item.reason, detail: item.detail }
                : { reason: item.reason, detail: item.detail, headerText: item.headerText },
              flow,
            );
            // Let the answer (if any) drain, then close: the stream cannot be re-synchronised. A peer that
            // keeps sending (the rest of a 1 MB body) is cut off shortly after.
            socket.end();
            setTimeout(() => socket.destroy(), 2000).unref();
            break;
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      isOpen = false;
      sockets.delete(socket);
      options.onClose?.(flow);
    });
  };

  const server: Server =
    transport === 'tls'
      ? createTlsServer({ cert: options.tls?.cert, key: options.tls?.key }, onConnection)
      : createTcpServer(onConnection);
  // A failed TLS handshake or a reset during accept must not bring the server down.
  server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;

  return {
    transport,
    host: options.host,
    port,
    get connectionCount() {
      return sockets.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
