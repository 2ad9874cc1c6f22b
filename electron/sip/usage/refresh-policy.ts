/**
 * When and how the three soft-state usages — registration (RFC 3261 §10.2), publication (RFC 3903) and
 * subscription (RFC 6665) — refresh, answer 423 Interval Too Brief, and wait before trying again. Pure
 * functions of header values, counts and a random source; each usage keeps its own timers and state.
 *
 *   2xx ─► granted = Expires (decimal seconds, 1 … 2^31−1; else the interval we asked for)
 *          └─► refresh after max(½·granted, granted − 64·T1)          (a refresh gets a whole transaction
 *                                                                    timeout to succeed before expiry;
 *                                                                    no timer waits longer than 2^31−1 ms)
 *              a subscription: at a random point of the last quarter before that (spreadRefreshDelayMs)
 *   423 ─► retried 3 times already? ── yes ─► 'exhausted': give up, the server's answer is the problem
 *            │ no
 *            ▼
 *          Min-Expires decimal, larger than we asked, ≤ 2^31−1? ── no ─► 'unusable': give up — never
 *            │ yes                                                      `Expires: NaN` or the same
 *            ▼                                                          refused interval again
 *          'retry' with Min-Expires, and ask for it from then on
 *   a failure the usage retries (408, 5xx, no answer) ─► Retry-After present? ── yes ─► that many seconds
 *            │ no
 *            ▼
 *          base·2^attempt, capped at max, ±20 % jitter
 *
 *   a subscription that ended ─► its pace:
 *     'at-once'  deactivated, timeout, 481, the dialog lost
 *     'soon'     no answer, 408, 480, 500, 502–504, probation, giveup, unknown reasons
 *     'slow'     403, 404, 489, 501, every other refusal, rejected, noresource, invariant
 *          └─► Retry-After / retry-after present? ── yes ─► that many seconds
 *                │ no
 *                ▼
 *              'at-once' and the first attempt? ── yes ─► 0
 *                │ no
 *                ▼
 *              back-off: 'slow' from refusalRetryBase (minutes, up to an hour), the others from retryBase (seconds)
 *   A subscription is never given up, not even after a 423 it gave up on: a refusal only a person can lift (a
 *   permission, an account, the server's configuration) is asked again slowly, so that the fix is picked up
 *   without anyone restarting the app.
 *
 * The 423 rules are RFC 3261 §10.2.8 (REGISTER) with the Min-Expires header of §20.23, which RFC 3903
 * §4.1/§6 (PUBLISH) and RFC 6665 §4.1.2.1/§4.2.1.4 (SUBSCRIBE and its refresh) use the same way. Retry-After
 * is RFC 3261 §20.33, in seconds (sip.js's subscriber reads it as milliseconds).
 */
import { transactionTimeoutMs } from '../../../shared/sip/timers';

/** The longest interval we ask for or accept, in seconds (Expires values beyond it are refused as unreadable). */
export const MAX_EXPIRES_SECONDS = 2 ** 31 - 1;

/** How many times one request is sent again after a 423 before we give up. */
export const MAX_423_RETRIES = 3;

/** Longest accepted shift of a back-off delay either way, as a fraction of it. */
const JITTER = 0.2;

/** The longest delay setTimeout keeps (about 24.8 days); a longer one fires after 1 ms instead, so delays are capped. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A validated interval header (Expires, Min-Expires): decimal seconds within [min, max], else undefined.
 * sip.js turns a malformed value into `Expires: NaN` (docs/sip-js.md §8); we refuse it instead.
 */
export function readInterval(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return undefined;
  const seconds = Number(trimmed);
  return seconds >= min && seconds <= max ? seconds : undefined;
}

/** The interval a 2xx granted (an Expires header or parameter), or undefined when absent, zero or unreadable. */
export function readGrantedExpires(value: string | undefined): number | undefined {
  return readInterval(value, 1, MAX_EXPIRES_SECONDS);
}

/** When to refresh something that expires in `seconds`: half-way, or 64·T1 before the end if later (at most ~24.8 days). */
export function refreshDelayMs(seconds: number, t1Ms: number): number {
  return Math.min(MAX_TIMER_DELAY_MS, Math.max(seconds * 500, seconds * 1000 - transactionTimeoutMs(t1Ms)));
}

/** The share of the latest refresh time over which subscription refreshes are spread (see spreadRefreshDelayMs). */
const REFRESH_SPREAD = 0.25;

/**
 * When to refresh a subscription that expires in `seconds`: at a random point between ¾ of refreshDelayMs and
 * refreshDelayMs itself. RFC 6665 §4.1.2.1 leaves the moment to the subscriber — any refresh before the duration
 * ends keeps the subscription — so nothing obliges every subscriber to refresh at the same point. But buddies
 * subscribed together (at the start, after a reconnection) are granted the same duration within seconds, and a
 * fixed refresh point would send all of their refreshes again in one burst every interval, for ever; a random
 * point per refresh spreads them over a quarter of the interval (5,000 buddies at 600 s: about 35 a second), and
 * since each refresh draws anew they never gather again. Never later than refreshDelayMs, so a refresh still has
 * a whole transaction timeout before the subscription would expire.
 */
export function spreadRefreshDelayMs(seconds: number, t1Ms: number, random: () => number): number {
  return Math.round(refreshDelayMs(seconds, t1Ms) * (1 - REFRESH_SPREAD * random()));
}

/** What to do after a 423 Interval Too Brief. */
export type IntervalTooBriefVerdict =
  { readonly kind: 'retry'; readonly expires: number } | { readonly kind: 'unusable' } | { readonly kind: 'exhausted' };

/**
 * Decides a 423: retry with the server's `minExpires` header value when it is a sane interval larger than
 * `requested`, unless `retriesSoFar` reached MAX_423_RETRIES.
 */
export function decideIntervalTooBrief(minExpires: string | undefined, requested: number, retriesSoFar: number): IntervalTooBriefVerdict {
  if (retriesSoFar >= MAX_423_RETRIES) return { kind: 'exhausted' };
  const minimum = readInterval(minExpires, requested + 1, MAX_EXPIRES_SECONDS);
  return minimum === undefined ? { kind: 'unusable' } : { kind: 'retry', expires: minimum };
}

/** A Retry-After header value in seconds (RFC 3261 §20.33: delta-seconds, then an optional comment), or undefined. */
export function readRetryAfter(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /^\s*(\d{1,9})/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** Exponential back-off with ±20 % jitter: base·2^attempt capped at max. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const raw = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(raw * (1 - JITTER + 2 * JITTER * random()));
}

/** How long to wait before retry number `attempt` (from 0): the server's Retry-After seconds if it sent one, else back-off. */
export function retryDelayMs(
  retryAfterSeconds: number | undefined,
  attempt: number,
  base: number,
  max: number,
  random: () => number,
): number {
  return retryAfterSeconds !== undefined ? Math.min(MAX_TIMER_DELAY_MS, retryAfterSeconds * 1000) : backoffMs(attempt, base, max, random);
}

/**
 * How soon a subscription that ended is tried again: 'at-once' (the notifier ended it for a reason that passes by
 * itself; at once the first time, then as 'soon'), 'soon' (a failure that may pass within seconds) or 'slow' (a
 * refusal that a person must lift first).
 */
export type ResubscribePace = 'at-once' | 'soon' | 'slow';

/** The back-off ranges of the paces, in ms: 'at-once' and 'soon' use retryBase…retryMax, 'slow' refusalRetryBase…refusalRetryMax. */
export interface ResubscribeBackoff {
  readonly retryBase: number;
  readonly retryMax: number;
  readonly refusalRetryBase: number;
  readonly refusalRetryMax: number;
}

/**
 * The pace after a NOTIFY with `Subscription-State: terminated` and `reason` (RFC 6665 §4.1.3): `deactivated` and
 * `timeout` invite an immediate new SUBSCRIBE; `probation`, `giveup` and reasons we do not know a later one; `rejected`,
 * `noresource` and `invariant` say that asking again is pointless until something changes, so only slowly.
 */
export function resubscribePaceAfterTermination(reason: string | undefined): ResubscribePace {
  switch (reason) {
    case 'deactivated':
    case 'timeout':
      return 'at-once';
    case 'rejected':
    case 'noresource':
    case 'invariant':
      return 'slow';
    default:
      return 'soon';
  }
}

/** Failure responses that say "not now" rather than "no" (RFC 3261 §21.4.9, §21.4.18, §21.5.1, §21.5.3–§21.5.5). */
const PASSING_FAILURES = new Set([408, 480, 500, 502, 503, 504]);

/**
 * The pace after a final failure response from the server to SUBSCRIBE or its refresh: 481 means the notifier lost the
 * subscription (RFC 6665 §4.1.2.2: subscribe afresh); a passing failure is retried within seconds; every other refusal
 * (403, 404, 489, 501, 401/407 with the wrong password, …) needs a person to change something first. Our own
 * timeouts and lost connections are not the server's answer and are 'soon'.
 */
export function resubscribePaceAfterResponse(statusCode: number): ResubscribePace {
  if (statusCode === 481) return 'at-once';
  return PASSING_FAILURES.has(statusCode) ? 'soon' : 'slow';
}

/**
 * How long to wait before subscribing again after `attempt` earlier retries (from 0): the server's Retry-After (or
 * `retry-after` parameter) seconds when given, whatever the pace; else 0 for 'at-once' the first time; else back-off
 * in the pace's range ('at-once' counts its immediate first attempt, so its second waits retryBase).
 */
export function resubscribeDelayMs(
  pace: ResubscribePace,
  retryAfterSeconds: number | undefined,
  attempt: number,
  backoff: ResubscribeBackoff,
  random: () => number,
): number {
  if (pace === 'slow') return retryDelayMs(retryAfterSeconds, attempt, backoff.refusalRetryBase, backoff.refusalRetryMax, random);
  if (pace === 'at-once' && retryAfterSeconds === undefined && attempt === 0) return 0;
  return retryDelayMs(retryAfterSeconds, pace === 'at-once' ? attempt - 1 : attempt, backoff.retryBase, backoff.retryMax, random);
}
