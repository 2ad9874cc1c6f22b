/**
 * UDP listener — RFC 3261 §18.1.1/§18.2 over datagrams: one datagram is one message; responses go to the
 * source address and port when the client asked for `rport` (RFC 3581), else to the Via port at the
 * source address (the caller decides; see `compositor.ts`). Also sends our own NOTIFYs.
 */
import { createSocket, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { flowLabel, type Flow, type Listener, type MessageHandler } from './flow';

/** Receive buffer asked of the kernel: bursts of thousands of PUBLISHes must not be dropped (Linux caps it at rmem_max). */
const RECEIVE_BUFFER_BYTES = 8 * 1024 * 1024;
const SEND_BUFFER_BYTES = 8 * 1024 * 1024;

/**
 * Address lookup for `socket.send`. Node resolves every destination before each datagram, and `dns.lookup` answers
 * an IP literal on the next tick: a queued callback and an async scope per response (about a tenth of the server's
 * time at 6,000 PUBLISH/s). We only ever send to addresses a datagram came from or a Contact's IP literal, so those are
 * answered at once; a name still goes to the resolver.
 */
const literalLookup: NonNullable<SocketOptions['lookup']> = (hostname, options, callback) => {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
};

export interface UdpListener extends Listener {
  /** A flow to any address through this socket (for NOTIFYs and for responses to a `received` address). */
  flowTo(address: string, port: number): Flow;
}

/** Binds a UDP socket and calls `onMessage` for each datagram. Send errors are reported to `onSendError`, never thrown. */
export async function startUdpListener(
  host: string,
  port: number,
  onMessage: MessageHandler,
  onSendError: (error: Error, label: string) => void,
): Promise<UdpListener> {
  const socket: Socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', reuseAddr: false, lookup: literalLookup });
  let isClosed = false;

  const makeFlow = (address: string, remotePort: number): Flow => {
    const label = flowLabel('udp', address, remotePort);
    return {
      transport: 'udp',
      remoteAddress: address,
      remotePort,
      isReliable: false,
      get isOpen() {
        return !isClosed;
      },
      send(message: string | Buffer): boolean {
        if (isClosed) return false;
        // No per-send callback: it costs an allocation per datagram on the hot path; a failed send
        // surfaces as the socket's 'error' event, which is logged below.
        socket.send(message, remotePort, address);
        return true;
      },
      label,
    };
  };

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  // After binding, socket errors (e.g. ICMP port unreachable surfacing as ECONNREFUSED) must not crash us.
  socket.on('error', (error) => onSendError(error, flowLabel('udp', host, port)));
  try {
    socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    socket.setSendBufferSize(SEND_BUFFER_BYTES);
  } catch {
    // Best effort: the kernel may refuse; the defaults still work at lower rates.
  }
  socket.on('message', (data, remote) => onMessage(data, makeFlow(remote.address, remote.port)));

  const bound = socket.address();
  return {
    transport: 'udp',
    host: bound.address,
    port: bound.port,
    connectionCount: 0,
    flowTo: makeFlow,
    close: () =>
      new Promise<void>((resolve) => {
        if (isClosed) return resolve();
        isClosed = true;
        socket.close(() => resolve());
      }),
  };
}
