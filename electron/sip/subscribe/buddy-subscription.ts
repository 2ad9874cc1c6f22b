/**
 * One buddy's presence subscription — a watcher of RFC 3856 on the event framework of RFC 6665 — on
 * sip.js's core. Replaces sip.js's `Subscriber`, which re-subscribes a fetch in a tight loop, reads
 * retry-after seconds as milliseconds, never finishes `dispose()` while active, reports pending and
 * active alike and ignores 423 (docs/sip-js.md §7).
 *
 * One SUBSCRIBE dialog per buddy: `Event: presence`, `Accept:` every type the PIDF codec reads — or, where the server
 * refuses presence but offers the dialog package, `Event: dialog` for the buddy's line state (watched-event.ts):
 * chosen before each new subscription, and at once after a 489 to a presence SUBSCRIBE. The same machinery watches our
 * own AOR's watcher information (RFC 3857 `presence.winfo`, watcher-info-watch.ts), the buddy list as one resource
 * list (RFC 4662, resource-list-watch.ts), our mailbox (RFC 3842, message-summary-watch.ts) and a buddy's line next
 * to its presence (RFC 4235, watched-event.ts), each passed in as `watch`.
 *
 *   idle ──start──► subscribing ──NOTIFY pending──► pending ──NOTIFY active──► active ◄─┐
 *                     │  │ 423 → again with Min-Expires        │                   │ refresh timer:
 *                     │  └ failure ─► error ──back-off──► subscribing            │ re-SUBSCRIBE in dialog
 *                     └──────────── NOTIFY terminated(reason) ─► terminated ──────┘
 *   Every end schedules a new SUBSCRIBE, at the pace refresh-policy.ts decides (Retry-After / retry-after honoured):
 *     at once — deactivated, timeout, 481 to a refresh, the dialog lost (then back-off if it repeats);
 *     seconds — no answer, 408, 480, 500, 502–504, probation, giveup, unknown reasons;
 *     minutes to an hour — refusals a person must lift: 403, 404, 489, …, rejected, noresource, invariant.
 *   A NOTIFY we cannot use ends nothing: one notify-screen.ts refuses (400, 415, 489) and one whose body cannot be
 *   read (answered 200) leave the phase and the last good presence as they were, with a warning in `problem`.
 *   Every callback from sip.js or a timer runs guarded: an exception of ours is logged, a NOTIFY still gets its 200,
 *   and anything else starts the subscription over — it never reaches sip.js (which would answer 500).
 *   stop(): SUBSCRIBE Expires: 0 in the dialog, then forget it — always within the given time.
 *   Every new SUBSCRIBE (not a refresh in the dialog) waits for a slot of the account's pacer (subscribe-pacer.ts)
 *   and tells it how its transaction ended, so that thousands of buddies are neither a burst nor a trickle.
 *
 * `unknown` (no NOTIFY yet) and `pending` (awaiting the buddy's authorisation) are never shown as
 * offline; the presence document stays null until a NOTIFY carries one.
 */
import type { URI } from 'sip.js/lib/grammar/index.js';
import {
  SubscriptionDialog,
  type IncomingNotifyRequest,
  type IncomingResponse,
  type OutgoingSubscribeRequest,
  type Subscription,
} from 'sip.js/lib/core/index.js';
import { errorMessage } from '../../../shared/error-message';
import type { BuddyPresence, SipProblem, SubscriptionState } from '../../../shared/presence/presence-state';
import { waitAtMost } from '../../deadline';
import type { SipLogger } from '../sip-client-types';
import { problemAsReason, problemFromResponse, responseOrigin, unusableIntervalProblem } from '../sip-problem';
import type { SipStack } from '../sip-stack';
import {
  decideIntervalTooBrief,
  readGrantedExpires,
  readRetryAfter,
  resubscribeDelayMs,
  resubscribePaceAfterResponse,
  resubscribePaceAfterTermination,
  spreadRefreshDelayMs,
  type ResubscribeBackoff,
  type ResubscribePace,
} from '../usage/refresh-policy';
import { NO_PUBLISHED_STATE, detachedSummary } from './notify-body';
import type { NotifyRefusal } from './notify-screen';
import { subscribeOutcome, type PacerTicket, type SubscribePacer } from './subscribe-pacer';
import { parseSubscriptionState } from './subscription-state-header';
import { LineStateWatch, presenceWatch, type WatchedEvent } from './watched-event';

export interface BuddySubscriptionOptions {
  /** The buddy's AOR (Request-URI and To). */
  readonly target: URI;
  /** The AOR as the caller wrote it, reported back in every BuddyPresence. */
  readonly aor: string;
  /** Our AOR (From). */
  readonly from: URI;
  readonly expires: number;
  readonly hasPassword: boolean;
  readonly t1: number;
  /** The back-off ranges of re-SUBSCRIBEs after an end (refresh-policy.ts). */
  readonly backoff: ResubscribeBackoff;
  readonly random: () => number;
  /** Where an exception of ours inside a sip.js or timer callback is written (it is never passed on). */
  readonly logger: SipLogger;
  readonly onChange: (buddy: BuddyPresence) => void;
  /** What to watch instead of the buddy's presence (our own watcher information, watcher-info-watch.ts). */
  readonly watch?: WatchedEvent;
  /** Whether to watch line state instead of presence (the server refuses presence but offers the dialog package). */
  readonly watchLineState?: () => boolean;
  /** Of several notes, show one in the first of these languages (notify-body.ts noteLanguagesFor). */
  readonly noteLanguages?: readonly string[];
  /** The account's window of SUBSCRIBE transactions in flight; without one, every SUBSCRIBE goes at once. */
  readonly pacer?: SubscribePacer;
  /** Where this buddy's SUBSCRIBE waits in the pacer's queue: higher goes first (default 0). */
  readonly priority?: number;
}

export class BuddySubscription {
  private buddyValue: BuddyPresence;
  private expires: number;
  private watched: WatchedEvent;
  private dialog: Subscription | undefined;
  private initial: OutgoingSubscribeRequest | undefined;
  /** Incremented whenever earlier requests' callbacks must be ignored (restart, stop, link loss). */
  private generation = 0;
  private attempt = 0;
  private retries423 = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private isLinkUp = false;
  private isStopped = false;
  /** The Call-ID of the current attempt and its dialog: NOTIFYs the stack refused are matched by it. */
  private callId: string | undefined;
  private readonly stopHearingRefusals: () => void;
  /** The pacer's ticket of the new SUBSCRIBE waiting for a slot or in flight, until its final response. */
  private ticket: PacerTicket | undefined;
  private priority: number;

  constructor(
    private readonly stack: SipStack,
    private readonly options: BuddySubscriptionOptions,
  ) {
    this.expires = options.expires;
    this.watched = options.watch ?? presenceWatch(options.noteLanguages);
    this.priority = options.priority ?? 0;
    this.buddyValue = { aor: options.aor, subscription: { phase: 'unknown' }, presence: null, changedAt: null };
    this.stopHearingRefusals = stack.onNotifyRefused((callId, refusal) => {
      if (callId === this.callId) this.onRefusedNotify(refusal);
    });
  }

  get buddy(): BuddyPresence {
    return this.buddyValue;
  }

  /** The link is up (registered, or connected without registration): subscribe if not yet. */
  linkUp(): void {
    this.isLinkUp = true;
    if (this.isStopped || this.dialog || this.initial || this.retryTimer || this.ticket) return;
    this.subscribe();
  }

  /** Moves a SUBSCRIBE still waiting for the pacer to another priority (the buddy came into or left view). */
  setPriority(priority: number): void {
    this.priority = priority;
    this.ticket?.reprioritize(priority);
  }

  /** The connection is gone: the dialog is void (the Contact changes with the new connection). */
  linkDown(problem: SipProblem): void {
    this.isLinkUp = false;
    this.generation += 1;
    this.clearTimers();
    this.forgetDialog();
    this.releaseTicket();
    if (this.isStopped) return;
    this.setSubscription({ phase: 'error', problem: problemAsReason('Not watching', problem) });
  }

  /** Ends the subscription (SUBSCRIBE Expires: 0); resolves when answered or after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    this.stopHearingRefusals();
    this.generation += 1;
    this.clearTimers();
    this.releaseTicket();
    const dialog = this.dialog;
    this.dialog = undefined;
    if (this.initial) {
      // No dialog yet: a NOTIFY that still arrives is answered 481, which ends it at the notifier.
      this.initial.waitNotifyStop();
      this.initial = undefined;
    }
    if (!dialog) return;
    if (this.isLinkUp && this.stack.currentConnection) {
      await waitAtMost(
        new Promise<void>((resolve) => {
          dialog.delegate = {
            onNotify: (notify) =>
              this.guardNotify(notify, () => {
                notify.accept();
                if (parseSubscriptionState(notify.message.getHeader('subscription-state'))?.state === 'terminated') resolve();
              }),
            onTerminated: () => resolve(),
          };
          try {
            dialog.subscribe(
              {
                // RFC 6665 §4.1.2.3: the notifier follows the 2xx with a final NOTIFY; give it a moment
                // so that it is answered 200 rather than 481.
                onAccept: () => setTimeout(resolve, 2 * this.options.t1),
                onReject: () => resolve(),
                onRedirect: () => resolve(),
              },
              { extraHeaders: [`Event: ${this.watched.event}`, 'Expires: 0', `Contact: ${this.stack.contactHeader()}`] },
            );
          } catch {
            resolve(); // sip.js refuses once the dialog has terminated: nothing to end
          }
        }),
        timeoutMs,
      );
    }
    dialog.dispose();
  }

  /** Starts a new subscription: at once, or when the pacer gives it a slot. */
  private subscribe(): void {
    if (this.isStopped || !this.isLinkUp) return;
    const current = this.buddyValue.subscription;
    if (current.phase !== 'active' && current.phase !== 'pending' && !(current.phase === 'unknown' && current.problem === undefined)) {
      this.setSubscription({ phase: 'unknown' });
    }
    const pacer = this.options.pacer;
    if (!pacer) {
      this.sendSubscribe(undefined);
      return;
    }
    this.releaseTicket();
    this.ticket = pacer.enqueue((ticket) => this.guard('Subscribing', () => this.sendSubscribe(ticket)), this.priority);
  }

  private sendSubscribe(ticket: PacerTicket | undefined): void {
    if (this.isStopped || !this.isLinkUp) {
      ticket?.cancel();
      return;
    }
    this.generation += 1;
    const generation = this.generation;
    const isCurrent = () => this.isCurrentAttempt(generation);
    const expires = this.expires;
    this.chooseLineStateIfNeeded();
    const request = this.stack.makeRequest('SUBSCRIBE', this.options.target, this.options.from, this.options.target, [
      `Event: ${this.watched.event}`,
      `Accept: ${this.watched.accept}`,
      ...(this.watched.requestHeaders ?? []),
      `Expires: ${expires}`,
      `Contact: ${this.stack.contactHeader()}`,
      'Allow: ACK, BYE, CANCEL, NOTIFY, OPTIONS',
    ]);
    this.callId = request.callId;
    const onFinal = (response: IncomingResponse) =>
      this.guard('Reading the answer to SUBSCRIBE', () => {
        if (ticket) {
          const message = response.message;
          ticket.finished(
            subscribeOutcome(message.statusCode ?? 0, responseOrigin(message), readRetryAfter(message.getHeader('retry-after'))),
          );
          if (this.ticket === ticket) this.ticket = undefined;
        }
        if (!isCurrent()) return;
        const code = response.message.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          // RFC 6665 §4.1.2.1: the NOTIFY, not the 2xx, says pending or active; note the granted expiry.
          this.retries423 = 0;
          const granted = readGrantedExpires(response.message.getHeader('expires'));
          if (granted !== undefined && this.dialog) this.scheduleRefresh(granted);
          return;
        }
        this.initial = undefined;
        this.onSubscribeFailure(response, expires);
      });
    this.initial = this.stack.core.subscribe(request, {
      onAccept: onFinal,
      onReject: onFinal,
      onRedirect: onFinal,
      onNotify: ({ request: notify, subscription }) =>
        this.guardNotify(notify, () => {
          if (!isCurrent()) {
            // A NOTIFY for an attempt we gave up: end that subscription at the notifier.
            notify.reject({ statusCode: 481 });
            subscription?.dispose();
            return;
          }
          this.initial = undefined;
          if (subscription) this.adoptDialog(subscription, generation);
          this.onNotify(notify);
        }),
      onNotifyTimeout: () =>
        this.guard('Giving up waiting for the first NOTIFY', () => {
          if (!isCurrent()) return;
          this.initial = undefined;
          this.retryLater('soon', { message: 'Subscription failed: the server accepted it but sent no NOTIFY.' }, undefined);
        }),
    });
  }

  /** Whether the attempt of `generation` is still the one that counts (no restart, stop or link loss since). */
  private isCurrentAttempt(generation: number): boolean {
    return generation === this.generation && !this.isStopped;
  }

  /**
   * Takes the dialog the first NOTIFY made. Its delegate is built here, not inside the NOTIFY's callback: closures made
   * there would share that callback's scope and keep the first NOTIFY (message, transaction, answer: kilobytes per
   * buddy) alive for as long as the dialog lives.
   */
  private adoptDialog(subscription: Subscription, generation: number): void {
    const isCurrent = () => this.isCurrentAttempt(generation);
    this.dialog = subscription;
    subscription.delegate = {
      onNotify: (inDialog) => this.guardNotify(inDialog, () => (isCurrent() ? this.onNotify(inDialog) : inDialog.accept())),
      onTerminated: () =>
        this.guard('Ending the dialog', () => {
          if (isCurrent() && this.dialog === subscription) this.onDialogLost(subscription);
        }),
    };
  }

  private onSubscribeFailure(response: IncomingResponse, expires: number): void {
    const message = response.message;
    const code = message.statusCode ?? 0;
    const action = `Watching ${this.buddyValue.aor}`;
    if (code === 423) {
      const minExpires = message.getHeader('min-expires');
      const verdict = decideIntervalTooBrief(minExpires, expires, this.retries423);
      if (verdict.kind === 'retry') {
        this.retries423 += 1;
        this.expires = verdict.expires;
        this.subscribe();
        return;
      }
      // Asking again at once for an interval the server refused only earns the same 423: its configuration has to
      // change first, so ask again slowly, with a fresh allowance of 423 retries.
      this.retries423 = 0;
      const problem =
        verdict.kind === 'unusable'
          ? unusableIntervalProblem(action, minExpires)
          : problemFromResponse(action, message, this.options.hasPassword);
      this.retryLater('slow', problem, undefined);
      return;
    }
    // RFC 6665 §4.1.2.1: 489, the server has no presence package; watch the line where it offers the dialog package.
    if (code === 489 && this.chooseLineStateIfNeeded()) {
      this.subscribe();
      return;
    }
    const problem = problemFromResponse(action, message, this.options.hasPassword);
    const origin = responseOrigin(message);
    if (origin === 'transport') {
      // The connection went away; linkUp() subscribes again after the reconnection.
      this.setSubscription({ phase: 'error', problem });
      return;
    }
    this.retryLater(paceAfter(response), problem, readRetryAfter(message.getHeader('retry-after')));
  }

  /** A NOTIFY that passed notify-screen.ts: answered 200, its Subscription-State applied, its body read if it can be. */
  private onNotify(notify: IncomingNotifyRequest): void {
    const message = notify.message;
    const header = parseSubscriptionState(message.getHeader('subscription-state'));
    if (!header) throw new Error('A NOTIFY without a readable Subscription-State passed the screen.');
    const verdict = this.watched.readBody(message.body, message.getHeader('content-type'));
    notify.accept();

    let presence = this.buddyValue.presence;
    let changedAt = this.buddyValue.changedAt;
    let problem: SipProblem | undefined;
    if (verdict.kind === 'presence') {
      presence = detachedSummary(verdict.presence);
      changedAt = Date.now();
    } else if (verdict.kind === 'empty' && header.state === 'active') {
      presence = NO_PUBLISHED_STATE;
      changedAt = Date.now();
    } else if (verdict.kind === 'unreadable' || (verdict.kind === 'taken' && verdict.problem !== undefined)) {
      problem = verdict.problem;
    }

    if (header.state === 'terminated') {
      this.dialog = undefined; // sip.js has disposed of it
      this.clearTimers();
      this.onTerminated(header.reason, header.retryAfter, presence, changedAt);
      return;
    }
    const expires = header.expires;
    if (verdict.kind === 'taken' && verdict.resync) this.refreshSoon();
    else if (expires !== undefined && expires > 0) this.scheduleRefresh(expires);
    this.buddyValue = {
      ...this.buddyValue,
      presence,
      changedAt,
      subscription: {
        phase: header.state,
        ...(expires === undefined ? {} : { expiresAt: Date.now() + expires * 1000 }),
        ...(problem === undefined ? {} : { problem }),
      },
    };
    this.options.onChange(this.buddyValue);
  }

  private onTerminated(
    reason: string | undefined,
    retryAfter: number | undefined,
    presence: BuddyPresence['presence'],
    changedAt: number | null,
  ): void {
    this.buddyValue = { ...this.buddyValue, presence, changedAt };
    this.scheduleRetry(resubscribePaceAfterTermination(reason), retryAfter, {
      phase: 'terminated',
      ...(reason === undefined ? {} : { reason }),
    });
  }

  /** The dialog ended without a terminating NOTIFY (no NOTIFY after a refresh, or sip.js refused to refresh it). */
  private onDialogLost(dialog: Subscription): void {
    if (this.dialog !== dialog) return;
    this.dialog = undefined;
    this.clearTimers();
    this.scheduleRetry('at-once', undefined, { phase: 'terminated', reason: 'timeout' });
  }

  /**
   * The stack refused a NOTIFY of this subscription (notify-screen.ts): nothing changes but the warning, which the
   * next NOTIFY we can use clears. Between attempts (terminated, error) the state already says more.
   */
  private onRefusedNotify(refusal: NotifyRefusal): void {
    const current = this.buddyValue.subscription;
    if (this.isStopped || current.phase === 'terminated' || current.phase === 'error') return;
    this.setSubscription({ ...current, problem: refusal.problem });
  }

  private retryLater(pace: ResubscribePace, problem: SipProblem, retryAfter: number | undefined): void {
    this.scheduleRetry(pace, retryAfter, { phase: 'error', problem });
  }

  private scheduleRetry(pace: ResubscribePace, retryAfter: number | undefined, state: SubscriptionState): void {
    const delay = resubscribeDelayMs(pace, retryAfter, this.attempt, this.options.backoff, this.options.random);
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.setSubscription({ ...state, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(
      () =>
        this.guard('Subscribing again', () => {
          this.retryTimer = undefined;
          this.subscribe();
        }),
      delay,
    );
  }

  /** RFC 6665 §4.1.2.2: refresh in the dialog before it expires (§4.1.2.1: at a spread-out moment, refresh-policy.ts). */
  private scheduleRefresh(expires: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(
      () =>
        this.guard('Refreshing', () => {
          this.refreshTimer = undefined;
          this.refresh(0);
        }),
      spreadRefreshDelayMs(expires, this.options.t1, this.options.random),
    );
  }

  /**
   * Refreshes the dialog now (RFC 6665 §4.2.1.1: the notifier answers with a NOTIFY of the full current state) — for a
   * document that went missing (watcher-info-watch.ts), or when the caller knows the state changed on the server
   * without a NOTIFY of its own (a watcher decided over XCAP). Without a dialog nothing happens: the next one starts full.
   */
  refreshSoon(): void {
    if (this.isStopped || !this.dialog) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() =>
      this.guard('Refreshing for the full state', () => {
        this.refreshTimer = undefined;
        this.refresh(0);
      }),
    );
  }

  private refresh(retries423: number): void {
    const dialog = this.dialog;
    if (!dialog || this.isStopped) return;
    const generation = this.generation;
    const expires = this.expires;
    let request: OutgoingSubscribeRequest | undefined;
    const onFinal = (response: IncomingResponse) =>
      this.guard('Reading the answer to a refresh', () => {
        syncLocalCseq(dialog, request);
        if (generation !== this.generation || this.dialog !== dialog) return;
        const code = response.message.statusCode ?? 0;
        if (code >= 200 && code < 300) {
          // A refresh that worked: the subscription is healthy, so back-off starts over.
          this.attempt = 0;
          const granted = readGrantedExpires(response.message.getHeader('expires'));
          if (granted !== undefined) this.scheduleRefresh(granted);
          return;
        }
        const verdict = code === 423 ? decideIntervalTooBrief(response.message.getHeader('min-expires'), expires, retries423) : undefined;
        if (verdict?.kind === 'retry') {
          this.expires = verdict.expires;
          this.refresh(retries423 + 1);
          return;
        }
        if (responseOrigin(response.message) === 'transport') return; // linkDown() handles it
        // The refresh failed: this dialog cannot be trusted any more; start a new subscription (at once after a 481).
        this.forgetDialog();
        const problem = problemFromResponse(`Refreshing the watch of ${this.buddyValue.aor}`, response.message, this.options.hasPassword);
        this.retryLater(paceAfter(response), problem, readRetryAfter(response.message.getHeader('retry-after')));
      });
    try {
      request = dialog.subscribe(
        { onAccept: onFinal, onReject: onFinal, onRedirect: onFinal },
        {
          extraHeaders: [
            `Event: ${this.watched.event}`,
            `Accept: ${this.watched.accept}`,
            ...(this.watched.requestHeaders ?? []),
            `Expires: ${expires}`,
            `Contact: ${this.stack.contactHeader()}`,
          ],
        },
      );
    } catch {
      this.onDialogLost(dialog);
    }
  }

  /** Switches from presence to line state when the server calls for it; true when it switched just now. */
  private chooseLineStateIfNeeded(): boolean {
    if (this.watched instanceof LineStateWatch || this.options.watchLineState?.() !== true) return false;
    this.watched = new LineStateWatch();
    return true;
  }

  private forgetDialog(): void {
    const dialog = this.dialog;
    this.dialog = undefined;
    if (dialog) {
      dialog.delegate = undefined;
      dialog.dispose();
    }
    if (this.initial) {
      this.initial.waitNotifyStop();
      this.initial = undefined;
    }
  }

  /** Gives the pacer's slot (or place in its queue) back without a verdict: the attempt was abandoned. */
  private releaseTicket(): void {
    this.ticket?.cancel();
    this.ticket = undefined;
  }

  private clearTimers(): void {
    clearTimeout(this.refreshTimer);
    clearTimeout(this.retryTimer);
    this.refreshTimer = undefined;
    this.retryTimer = undefined;
  }

  private setSubscription(subscription: SubscriptionState): void {
    this.buddyValue = { ...this.buddyValue, subscription };
    this.options.onChange(this.buddyValue);
  }

  /**
   * Runs a callback of sip.js or of a timer. An exception of ours is logged and the subscription starts over: thrown
   * into sip.js it would become a 500 or leave a dialog nobody handles.
   */
  private guard(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.options.logger('error', `${what} for ${this.buddyValue.aor} failed: ${errorMessage(error)}`);
      if (this.isStopped) return;
      this.generation += 1;
      this.clearTimers();
      this.forgetDialog();
      this.releaseTicket();
      this.retryLater(
        'soon',
        { message: `Watching ${this.buddyValue.aor} failed inside Presently (${errorMessage(error)}); trying again.` },
        undefined,
      );
    }
  }

  /**
   * Runs our handling of a NOTIFY. An exception of ours is logged, the NOTIFY is answered 200 if it was not yet (the
   * request was fine; a failure answer would end the subscription at the notifier) and the buddy keeps its dialog and
   * last good state, with a warning.
   */
  private guardNotify(notify: IncomingNotifyRequest, handle: () => void): void {
    try {
      handle();
    } catch (error) {
      this.options.logger('error', `Handling a NOTIFY for ${this.buddyValue.aor} failed: ${errorMessage(error)}`);
      try {
        notify.accept();
      } catch {
        // It was answered before the failure.
      }
      const current = this.buddyValue.subscription;
      if (this.isStopped || current.phase === 'terminated' || current.phase === 'error') return;
      this.setSubscription({ ...current, problem: { message: `Presently could not process the update: ${errorMessage(error)}` } });
    }
  }
}

/** The re-SUBSCRIBE pace after a failure response: ours (a timeout) is 'soon', the server's as refresh-policy.ts decides. */
function paceAfter(response: IncomingResponse): ResubscribePace {
  return responseOrigin(response.message) === 'timeout' ? 'soon' : resubscribePaceAfterResponse(response.message.statusCode ?? 0);
}

/**
 * RFC 3261 §12.2.1.1: CSeq in a dialog must strictly increase. When sip.js answers a 401/407 to an
 * in-dialog request it resends with CSeq + 1 but leaves the dialog's counter behind, so the next refresh
 * would reuse that number; catch the dialog up with the request that was actually sent.
 */
function syncLocalCseq(dialog: Subscription, request: OutgoingSubscribeRequest | undefined): void {
  if (!request || !(dialog instanceof SubscriptionDialog)) return;
  while ((dialog.localSequenceNumber ?? 0) < request.message.cseq) dialog.incrementLocalSequenceNumber();
}
