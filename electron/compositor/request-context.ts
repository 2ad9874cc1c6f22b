/**
 * What every request handler (ESC, notifier, registrar) receives and returns. A handler is a synchronous
 * function from a parsed, pre-checked request to a `Reply`; the server core sends the reply, records it in
 * the transaction table, logs it, and then runs `after` (the NOTIFYs that must follow a 200). Keeping
 * handlers synchronous is what makes each request atomic and processed in arrival order (RFC 3903 §6):
 * nothing else runs between reading the state and writing it.
 */
import type { LimitName } from './limits/limits';
import type { Aor } from './message/aor';
import type { HeaderLines } from './message/response';
import type { NameAddr, SipUri } from '../../shared/sip/header-values';
import type { SipRequest } from './message/sip-message';
import type { Flow } from './transport/flow';

export interface IncomingRequest {
  readonly request: SipRequest;
  readonly flow: Flow;
  readonly requestUri: SipUri;
  readonly from: NameAddr;
  readonly to: NameAddr;
  /** From's AOR, when From names one. */
  readonly fromAor: Aor | null;
  /** To's AOR, when To names one. */
  readonly toAor: Aor | null;
  readonly callId: string;
  readonly cseq: number;
  /** Milliseconds since the epoch when processing started. */
  readonly now: number;
  /** Size of the request as received, bytes: bounds what may be sent back over UDP (limits/udp-rules.ts). */
  readonly receivedBytes: number;
  /** For a handler that returned DEFERRED: sends its reply later (exactly once). */
  readonly respondLater?: (reply: Reply) => void;
}

/** A handler's "the reply will come through `respondLater`". */
export const DEFERRED: unique symbol = Symbol('deferred reply');

export interface Reply {
  readonly status: number;
  /** Reason phrase; the default phrase for the code when absent. */
  readonly reason?: string;
  readonly headers?: HeaderLines;
  readonly body?: string;
  readonly contentType?: string;
  /** Our To tag (dialog-creating responses pass the dialog's tag; others get a fresh one). */
  readonly toTag?: string;
  /** The AOR the log line names (the presentity, the registered AOR). */
  readonly aor?: string;
  /** Detail for the log line: "etag …, expires 3600, modify". */
  readonly note?: string;
  /** The limit that refused this request, for the log (once per source address). */
  readonly limited?: LimitName;
  /** Runs after the response has been sent (and cached): the NOTIFYs that follow. */
  readonly after?: () => void;
}

/** Expiry bounds shared by PUBLISH, SUBSCRIBE and REGISTER (seconds). */
export interface ExpiryPolicy {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

export type ExpiryDecision =
  { readonly kind: 'granted'; readonly seconds: number } | { readonly kind: 'too-brief' } | { readonly kind: 'malformed' };

/**
 * RFC 3903 §6 step 7 / RFC 6665 §4.2.1.1 / RFC 3261 §10.3 step 7: no value → the default; 0 stays 0
 * (remove, unsubscribe); above the maximum → lowered; between 0 and the minimum → 423.
 */
export function decideExpiry(value: string | undefined | null, policy: ExpiryPolicy): ExpiryDecision {
  if (value === undefined || value === null) return { kind: 'granted', seconds: Math.min(policy.default, policy.max) };
  const trimmed = value.trim();
  if (!/^\d{1,20}$/.test(trimmed)) return { kind: 'malformed' };
  const requested = Number(trimmed);
  if (requested === 0) return { kind: 'granted', seconds: 0 };
  if (requested < policy.min) return { kind: 'too-brief' };
  return { kind: 'granted', seconds: Math.min(requested, policy.max) };
}

/** A 423 with the Min-Expires the client should retry with. */
export function intervalTooBrief(policy: ExpiryPolicy, aor: string | undefined, what: string): Reply {
  return {
    status: 423,
    headers: [['Min-Expires', String(policy.min)]],
    note: `${what} below the minimum of ${policy.min} s`,
    ...(aor === undefined ? {} : { aor }),
  };
}
