/**
 * What happened to one buddy's presence subscription, event by event, as main records it (from the engine's
 * reported states and the SIP messages of the subscription's dialogs) and the explainer reads it
 * (explain-presence.ts). Plain data, bounded per buddy; newest last.
 */
import type { SubscriptionState } from '../presence/presence-state';

/** How many events main keeps per buddy: enough for the last few attempts, their answers and NOTIFYs. */
export const MAX_SUBSCRIPTION_HISTORY = 32;

/** How many final answers to our own PUBLISH requests main keeps, for the 412 loop check. */
export const MAX_PUBLISH_ANSWERS = 10;

/** One recorded event of a buddy's subscription. */
export type SubscriptionHistoryEvent =
  /** We sent a SUBSCRIBE (initial, refresh or removal) in dialog `callId`, asking for `expires` seconds. */
  | { readonly kind: 'subscribe'; readonly at: number; readonly callId: string; readonly expires: number | null }
  /** The final answer to one of our SUBSCRIBEs, as on the wire (`404`, `Not Found`). */
  | { readonly kind: 'response'; readonly at: number; readonly callId: string; readonly statusCode: number; readonly reason: string }
  /**
   * A NOTIFY of the subscription: its Subscription-State (RFC 6665 §8.2.3) state and reason ('' when none) and
   * whether it carried a body at all.
   */
  | {
      readonly kind: 'notify';
      readonly at: number;
      readonly callId: string;
      readonly state: string;
      readonly reason: string;
      readonly hasBody: boolean;
    }
  /** What the engine made of it: the subscription's new phase, its problem (a timeout, a refusal) and the retry schedule. */
  | { readonly kind: 'state'; readonly at: number; readonly subscription: SubscriptionState };
