/**
 * The header section of a SIP message, read from text — RFC 3261 §7 (message = start-line, header fields,
 * an empty line, the body), §7.3.1 (a line that starts with whitespace continues the field before it; the
 * line break and the whitespace become one space), §7.3.3 (compact names, expanded by header-names.ts).
 * Line breaks are CRLF, or a bare LF from broken peers; the section ends at the first empty line.
 *
 * Two modes over the same scan: `strict` stops at the first malformed line and returns the sentence the
 * compositor answers 400 with; `lenient` (the trace, the SIP engine's transport, the test peers) never
 * fails and skips lines that are no header field. The visitor form reads without building arrays, for
 * the hot paths; splitSipMessage builds the arrays for those who want them.
 *
 * Linear time on any input: every character is looked at a bounded number of times.
 */
import { canonicalHeaderName } from './header-names';
import { isToken } from './header-values';

/** How malformed lines are handled: `strict` fails on the first, `lenient` skips them. */
export type HeaderSectionMode = 'strict' | 'lenient';

/**
 * Called once per header field, in order: the lower-case long-form name (`i` → `call-id`), the value
 * (folded lines joined, trimmed), the name as written, and where the field's text starts and ends in the
 * message (its last line, without the line break). Return false to stop reading.
 */
export type HeaderFieldVisitor = (
  key: string,
  value: string,
  nameAsWritten: string,
  fieldStart: number,
  fieldEnd: number,
) => boolean | void;

/** Where the header section ends: the index of the line break before the empty line, and where the body starts. */
export interface HeaderSectionEnd {
  readonly headEnd: number;
  readonly bodyStart: number;
}

/** One header field as written: its name as on the wire and its (unfolded) value. */
export interface SipHeaderField {
  readonly name: string;
  /** Lower-case long form (`i` → `call-id`), for lookups. */
  readonly key: string;
  readonly value: string;
}

/** A message split into its parts. `headers` keep their order; `body` is everything after the empty line. */
export interface SipMessageParts {
  /** The first line, without its line break. */
  readonly startLine: string;
  readonly headers: readonly SipHeaderField[];
  /** Exactly as on the wire (CRLFs kept); empty when there is none. */
  readonly body: string;
  /** Whether the empty line that ends the header section was found. */
  readonly hasBlankLine: boolean;
}

const LF = 10;
const CR = 13;

/** Finds the empty line that ends the header section (CRLF CRLF, LF LF, or a mix); null when there is none. */
export function findHeaderSectionEnd(text: string): HeaderSectionEnd | null {
  for (let lf = text.indexOf('\n'); lf !== -1; lf = text.indexOf('\n', lf + 1)) {
    const next = text.charCodeAt(lf + 1);
    const bodyStart = next === LF ? lf + 2 : next === CR && text.charCodeAt(lf + 2) === LF ? lf + 3 : -1;
    if (bodyStart !== -1) return { headEnd: lf > 0 && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf, bodyStart };
  }
  return null;
}

/** The first line of the text, without its line break. */
export function startLineOf(text: string): string {
  const lf = text.indexOf('\n');
  if (lf === -1) return text;
  return text.slice(0, lf > 0 && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf);
}

/**
 * Visits the header fields of `text` — a whole message or its header section — from its second line up
 * to the first empty line. Returns null, or in strict mode the reason the section is malformed (fields
 * before the bad line have been visited).
 */
export function forEachHeaderField(text: string, visit: HeaderFieldVisitor, mode: HeaderSectionMode = 'lenient'): string | null {
  const strict = mode === 'strict';
  const firstBreak = text.indexOf('\n');
  if (firstBreak === -1) return null;
  let name = '';
  let value = '';
  let fieldStart = -1;
  let fieldEnd = -1;
  let isPending = false;
  // The next ':' at or after the current line, remembered so that lines without one do not rescan the rest.
  let colon = -1;
  let lineStart = firstBreak + 1;
  while (lineStart < text.length) {
    let lineBreak = text.indexOf('\n', lineStart);
    if (lineBreak === -1) lineBreak = text.length;
    const lineEnd = lineBreak > lineStart && text.charCodeAt(lineBreak - 1) === CR ? lineBreak - 1 : lineBreak;
    if (lineEnd === lineStart) break; // the empty line: the body follows
    const first = text.charCodeAt(lineStart);
    if (first === 32 || first === 9) {
      if (isPending) {
        value += ' ' + trimmedSlice(text, lineStart, lineEnd);
        fieldEnd = lineEnd;
      } else if (strict) return 'Header continuation line without a header';
      lineStart = lineBreak + 1;
      continue;
    }
    if (isPending) {
      isPending = false;
      if (visit(canonicalHeaderName(name), value, name, fieldStart, fieldEnd) === false) return null;
    }
    if (colon < lineStart) {
      colon = text.indexOf(':', lineStart);
      if (colon === -1) colon = text.length;
    }
    if (colon >= lineEnd || colon === lineStart) {
      if (strict) return `Malformed header line: ${printable(text.slice(lineStart, lineEnd), 40)}`;
      lineStart = lineBreak + 1;
      continue;
    }
    name = text.slice(lineStart, colon).trimEnd();
    if (strict && !isToken(name)) return `Malformed header name: ${printable(name, 40)}`;
    value = trimmedSlice(text, colon + 1, lineEnd);
    fieldStart = lineStart;
    fieldEnd = lineEnd;
    isPending = true;
    lineStart = lineBreak + 1;
  }
  if (isPending) visit(canonicalHeaderName(name), value, name, fieldStart, fieldEnd);
  return null;
}

/**
 * `text.slice(start, end).trim()`, but the usual spaces and tabs are stepped over by index first, so the
 * common value is sliced once and not copied again by trim().
 */
function trimmedSlice(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  while (from < to && isSpaceOrTab(text.charCodeAt(from))) from++;
  while (to > from && isSpaceOrTab(text.charCodeAt(to - 1))) to--;
  const slice = text.slice(from, to);
  return from < to && (isOtherWhitespace(text.charCodeAt(from)) || isOtherWhitespace(text.charCodeAt(to - 1))) ? slice.trim() : slice;
}

function isSpaceOrTab(c: number): boolean {
  return c === 32 || c === 9;
}

/** Characters trim() may remove besides space and tab: other ASCII controls it counts as space, and any non-ASCII. */
function isOtherWhitespace(c: number): boolean {
  return (c >= 10 && c <= 13) || c >= 0x80;
}

/** Splits a message into start line, header fields and body, leniently. Never throws. */
export function splitSipMessage(raw: string): SipMessageParts {
  const end = findHeaderSectionEnd(raw);
  const headers: SipHeaderField[] = [];
  forEachHeaderField(raw, (key, value, name) => {
    headers.push({ name, key, value });
  });
  return { startLine: startLineOf(raw), headers, body: end === null ? '' : raw.slice(end.bodyStart), hasBlankLine: end !== null };
}

/** The first value of a header (by any of its names), or undefined. */
export function findHeader(parts: SipMessageParts, name: string): string | undefined {
  const key = canonicalHeaderName(name);
  return parts.headers.find((h) => h.key === key)?.value;
}

/** Text safe to put in a log line or a reason phrase: no control characters, bounded length. */
export function printable(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}
