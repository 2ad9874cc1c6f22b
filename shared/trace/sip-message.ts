/**
 * A light, forgiving reader of one SIP message's text (RFC 3261 §7): the start line, the header fields
 * (folded lines joined, compact names expanded — §7.3.3, §7.3.1) and the body. It is what the trace pane
 * needs to label, filter, group and show a message, not a validating parser: anything it cannot read is
 * reported as such, never thrown. The SIP engine's own parser (sip.js) stays in the main process.
 *
 * Pure TypeScript: runs in the renderer and under Node (tests, benchmark, the service's exports).
 */
import { canonicalHeaderName } from '../sip/header-names';

/** One header field as written: its name as on the wire and its (unfolded) value. */
export interface SipHeaderField {
  readonly name: string;
  /** Lower-case long form (`i` → `call-id`), for lookups. */
  readonly key: string;
  readonly value: string;
}

/** A message split into its parts. `headers` keep their order; `body` is everything after the blank line. */
export interface SipMessageParts {
  readonly startLine: string;
  readonly headers: readonly SipHeaderField[];
  /** Exactly as on the wire (CRLFs kept); empty when there is none. */
  readonly body: string;
  /** Whether the blank line that ends the header section was found. */
  readonly hasBlankLine: boolean;
}

/**
 * Where the header section ends: the index of the blank line's first character and where the body
 * starts. Accepts bare LF line endings too (seen from broken peers), preferring CRLF.
 */
export function findHeaderEnd(raw: string): { headEnd: number; bodyStart: number } | null {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf >= 0) return { headEnd: lf, bodyStart: lf + 2 };
  return null;
}

/** Splits a message into start line, header fields and body. Never throws. */
export function splitSipMessage(raw: string): SipMessageParts {
  const end = findHeaderEnd(raw);
  const head = end ? raw.slice(0, end.headEnd) : raw;
  const body = end ? raw.slice(end.bodyStart) : '';
  const lines = head.split(/\r?\n/);
  const startLine = lines[0] ?? '';
  const headers: SipHeaderField[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const first = line.charCodeAt(0);
    // RFC 3261 §7.3.1: a line starting with whitespace continues the previous field's value.
    if ((first === 32 || first === 9) && headers.length > 0) {
      const previous = headers[headers.length - 1]!;
      headers[headers.length - 1] = { ...previous, value: `${previous.value} ${line.trim()}` };
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    headers.push({ name, key: canonicalHeaderName(name), value: line.slice(colon + 1).trim() });
  }
  return { startLine, headers, body, hasBlankLine: end !== null };
}

/** The first value of a header (by any of its names), or undefined. */
export function findHeader(parts: SipMessageParts, name: string): string | undefined {
  const key = canonicalHeaderName(name);
  return parts.headers.find((h) => h.key === key)?.value;
}

/** The URI of a name-addr or addr-spec (`"Bob" <sip:bob@x>;tag=1` → `sip:bob@x`), and its header params. */
export function readNameAddr(value: string): { uri: string; params: string } {
  const open = value.indexOf('<');
  if (open >= 0) {
    const close = value.indexOf('>', open);
    if (close > open) return { uri: value.slice(open + 1, close).trim(), params: value.slice(close + 1) };
    return { uri: value.slice(open + 1).trim(), params: '' };
  }
  // addr-spec: parameters after the URI belong to the header (RFC 3261 §20.10).
  const semicolon = value.indexOf(';');
  return semicolon >= 0 ? { uri: value.slice(0, semicolon).trim(), params: value.slice(semicolon) } : { uri: value.trim(), params: '' };
}

/** The value of a `;name=value` parameter in a parameter list, or undefined (a flag parameter gives ''). */
export function readParam(params: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const part of params.split(';')) {
    const eq = part.indexOf('=');
    const key = (eq >= 0 ? part.slice(0, eq) : part).trim().toLowerCase();
    if (key === wanted) return eq >= 0 ? unquote(part.slice(eq + 1).trim()) : '';
  }
  return undefined;
}

/** The URI without its parameters and headers (`sip:bob@x:5060;transport=tcp` → `sip:bob@x:5060`). */
export function uriWithoutParams(uri: string): string {
  let end = uri.length;
  const semicolon = uri.indexOf(';');
  if (semicolon >= 0) end = semicolon;
  const question = uri.indexOf('?');
  if (question >= 0 && question < end) end = question;
  return uri.slice(0, end);
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

/** UTF-8 length in bytes of a string (what the message weighed on the wire). */
export function utf8Length(text: string): number {
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
