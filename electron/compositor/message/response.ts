/**
 * Building responses — RFC 3261 §8.2.6 (UAS response construction: Via, From, To, Call-ID and CSeq copied;
 * a To tag added), §18.2.1 + RFC 3581 §4 (the server adds `received` and fills `rport` in the top Via so
 * the response finds its way back through NAT), §21 (reason phrases).
 */
import { printable } from '../../../shared/sip/header-section';
import { commaValueEnd, tagOf } from '../../../shared/sip/header-values';
import type { SipRequest } from './sip-message';

/** Default reason phrases for the codes the compositor sends (RFC 3261 §21, RFC 3903 §11.2.1, RFC 6665). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  423: 'Interval Too Brief',
  481: 'Call/Transaction Does Not Exist',
  483: 'Too Many Hops',
  489: 'Bad Event',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'Version Not Supported',
  513: 'Message Too Large',
};

/** Where the request came from, to fill `received` and `rport`. */
export interface SourceAddress {
  readonly address: string;
  readonly port: number;
}

/** Extra header lines for a response, as [name, value] pairs, in order. */
export type HeaderLines = ReadonlyArray<readonly [string, string]>;

export interface ResponseOptions {
  /** Reason phrase; defaults to REASON_PHRASES[status]. Control characters are replaced. */
  readonly reason?: string;
  /** Our To tag, added when the request's To has none (all final responses carry one). */
  readonly toTag?: string;
  readonly headers?: HeaderLines;
  readonly body?: string;
  readonly contentType?: string;
  /** Server header value (product token). */
  readonly server?: string;
}

/**
 * Serialises a response to `request`. The top Via gets `received=<source address>` and, when the client
 * asked with a bare `rport`, `rport=<source port>` (RFC 3581 §4).
 */
export function buildResponse(request: SipRequest, status: number, source: SourceAddress, options: ResponseOptions = {}): string {
  const headers = request.headers;
  const reason = options.reason === undefined ? (REASON_PHRASES[status] ?? 'Unknown') : printable(options.reason, 120);
  let out = `SIP/2.0 ${status} ${reason}\r\n`;
  let isFirstVia = true;
  const names = headers.names;
  const values = headers.values;
  for (let i = 0; i < names.length; i++) {
    if (names[i] !== 'via') continue;
    const value = values[i] as string;
    out += 'Via: ' + (isFirstVia ? stampTopVia(value, source) : value) + '\r\n';
    isFirstVia = false;
  }
  out += 'From: ' + (headers.get('from') ?? '') + '\r\n';
  const to = headers.get('to') ?? '';
  out += 'To: ' + (options.toTag !== undefined && tagOf(to) === null ? `${to};tag=${options.toTag}` : to) + '\r\n';
  out += 'Call-ID: ' + (headers.get('call-id') ?? '') + '\r\n';
  out += 'CSeq: ' + (headers.get('cseq') ?? '') + '\r\n';
  if (options.headers !== undefined) {
    for (const [name, value] of options.headers) out += name + ': ' + value + '\r\n';
  }
  if (options.server !== undefined) out += 'Server: ' + options.server + '\r\n';
  const body = options.body ?? '';
  if (body.length > 0 && options.contentType !== undefined) out += 'Content-Type: ' + options.contentType + '\r\n';
  out += 'Content-Length: ' + Buffer.byteLength(body) + '\r\n\r\n' + body;
  return out;
}

/** Adds `received` / fills `rport` in the first via-parm of a Via header line (which may hold several). */
function stampTopVia(line: string, source: SourceAddress): string {
  const comma = commaValueEnd(line);
  const first = line.slice(0, comma);
  const rest = line.slice(comma);
  const parts = first.split(';');
  let hasReceived = false;
  for (let i = 1; i < parts.length; i++) {
    const param = (parts[i] as string).trim();
    const lower = param.toLowerCase();
    if (lower === 'rport') parts[i] = `rport=${source.port}`;
    else if (lower.startsWith('received=')) {
      parts[i] = `received=${source.address}`;
      hasReceived = true;
    }
  }
  if (!hasReceived) parts.push(`received=${source.address}`);
  return parts.join(';') + rest;
}
