/**
 * Turns a failed transaction into a `SipProblem` the user can read: what was attempted, what the server
 * said (or that it said nothing), and the status code when there was one.
 */
import type { IncomingResponseMessage } from 'sip.js/lib/core/index.js';
import type { SipProblem } from '../../shared/presence/presence-state';
import { LOCAL_RESPONSE_HEADER } from './transport/reliability-layer';
import type { TransportFailure } from './transport/sip-connection';

/** How a response came about: from the server, or made locally for a timeout or a lost connection. */
export type ResponseOrigin = 'server' | 'timeout' | 'transport';

export function responseOrigin(message: IncomingResponseMessage): ResponseOrigin {
  const local = message.getHeader(LOCAL_RESPONSE_HEADER);
  if (local !== undefined) return local.trim().startsWith('timeout') ? 'timeout' : 'transport';
  // sip.js makes header-less 408/503 responses itself (its Timer F, a failed send).
  if (!message.hasHeader('via')) return message.statusCode === 408 ? 'timeout' : 'transport';
  return 'server';
}

/** A sentence for a failed `action` ("Registration", "Publication", "Subscription to bob@…"). */
export function problemFromResponse(action: string, message: IncomingResponseMessage, hasPassword: boolean): SipProblem {
  const origin = responseOrigin(message);
  if (origin === 'timeout') return { message: `${action} failed: the server did not answer (timeout).`, cause: 'timeout' };
  if (origin === 'transport') return { message: `${action} failed: the connection to the server was lost.`, cause: 'connection-lost' };
  const code = message.statusCode ?? 0;
  const reason = message.reasonPhrase ? ` ${message.reasonPhrase}` : '';
  const said = `(${code}${reason})`;
  switch (code) {
    case 401:
    case 407:
      return {
        statusCode: code,
        message: hasPassword
          ? `${action} failed: the server did not accept the user name or password ${said}.`
          : `${action} failed: the server asks for a password ${said}.`,
      };
    case 403:
      return { statusCode: code, message: `${action} refused by the server: forbidden ${said}.` };
    case 404:
      return { statusCode: code, message: `${action} failed: the server does not know this address ${said}.` };
    case 408:
      return { statusCode: code, message: `${action} failed: the server timed out ${said}.` };
    case 489:
    case 501:
    case 405:
      return { statusCode: code, message: `${action} failed: the server does not support it ${said}.` };
    default:
      return { statusCode: code, message: `${action} failed: the server answered ${said}.` };
  }
}

/** The Retry-After delay in seconds (RFC 3261 §20.33), or undefined when absent or unreadable. */
export function retryAfterSeconds(message: IncomingResponseMessage): number | undefined {
  const value = message.getHeader('retry-after');
  const match = value === undefined ? null : /^\s*(\d{1,9})/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/**
 * A validated interval header (Expires, Min-Expires): decimal seconds within [min, max], else undefined.
 * sip.js's own handling turns a malformed value into `Expires: NaN` (docs/sip-js.md §8); we refuse it instead.
 */
export function readInterval(value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return undefined;
  const seconds = Number(trimmed);
  return seconds >= min && seconds <= max ? seconds : undefined;
}

/** When to refresh something that expires in `seconds`: half-way, or 64·T1 before the end if later. */
export function refreshDelayMs(seconds: number, t1: number): number {
  return Math.max(seconds * 500, seconds * 1000 - 64 * t1);
}

/** Exponential back-off with ±20 % jitter: base·2^attempt capped at max. */
export function backoffMs(attempt: number, base: number, max: number, random: () => number): number {
  const raw = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/** A connection that could not be opened, or broke, as a problem. */
export function problemFromFailure(failure: TransportFailure): SipProblem {
  switch (failure.code) {
    case 'dns':
    case 'refused':
    case 'unreachable':
      return { message: failure.message, cause: 'unreachable' };
    case 'timeout':
      return { message: failure.message, cause: 'timeout' };
    case 'tls':
      return { message: failure.message, cause: 'tls' };
    case 'protocol':
    case 'closed':
      return { message: failure.message, cause: 'connection-lost' };
  }
}
