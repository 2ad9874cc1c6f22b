/**
 * The parts of RFC 3261 §17 that sip.js 0.21 leaves out, between its transaction layer and one
 * connection:
 *
 * - **Timer E** (§17.1.2.2): over UDP a non-INVITE request is retransmitted after T1, 2·T1, 4·T1 … capped
 *   at T2, until any response; after a provisional response, every T2 until the final one.
 * - **Timer F** (§17.1.2.2): with no final response within 64·T1 the request has failed. We then hand
 *   sip.js a locally made `408 Request Timeout` (§8.1.3.1: "treated as if a 408 had been received"),
 *   marked with `X-Presently-Local: timeout` so the user is told "no answer", not "the server said 408".
 *   This runs on every transport, with the configured T1, instead of sip.js's fixed 32 s timer.
 * - **Server transaction retransmissions** (§17.2.2): sip.js forgets a server transaction as soon as it
 *   has answered (its Timer J is 0), so a retransmitted NOTIFY would be taken as new and answered 500.
 *   Over UDP we keep each response we sent for 64·T1 and answer a retransmitted request from that cache,
 *   without passing it up.
 * - **Transport errors** (§8.1.3.1): when the connection is lost, requests still waiting for an answer
 *   get a local `503 Service Unavailable` (`X-Presently-Local: transport`) at once, rather than waiting
 *   for their timeout.
 *
 * Client transaction, as tracked here:
 *
 *   send ──► trying ──1xx──► proceeding ──2xx–6xx──► (forgotten)
 *              │ E: retransmit     │ E: retransmit every T2
 *              └──────── F: 64·T1 ─┴──► local 408 ──► (forgotten)
 */
import { transactionTimeoutMs } from '../../../shared/sip/timers';
import { splitSipMessage } from '../../../shared/sip/header-section';
import { tagOf } from '../../../shared/sip/header-values';
import { readMessageHead, type SipMessageHead } from './sip-message-head';

/** The header that marks a response made here rather than received. */
export const LOCAL_RESPONSE_HEADER = 'X-Presently-Local';

/** The RFC 3261 §17.1.1.1 timers the layer runs on, in milliseconds (defaults in shared/sip/timers.ts). */
export interface ReliabilityTimers {
  readonly t1: number;
  readonly t2: number;
}

/** What the layer needs from the connection below it. */
export interface ReliabilityLink {
  readonly isReliable: boolean;
  send(text: string): Promise<void>;
}

interface PendingRequest {
  readonly text: string;
  readonly head: SipMessageHead;
  interval: number;
  isProceeding: boolean;
  retransmit: NodeJS.Timeout | undefined;
  readonly giveUp: NodeJS.Timeout;
}

/**
 * The most header lines a message from the peer may have before sip.js parses it. sip.js's grammar
 * costs about 0.5 ms per header line, so one datagram of 1,600 lines held the client for most of a
 * second; a real NOTIFY or response has a few dozen. A request over the bound is answered 513 (RFC 3261
 * §21.5.14) here, a response over it is dropped (as if lost; the request's own retry or timeout follows).
 */
export const MAX_HEADER_LINES = 200;

/** Responses kept for answering retransmissions; bounded so that a flood cannot grow it without limit. */
const MAX_CACHED_RESPONSES = 1_000;

export class ReliabilityLayer {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly responses = new Map<string, { readonly text: string; readonly expiry: NodeJS.Timeout }>();
  private isDisposed = false;

  /**
   * @param link the connection below
   * @param deliver passes a message up to sip.js (received, or made here)
   */
  constructor(
    private readonly link: ReliabilityLink,
    private readonly deliver: (text: string) => void,
    private readonly timers: ReliabilityTimers,
  ) {}

  /** Requests still waiting for a final response. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Sends a message from sip.js. Rejects when the connection cannot take it (sip.js then reports 503). */
  async send(text: string): Promise<void> {
    const head = readMessageHead(text);
    // Tracked before the write: on loopback the answer can be read before the write's callback runs.
    let trackedKey: string | undefined;
    if (!this.isDisposed && head && head.branch !== null) {
      if (head.kind === 'request') {
        if (head.method !== 'ACK') trackedKey = this.track(text, head);
      } else if (!this.link.isReliable && head.statusCode >= 200) {
        this.cacheResponse(keyOf(head.branch, head.method), text);
      }
    }
    try {
      await this.link.send(text);
    } catch (error) {
      const entry = trackedKey === undefined ? undefined : this.pending.get(trackedKey);
      if (trackedKey !== undefined && entry) this.stop(trackedKey, entry);
      throw error;
    }
  }

  /** Takes a message from the connection. */
  receive(text: string): void {
    if (this.isDisposed) return;
    const head = readMessageHead(text);
    const isOversized = headerLineCount(text) > MAX_HEADER_LINES;
    if (!head) {
      // sip.js's parser decides what to do with it, unless it is too long for anyone to read (nor to answer: whether
      // it is a request cannot be told).
      if (!isOversized) this.deliver(text);
      return;
    }
    if (head.kind === 'response') {
      if (isOversized) return;
      this.onResponse(head);
      this.deliver(text);
      return;
    }
    if (isOversized) {
      this.link
        .send(responseTo(text, 513, 'Message Too Large', [`Warning: 399 presently "more than ${MAX_HEADER_LINES} header lines"`]))
        .catch(() => undefined);
      return;
    }
    if (!this.link.isReliable && head.branch !== null) {
      const cached = this.responses.get(keyOf(head.branch, head.method));
      if (cached) {
        // §17.2.2: a retransmitted request is answered with the last response, and goes no further.
        this.link.send(cached.text).catch(() => undefined);
        return;
      }
    }
    this.deliver(text);
  }

  /** The connection is gone: every waiting request fails now with a local 503. */
  failPending(reason: string): void {
    const waiting = [...this.pending.values()];
    this.clearPending();
    for (const request of waiting) this.deliver(localResponse(request.text, 503, 'Service Unavailable', 'transport', reason));
  }

  /** Stops every timer; nothing is delivered afterwards. */
  dispose(): void {
    this.isDisposed = true;
    this.clearPending();
    for (const { expiry } of this.responses.values()) clearTimeout(expiry);
    this.responses.clear();
  }

  private track(text: string, head: SipMessageHead): string {
    const key = keyOf(head.branch ?? '', head.method);
    const previous = this.pending.get(key);
    if (previous) this.stop(key, previous);
    const entry: PendingRequest = {
      text,
      head,
      interval: this.timers.t1,
      isProceeding: false,
      retransmit: undefined,
      giveUp: setTimeout(() => this.timeOut(key), transactionTimeoutMs(this.timers.t1)),
    };
    this.pending.set(key, entry);
    if (!this.link.isReliable) this.scheduleRetransmit(key, entry);
    return key;
  }

  private scheduleRetransmit(key: string, entry: PendingRequest): void {
    entry.retransmit = setTimeout(
      () => {
        if (this.pending.get(key) !== entry) return;
        this.link.send(entry.text).catch(() => undefined);
        entry.interval = entry.isProceeding ? this.timers.t2 : Math.min(entry.interval * 2, this.timers.t2);
        this.scheduleRetransmit(key, entry);
      },
      entry.isProceeding ? this.timers.t2 : entry.interval,
    );
  }

  private onResponse(head: SipMessageHead): void {
    if (head.branch === null) return;
    const key = keyOf(head.branch, head.method);
    const entry = this.pending.get(key);
    if (!entry) return;
    if (head.statusCode < 200) {
      if (!entry.isProceeding && !this.link.isReliable) {
        entry.isProceeding = true;
        clearTimeout(entry.retransmit);
        this.scheduleRetransmit(key, entry);
      }
      return;
    }
    this.stop(key, entry);
  }

  private timeOut(key: string): void {
    const entry = this.pending.get(key);
    if (!entry) return;
    this.stop(key, entry);
    const seconds = transactionTimeoutMs(this.timers.t1) / 1000;
    this.deliver(localResponse(entry.text, 408, 'Request Timeout', 'timeout', `no response within ${seconds} s`));
  }

  private stop(key: string, entry: PendingRequest): void {
    clearTimeout(entry.retransmit);
    clearTimeout(entry.giveUp);
    this.pending.delete(key);
  }

  private clearPending(): void {
    for (const [key, entry] of [...this.pending]) this.stop(key, entry);
  }

  private cacheResponse(key: string, text: string): void {
    const existing = this.responses.get(key);
    if (existing) clearTimeout(existing.expiry);
    else if (this.responses.size >= MAX_CACHED_RESPONSES) {
      const oldest = this.responses.keys().next().value;
      if (oldest !== undefined) {
        clearTimeout(this.responses.get(oldest)?.expiry);
        this.responses.delete(oldest);
      }
    }
    const expiry = setTimeout(() => this.responses.delete(key), transactionTimeoutMs(this.timers.t1));
    expiry.unref();
    this.responses.set(key, { text, expiry });
  }
}

function keyOf(branch: string, method: string): string {
  // §17.2.3: ACK belongs to the INVITE transaction; for every other method branch + method identify it.
  return `${branch}\u0000${method === 'ACK' ? 'INVITE' : method}`;
}

/** The header fields a response copies from its request (RFC 3261 §8.2.6.2). */
const COPIED_TO_RESPONSES = new Set(['via', 'from', 'to', 'call-id', 'cseq']);

/** The response a transaction layer would hand up for `request`: its Via, From, To, Call-ID and CSeq. */
export function localResponse(request: string, statusCode: number, reason: string, kind: 'timeout' | 'transport', detail: string): string {
  return responseTo(request, statusCode, reason, [`${LOCAL_RESPONSE_HEADER}: ${kind}; detail="${detail.replace(/["\\\r\n]/g, ' ')}"`]);
}

/**
 * A bodiless response to `request` (RFC 3261 §8.2.6.2: Via, From, To, Call-ID and CSeq copied; for one
 * sent to the peer, `toTag` is added to a To without a tag, as a UAS must).
 */
export function responseTo(request: string, statusCode: number, reason: string, extraHeaders: readonly string[], toTag?: string): string {
  const copied = splitSipMessage(request)
    .headers.filter((field) => COPIED_TO_RESPONSES.has(field.key))
    .map((field) =>
      field.key === 'to' && toTag !== undefined && tagOf(field.value) === null
        ? `${field.name}: ${field.value};tag=${toTag}`
        : `${field.name}: ${field.value}`,
    );
  return [`SIP/2.0 ${statusCode} ${reason}`, ...copied, ...extraHeaders, 'Content-Length: 0', '', ''].join('\r\n');
}

/** Whether `request` carries every header a response must copy (without them nothing can be answered). */
export function hasResponseHeaders(request: string): boolean {
  const seen = new Set<string>();
  for (const field of splitSipMessage(request).headers) if (COPIED_TO_RESPONSES.has(field.key)) seen.add(field.key);
  return seen.size === COPIED_TO_RESPONSES.size;
}

/** Line breaks before the end of the header section: an upper bound of its header fields, by one scan. */
function headerLineCount(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
    // A blank line (LF right after LF, or after CR LF) ends the header section.
    if (text.charCodeAt(at + 1) === 10 || (text.charCodeAt(at + 1) === 13 && text.charCodeAt(at + 2) === 10)) break;
    if (++lines > MAX_HEADER_LINES) break;
  }
  return lines;
}
