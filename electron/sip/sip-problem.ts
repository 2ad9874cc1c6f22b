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

/** Where `message` came from: the server, or our own timeout or transport-error answer. */
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

/** A 423 whose Min-Expires we cannot use (missing, malformed, or no longer than what we asked for). */
export function unusableIntervalProblem(action: string, minExpires: string | undefined): SipProblem {
  return {
    statusCode: 423,
    message: `${action} failed: the server asked for an unusable interval (Min-Expires: ${minExpires ?? 'missing'}).`,
  };
}

/** `problem` as the reason for `outcome`, e.g. "Not watching: the connection to the server was lost." */
export function problemAsReason(outcome: string, problem: SipProblem): SipProblem {
  const reason = problem.message;
  return { ...problem, message: `${outcome}: ${reason.length === 0 ? reason : reason[0]?.toLowerCase() + reason.slice(1)}` };
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
