/**
 * Mirrors trace entries to a HEP v3 collector (Homer, sngrep -L) over UDP or TCP, without ever holding
 * up or failing the SIP path:
 *
 *   send(entry) ──encode (hep3.ts)──► BoundedQueue ──batch──► UDP: one datagram per packet
 *                                      full: dropped++           TCP: packets back to back on one connection
 *
 * - UDP uses a connected socket, so the ICMP "port unreachable" a closed collector answers with comes
 *   back as an ECONNREFUSED socket error: the status turns `unreachable`, and back to `sending` once
 *   datagrams went out for UDP_RECOVERY_MS without another refusal (a send itself succeeds either way).
 *   Datagrams are fire-and-forget otherwise; what a reachable collector loses is not seen.
 * - TCP connects at once and again after every failure or close, with a back-off that doubles from
 *   `initialBackoffMs` to `maxBackoffMs` and resets once connected. While connecting, the queue waits;
 *   while the collector is away, queued packets are dropped and counted (the queue's bound also covers
 *   a connection that accepts bytes slower than SIP produces them).
 * Every socket error ends in a status, never in an exception.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { errorMessage } from '../../../shared/error-message';
import type { HepCollectorAddress, HepMirrorStatus, HepTransport } from '../../../shared/trace/live-capture-settings';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { BoundedQueue } from './bounded-queue';
import { encodeHep3, type HepIdentity } from './hep3';

/** Where and how to send, and the reconnect timing. */
export interface HepSenderOptions {
  readonly transport: HepTransport;
  readonly collector: HepCollectorAddress;
  readonly identity: HepIdentity;
  /** Called when the state changes (to tell the user the collector is unreachable, or back). */
  readonly onStateChange?: (state: HepMirrorStatus['state'], problem: string | null) => void;
  /** First wait before a TCP reconnect (default 1 s). */
  readonly initialBackoffMs?: number;
  /** Longest wait between TCP reconnects (default 30 s). */
  readonly maxBackoffMs?: number;
}

/** How long UDP sends must go without a refusal before the collector counts as reachable again. */
const UDP_RECOVERY_MS = 2_000;

/** Packets and bytes waiting for the collector at most. */
const QUEUE_LIMITS = { maxItems: 5_000, maxBytes: 8 * 1024 * 1024 };

type SenderState = Exclude<HepMirrorStatus['state'], 'off'>;

/** Sends HEP3 packets to one collector (see the module comment). */
export class HepSender {
  private readonly queue: BoundedQueue<Uint8Array>;
  private state: SenderState;
  private problem: string | null = null;
  private sentCount = 0;
  private isClosed = false;
  private udp: dgram.Socket | null = null;
  /** Settles once the UDP socket is connected, or its connect failed (then every send fails and says why). */
  private udpConnected: Promise<void> = Promise.resolve();
  /** When the last UDP refusal or error came (0: none yet). */
  private udpFailedAt = 0;
  private tcp: net.Socket | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  /** Resolved when a TCP connection attempt ends (connected or failed), for a batch waiting on it. */
  private attemptEnded: (() => void)[] = [];

  constructor(private readonly options: HepSenderOptions) {
    this.backoffMs = options.initialBackoffMs ?? 1_000;
    this.queue = new BoundedQueue(QUEUE_LIMITS, (batch) => this.deliver(batch));
    this.state = options.transport === 'tcp' ? 'connecting' : 'sending';
    if (options.transport === 'tcp') this.connectTcp();
    else this.openUdp();
  }

  /** Queues `entry` for the collector; never throws, never waits. */
  send(entry: TraceEntry): void {
    if (this.isClosed) return;
    const packet = encodeHep3(entry, this.options.identity);
    if (packet === null) this.queue.countDropped(1);
    else this.queue.offer(packet, packet.length);
  }

  /** The sender's state and counters. */
  get status(): Omit<HepMirrorStatus, 'collector'> {
    return { state: this.state, sent: this.sentCount, dropped: this.queue.dropped, problem: this.problem };
  }

  /** Resolves once everything queued so far was sent or dropped. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Stops sending and closes the socket; queued packets are dropped. */
  close(): void {
    this.isClosed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.udp?.close();
    this.tcp?.destroy();
    this.udp = null;
    this.tcp = null;
    this.endAttempt();
  }

  private setState(state: SenderState, problem: string | null): void {
    if (this.isClosed || (state === this.state && problem === this.problem)) return;
    const changed = state !== this.state;
    this.state = state;
    this.problem = problem;
    if (changed) this.options.onStateChange?.(state, problem);
  }

  private describe(error: unknown): string {
    const { host, port } = this.options.collector;
    return `${net.isIPv6(host) ? `[${host}]` : host}:${port}: ${errorMessage(error)}`;
  }

  // ── UDP ──────────────────────────────────────────────────────────────────────────────────────────

  private openUdp(): void {
    const { host, port } = this.options.collector;
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    this.udp = socket;
    socket.unref();
    this.udpConnected = new Promise<void>((resolve) => {
      socket.on('error', (error) => {
        this.udpFailedAt = Date.now();
        this.setState('unreachable', this.describe(error));
        resolve();
      });
      socket.connect(port, host, () => resolve());
    });
  }

  private async sendUdp(socket: dgram.Socket, batch: readonly Uint8Array[]): Promise<void> {
    await this.udpConnected;
    for (const packet of batch) {
      const error = await new Promise<Error | null>((resolve) => {
        try {
          socket.send(packet, (sendError) => resolve(sendError ?? null));
        } catch (thrown) {
          // The connect failed (an unknown name), or the socket was closed meanwhile.
          resolve(thrown instanceof Error ? thrown : new Error(String(thrown)));
        }
      });
      if (error) {
        this.udpFailedAt = Date.now();
        this.queue.countDropped(1);
        this.setState('unreachable', this.describe(error));
      } else {
        this.sentCount++;
        if (Date.now() - this.udpFailedAt >= UDP_RECOVERY_MS) this.setState('sending', null);
      }
    }
  }

  // ── TCP ──────────────────────────────────────────────────────────────────────────────────────────

  private connectTcp(): void {
    this.reconnectTimer = null;
    if (this.isClosed) return;
    const { host, port } = this.options.collector;
    const socket = net.connect({ host, port });
    this.tcp = socket;
    socket.setNoDelay(true);
    socket.unref();
    // A collector does not answer; read and discard whatever it might send so the socket never stalls.
    socket.resume();
    socket.once('connect', () => {
      this.backoffMs = this.options.initialBackoffMs ?? 1_000;
      this.setState('sending', null);
      this.endAttempt();
    });
    socket.on('error', (error) => this.setState('unreachable', this.describe(error)));
    socket.once('close', () => {
      if (this.tcp !== socket) return;
      this.tcp = null;
      if (this.state !== 'unreachable') this.setState('unreachable', this.describe(new Error('the collector closed the connection')));
      this.endAttempt();
      if (this.isClosed) return;
      this.reconnectTimer = setTimeout(() => this.connectTcp(), this.backoffMs);
      this.reconnectTimer.unref();
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
    });
  }

  private endAttempt(): void {
    for (const resolve of this.attemptEnded.splice(0)) resolve();
  }

  private async sendTcp(batch: readonly Uint8Array[]): Promise<void> {
    if (this.state === 'connecting' && this.tcp) await new Promise<void>((resolve) => this.attemptEnded.push(resolve));
    const socket = this.tcp;
    if (!socket || this.state !== 'sending') {
      this.queue.countDropped(batch.length);
      return;
    }
    const error = await new Promise<Error | null>((resolve) =>
      socket.write(Buffer.concat(batch), (writeError) => resolve(writeError ?? null)),
    );
    if (error) this.queue.countDropped(batch.length);
    else this.sentCount += batch.length;
  }

  private deliver(batch: Uint8Array[]): Promise<void> {
    if (this.isClosed) {
      this.queue.countDropped(batch.length);
      return Promise.resolve();
    }
    if (this.options.transport === 'tcp') return this.sendTcp(batch);
    if (!this.udp) {
      this.queue.countDropped(batch.length);
      return Promise.resolve();
    }
    return this.sendUdp(this.udp, batch);
  }
}
