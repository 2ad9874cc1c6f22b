/**
 * The trace pane's one-line view of a SIP message: what it is (request, response, keep-alive), the
 * method or status, From → To, Call-ID, CSeq, and the presence headers a support engineer looks at —
 * Event (RFC 6665 §8.2.1), SIP-ETag / SIP-If-Match (RFC 3903 §11.3), Expires, Subscription-State
 * (RFC 6665 §8.2.3), Content-Type — and the size on the wire.
 *
 * Computed once per trace entry when it arrives (see trace-buffer.ts), never per render or per filter run.
 */
import type { TraceEntry } from './trace-entry';
import { canonicalHeaderName } from '../sip/header-names';
import { findHeaderEnd, readNameAddr, readParam, uriWithoutParams, utf8Length } from './sip-message';

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

const REQUEST_LINE = /^([A-Za-z][A-Za-z0-9.!%*_+`'~-]*) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 (\d{3})(?: (.*))?$/;

/** Summarises one raw message. Never throws: unreadable input gives kind `unparsable`. */
export function summarizeSipMessage(raw: string): TraceSummary {
  const size = utf8Length(raw);
  if (raw.trim() === '') return { ...EMPTY, kind: 'keep-alive', label: 'keep-alive', size };

  const end = findHeaderEnd(raw);
  const head = end ? raw.slice(0, end.headEnd) : raw;
  const bodySize = end ? utf8Length(raw.slice(end.bodyStart)) : 0;
  const firstBreak = head.indexOf('\n');
  const startLine = (firstBreak >= 0 ? head.slice(0, firstBreak) : head).replace(/\r$/, '').trim();

  let kind: TraceMessageKind = 'unparsable';
  let method = '';
  let statusCode = 0;
  let reason = '';
  let requestUri = '';
  const request = REQUEST_LINE.exec(startLine);
  const status = request ? null : STATUS_LINE.exec(startLine);
  if (request) {
    kind = 'request';
    method = request[1]!.toUpperCase();
    requestUri = request[2]!;
  } else if (status) {
    kind = 'response';
    statusCode = Number(status[1]);
    reason = status[2] ?? '';
  }

  // One pass over the header lines, keeping the first of each field we show.
  const found: Record<string, string> = {};
  let hasCredentials = false;
  let lineStart = firstBreak >= 0 ? firstBreak + 1 : head.length;
  let currentKey: string | null = null;
  while (lineStart < head.length) {
    let lineEnd = head.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = head.length;
    let line = head.slice(lineStart, lineEnd);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    lineStart = lineEnd + 1;
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) {
      // A folded continuation of the field before (RFC 3261 §7.3.1).
      if (currentKey !== null && found[currentKey] !== undefined) found[currentKey] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      currentKey = null;
      continue;
    }
    const key = canonicalHeaderName(line.slice(0, colon));
    if (key === 'authorization' || key === 'proxy-authorization') hasCredentials = true;
    if (!WANTED.has(key) || found[key] !== undefined) {
      currentKey = null;
      continue;
    }
    found[key] = line.slice(colon + 1).trim();
    currentKey = key;
  }

  const from = readNameAddr(found['from'] ?? '');
  const to = readNameAddr(found['to'] ?? '');
  const cseq = found['cseq'] ?? '';
  const cseqMatch = /^(\d+)\s+(\S+)/.exec(cseq);
  if (kind === 'response' && cseqMatch) method = cseqMatch[2]!.toUpperCase();
  const via = found['via'] ?? '';
  const expiresText = found['expires'];
  const expires = expiresText !== undefined && /^\d{1,10}$/.test(expiresText) ? Number(expiresText) : null;
  const callId = found['call-id'] ?? '';
  const fromUri = uriWithoutParams(from.uri);
  const toUri = uriWithoutParams(to.uri);
  const label = kind === 'request' ? method : kind === 'response' ? `${statusCode}${reason ? ` ${reason}` : ''}` : 'unreadable';

  return {
    kind,
    method,
    statusCode,
    label,
    requestUri,
    from: fromUri,
    to: toUri,
    fromTag: readParam(from.params, 'tag') ?? '',
    toTag: readParam(to.params, 'tag') ?? '',
    callId,
    cseq,
    cseqNumber: cseqMatch ? Number(cseqMatch[1]) : 0,
    branch: readParam(via.slice(via.indexOf(';') >= 0 ? via.indexOf(';') : via.length), 'branch') ?? '',
    event: found['event'] ?? '',
    etag: found['sip-etag'] ?? '',
    ifMatch: found['sip-if-match'] ?? '',
    expires,
    subscriptionState: found['subscription-state'] ?? '',
    contentType: found['content-type'] ?? '',
    hasCredentials,
    size,
    bodySize,
    addressKey: `${callId}\n${fromUri}\n${toUri}\n${requestUri}`.toLowerCase(),
  };
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
  const expires = expiresText !== undefined && /^\d{1,10}$/.test(expiresText) ? Number(expiresText) : null;
  return { state, expires, reason: readParam(params, 'reason') ?? '' };
}

const WANTED = new Set(['from', 'to', 'call-id', 'cseq', 'via', 'event', 'sip-etag', 'sip-if-match', 'expires', 'subscription-state', 'content-type']);

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
