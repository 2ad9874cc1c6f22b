/**
 * The per-buddy subscription history behind "Why is this buddy offline?" (shared/buddy/explain-presence.ts), kept
 * where both halves of it arrive: the engine's reported states (phase, problem, retry time) and the SIP messages
 * of each subscription's dialogs, read from the trace tap — the SUBSCRIBEs we send (whose To names the buddy and
 * whose Call-ID then identifies the dialog), their final answers with status and reason phrase, and the NOTIFYs
 * with their Subscription-State (RFC 6665 §8.2.3). Our own PUBLISH answers are kept too, for the 412 loop check.
 * Everything is bounded: a few dozen events per buddy, a few thousand Call-IDs.
 */
import type { BuddyPresence, SubscriptionState } from '../../shared/presence/presence-state';
import { MAX_PUBLISH_ANSWERS, MAX_SUBSCRIPTION_HISTORY, type SubscriptionHistoryEvent } from '../../shared/buddy/subscription-history';
import { addressKey } from '../../shared/buddy/buddy';
import { eventPackage } from '../../shared/sip/header-values';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { readSubscriptionState, summarizeSipMessage } from '../../shared/trace/trace-summary';

/** Call-IDs remembered in all: each attempt of each buddy's subscription opens one (a thousand buddies, a few attempts each). */
const MAX_CALL_IDS = 4_096;

/** Records, per buddy, what happened to its subscription. */
export class SubscriptionHistory {
  private readonly eventsByAor = new Map<string, SubscriptionHistoryEvent[]>();
  private readonly aorByCallId = new Map<string, string>();
  private readonly lastStateByAor = new Map<string, SubscriptionState>();
  private publishAnswers: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** The engine reported a buddy: its subscription is recorded when the phase, reason, problem or retry time changed. */
  presenceReported(presence: BuddyPresence): void {
    const key = addressKey(presence.aor);
    const last = this.lastStateByAor.get(key);
    if (last !== undefined && isSameForHistory(last, presence.subscription)) return;
    this.lastStateByAor.set(key, presence.subscription);
    this.append(key, { kind: 'state', at: this.now(), subscription: presence.subscription });
  }

  /** A SIP message crossed the transport: a presence SUBSCRIBE we sent, its final answer, a NOTIFY of it, or a PUBLISH answer. */
  messageTraced(entry: UnnumberedTraceEntry): void {
    // Only these start lines can matter; the rest (REGISTER, OPTIONS, keep-alives, our own answers) is not read at all.
    const isOutgoingSubscribe = entry.direction === 'out' && entry.raw.startsWith('SUBSCRIBE ');
    const isIncoming = entry.direction === 'in' && (entry.raw.startsWith('SIP/2.0 ') || entry.raw.startsWith('NOTIFY '));
    if (!isOutgoingSubscribe && !isIncoming) return;
    const summary = summarizeSipMessage(entry.raw);
    const at = entry.at;
    if (isOutgoingSubscribe) {
      if (summary.kind !== 'request' || eventPackage(summary.event) !== 'presence' || summary.callId === '') return;
      const key = addressKey(summary.to);
      this.rememberCallId(summary.callId, key);
      this.append(key, { kind: 'subscribe', at, callId: summary.callId, expires: summary.expires });
      return;
    }
    if (summary.kind === 'response' && summary.statusCode >= 200) {
      if (summary.method === 'PUBLISH') {
        this.publishAnswers = [...this.publishAnswers, summary.statusCode].slice(-MAX_PUBLISH_ANSWERS);
        return;
      }
      const key = this.aorByCallId.get(summary.callId);
      if (summary.method !== 'SUBSCRIBE' || key === undefined) return;
      const reason = summary.label.slice(String(summary.statusCode).length).trim();
      this.append(key, { kind: 'response', at, callId: summary.callId, statusCode: summary.statusCode, reason });
      return;
    }
    if (summary.kind === 'request' && summary.method === 'NOTIFY') {
      const key = this.aorByCallId.get(summary.callId);
      if (key === undefined) return;
      const { state, reason } = readSubscriptionState(summary.subscriptionState);
      this.append(key, { kind: 'notify', at, callId: summary.callId, state, reason, hasBody: summary.bodySize > 0 });
    }
  }

  /** The buddy's recorded events, oldest first (empty for an address never watched). */
  historyOf(aor: string): readonly SubscriptionHistoryEvent[] {
    return this.eventsByAor.get(addressKey(aor)) ?? [];
  }

  /** Status codes of the latest final answers to our PUBLISH requests, oldest first. */
  get ownPublishAnswers(): readonly number[] {
    return this.publishAnswers;
  }

  /** The buddy is no longer watched: its history goes (its Call-IDs age out of the bounded map). */
  forget(aor: string): void {
    const key = addressKey(aor);
    this.eventsByAor.delete(key);
    this.lastStateByAor.delete(key);
  }

  /** A new session starts: nothing of the old one's subscriptions or publication applies. */
  clear(): void {
    this.eventsByAor.clear();
    this.aorByCallId.clear();
    this.lastStateByAor.clear();
    this.publishAnswers = [];
  }

  private append(key: string, event: SubscriptionHistoryEvent): void {
    let events = this.eventsByAor.get(key);
    if (!events) {
      events = [];
      this.eventsByAor.set(key, events);
    }
    events.push(event);
    if (events.length > MAX_SUBSCRIPTION_HISTORY) events.splice(0, events.length - MAX_SUBSCRIPTION_HISTORY);
  }

  private rememberCallId(callId: string, key: string): void {
    this.aorByCallId.delete(callId);
    this.aorByCallId.set(callId, key);
    if (this.aorByCallId.size > MAX_CALL_IDS) {
      const oldest = this.aorByCallId.keys().next().value;
      if (oldest !== undefined) this.aorByCallId.delete(oldest);
    }
  }
}

/** Whether two reported subscriptions are the same for the history: the expiry moves on every refresh and is left out. */
function isSameForHistory(a: SubscriptionState, b: SubscriptionState): boolean {
  return a.phase === b.phase && a.reason === b.reason && a.problem?.message === b.problem?.message && a.retryAt === b.retryAt;
}
