/**
 * The trace pane's one-line view of a SIP message: what it is (request, response, keep-alive), the
 * method or status, From → To, Call-ID, CSeq, and the presence headers a support engineer looks at —
 * Event (RFC 6665 §8.2.1), SIP-ETag / SIP-If-Match (RFC 3903 §11.3), Expires, Subscription-State
 * (RFC 6665 §8.2.3), Content-Type — and the size on the wire.
 *
 * Computed once per trace entry when it arrives (see trace-buffer.ts), never per render or per filter run.
 */
import type { TraceEntry } from './trace-entry';
import { findHeaderSectionEnd, forEachHeaderField, startLineOf } from '../sip/header-section';
import {
  commaValueEnd,
  parseCSeq,
  parseDeltaSeconds,
  readParam,
  splitNameAddr,
  uriWithoutParams,
  type NameAddrParts,
} from '../sip/header-values';
import { readStartLine } from '../sip/start-line';

/**
 * - `request` / `response`: a SIP message with a readable start line;
 * - `keep-alive`: whitespace only (RFC 5626 §4.4.1 CRLF keep-alives on a stream);
 * - `unparsable`: anything else (shown as is, so nothing the peer sent is hidden).
 */
export type TraceMessageKind = 'request' | 'response' | 'keep-alive' | 'unparsable';

export interface TraceSummary {
  readonly kind: TraceMessageKind;
  /** The request's method, or for a response the method in its CSeq (upper case; '' when unknown). */
  readonly method: string;
  /** 0 for requests. */
  readonly statusCode: number;
  /** What the method/status column shows: `PUBLISH`, `200 OK`, `keep-alive`. */
  readonly label: string;
  readonly requestUri: string;
  /** From and To URIs without parameters (`sip:bob@example.com`), '' when absent. */
  readonly from: string;
  readonly to: string;
  readonly fromTag: string;
  readonly toTag: string;
  readonly callId: string;
  /** The CSeq header as written, e.g. `2 PUBLISH`. */
  readonly cseq: string;
  readonly cseqNumber: number;
  /** The top Via's branch: a transaction's identity (RFC 3261 §17.2.3). */
  readonly branch: string;
  /** Event header value, e.g. `presence` (with any `;id=` parameter). */
  readonly event: string;
  readonly etag: string;
  readonly ifMatch: string;
  /** The Expires header in seconds, or null when absent or unreadable. */
  readonly expires: number | null;
  /** The Subscription-State header as written, e.g. `active;expires=600`. */
  readonly subscriptionState: string;
  readonly contentType: string;
  /** `Authorization` or `Proxy-Authorization` is present (exports mask them). */
  readonly hasCredentials: boolean;
  /** Size of the whole message in bytes (UTF-8). */
  readonly size: number;
  /** Size of the body in bytes. */
  readonly bodySize: number;
  /** Lower-case Call-ID, From, To and Request-URI joined, for the Call-ID / AOR filter. */
  readonly addressKey: string;
}

/**
 * Summarises one raw message. Never throws: unreadable input gives kind `unparsable`. `intern` gives the
 * one kept copy of a value many messages repeat (methods, addresses, Call-IDs: trace-strings.ts).
 */
export function summarizeSipMessage(raw: string, intern: (text: string) => string = same): TraceSummary {
  const size = utf8Length(raw);
  // Whitespace only; a search for the first other character stops at once on a real message (trim() copied it).
  if (!/\S/.test(raw)) return { ...EMPTY, kind: 'keep-alive', label: 'keep-alive', size };

  const end = findHeaderSectionEnd(raw);
  const bodySize = end ? utf8Length(raw.slice(end.bodyStart)) : 0;

  let kind: TraceMessageKind = 'unparsable';
  let method = '';
  let statusCode = 0;
  let reason = '';
  let requestUri = '';
  const startLine = readStartLine(startLineOf(raw).trim());
  if (startLine?.kind === 'request') {
    kind = 'request';
    method = startLine.method.toUpperCase();
    requestUri = startLine.requestUri;
  } else if (startLine?.kind === 'response') {
    kind = 'response';
    statusCode = startLine.status;
    reason = startLine.reason;
  }

  // One pass over the header fields, keeping the first of each field we show.
  const found: Record<string, string> = {};
  let hasCredentials = false;
  forEachHeaderField(raw, (key, value) => {
    if (key === 'authorization' || key === 'proxy-authorization') hasCredentials = true;
    else if (WANTED.has(key) && found[key] === undefined) found[key] = value;
  });

  const from = splitNameAddr(found['from'] ?? '') ?? NO_ADDRESS;
  const to = splitNameAddr(found['to'] ?? '') ?? NO_ADDRESS;
  const cseq = found['cseq'] ?? '';
  const cseqParts = parseCSeq(cseq);
  if (kind === 'response' && cseqParts) method = cseqParts.method.toUpperCase();
  const expiresText = found['expires'];
  const expires = expiresText === undefined ? null : parseDeltaSeconds(expiresText);
  const callId = found['call-id'] ?? '';
  const fromUri = uriWithoutParams(from.uri);
  const toUri = uriWithoutParams(to.uri);
  const label = kind === 'request' ? method : kind === 'response' ? `${statusCode}${reason ? ` ${reason}` : ''}` : 'unreadable';

  return {
    kind,
    method: intern(method),
    statusCode,
    label: intern(label),
    requestUri: intern(requestUri),
    from: intern(fromUri),
    to: intern(toUri),
    fromTag: intern(readParam(from.params, 'tag') ?? ''),
    toTag: intern(readParam(to.params, 'tag') ?? ''),
    callId: intern(callId),
    cseq,
    cseqNumber: cseqParts?.seq ?? 0,
    branch: topViaBranch(found['via'] ?? ''),
    event: intern(found['event'] ?? ''),
    etag: found['sip-etag'] ?? '',
    ifMatch: found['sip-if-match'] ?? '',
    expires,
    subscriptionState: intern(found['subscription-state'] ?? ''),
    contentType: intern(found['content-type'] ?? ''),
    hasCredentials,
    size,
    bodySize,
    addressKey: intern(`${callId}\n${fromUri}\n${toUri}\n${requestUri}`.toLowerCase()),
  };
}

const same = (text: string) => text;

/**
 * The branch of the top via-parm (RFC 3261 §20.42), read from its parameters alone: the summary runs once per
 * trace entry, and a full parseVia (sent-by, a parameter map) costs more than the column needs.
 */
function topViaBranch(via: string): string {
  const top = via.slice(0, commaValueEnd(via));
  const params = top.indexOf(';');
  return params === -1 ? '' : (readParam(top.slice(params), 'branch') ?? '');
}

/** The trace entry together with its summary: what the trace pane keeps per message. */
export interface TraceRecord {
  readonly entry: TraceEntry;
  readonly summary: TraceSummary;
}

/** Pairs an entry with its summary (computed here, once). */
export function toTraceRecord(entry: TraceEntry): TraceRecord {
  return { entry, summary: summarizeSipMessage(entry.raw) };
}

/** The response class of a status code (`2xx`), or null for requests. */
export function responseClass(statusCode: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | '6xx' | null {
  if (statusCode >= 100 && statusCode < 200) return '1xx';
  if (statusCode >= 200 && statusCode < 300) return '2xx';
  if (statusCode >= 300 && statusCode < 400) return '3xx';
  if (statusCode >= 400 && statusCode < 500) return '4xx';
  if (statusCode >= 500 && statusCode < 600) return '5xx';
  if (statusCode >= 600 && statusCode < 700) return '6xx';
  return null;
}

/** The `state` token and `expires` parameter of a Subscription-State value (RFC 6665 §8.2.3). */
export function readSubscriptionState(value: string): { state: string; expires: number | null; reason: string } {
  const semicolon = value.indexOf(';');
  const state = (semicolon >= 0 ? value.slice(0, semicolon) : value).trim().toLowerCase();
  const params = semicolon >= 0 ? value.slice(semicolon) : '';
  const expiresText = readParam(params, 'expires');
  const expires = expiresText === undefined ? null : parseDeltaSeconds(expiresText);
  return { state, expires, reason: readParam(params, 'reason') ?? '' };
}

/** What a missing or unreadable From/To reads as. */
const NO_ADDRESS: NameAddrParts = { isNameAddr: false, displayName: '', uri: '', params: '' };

const WANTED = new Set([
  'from',
  'to',
  'call-id',
  'cseq',
  'via',
  'event',
  'sip-etag',
  'sip-if-match',
  'expires',
  'subscription-state',
  'content-type',
]);

const EMPTY: TraceSummary = {
  kind: 'unparsable',
  method: '',
  statusCode: 0,
  label: '',
  requestUri: '',
  from: '',
  to: '',
  fromTag: '',
  toTag: '',
  callId: '',
  cseq: '',
  cseqNumber: 0,
  branch: '',
  event: '',
  etag: '',
  ifMatch: '',
  expires: null,
  subscriptionState: '',
  contentType: '',
  hasCredentials: false,
  size: 0,
  bodySize: 0,
  addressKey: '',
};

/** UTF-8 length in bytes of a string (what the message weighed on the wire). */
export function utf8Length(text: string): number {
  // Most SIP is ASCII: one native scan says so, and then the length is the answer.
  if (!NOT_ASCII.test(text)) return text.length;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair: 2 UTF-16 units, 4 UTF-8 bytes.
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

const NOT_ASCII = /[\u0080-\uffff]/;
