/**
 * SIP over TCP and TLS (RFC 3261 §18.3 framing by Content-Length; RFC 5630 / RFC 3261 §26.2 for TLS):
 * one connection to the server, messages split by `SipStreamFramer`, keep-alives as RFC 5626 §4.4.1
 * describes — we send a double-CRLF "ping" every `keepAliveInterval` and answer the server's pings with
 * a CRLF "pong". A server that has answered one of our pings is expected to answer every one: an
 * unanswered ping then means the connection is dead (a silent NAT drop or a crashed server) and we
 * close it so the engine reconnects. Servers that never answer pings are not held to it.
 *
 * TLS verifies the server certificate against the system's authorities plus an optional CA file, and
 * checks the host name (SNI is sent for names, not for IP literals, RFC 6066 §3). There is no option to
 * accept any certificate.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TraceEndpoint } from '../../../shared/trace/trace-entry';
import { SipStreamFramer } from '../../net/sip-stream-framer';
import type { ServerTarget } from '../server-target';
import {
  type ConnectionEvents,
  failureFromSocketError,
  formatHostPort,
  MAX_RECEIVED_BODY_BYTES,
  type OpenConnectionOptions,
  type SipConnection,
  traceEntry,
  TransportFailure,
} from './sip-connection';

export class StreamConnection implements SipConnection {
  readonly isReliable = true;
  private readonly framer = new SipStreamFramer({ crlfIsPong: true, maxBodyBytes: MAX_RECEIVED_BODY_BYTES });
  private isClosed = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private pongDeadline: NodeJS.Timeout | undefined;
  private serverAnswersPings = false;
  /** The socket is corked until the end of this tick, so every message written in it goes out in one write. */
  private isCorked = false;

  private constructor(
    readonly kind: 'tcp' | 'tls',
    private readonly socket: net.Socket,
    readonly local: TraceEndpoint,
    readonly remote: TraceEndpoint,
    private readonly events: ConnectionEvents,
    private readonly options: OpenConnectionOptions,
  ) {
    const where = formatHostPort(remote.address, remote.port);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.finish(failureFromSocketError(error, where)));
    socket.on('close', () => this.finish(new TransportFailure('closed', `The server at ${where} closed the connection.`)));
    socket.setNoDelay(true);
    if (options.timers.keepAliveInterval > 0) {
      this.keepAlive = setInterval(() => this.ping(), options.timers.keepAliveInterval);
      this.keepAlive.unref();
    }
  }

  static async open(target: ServerTarget, events: ConnectionEvents, options: OpenConnectionOptions): Promise<StreamConnection> {
    const kind = target.kind === 'tls' ? 'tls' : 'tcp';
    const where = formatHostPort(target.host, target.port);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      // Node checks the certificate against `servername` when given, else against `host`.
      const serverName = target.tlsServerName ?? target.host;
      const s =
        kind === 'tls'
          ? tls.connect({
              host: target.host,
              port: target.port,
              ...(net.isIP(serverName) !== 0 ? {} : { servername: serverName }),
              ...(options.caPem === undefined ? {} : { ca: [...tls.rootCertificates, options.caPem] }),
              rejectUnauthorized: true,
            })
          : net.connect({ host: target.host, port: target.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(
          new TransportFailure(
            'timeout',
            `${where} did not accept a ${kind.toUpperCase()} connection within ${options.timers.connectTimeout} ms.`,
          ),
        );
      }, options.timers.connectTimeout);
      s.once('error', (error) => {
        clearTimeout(timer);
        s.destroy();
        reject(failureFromSocketError(error, where));
      });
      s.once(kind === 'tls' ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
    });
    const local: TraceEndpoint = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    const remote: TraceEndpoint = { address: socket.remoteAddress ?? target.host, port: socket.remotePort ?? target.port };
    return new StreamConnection(kind, socket, local, remote, events, options);
  }

  send(text: string): Promise<void> {
    if (this.isClosed) return Promise.reject(new TransportFailure('closed', 'The connection is closed.'));
    if (!this.isCorked) {
      // Hundreds of SUBSCRIBEs (or answers to a burst of NOTIFYs) are written in one tick: one system call for all.
      this.isCorked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.isCorked = false;
        this.socket.uncork();
      });
    }
    return new Promise((resolve, reject) => {
      this.socket.write(text, 'utf8', (error) => {
        if (error) {
          reject(failureFromSocketError(error, formatHostPort(this.remote.address, this.remote.port)));
          return;
        }
        resolve();
      });
      // Traced when handed to the socket: that is the order messages go on the wire.
      this.events.trace(traceEntry(this, 'out', text));
    });
  }

  close(): void {
    if (this.isClosed) return;
    this.socket.end();
    this.socket.destroySoon();
    this.finish(undefined);
  }

  private onData(chunk: Buffer): void {
    for (const item of this.framer.push(chunk)) {
      if (this.isClosed) return;
      switch (item.kind) {
        case 'message':
          this.events.trace(traceEntry(this, 'in', item.text));
          this.events.message(item.text);
          break;
        case 'ping':
          // Not produced with crlfIsPong (a client never receives pings, RFC 5626 §4.4.1); kept for clarity.
          this.socket.write('\r\n'.repeat(item.count));
          break;
        case 'pong':
          this.serverAnswersPings = true;
          clearTimeout(this.pongDeadline);
          this.pongDeadline = undefined;
          break;
        case 'error':
          // RFC 3261 §18.3: a stream whose framing is broken cannot be re-synchronised; drop it.
          this.socket.destroy();
          this.finish(new TransportFailure('protocol', `The server sent a malformed message stream (${item.detail}).`));
          return;
      }
    }
  }

  private ping(): void {
    if (this.isClosed) return;
    this.socket.write('\r\n\r\n');
    if (this.serverAnswersPings && this.pongDeadline === undefined) {
      this.pongDeadline = setTimeout(() => {
        this.socket.destroy();
        this.finish(new TransportFailure('timeout', 'The server stopped answering keep-alives.'));
      }, this.options.timers.keepAliveTimeout);
      this.pongDeadline.unref();
    }
  }

  private finish(failure: TransportFailure | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.keepAlive);
    clearTimeout(this.pongDeadline);
    if (failure) this.socket.destroy();
    this.events.closed(failure);
  }
}
