/**
 * A one-shot fetch of a buddy's presence (RFC 6665 §4.4.3): SUBSCRIBE with `Expires: 0`; the notifier
 * answers and sends one NOTIFY with the current state and `Subscription-State: terminated`. We take that
 * NOTIFY and stop — unlike sip.js's Subscriber, which re-subscribes a fetch in a tight loop. If a server
 * answers with an active subscription anyway, the dialog is dropped at once (and its next NOTIFY gets 481).
 * Always settles: with the presence, with the server's refusal, or after `timeoutMs` without a NOTIFY.
 */
import type { URI } from 'sip.js/lib/grammar/index.js';
import type { IncomingResponse } from 'sip.js/lib/core/index.js';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { problemFromResponse } from '../sip-problem';
import type { SipStack } from '../sip-stack';
import { PRESENCE_ACCEPT } from './buddy-subscription';
import { NO_PUBLISHED_STATE, readNotifyBody } from './notify-body';
import { parseSubscriptionState } from './subscription-state-header';

export interface PresenceFetchOptions {
  readonly target: URI;
  /** The AOR as the caller wrote it. */
  readonly aor: string;
  readonly from: URI;
  readonly timeoutMs: number;
  readonly hasPassword: boolean;
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
      uac.waitNotifyStop();
      resolve(buddy);
    };
    const request = stack.makeRequest('SUBSCRIBE', options.target, options.from, options.target, [
      'Event: presence',
      `Accept: ${PRESENCE_ACCEPT}`,
      'Expires: 0',
      `Contact: ${stack.contactHeader()}`,
    ]);
    const onFinal = (response: IncomingResponse) => {
      const code = response.message.statusCode ?? 0;
      if (code >= 200 && code < 300) return; // the NOTIFY follows
      settle({ ...base, subscription: { phase: 'error', problem: problemFromResponse(`Fetching the presence of ${aor}`, response.message, options.hasPassword) } });
    };
    const uac = stack.core.subscribe(request, {
      onAccept: onFinal,
      onReject: onFinal,
      onRedirect: onFinal,
      onNotify: ({ request: notify, subscription }) => {
        const message = notify.message;
        const header = parseSubscriptionState(message.getHeader('subscription-state'));
        const verdict = readNotifyBody(message.body, message.getHeader('content-type'));
        if (verdict.kind === 'unsupported-type') notify.reject({ statusCode: 415, extraHeaders: [`Accept: ${PRESENCE_ACCEPT}`] });
        else notify.accept();
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
      },
      onNotifyTimeout: () => settle({ ...base, subscription: { phase: 'error', problem: { message: `Fetching the presence of ${aor} failed: no NOTIFY arrived.` } } }),
    });
    const timer = setTimeout(
      () => settle({ ...base, subscription: { phase: 'error', problem: { message: `Fetching the presence of ${aor} failed: no answer within ${options.timeoutMs} ms.` } } }),
      options.timeoutMs,
    );
  });
}
