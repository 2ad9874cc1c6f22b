/**
 * Connection limits for the stream listeners (TCP, TLS, WebSocket): how many connections may be open in
 * total and per remote address, and the two deadlines of each connection —
 *
 *   - the message deadline: a peer that has begun a message (or the TLS/WebSocket handshake) must finish it
 *     within `messageDeadlineMs`, else the connection is closed. A "slow loris" that trickles one byte at a
 *     time would otherwise hold a connection and its buffer for ever;
 *   - the idle timeout: a connection with no message and no keep-alive for `idleTimeoutMs` is closed.
 *     RFC 5626 §4.4.1 CRLF keep-alives and WebSocket pings count as traffic, so a client that keeps its
 *     flow alive keeps its connection.
 *
 * There is no SIP answer to a connection: one beyond a cap or past a deadline is simply closed (RFC 3261
 * §18.3 lets either side close a connection at any time). Each case is logged once per source address.
 */
import type { LimitName } from './limits';

/** Counts open connections, in total and per remote address. */
export class ConnectionCounter {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerAddress: number,
  ) {}

  /** Counts a new connection from `address`, or names the cap that refuses it (then nothing is counted). */
  admit(address: string): LimitName | null {
    if (this.total >= this.maxTotal) return 'maxConnections';
    const fromAddress = this.perAddress.get(address) ?? 0;
    if (fromAddress >= this.maxPerAddress) return 'maxConnectionsPerAddress';
    this.total++;
    this.perAddress.set(address, fromAddress + 1);
    return null;
  }

  /** An admitted connection from `address` closed. */
  release(address: string): void {
    const fromAddress = this.perAddress.get(address);
    if (fromAddress === undefined) return;
    this.total--;
    if (fromAddress <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, fromAddress - 1);
  }

  /** Open connections counted. */
  get size(): number {
    return this.total;
  }
}

/** What a chunk of received bytes did on a connection. */
export interface StreamProgress {
  /** A whole message or keep-alive arrived: the connection is in use. */
  readonly completed: boolean;
  /** A message has begun and is not complete yet. */
  readonly midMessage: boolean;
}

/** Why a connection was closed by its timers. */
export type ConnectionExpiry = 'message-deadline' | 'idle';

/** The message deadline and the idle timeout of one connection (timers are unref'd: they never keep Node alive). */
export class ConnectionTimers {
  private readonly idle: NodeJS.Timeout;
  private deadline: NodeJS.Timeout | null = null;
  private isMidMessage = false;
  private isDisposed = false;

  constructor(
    private readonly deadlineMs: number,
    idleMs: number,
    private readonly onExpired: (why: ConnectionExpiry) => void,
  ) {
    this.idle = setTimeout(() => this.expire('idle'), idleMs).unref();
  }

  /** Whether a message is under way (its deadline running). */
  get midMessage(): boolean {
    return this.isMidMessage;
  }

  /** Bytes arrived. A message completed resets the idle timeout; a message begun (again) starts its deadline. */
  received(progress: StreamProgress): void {
    if (this.isDisposed) return;
    if (progress.completed) {
      this.idle.refresh();
      this.isMidMessage = false;
    }
    if (!progress.midMessage) {
      this.isMidMessage = false;
    } else if (!this.isMidMessage) {
      this.isMidMessage = true;
      // One timer per connection, re-armed with refresh(): no allocation per message on busy connections.
      if (this.deadline === null) this.deadline = setTimeout(() => this.expire('message-deadline'), this.deadlineMs).unref();
      else this.deadline.refresh();
    }
  }

  /** Stops both timers (the connection closed). */
  dispose(): void {
    this.isDisposed = true;
    clearTimeout(this.idle);
    if (this.deadline !== null) clearTimeout(this.deadline);
  }

  private expire(why: ConnectionExpiry): void {
    // A deadline timer left running after its message completed fires harmlessly.
    if (this.isDisposed || (why === 'message-deadline' && !this.isMidMessage)) return;
    this.dispose();
    this.onExpired(why);
  }
}

/**
 * A stream chunk's progress, from the framer's verdict: `itemsCompleted` messages and keep-alives framed
 * out of it, `pendingBytes` left over. Up to three left-over CR/LF bytes are a keep-alive the framer holds
 * back (it cannot yet tell a CRLF pong from the start of a CRLFCRLF ping), not the start of a message.
 */
export function streamProgress(itemsCompleted: number, chunk: Buffer, pendingBytes: number, wasMidMessage: boolean): StreamProgress {
  const isHeldKeepAlive =
    pendingBytes > 0 &&
    pendingBytes <= 3 &&
    onlyLineEnds(chunk.subarray(Math.max(0, chunk.length - pendingBytes))) &&
    // Bytes pending from before this chunk were a keep-alive too unless a message was already under way.
    (pendingBytes <= chunk.length || !wasMidMessage);
  return { completed: itemsCompleted > 0 || isHeldKeepAlive, midMessage: pendingBytes > 0 && !isHeldKeepAlive };
}

function onlyLineEnds(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x0d && byte !== 0x0a) return false;
  return true;
}

/** What a stream listener needs from the server's limits: admission, the timers, and the once-per-source log. */
export interface ConnectionGuard {
  /** A new connection: true to serve it; false to close it at once (already logged). */
  admit(label: string, address: string): boolean;
  /** An admitted connection closed. */
  release(address: string): void;
  /** Starts the timers of an admitted connection; `close` is called when one passes (already logged). */
  startTimers(label: string, address: string, close: () => void): ConnectionTimers;
}

/** Connection limits as the listeners use them; `onLimited` logs a case (the caller keeps it to once per source). */
export function connectionGuard(
  limits: {
    readonly maxConnections: number;
    readonly maxConnectionsPerAddress: number;
    readonly messageDeadlineMs: number;
    readonly idleTimeoutMs: number;
  },
  onLimited: (limit: LimitName, label: string, address: string, detail: string) => void,
): ConnectionGuard {
  const counter = new ConnectionCounter(limits.maxConnections, limits.maxConnectionsPerAddress);
  return {
    admit(label, address) {
      const refusedBy = counter.admit(address);
      if (refusedBy === null) return true;
      const detail =
        refusedBy === 'maxConnections'
          ? `connection refused: ${limits.maxConnections} connections open in total`
          : `connection refused: ${limits.maxConnectionsPerAddress} connections open from ${address}`;
      onLimited(refusedBy, label, address, detail);
      return false;
    },
    release: (address) => counter.release(address),
    startTimers(label, address, close) {
      return new ConnectionTimers(limits.messageDeadlineMs, limits.idleTimeoutMs, (why) => {
        if (why === 'idle') {
          onLimited('idleTimeoutMs', label, address, `connection closed: nothing received for ${limits.idleTimeoutMs / 1000} s`);
        } else {
          onLimited(
            'messageDeadlineMs',
            label,
            address,
            `connection closed: a message begun was not complete within ${limits.messageDeadlineMs / 1000} s`,
          );
        }
        close();
      });
    },
  };
}
