/**
 * Transaction timing over the trace: which response answers which request, how long it took, which
 * messages are the same transaction's request or response sent again, and which requests never got a
 * final answer.
 *
 * Matching follows RFC 3261 §17.1.3 and §17.2.3: a transaction is the top Via's branch together with the
 * CSeq method, and the side that sent the request (our client transaction and a server transaction of
 * ours may share a branch only by accident, never a direction). A response belongs to the transaction
 * of a request sent the other way. A request seen again in the same transaction is a retransmission
 * (§17.1.1.2 Timer A, §17.1.2.2 Timer E over UDP), and so is a response repeating a status code and To
 * tag the transaction already answered with (§17.2.1 a UAS repeating its final answer, §17.2.2 the
 * cached answer to a retransmitted request; another To tag is another UAS answering a forked request,
 * §19.3). ACK is its own key and never expects an answer (§17.1.1.3).
 *
 * Round-trip times are taken from the request's first copy, separately for the first provisional and
 * every final answer. A request with no final answer is flagged once 64·T1 has passed (Timer F / B,
 * §17.1.2.2, §17.1.1.2) or when the capture has ended.
 *
 * Incremental like the other trace indexes: `sync()` reads only records appended since and forgets
 * records the buffer dropped, each in constant time, so the live trace and a capture of a million
 * messages cost the same per message.
 */
import { transactionTimeoutMs, T1_MS } from '../sip/timers';
import type { TraceRecordSource } from './trace-buffer';
import type { TraceRecord } from './trace-summary';

/** What the index knows about one message of a transaction. */
export interface TraceTiming {
  /** The sequence number of the first copy of this message (its own when it is the original). */
  readonly originalSeq: number;
  /** 1 for the original, 2 for the first retransmission, and so on. */
  readonly copy: number;
  /** On an original: how many copies were seen so far (1 when never sent again). */
  readonly copies: number;
  /** On a response's first copy: milliseconds since its request's first copy; null when not known. */
  readonly roundTripMs: number | null;
  /** On a request's first copy: whether its transaction has had a final (≥ 200) answer yet. */
  readonly isAnswered: boolean;
}

/** Compact the arrival-order queue once this many forgotten entries lead it. */
const COMPACT_AFTER = 4096;

interface MutableTiming {
  originalSeq: number;
  copy: number;
  copies: number;
  roundTripMs: number | null;
  isAnswered: boolean;
}

interface Transaction {
  readonly key: string;
  /** The request's first copy, or null when the trace holds only answers. */
  request: MutableTiming | null;
  requestAt: number;
  /** A provisional answer has been timed already. */
  hasProvisional: boolean;
  /** The first copy of each answer by status code and To tag, for retransmitted answers. */
  readonly responses: Map<string, MutableTiming>;
  /** The last position filed under this transaction, so forgetting knows when it is gone. */
  lastPosition: number;
}

/** The timing of every held record (see the module comment). */
export class TraceTimingIndex {
  private readonly bySeq = new Map<number, MutableTiming>();
  private readonly transactions = new Map<string, Transaction>();
  /** Every filed record in arrival order: its position, sequence number and transaction. */
  private filed: { position: number; seq: number; transaction: Transaction | null }[] = [];
  private filedStart = 0;
  private syncedTo: number;
  /** Changes whenever a timing changes, so views know to look again. */
  version = 0;

  constructor(
    readonly buffer: TraceRecordSource,
    /** T1 of the peers in the trace (RFC 3261 §17.1.1.1), for the 64·T1 deadline. */
    readonly t1Ms: number = T1_MS,
  ) {
    this.syncedTo = buffer.firstPosition;
  }

  /** Catches up with the buffer: forgets dropped records, files new ones. */
  sync(): void {
    const { buffer } = this;
    const first = buffer.firstPosition;
    while (this.filedStart < this.filed.length && this.filed[this.filedStart]!.position < first) {
      this.forget(this.filed[this.filedStart]!);
      this.filedStart++;
      this.version++;
    }
    if (this.filedStart > COMPACT_AFTER && this.filedStart * 2 > this.filed.length) {
      this.filed = this.filed.slice(this.filedStart);
      this.filedStart = 0;
    }
    const end = buffer.endPosition;
    for (let position = Math.max(this.syncedTo, first); position < end; position++) this.file(buffer.atPosition(position)!, position);
    if (end > this.syncedTo) this.version++;
    this.syncedTo = end;
  }

  /** The timing of the record with sequence number `seq`, or undefined when it is no transaction's (keep-alive, no branch). */
  timingOf(seq: number): TraceTiming | undefined {
    return this.bySeq.get(seq);
  }

  /** Whether `seq` is a copy sent again (a retransmission), not the original. */
  isRetransmission(seq: number): boolean {
    return (this.bySeq.get(seq)?.copy ?? 1) > 1;
  }

  /**
   * Whether the request `record` is flagged as never finally answered: its first copy, not an ACK, no
   * final answer, and 64·T1 gone by at `now` (or the capture ended: `now` = Infinity).
   */
  isUnanswered(record: TraceRecord, now: number): boolean {
    const timing = this.bySeq.get(record.entry.seq);
    if (!timing || timing.copy !== 1 || timing.isAnswered || record.summary.kind !== 'request') return false;
    if (record.summary.method === 'ACK') return false;
    return now - record.entry.at >= transactionTimeoutMs(this.t1Ms);
  }

  private file(record: TraceRecord, position: number): void {
    const { summary, entry } = record;
    const isRequest = summary.kind === 'request';
    if ((!isRequest && summary.kind !== 'response') || summary.branch === '' || summary.method === '') {
      this.filed.push({ position, seq: entry.seq, transaction: null });
      return;
    }
    // The side that sent the request: a response travels the other way.
    const requestDirection = isRequest ? entry.direction : entry.direction === 'in' ? 'out' : 'in';
    const key = `${requestDirection} ${summary.method} ${summary.branch}`;
    let transaction = this.transactions.get(key);
    if (!transaction) {
      transaction = { key, request: null, requestAt: 0, hasProvisional: false, responses: new Map(), lastPosition: position };
      this.transactions.set(key, transaction);
    }
    transaction.lastPosition = position;
    this.filed.push({ position, seq: entry.seq, transaction });

    const answerKey = `${summary.statusCode} ${summary.toTag}`;
    const original = isRequest ? transaction.request : (transaction.responses.get(answerKey) ?? null);
    if (original) {
      original.copies++;
      this.bySeq.set(entry.seq, {
        originalSeq: original.originalSeq,
        copy: original.copies,
        copies: original.copies,
        roundTripMs: null,
        isAnswered: false,
      });
      return;
    }
    const timing: MutableTiming = { originalSeq: entry.seq, copy: 1, copies: 1, roundTripMs: null, isAnswered: false };
    this.bySeq.set(entry.seq, timing);
    if (isRequest) {
      transaction.request = timing;
      transaction.requestAt = entry.at;
      return;
    }
    transaction.responses.set(answerKey, timing);
    const request = transaction.request;
    if (!request) return;
    // The first provisional answer and every final one carry a round trip; later 1xx say nothing new.
    if (summary.statusCode >= 200) request.isAnswered = true;
    else if (transaction.hasProvisional) return;
    else transaction.hasProvisional = true;
    timing.roundTripMs = entry.at - transaction.requestAt;
  }

  private forget({ position, seq, transaction }: { position: number; seq: number; transaction: Transaction | null }): void {
    this.bySeq.delete(seq);
    if (!transaction) return;
    if (transaction.request?.originalSeq === seq) transaction.request = null;
    if (transaction.lastPosition === position) this.transactions.delete(transaction.key);
  }
}
