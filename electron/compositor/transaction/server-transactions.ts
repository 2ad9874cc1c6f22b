/**
 * Non-INVITE server transactions — RFC 3261 §17.2.2 and §17.2.3 (matching).
 *
 *                 request received
 *   (none) ─────────────────────────► Trying ──final response sent──► Completed ──Timer J──► (forgotten)
 *                                                                       │    ▲
 *                                                  retransmitted request │    │ the same response, again
 *                                                                       └────┘
 *
 * Most handlers answer synchronously, so Trying lasts no longer than the handler call and is not stored;
 * a PUBLISH whose body is being validated on a worker thread is recorded as pending (Trying) so that its
 * retransmissions are absorbed, and every request is recorded when its final response is sent. Timer J is 64·T1 for UDP and
 * zero for reliable transports (§17.2.2), so only UDP transactions are remembered.
 *
 * A retransmitted request is answered from here without reaching the handlers: it is never processed
 * twice (a retransmitted PUBLISH must not create a second publication with a second ETag).
 *
 * Expiry is a FIFO sweep, not a timer per transaction: all UDP transactions live equally long, so
 * insertion order is expiry order, and at 12,000 requests/s that saves 400,000 live timers. The responses
 * themselves live off the JavaScript heap in a ResponseArena (see there for why).
 */
import type { SipRequest } from '../message/sip-message';
import { tagOf, type Via } from '../../../shared/sip/header-values';
import { ResponseArena } from './response-arena';

const MAGIC_COOKIE = 'z9hG4bK';

/** What `responseFor` returns for a transaction still in Trying (its reply is deferred): absorb retransmissions. */
export const PENDING_RESPONSE = '';
const PENDING = -2;
const LARGE = -1;

/**
 * The transaction key of a request (§17.2.3): branch + sent-by + method for RFC 3261 branches; for RFC 2543
 * peers (no magic cookie) the Request-URI, tags, Call-ID, CSeq and top Via together. ACK maps to INVITE.
 * `via` is the request's parsed top Via.
 *
 * Joined, not concatenated: the parts are slices of the request's header section, and V8 keeps a concatenation
 * of slices as a tree of references into the whole section. A key lives for Timer J (32 s over UDP), so each held
 * its request's ~400 bytes of header text alive — at 6,000 requests/s 190,000 of them, the largest population the
 * garbage collector had to copy. `join` writes the characters into one new flat string.
 */
export function serverTransactionKey(request: SipRequest, via: Via): string {
  const method = request.method === 'ACK' ? 'INVITE' : request.method;
  if (via.branch !== null && via.branch.startsWith(MAGIC_COOKIE)) return [via.branch, via.sentBy, method].join('\n');
  const h = request.headers;
  return [
    'rfc2543',
    request.requestUri,
    tagOf(h.get('to') ?? ''),
    tagOf(h.get('from') ?? ''),
    h.get('call-id'),
    (h.get('cseq') ?? '').split(/\s+/)[0],
    method,
    via.text,
  ].join('\n');
}

/** The first via-parm of a Via header line that may carry several, comma-separated. */
export function firstViaParm(line: string): string {
  const comma = line.indexOf(',');
  return comma === -1 ? line : line.slice(0, comma);
}

export class ServerTransactionTable {
  /** Per transaction: an arena position (≥ 0), PENDING (Trying), or LARGE (the string is in `large`). */
  private readonly entries = new Map<string, number>();
  private readonly arena = new ResponseArena();
  /** Responses too long for an arena record (over 64 KiB; hardly ever). */
  private readonly large = new Map<string, string>();
  private readonly queueKeys: string[] = [];
  private readonly queueTimes: number[] = [];
  private queueHead = 0;
  private readonly timer: NodeJS.Timeout;

  /** `lifetimeMs` is Timer J for UDP (64·T1). */
  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.sweep(), Math.min(1000, Math.max(10, lifetimeMs / 4)));
    this.timer.unref();
  }

  /** The response sent if the transaction is in Completed, PENDING_RESPONSE in Trying, else undefined. */
  responseFor(key: string): Buffer | string | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry === PENDING) return PENDING_RESPONSE;
    if (entry === LARGE) return this.large.get(key);
    return this.arena.read(entry) ?? undefined;
  }

  /** Records a UDP transaction whose reply is deferred (Trying): retransmissions are absorbed until it completes. */
  markPending(key: string): void {
    this.remember(key, PENDING);
  }

  /**
   * Records the final response of a UDP transaction (moves it to Completed) and returns what to send: the stored
   * bytes, so that the response is encoded once (for the arena), not a second time by the socket.
   */
  complete(key: string, response: string): Buffer | string {
    const position = this.arena.store(response, this.now());
    if (position === -1) this.large.set(key, response);
    this.remember(key, position === -1 ? LARGE : position);
    return position === -1 ? response : (this.arena.read(position) as Buffer);
  }

  /** Transactions currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets transactions whose Timer J fired, and the arena chunks only they used. */
  sweep(): void {
    const now = this.now();
    while (this.queueHead < this.queueKeys.length && (this.queueTimes[this.queueHead] as number) <= now) {
      const key = this.queueKeys[this.queueHead] as string;
      if (this.entries.get(key) === LARGE) this.large.delete(key);
      this.entries.delete(key);
      this.queueHead++;
    }
    this.arena.releaseWrittenBefore(now - this.lifetimeMs);
    // Compact the queue arrays now and then instead of shifting on every expiry.
    if (this.queueHead > 4096 && this.queueHead * 2 > this.queueKeys.length) {
      this.queueKeys.splice(0, this.queueHead);
      this.queueTimes.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.entries.clear();
    this.large.clear();
    this.arena.clear();
    this.queueKeys.length = 0;
    this.queueTimes.length = 0;
    this.queueHead = 0;
  }

  private remember(key: string, entry: number): void {
    if (!this.entries.has(key)) {
      this.queueKeys.push(key);
      this.queueTimes.push(this.now() + this.lifetimeMs);
    }
    this.entries.set(key, entry);
  }
}
