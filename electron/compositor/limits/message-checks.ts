/**
 * Checks on a received message's header section, before any handler reads it:
 *
 *   - its size (bytes up to the empty line): above `maxHeaderBytes` → 513 Message Too Large (RFC 3261
 *     §21.5.14 — the message is longer than this server processes);
 *   - its field count: above `maxHeaderFields` → 400 with the reason in the phrase (RFC 3261 §21.4.1; no
 *     status says "too many fields", and a count is not a length);
 *   - control characters in the Request-URI or a header value: RFC 3261 §25.1 allows none there except
 *     HTAB (inside quoted strings, comments and folding whitespace) → 400. Such bytes would otherwise reach
 *     log lines and terminals, and be echoed into our own NOTIFYs.
 */
import { displayName } from '../message/sip-message';

const CRLF_CRLF = Buffer.from('\r\n\r\n');
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Bytes before the empty line ending the header section; the whole message when there is none. */
export function headerSectionBytes(data: Buffer): number {
  const end = data.indexOf(CRLF_CRLF);
  return end === -1 ? data.length : end;
}

/** A header problem as a status and reason phrase, and the limit it broke when it is one (not a syntax error). */
export interface HeaderProblem {
  readonly status: 400;
  readonly reason: string;
  readonly limit: 'maxHeaderFields' | null;
}

/** The parsed header section as the checks read it: lower-case names and their raw values, in order. */
export interface HeaderFields {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

/** Too many fields, or a control character in the Request-URI or a value; null when the request passes. */
export function headerProblem(requestUri: string, headers: HeaderFields, maxHeaderFields: number): HeaderProblem | null {
  if (headers.names.length > maxHeaderFields) {
    return { status: 400, reason: `Bad Request (more than ${maxHeaderFields} header fields)`, limit: 'maxHeaderFields' };
  }
  if (CONTROL_CHARACTER.test(requestUri)) return { status: 400, reason: 'Bad Request (control character in the Request-URI)', limit: null };
  for (let i = 0; i < headers.values.length; i++) {
    if (CONTROL_CHARACTER.test(headers.values[i] as string)) {
      return {
        status: 400,
        reason: `Bad Request (control character in the ${displayName(headers.names[i] as string)} header)`,
        limit: null,
      };
    }
  }
  return null;
}
