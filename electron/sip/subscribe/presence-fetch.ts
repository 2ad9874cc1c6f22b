/**
 * A one-shot fetch of a buddy's presence (RFC 6665 §4.4.3): SUBSCRIBE with `Expires: 0`; the notifier
 * answers and sends one NOTIFY with the current state and `Subscription-State: terminated`. We take that
 * NOTIFY and stop — unlike sip.js's Subscriber, which re-subscribes a fetch in a tight loop. If a server
 * answers with an active subscription anyway, the dialog is dropped at once (and its next NOTIFY gets 481).
 * Always settles: with the presence, with the server's refusal, with the problem of a NOTIFY the stack refused
 * (notify-screen.ts), or after `timeoutMs` without a NOTIFY.
 */
import type { URI } from 'sip.js/lib/grammar/index.js';
import type { IncomingNotifyRequest, IncomingResponse, Subscription } from 'sip.js/lib/core/index.js';
import { errorMessage } from '../../../shared/error-message';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { PRESENCE_ACCEPT_HEADER } from '../../../shared/pidf';
import { problemFromResponse } from '../sip-problem';
import type { SipStack } from '../sip-stack';
import { NO_PUBLISHED_STATE, readNotifyBody } from './notify-body';
import { PRESENCE_EVENT } from './notify-screen';
import { parseSubscriptionState } from './subscription-state-header';

export interface PresenceFetchOptions {
  readonly target: URI;
  /** The AOR as the caller wrote it. */
  readonly aor: string;
  readonly from: URI;
  readonly timeoutMs: number;
  readonly hasPassword: boolean;
  /** Of several notes, show one in the first of these languages (notify-body.ts noteLanguagesFor). */
  readonly noteLanguages?: readonly string[];
}

export function fetchPresence(stack: SipStack, options: PresenceFetchOptions): Promise<BuddyPresence> {
  const aor = options.aor;
  const base: BuddyPresence = { aor, subscription: { phase: 'unknown' }, presence: null, changedAt: null };
  return new Promise<BuddyPresence>((resolve) => {
    let isSettled = false;
    const settle = (buddy: BuddyPresence) => {
      if (isSettled) return;
      isSettled = true;
      clearTimeout(timer);
      stopHearingRefusals();
      uac.waitNotifyStop();
      resolve(buddy);
    };
    const request = stack.makeRequest('SUBSCRIBE', options.target, options.from, options.target, [
      `Event: ${PRESENCE_EVENT}`,
      `Accept: ${PRESENCE_ACCEPT_HEADER}`,
      'Expires: 0',
      `Contact: ${stack.contactHeader()}`,
    ]);
    // A fetch has one NOTIFY: if the stack refused it, that NOTIFY's problem is the answer.
    const stopHearingRefusals = stack.onNotifyRefused((callId, refusal) => {
      if (callId === request.callId) settle({ ...base, subscription: { phase: 'error', problem: refusal.problem } });
    });
    const onFinal = (response: IncomingResponse) => {
      const code = response.message.statusCode ?? 0;
      if (code >= 200 && code < 300) return; // the NOTIFY follows
      settle({
        ...base,
        subscription: {
          phase: 'error',
          problem: problemFromResponse(`Fetching the presence of ${aor}`, response.message, options.hasPassword),
        },
      });
    };
    const uac = stack.core.subscribe(request, {
      onAccept: onFinal,
      onReject: onFinal,
      onRedirect: onFinal,
      onNotify: ({ request: notify, subscription }) => {
        try {
          takeNotify(notify, subscription);
        } catch (error) {
          // Never into sip.js (it would answer 500): the NOTIFY still gets its 200, the fetch its answer.
          try {
            notify.accept();
          } catch {
            // It was answered before the failure.
          }
          settle({
            ...base,
            subscription: {
              phase: 'error',
              problem: { message: `Fetching the presence of ${aor} failed inside Presently: ${errorMessage(error)}` },
            },
          });
        }
      },
      onNotifyTimeout: () =>
        settle({
          ...base,
          subscription: { phase: 'error', problem: { message: `Fetching the presence of ${aor} failed: no NOTIFY arrived.` } },
        }),
    });
    function takeNotify(notify: IncomingNotifyRequest, subscription: Subscription | undefined): void {
      const message = notify.message;
      const header = parseSubscriptionState(message.getHeader('subscription-state'));
      const verdict = readNotifyBody(message.body, message.getHeader('content-type'), options.noteLanguages);
      notify.accept();
      if (subscription) {
        subscription.delegate = undefined;
        subscription.dispose();
      }
      const state = header?.state ?? 'terminated';
      if (verdict.kind === 'presence' || (verdict.kind === 'empty' && state !== 'pending')) {
        const presence = verdict.kind === 'presence' ? verdict.presence : NO_PUBLISHED_STATE;
        settle({ aor, presence, changedAt: Date.now(), subscription: { phase: 'terminated', reason: header?.reason ?? 'timeout' } });
      } else if (verdict.kind === 'empty') {
        settle({ ...base, subscription: { phase: 'pending' } });
      } else {
        settle({ ...base, subscription: { phase: 'error', problem: verdict.problem } });
      }
    }
    const timer = setTimeout(
      () =>
        settle({
          ...base,
          subscription: {
            phase: 'error',
            problem: { message: `Fetching the presence of ${aor} failed: no answer within ${options.timeoutMs} ms.` },
          },
        }),
      options.timeoutMs,
    );
  });
}
