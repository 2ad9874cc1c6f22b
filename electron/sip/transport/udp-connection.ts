/**
 * SIP over UDP (RFC 3261 §18.1.1, §18.2.1): one datagram per message, on a socket connected to the
 * server so that the kernel filters out datagrams from anyone else and reports ICMP "port unreachable"
 * as ECONNREFUSED — which is how we notice quickly that the server went away. Reliability
 * (retransmissions, the response cache) is not here but in ReliabilityLayer, above every transport.
 *
 * Keep-alive: a double-CRLF datagram every `keepAliveInterval` keeps NAT bindings open (the common
 * practice of SIP phones; RFC 5626 §4.4.2 would use STUN, which few registrars answer). It is not a SIP
 * message, so it is not traced. Incoming whitespace-only datagrams are keep-alives and are ignored.
 */
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import type { TraceEndpoint } from '../../../shared/trace/trace-entry';
import type { ServerTarget } from '../server-target';
import {
  type ConnectionEvents,
  failureFromSocketError,
  formatHostPort,
  type OpenConnectionOptions,
  type SipConnection,
  traceEntry,
  TransportFailure,
} from './sip-connection';

/** RFC 3261 §18.1.1: a UDP message larger than the path MTU should go over a congestion-controlled
 * transport. We cannot switch (one next hop, one transport), so we only refuse datagrams UDP cannot carry. */
const MAX_DATAGRAM = 65_507;

/**
 * The receive buffer asked of the kernel (which caps it: Linux at net.core.rmem_max). Watching thousands of buddies,
 * the answers to 128 SUBSCRIBEs in flight come back as about 256 datagrams at once — a 200 and a NOTIFY each — and the
 * usual default of 208 KiB holds about 90 of them; the rest are dropped, retransmitted half a second later, and
 * counted as slow answers by the pacer (subscribe/subscribe-pacer.ts), which then halves its window.
 */
const RECEIVE_BUFFER_BYTES = 2 * 1024 * 1024;

export class UdpConnection implements SipConnection {
  readonly kind = 'udp' as const;
  readonly isReliable = false;
  private isClosed = false;
  private keepAlive: NodeJS.Timeout | undefined;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly local: TraceEndpoint,
    readonly remote: TraceEndpoint,
    private readonly events: ConnectionEvents,
    keepAliveInterval: number,
  ) {
    socket.on('message', (data) => this.onDatagram(data));
    socket.on('error', (error) => this.fail(failureFromSocketError(error, formatHostPort(remote.address, remote.port))));
    if (keepAliveInterval > 0) {
      this.keepAlive = setInterval(() => this.socket.send('\r\n\r\n', () => undefined), keepAliveInterval);
      this.keepAlive.unref();
    }
  }

  static async open(target: ServerTarget, events: ConnectionEvents, options: OpenConnectionOptions): Promise<UdpConnection> {
    const where = formatHostPort(target.host, target.port);
    let resolved: { address: string; family: number };
    try {
      resolved = await lookup(target.host);
    } catch (error) {
      throw failureFromSocketError(error, target.host);
    }
    const socket = dgram.createSocket({ type: resolved.family === 6 ? 'udp6' : 'udp4', recvBufferSize: RECEIVE_BUFFER_BYTES });
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        socket.once('error', onError);
        socket.bind(0, () => {
          socket.connect(target.port, resolved.address, () => {
            socket.off('error', onError);
            resolve();
          });
        });
      });
    } catch (error) {
      socket.close();
      throw failureFromSocketError(error, where);
    }
    const local = socket.address();
    const remote = socket.remoteAddress();
    return new UdpConnection(
      socket,
      { address: local.address, port: local.port },
      { address: remote.address, port: remote.port },
      events,
      options.timers.keepAliveInterval,
    );
  }

  send(text: string): Promise<void> {
    if (this.isClosed) return Promise.reject(new TransportFailure('closed', 'The UDP socket is closed.'));
    const data = Buffer.from(text, 'utf8');
    if (data.length > MAX_DATAGRAM) {
      return Promise.reject(new TransportFailure('protocol', `A ${data.length}-byte message does not fit in a UDP datagram.`));
    }
    return new Promise((resolve, reject) => {
      this.socket.send(data, (error) => {
        if (error) {
          reject(failureFromSocketError(error, formatHostPort(this.remote.address, this.remote.port)));
          return;
        }
        this.events.trace(traceEntry(this, 'out', text));
        resolve();
      });
    });
  }

  close(): void {
    this.finish(undefined);
  }

  private onDatagram(data: Buffer): void {
    if (this.isClosed) return;
    const text = data.toString('utf8');
    if (text.trim() === '') return;
    this.events.trace(traceEntry(this, 'in', text));
    this.events.message(text);
  }

  private fail(failure: TransportFailure): void {
    this.finish(failure);
  }

  private finish(failure: TransportFailure | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.keepAlive);
    try {
      this.socket.close();
    } catch {
      // Already closed by Node after an error: nothing left to release.
    }
    this.events.closed(failure);
  }
}
