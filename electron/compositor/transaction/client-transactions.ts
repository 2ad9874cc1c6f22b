/**
 * Non-INVITE client transactions for the NOTIFYs we send — RFC 3261 §17.1.2 (state machine, Timers E, F,
 * K) and §17.1.3 (matching a response by the top Via branch and the CSeq method).
 *
 *                       send
 *   (start) ──────────────────────► Trying ──1xx──► Proceeding
 *                                     │  ▲               │  ▲
 *                     Timer E (UDP):  └──┘ retransmit    └──┘ Timer E at T2
 *                     T1, 2·T1, … ≤ T2                   │
 *                                     │                  │
 *                      final response │                  │ final response
 *                                     ▼                  ▼
 *                               (outcome: response)  ◄───┘
 *   Timer F (64·T1) in Trying/Proceeding ──► (outcome: timeout)
 *   the connection is gone ──────────────► (outcome: transport-error)
 *
 * Completed/Timer K is not kept: a late retransmitted response matches nothing and is ignored, which is
 * what Completed would do with it.
 */
import { transactionTimeoutMs } from '../../../shared/sip/timers';
import type { SipResponse } from '../message/sip-message';
import { parseCSeq } from '../../../shared/sip/header-values';
import type { Flow } from '../transport/flow';
import { firstViaParm } from './server-transactions';
import type { SipTimerValues } from '../compositor-types';

/** How a client transaction ended. */
export type ClientOutcome =
  { readonly kind: 'response'; readonly response: SipResponse } | { readonly kind: 'timeout' } | { readonly kind: 'transport-error' };

interface ClientTransaction {
  readonly branch: string;
  readonly method: string;
  readonly message: string;
  readonly flow: Flow;
  readonly onOutcome: (outcome: ClientOutcome) => void;
  interval: number;
  /** Copies sent so far over an unreliable flow (the first send included). */
  copiesSent: number;
  /** How many copies may be sent in all, asked again at every Timer E (the allowance can grow while it runs). */
  readonly copiesAllowed: () => number;
  retransmitTimer: NodeJS.Timeout | null;
  timeoutTimer: NodeJS.Timeout;
}

export class ClientTransactions {
  private readonly live = new Map<string, ClientTransaction>();
  /** Retransmissions sent (Timer E), for the counters. */
  retransmissions = 0;

  constructor(private readonly timers: SipTimerValues) {}

  /** Transactions waiting for a final response. */
  get size(): number {
    return this.live.size;
  }

  /**
   * Sends `message` (whose top Via carries `branch`) over `flow` and reports exactly one outcome,
   * asynchronously, never by throwing. `copiesAllowed` bounds how often it is sent over UDP in all (the first
   * send included), for destinations that have not yet shown they asked for it (anti-amplification); it is asked at
   * every Timer E, so a destination that proves itself meanwhile (by answering another request) gets the
   * retransmissions a lost datagram needs.
   */
  start(
    branch: string,
    method: string,
    message: string,
    flow: Flow,
    onOutcome: (outcome: ClientOutcome) => void,
    copiesAllowed: () => number = () => Infinity,
  ): void {
    if (!flow.send(message)) {
      queueMicrotask(() => onOutcome({ kind: 'transport-error' }));
      return;
    }
    const transaction: ClientTransaction = {
      branch,
      method,
      message,
      flow,
      onOutcome,
      interval: this.timers.t1Ms,
      copiesSent: 1,
      copiesAllowed,
      retransmitTimer: null,
      timeoutTimer: setTimeout(() => this.finish(transaction, { kind: 'timeout' }), transactionTimeoutMs(this.timers.t1Ms)),
    };
    // Timer E runs to the end over UDP even while no copy is allowed: the allowance may grow before Timer F.
    if (!flow.isReliable) transaction.retransmitTimer = setTimeout(() => this.retransmit(transaction), transaction.interval);
    this.live.set(branch, transaction);
  }

  /** Routes a response to its transaction; false when none matches (a stray or late response). */
  onResponse(response: SipResponse): boolean {
    const via = response.headers.get('via');
    if (via === undefined) return false;
    const branch = branchOf(firstViaParm(via));
    if (branch === null) return false;
    const transaction = this.live.get(branch);
    if (transaction === undefined) return false;
    if (parseCSeq(response.headers.get('cseq') ?? '')?.method !== transaction.method) return false;
    if (response.status < 200) {
      // Proceeding: keep retransmitting, but only every T2 (§17.1.2.2).
      transaction.interval = this.timers.t2Ms;
      return true;
    }
    this.finish(transaction, { kind: 'response', response });
    return true;
  }

  /**
   * A connection closed: its transactions cannot get a response any more (RFC 3261 §17.1.4 — a transport
   * failure is reported to the transaction user at once instead of waiting for Timer F).
   */
  flowClosed(flow: Flow): void {
    for (const transaction of [...this.live.values()]) {
      if (transaction.flow === flow) this.finish(transaction, { kind: 'transport-error' });
    }
  }

  /** Ends every transaction without reporting outcomes (shutdown). */
  dispose(): void {
    for (const transaction of this.live.values()) {
      if (transaction.retransmitTimer !== null) clearTimeout(transaction.retransmitTimer);
      clearTimeout(transaction.timeoutTimer);
    }
    this.live.clear();
  }

  private retransmit(transaction: ClientTransaction): void {
    if (transaction.copiesSent < transaction.copiesAllowed()) {
      if (!transaction.flow.send(transaction.message)) {
        this.finish(transaction, { kind: 'transport-error' });
        return;
      }
      this.retransmissions++;
      transaction.copiesSent++;
    }
    transaction.interval = Math.min(transaction.interval * 2, this.timers.t2Ms);
    transaction.retransmitTimer = setTimeout(() => this.retransmit(transaction), transaction.interval);
  }

  private finish(transaction: ClientTransaction, outcome: ClientOutcome): void {
    if (this.live.get(transaction.branch) !== transaction) return;
    this.live.delete(transaction.branch);
    if (transaction.retransmitTimer !== null) clearTimeout(transaction.retransmitTimer);
    clearTimeout(transaction.timeoutTimer);
    transaction.onOutcome(outcome);
  }
}

/** The branch parameter of a via-parm, or null. */
function branchOf(via: string): string | null {
  const lower = via.toLowerCase();
  const at = lower.indexOf(';branch=');
  if (at === -1) return null;
  let end = via.indexOf(';', at + 8);
  if (end === -1) end = via.length;
  return via.slice(at + 8, end).trim();
}
