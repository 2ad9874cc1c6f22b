/**
 * The `Subscription-State` header of a NOTIFY (RFC 6665 §8.2.3 grammar, §4.1.3 semantics):
 * `active|pending|terminated` with `expires`, `reason` and `retry-after` parameters.
 */
import { MAX_EXPIRES_SECONDS, readInterval } from '../usage/refresh-policy';

export type SubscriptionStateValue = 'active' | 'pending' | 'terminated';

export interface SubscriptionStateHeader {
  readonly state: SubscriptionStateValue;
  /** Seconds left, for active and pending. */
  readonly expires?: number;
  /** Why it ended (`deactivated`, `probation`, `rejected`, `timeout`, `giveup`, `noresource`, `invariant`, …). */
  readonly reason?: string;
  /** Seconds to wait before subscribing again. */
  readonly retryAfter?: number;
}

/** Parses the header value; null when it is missing or names an unknown state. */
export function parseSubscriptionState(value: string | undefined): SubscriptionStateHeader | null {
  if (value === undefined) return null;
  const [first, ...params] = value.split(';').map((part) => part.trim());
  const state = first?.toLowerCase();
  if (state !== 'active' && state !== 'pending' && state !== 'terminated') return null;
  let expires: number | undefined;
  let reason: string | undefined;
  let retryAfter: number | undefined;
  for (const param of params) {
    const [rawName, rawValue = ''] = param.split('=', 2).map((s) => s.trim());
    const name = rawName?.toLowerCase();
    const number = readInterval(rawValue, 0, MAX_EXPIRES_SECONDS);
    if (name === 'expires' && number !== undefined) expires = number;
    else if (name === 'retry-after' && number !== undefined) retryAfter = number;
    else if (name === 'reason' && /^[A-Za-z0-9._!%*+`'~-]+$/.test(rawValue)) reason = rawValue.toLowerCase();
  }
  return {
    state,
    ...(expires === undefined ? {} : { expires }),
    ...(reason === undefined ? {} : { reason }),
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}
