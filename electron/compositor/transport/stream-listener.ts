/**
 * TCP and TLS listeners — RFC 3261 §18.3 (stream framing by Content-Length, done by the shared
 * `SipStreamFramer`), §18.2.2 (responses over the same connection), RFC 5626 §4.4.1 (CRLF keep-alive:
 * a double-CRLF ping is answered with a single CRLF pong). Each connection is one flow; the notifier keeps
 * a watcher's flow and sends its NOTIFYs over the same connection (connection reuse).
 *
 * A stream that breaks the framing rules cannot be re-synchronised: the listener reports the failure (so
 * the server can answer 400 or 513 from the header section) and then closes the connection.
 *
 * Limits (limits/connection-limits.ts): a connection beyond the total or per-address cap is closed as soon
 * as it is accepted — counted before any TLS handshake, since a peer that never finishes one holds a socket
 * too; the TLS handshake and every message must finish within the message deadline; a connection without
 * messages or keep-alives for the idle timeout is closed.
 */
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SipStreamFramer } from '../../net/sip-stream-framer';
import type { CompositorTlsOptions } from '../compositor-types';
import { streamProgress, type ConnectionGuard } from '../limits/connection-limits';
import { flowLabel, type FramingFailureHandler, type Flow, type Listener, type MessageHandler } from './flow';

export interface StreamListenerOptions {
  readonly transport: 'tcp' | 'tls';
  readonly host: string;
  readonly port: number;
  readonly tls?: CompositorTlsOptions;
  /** Largest header section and largest body accepted, bytes. */
  readonly maxMessageBytes: number;
  /** Connection caps and deadlines. */
  readonly guard: ConnectionGuard;
  /** TLS only: longest time a handshake may take, ms (Node's default is 120 s). */
  readonly handshakeTimeoutMs?: number;
  readonly onMessage: MessageHandler;
  readonly onFramingFailure: FramingFailureHandler;
  /** A connection closed (its flow is no longer usable). */
  readonly onClose?: (flow: Flow) => void;
}

export async function startStreamListener(options: StreamListenerOptions): Promise<Listener> {
  const { transport, maxMessageBytes, guard } = options;
  /** Accepted connections (the raw sockets, under TLS too), for `close()` and `connectionCount`. */
  const sockets = new Set<Socket>();

  const onConnection = (socket: Socket): void => {
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
    const timers = guard.startTimers(flow.label, remoteAddress, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let completed = 0;
      let pings = 0;
      for (const item of framer.push(chunk)) {
        switch (item.kind) {
          case 'message':
            completed++;
            options.onMessage(item.bytes, flow);
            break;
          case 'ping':
            completed += item.count;
            pings += item.count;
            break;
          case 'pong':
            completed += item.count;
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
      // RFC 5626 §4.4.1: each ping gets its pong; the pongs of one chunk go out in one write, so a flood of
      // pings costs one write per chunk instead of one per ping (and never more bytes than it brought).
      if (pings > 0 && flow.isOpen && !framer.hasFailed) socket.write(pings === 1 ? '\r\n' : '\r\n'.repeat(pings));
      timers.received(streamProgress(completed, chunk, framer.hasFailed ? 0 : framer.pendingBytes, timers.midMessage));
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      isOpen = false;
      timers.dispose();
      options.onClose?.(flow);
    });
  };

  const server: Server =
    transport === 'tls'
      ? createTlsServer({ cert: options.tls?.cert, key: options.tls?.key, handshakeTimeout: options.handshakeTimeoutMs ?? 120_000 })
      : createTcpServer();
  server.on('connection', (raw: Socket) => {
    const address = raw.remoteAddress ?? '0.0.0.0';
    if (!guard.admit(flowLabel(transport, address, raw.remotePort ?? 0), address)) {
      raw.destroy();
      return;
    }
    sockets.add(raw);
    raw.once('close', () => {
      sockets.delete(raw);
      guard.release(address);
    });
    if (transport === 'tcp') onConnection(raw);
  });
  if (transport === 'tls') server.on('secureConnection', onConnection);
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
