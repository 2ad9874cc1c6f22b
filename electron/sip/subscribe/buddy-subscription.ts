/**
 * One buddy's presence subscription — a watcher of RFC 3856 on the event framework of RFC 6665 — on
 * sip.js's core. Replaces sip.js's `Subscriber`, which re-subscribes a fetch in a tight loop, reads
 * retry-after seconds as milliseconds, never finishes `dispose()` while active, reports pending and
 * active alike and ignores 423 (docs/sip-js.md §7).
 *
 * One SUBSCRIBE dialog per buddy: `Event: presence`, `Accept:` every type the PIDF codec reads.
 *
 *   idle ──start──► subscribing ──NOTIFY pending──► pending ──NOTIFY active──► active ◄─┐
 *                     │  │ 423 → again with Min-Expires        │                   │ refresh timer:
 *                     │  └ failure ─► error ──back-off──► subscribing            │ re-SUBSCRIBE in dialog
 *                     └──────────── NOTIFY terminated(reason) ─► terminated ──────┘
 *   terminated: deactivated/timeout → subscribe again at once (then with back-off if it repeats);
 *               probation/giveup/unknown → after retry-after seconds, else back-off (§4.1.3);
 *               rejected/noresource/invariant → stay terminated.
 *   stop(): SUBSCRIBE Expires: 0 in the dialog, then forget it — always within the given time.
 *
 * `unknown` (no NOTIFY yet) and `pending` (awaiting the buddy's authorisation) are never shown as
 * offline; the presence document stays null until a NOTIFY carries one.
 */
import type { URI } from 'sip.js/lib/grammar/index.js';
import { SubscriptionDialog, type IncomingNotifyRequest, type IncomingResponse, type OutgoingSubscribeRequest, type Subscription } from 'sip.js/lib/core/index.js';
import type { BuddyPresence, SipProblem, SubscriptionState } from '../../../shared/presence/presence-state';
import { ACCEPTED_PRESENCE_TYPES } from '../../../shared/pidf';
import { waitAtMost } from '../../deadline';
import { problemAsReason, problemFromResponse, responseOrigin, unusableIntervalProblem } from '../sip-problem';
import type { SipStack } from '../sip-stack';
import { backoffMs, decideIntervalTooBrief, readGrantedExpires, readRetryAfter, refreshDelayMs, retryDelayMs } from '../usage/refresh-policy';
import { NO_PUBLISHED_STATE, readNotifyBody } from './notify-body';
import { parseSubscriptionState, resubscribePolicy } from './subscription-state-header';

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
  readonly retryBase: number;
  readonly retryMax: number;
  readonly random: () => number;
  readonly onChange: (buddy: BuddyPresence) => void;
}

/** Responses after which subscribing again is pointless until something changes. */
const FINAL_FAILURES = new Set([400, 401, 403, 405, 407, 415, 416, 420, 489, 501, 603]);

export const PRESENCE_ACCEPT = ACCEPTED_PRESENCE_TYPES.join(', ');

export class BuddySubscription {
  private buddyValue: BuddyPresence;
  private expires: number;
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

  constructor(
    private readonly stack: SipStack,
    private readonly options: BuddySubscriptionOptions,
  ) {
    this.expires = options.expires;
    this.buddyValue = { aor: options.aor, subscription: { phase: 'unknown' }, presence: null, changedAt: null };
  }

  get buddy(): BuddyPresence {
    return this.buddyValue;
  }

  /** The link is up (registered, or connected without registration): subscribe if not yet. */
  linkUp(): void {
    this.isLinkUp = true;
    if (this.isStopped || this.dialog || this.initial || this.retryTimer) return;
    if (this.buddyValue.subscription.phase === 'terminated' && this.buddyValue.subscription.retryAt === undefined) return;
    this.subscribe();
  }

  /** The connection is gone: the dialog is void (the Contact changes with the new connection). */
  linkDown(problem: SipProblem): void {
    this.isLinkUp = false;
    this.generation += 1;
    this.clearTimers();
    this.forgetDialog();
    if (this.isStopped) return;
    const phase = this.buddyValue.subscription;
    if (phase.phase === 'terminated' && phase.retryAt === undefined) return;
    this.setSubscription({ phase: 'error', problem: problemAsReason('Not watching', problem) });
  }

  /** Ends the subscription (SUBSCRIBE Expires: 0); resolves when answered or after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    this.generation += 1;
    this.clearTimers();
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
            onNotify: (notify) => {
              notify.accept();
              if (parseSubscriptionState(notify.message.getHeader('subscription-state'))?.state === 'terminated') resolve();
            },
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
              { extraHeaders: ['Event: presence', 'Expires: 0', `Contact: ${this.stack.contactHeader()}`] },
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

  private subscribe(): void {
    if (this.isStopped || !this.isLinkUp) return;
    this.generation += 1;
    const generation = this.generation;
    const isCurrent = () => generation === this.generation && !this.isStopped;
    const expires = this.expires;
    const request = this.stack.makeRequest('SUBSCRIBE', this.options.target, this.options.from, this.options.target, [
      'Event: presence',
      `Accept: ${PRESENCE_ACCEPT}`,
      `Expires: ${expires}`,
      `Contact: ${this.stack.contactHeader()}`,
      'Allow: ACK, BYE, CANCEL, NOTIFY, OPTIONS',
    ]);
    const current = this.buddyValue.subscription;
    if (current.phase !== 'active' && current.phase !== 'pending' && !(current.phase === 'unknown' && current.problem === undefined)) {
      this.setSubscription({ phase: 'unknown' });
    }
    const onFinal = (response: IncomingResponse) => {
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
    };
    this.initial = this.stack.core.subscribe(request, {
      onAccept: onFinal,
      onReject: onFinal,
      onRedirect: onFinal,
      onNotify: ({ request: notify, subscription }) => {
        if (!isCurrent()) {
          // A NOTIFY for an attempt we gave up: end that subscription at the notifier.
          notify.reject({ statusCode: 481 });
          subscription?.dispose();
          return;
        }
        this.initial = undefined;
        if (subscription) {
          this.dialog = subscription;
          subscription.delegate = {
            onNotify: (inDialog) => (isCurrent() ? this.onNotify(inDialog) : inDialog.accept()),
            onTerminated: () => {
              if (isCurrent() && this.dialog === subscription) this.onDialogLost(subscription);
            },
          };
        }
        this.onNotify(notify);
      },
      onNotifyTimeout: () => {
        if (!isCurrent()) return;
        this.initial = undefined;
        this.retryLater({ message: 'Subscription failed: the server accepted it but sent no NOTIFY.' }, undefined);
      },
    });
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
      // Asking again for an interval the server refused only earns the same 423: stay in error.
      const problem = verdict.kind === 'unusable' ? unusableIntervalProblem(action, minExpires) : problemFromResponse(action, message, this.options.hasPassword);
      this.setSubscription({ phase: 'error', problem });
      return;
    }
    const problem = problemFromResponse(action, message, this.options.hasPassword);
    const origin = responseOrigin(message);
    if (origin === 'transport') {
      // The connection went away; linkUp() subscribes again after the reconnection.
      this.setSubscription({ phase: 'error', problem });
      return;
    }
    if (origin === 'server' && FINAL_FAILURES.has(code)) {
      this.setSubscription({ phase: 'error', problem });
      return;
    }
    this.retryLater(problem, readRetryAfter(message.getHeader('retry-after')));
  }

  private onNotify(notify: IncomingNotifyRequest): void {
    const message = notify.message;
    const header = parseSubscriptionState(message.getHeader('subscription-state'));
    if (!header) {
      // sip.js has answered 489 already to a NOTIFY without a usable Subscription-State.
      return;
    }
    const verdict = readNotifyBody(message.body, message.getHeader('content-type'));
    if (verdict.kind === 'unsupported-type') {
      notify.reject({ statusCode: 415, extraHeaders: [`Accept: ${PRESENCE_ACCEPT}`] });
      this.generation += 1;
      this.clearTimers();
      this.forgetDialog();
      this.setSubscription({ phase: 'error', problem: verdict.problem });
      return;
    }
    notify.accept();

    let presence = this.buddyValue.presence;
    let changedAt = this.buddyValue.changedAt;
    let problem: SipProblem | undefined;
    if (verdict.kind === 'presence') {
      presence = verdict.presence;
      changedAt = Date.now();
    } else if (verdict.kind === 'empty' && header.state === 'active') {
      presence = NO_PUBLISHED_STATE;
      changedAt = Date.now();
    } else if (verdict.kind === 'unreadable') {
      problem = verdict.problem;
    }

    if (header.state === 'terminated') {
      this.dialog = undefined; // sip.js has disposed of it
      this.clearTimers();
      this.onTerminated(header.reason, header.retryAfter, presence, changedAt);
      return;
    }
    const expires = header.expires;
    if (expires !== undefined && expires > 0) this.scheduleRefresh(expires);
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

  private onTerminated(reason: string | undefined, retryAfter: number | undefined, presence: BuddyPresence['presence'], changedAt: number | null): void {
    const policy = resubscribePolicy(reason);
    this.buddyValue = { ...this.buddyValue, presence, changedAt };
    if (policy === 'never') {
      this.setSubscription({ phase: 'terminated', ...(reason === undefined ? {} : { reason }) });
      return;
    }
    const resubscribesAtOnce = retryAfter === undefined && policy === 'now' && this.attempt === 0;
    const delay = resubscribesAtOnce ? 0 : retryDelayMs(retryAfter, Math.max(0, this.attempt - 1), this.options.retryBase, this.options.retryMax, this.options.random);
    this.attempt += 1;
    this.scheduleRetry(delay, { phase: 'terminated', ...(reason === undefined ? {} : { reason }) });
  }

  /** The dialog ended without a terminating NOTIFY (481 to a refresh, no NOTIFY after a refresh). */
  private onDialogLost(dialog: Subscription): void {
    if (this.dialog !== dialog) return;
    this.dialog = undefined;
    this.clearTimers();
    const delay = this.attempt === 0 ? 0 : backoffMs(this.attempt - 1, this.options.retryBase, this.options.retryMax, this.options.random);
    this.attempt += 1;
    this.scheduleRetry(delay, { phase: 'terminated', reason: 'timeout' });
  }

  private retryLater(problem: SipProblem, retryAfter: number | undefined): void {
    const delay = retryDelayMs(retryAfter, this.attempt, this.options.retryBase, this.options.retryMax, this.options.random);
    this.attempt += 1;
    this.scheduleRetry(delay, { phase: 'error', problem });
  }

  private scheduleRetry(delay: number, state: SubscriptionState): void {
    clearTimeout(this.retryTimer);
    this.setSubscription({ ...state, retryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.subscribe();
    }, delay);
  }

  /** RFC 6665 §4.1.2.2: refresh in the dialog before it expires. */
  private scheduleRefresh(expires: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh(0);
    }, refreshDelayMs(expires, this.options.t1));
  }

  private refresh(retries423: number): void {
    const dialog = this.dialog;
    if (!dialog || this.isStopped) return;
    const generation = this.generation;
    const expires = this.expires;
    let request: OutgoingSubscribeRequest | undefined;
    const onFinal = (response: IncomingResponse) => {
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
      // The refresh failed: this dialog cannot be trusted any more; start a new subscription.
      this.forgetDialog();
      this.retryLater(problemFromResponse(`Refreshing the watch of ${this.buddyValue.aor}`, response.message, this.options.hasPassword), readRetryAfter(response.message.getHeader('retry-after')));
    };
    try {
      request = dialog.subscribe(
        { onAccept: onFinal, onReject: onFinal, onRedirect: onFinal },
        {
          extraHeaders: ['Event: presence', `Accept: ${PRESENCE_ACCEPT}`, `Expires: ${expires}`, `Contact: ${this.stack.contactHeader()}`],
        },
      );
    } catch {
      this.onDialogLost(dialog);
    }
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
