/**
 * SIP message framing for the compositor — RFC 3261 §7 (message format), §18.3 (framing: Content-Length
 * on datagrams and streams), §8.1.1 (the header fields every request carries).
 *
 * Why our own parser and not sip.js's `Core.Parser.parseMessage`: measured on this machine it parses
 * about 900 PUBLISH requests per second (it runs every header through its PEG grammar and drops
 * Expires, SIP-ETag, SIP-If-Match and Min-Expires it cannot parse, docs/sip-js.md §8); the compositor's
 * target is 12,000 per second. This
 * file finds the header section's end in the bytes and slices the body; the start line and the header
 * fields are read by the shared strict reader (shared/sip/header-section.ts, start-line.ts), and the few
 * values the server needs (Via, From/To, CSeq, …) are parsed on demand (shared/sip/header-values.ts).
 *
 * It never throws on hostile input: every failure is a `SipParseFailure` that says what is wrong and,
 * when the header section was readable, carries the partial message so the caller can answer 400.
 */

import { forEachHeaderField, printable, startLineOf } from '../../../shared/sip/header-section';
import { parseCSeq } from '../../../shared/sip/header-values';
import { readStartLine } from '../../../shared/sip/start-line';

/** An ordered list of header fields; names are stored lower-case, long form. */
export class SipHeaders {
  /** Lower-case long-form names, parallel to `values`. */
  readonly names: string[] = [];
  /** Raw values with leading/trailing whitespace trimmed and folded lines joined. */
  readonly values: string[] = [];

  /** Appends a header field; `key` is its lower-case long-form name (as the shared header reader gives it). */
  add(key: string, value: string): void {
    this.names.push(key);
    this.values.push(value);
  }

  /** The first value of a header field, or undefined. `name` must be lower-case long form. */
  get(name: string): string | undefined {
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) return this.values[i];
    return undefined;
  }

  /** Every header field line's value with this name, in order (not split at commas). */
  getAll(name: string): string[] {
    const out: string[] = [];
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === name) out.push(this.values[i] as string);
    return out;
  }

  /** How many header field lines carry this name. */
  count(name: string): number {
    let n = 0;
    for (const candidate of this.names) if (candidate === name) n++;
    return n;
  }

  /** Whether at least one header field line carries this name. */
  has(name: string): boolean {
    return this.names.includes(name);
  }
}

/** A request as received: the start line and raw headers; header values are parsed on demand. */
export interface SipRequest {
  readonly kind: 'request';
  /** Method, case-sensitive as RFC 3261 §7.1 says (PUBLISH, SUBSCRIBE, …). */
  readonly method: string;
  readonly requestUri: string;
  readonly headers: SipHeaders;
  /** The body as text (UTF-8), exactly Content-Length bytes. */
  readonly body: string;
  /** Body size in bytes. */
  readonly bodyBytes: number;
}

/** A response as received (the compositor receives responses to its NOTIFYs). */
export interface SipResponse {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
  readonly headers: SipHeaders;
  readonly body: string;
  readonly bodyBytes: number;
}

export type SipMessage = SipRequest | SipResponse;

/** Why a message could not be accepted. */
export type SipParseError =
  | 'empty'
  | 'bad-start-line'
  | 'bad-header'
  | 'no-header-end'
  | 'bad-content-length'
  | 'body-shorter-than-content-length'
  | 'missing-header'
  | 'bad-cseq';

export interface SipParseFailure {
  readonly ok: false;
  readonly error: SipParseError;
  /** One sentence, usable as a 400 reason phrase: "Content-Length exceeds the message". */
  readonly detail: string;
  /** The request as far as it was readable, so that a 400 can be sent back; absent when hopeless. */
  readonly partial?: SipRequest;
}

export type SipParseResult = { readonly ok: true; readonly message: SipMessage } | SipParseFailure;

const HEADER_END = Buffer.from('\r\n\r\n');
const LF_HEADER_END = Buffer.from('\n\n');

/** Header fields every request and response must carry (RFC 3261 §8.1.1; Max-Forwards is tolerated missing). */
const MANDATORY = ['via', 'from', 'to', 'call-id', 'cseq'] as const;

/**
 * Parses one datagram or one framed stream message. `isDatagram` applies RFC 3261 §18.3: on a datagram a
 * missing Content-Length means "the rest of the datagram", extra bytes beyond Content-Length are
 * discarded, and a Content-Length larger than what arrived is an error.
 */
export function parseSipMessage(data: Buffer, isDatagram: boolean): SipParseResult {
  if (data.length === 0) return fail('empty', 'Empty message');
  let headerEnd = data.indexOf(HEADER_END);
  let separatorLength = 4;
  if (headerEnd === -1) {
    // Some broken peers use bare LF line ends; accept them rather than answering 400 to every request.
    const lfEnd = data.indexOf(LF_HEADER_END);
    if (lfEnd !== -1 && data.lastIndexOf(13, lfEnd) === -1) {
      headerEnd = lfEnd;
      separatorLength = 2;
    }
  }
  const headerText = data.toString('utf8', 0, headerEnd === -1 ? data.length : headerEnd);
  const startLine = startLineOf(headerText);
  const head = readStartLine(startLine);
  if (head === null) return fail('bad-start-line', `Malformed start line: ${printable(startLine, 60)}`);

  const headers = new SipHeaders();
  const headerError = forEachHeaderField(headerText, (key, value) => headers.add(key, value), 'strict');
  const partial: SipRequest | undefined =
    head.kind === 'request'
      ? { kind: 'request', method: head.method, requestUri: head.requestUri, headers, body: '', bodyBytes: 0 }
      : undefined;
  if (headerError !== null) return fail('bad-header', headerError, partial);
  if (headerEnd === -1) return fail('no-header-end', 'Truncated message: the header section has no end (empty line)', partial);

  for (const name of MANDATORY) {
    if (!headers.has(name)) return fail('missing-header', `Missing ${displayName(name)} header`, partial);
  }
  const cseq = parseCSeq(headers.get('cseq') ?? '');
  if (cseq === null) return fail('bad-cseq', 'Malformed CSeq header', partial);
  if (head.kind === 'request' && cseq.method !== head.method) {
    return fail('bad-cseq', 'CSeq method does not match the request method', partial);
  }

  const bodyStart = headerEnd + separatorLength;
  const available = data.length - bodyStart;
  const lengths = headers.getAll('content-length');
  let bodyBytes: number;
  if (lengths.length === 0) {
    if (!isDatagram) return fail('bad-content-length', 'Missing Content-Length header', partial);
    bodyBytes = available;
  } else {
    const declared = lengths[0] as string;
    if (!/^\d{1,10}$/.test(declared) || lengths.some((other) => other !== declared)) {
      return fail('bad-content-length', 'Malformed Content-Length header', partial);
    }
    bodyBytes = Number(declared);
    if (bodyBytes > available) {
      return fail('body-shorter-than-content-length', 'Content-Length exceeds the message', partial);
    }
  }
  const body = bodyBytes === 0 ? '' : data.toString('utf8', bodyStart, bodyStart + bodyBytes);
  if (head.kind === 'request') {
    return { ok: true, message: { kind: 'request', method: head.method, requestUri: head.requestUri, headers, body, bodyBytes } };
  }
  return { ok: true, message: { kind: 'response', status: head.status, reason: head.reason, headers, body, bodyBytes } };
}

function fail(error: SipParseError, detail: string, partial?: SipRequest): SipParseFailure {
  return partial === undefined ? { ok: false, error, detail } : { ok: false, error, detail, partial };
}

/** "call-id" → "Call-ID", for messages. */
export function displayName(name: string): string {
  if (name === 'call-id') return 'Call-ID';
  if (name === 'cseq') return 'CSeq';
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}
