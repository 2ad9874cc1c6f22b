/**
 * `multipart/related` bodies (RFC 2387 over RFC 2046 §5.1) as resource list NOTIFYs carry them (RFC 4662 §5):
 *
 *   Content-Type: multipart/related;type="application/rlmi+xml";start="<nXYxAE@pres.example.com>";boundary="50UBfW7LSCVLtggUPe5z"
 *
 *   --50UBfW7LSCVLtggUPe5z
 *   Content-Transfer-Encoding: binary
 *   Content-ID: <nXYxAE@pres.example.com>
 *   Content-Type: application/rlmi+xml;charset="UTF-8"
 *
 *   <?xml version="1.0" encoding="UTF-8"?> <list …>…</list>
 *   --50UBfW7LSCVLtggUPe5z
 *   Content-ID: <bUZBsM@pres.example.com>
 *   Content-Type: application/pidf+xml
 *
 *   <presence …>…</presence>
 *   --50UBfW7LSCVLtggUPe5z--
 *
 * RFC 2046 §5.1.1: the line break before a delimiter belongs to the delimiter, text before the first delimiter
 * (preamble) and after the last (epilogue) is ignored, and a boundary is 1–70 characters. RFC 2387 §3.2: `start`
 * names the root part by Content-ID; without it the root is the first part. Lines may end in CRLF or, from lax
 * senders, LF alone. A part without a Content-ID is kept (with `contentId` undefined) so the caller can say which
 * resource it could not place; a part in an encoding we do not read is reported in `problems` and left out.
 */
import { forEachParam, mediaType } from '../sip/header-values';

/** One body part. */
export interface MultipartPart {
  /** Header fields in order, names as written. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** The Content-ID without angle brackets, or undefined when the part has none. */
  readonly contentId?: string;
  /** The full Content-Type value (RFC 2046 §5.1: `text/plain` when absent). */
  readonly contentType: string;
  readonly body: string;
}

/** A `multipart/related` body, read. */
export interface MultipartRelated {
  /** The `type` parameter: the root part's media type (RFC 2387 §3.1), lower-cased, or undefined. */
  readonly type?: string;
  /** The `start` parameter without angle brackets, or undefined. */
  readonly start?: string;
  readonly parts: readonly MultipartPart[];
  /** The root part: the one `start` names, else the first (undefined when `start` names none). */
  readonly root?: MultipartPart;
  /** Parts left out, each with one sentence saying why. */
  readonly problems: readonly string[];
}

/** The result of reading a multipart body. */
export type MultipartParseResult =
  { readonly ok: true; readonly multipart: MultipartRelated } | { readonly ok: false; readonly message: string };

/** How much a multipart body may hold. */
export interface MultipartLimits {
  /** The most parts (default 10,001: a 10,000-member list and its RLMI). */
  readonly maxParts?: number;
  /** The most characters of the whole body (default 16 MiB). */
  readonly maxChars?: number;
}

/** RFC 2387: the media type. */
export const MULTIPART_RELATED = 'multipart/related';

const DEFAULT_MAX_PARTS = 10_001;
const DEFAULT_MAX_CHARS = 16 * 1024 * 1024;
/** Part headers beyond these are refused: RFC 4662 parts have three or four short ones. */
const MAX_PART_HEADERS = 32;
const MAX_PART_HEADER_CHARS = 8 * 1024;
/** RFC 2046 §5.1.1 bcharsnospace and space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * Reads a multipart body given its Content-Type header value. Never throws; a body that cannot be read as a whole
 * (no boundary, no closing delimiter, too large) gives one sentence.
 */
export function parseMultipartRelated(body: string, contentType: string, limits: MultipartLimits = {}): MultipartParseResult {
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  const maxParts = limits.maxParts ?? DEFAULT_MAX_PARTS;
  if (!mediaType(contentType).startsWith('multipart/')) return fail(`The body is ${describeType(contentType)}, not multipart.`);
  if (body.length > maxChars) return fail(`The multipart body is larger than ${maxChars} characters.`);
  const params = contentTypeParams(contentType);
  const boundary = params.get('boundary');
  if (boundary === undefined || !BOUNDARY.test(boundary)) return fail('The multipart Content-Type has no valid boundary parameter.');
  const type = params.get('type')?.toLowerCase();
  const start = params.has('start') ? stripAngles(params.get('start') ?? '') : undefined;

  const delimiter = `--${boundary}`;
  const parts: MultipartPart[] = [];
  const problems: string[] = [];
  let at = findDelimiter(body, delimiter, 0);
  if (at === -1) return fail('The multipart body has no part (its boundary never occurs).');
  for (;;) {
    let lineEnd = at + delimiter.length;
    if (body.startsWith('--', lineEnd)) break; // the close delimiter
    // Transport padding (RFC 2046 §5.1.1) is allowed after the boundary, then the line ends.
    while (body[lineEnd] === ' ' || body[lineEnd] === '\t') lineEnd++;
    if (body[lineEnd] === '\r') lineEnd++;
    if (body[lineEnd] !== '\n') return fail('A multipart boundary line has text after the boundary.');
    const contentStart = lineEnd + 1;
    const next = findDelimiter(body, delimiter, contentStart);
    if (next === -1) return fail('The multipart body ends before its closing boundary.');
    if (parts.length + problems.length >= maxParts) return fail(`The multipart body has more than ${maxParts} parts.`);
    // The line break before the delimiter belongs to the delimiter.
    const contentEnd = body[next - 2] === '\r' ? next - 2 : next - 1;
    const read = readPart(body.slice(contentStart, Math.max(contentStart, contentEnd)), parts.length + problems.length + 1);
    if (typeof read === 'string') problems.push(read);
    else parts.push(read);
    at = next;
  }
  const root = start === undefined ? parts[0] : parts.find((part) => part.contentId === start);
  return {
    ok: true,
    multipart: { ...(type === undefined ? {} : { type }), ...(start === undefined ? {} : { start }), parts, root, problems },
  };
}

/** A part to write. */
export interface MultipartPartToBuild {
  /** Without angle brackets. */
  readonly contentId: string;
  readonly contentType: string;
  readonly body: string;
}

/** What to write: the root's media type and the parts, the root first unless `start` names another. */
export interface MultipartRelatedToBuild {
  readonly type: string;
  readonly start?: string;
  readonly parts: readonly MultipartPartToBuild[];
  /** A fixed boundary (tests); by default a random one that occurs in no part. */
  readonly boundary?: string;
}

/** Writes a `multipart/related` body (RFC 2387, RFC 4662 §5): its Content-Type header value and its text. */
export function buildMultipartRelated(input: MultipartRelatedToBuild): { readonly contentType: string; readonly body: string } {
  const firstPart = input.parts[0];
  const start = input.start ?? firstPart?.contentId;
  let boundary = input.boundary ?? randomBoundary();
  while (input.boundary === undefined && input.parts.some((part) => part.body.includes(boundary))) boundary = randomBoundary();
  if (!BOUNDARY.test(boundary)) throw new Error('A multipart boundary is 1 to 70 characters of the RFC 2046 set.');
  const out: string[] = [];
  for (const part of input.parts) {
    out.push(
      `--${boundary}\r\n`,
      'Content-Transfer-Encoding: binary\r\n',
      `Content-ID: <${headerSafe(part.contentId)}>\r\n`,
      `Content-Type: ${headerSafe(part.contentType)}\r\n`,
      '\r\n',
      part.body,
      '\r\n',
    );
  }
  out.push(`--${boundary}--\r\n`);
  const startParam = start === undefined ? '' : `;start="<${quotedSafe(start)}>"`;
  return {
    contentType: `${MULTIPART_RELATED};type="${quotedSafe(input.type)}"${startParam};boundary="${boundary}"`,
    body: out.join(''),
  };
}

/** The Content-Type's parameters (names lower-case, values unquoted). */
function contentTypeParams(contentType: string): Map<string, string> {
  const params = new Map<string, string>();
  const semi = contentType.indexOf(';');
  if (semi === -1) return params;
  forEachParam(contentType.slice(semi + 1), (name, value) => {
    if (!params.has(name)) params.set(name, value);
  });
  return params;
}

/** The index of the next `--boundary` that starts a line at or after `from`, or -1. */
function findDelimiter(body: string, delimiter: string, from: number): number {
  for (let at = body.indexOf(delimiter, from); at !== -1; at = body.indexOf(delimiter, at + 1)) {
    if (at === 0 || body[at - 1] === '\n') return at;
  }
  return -1;
}

function readPart(text: string, index: number): MultipartPart | string {
  // The header section ends at the first empty line; a part may have no headers at all (the line break then comes first).
  const blank = /\r?\n\r?\n/.exec(text);
  const startsBlank = /^\r?\n/.exec(text);
  let headerText: string;
  let body: string;
  if (startsBlank !== null) {
    headerText = '';
    body = text.slice(startsBlank[0].length);
  } else if (blank !== null) {
    headerText = text.slice(0, blank.index);
    body = text.slice(blank.index + blank[0].length);
  } else {
    return `Part ${index} of the multipart body has no empty line after its headers; it is left out.`;
  }
  if (headerText.length > MAX_PART_HEADER_CHARS)
    return `Part ${index} of the multipart body has too long a header section; it is left out.`;
  const headers: { name: string; value: string }[] = [];
  for (const line of headerText.split(/\r?\n/)) {
    if (line === '') continue;
    const last = headers[headers.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      // RFC 5322 §2.2.3 folding: a continuation line belongs to the header above.
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return `Part ${index} of the multipart body has a malformed header line; it is left out.`;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
    if (headers.length > MAX_PART_HEADERS)
      return `Part ${index} of the multipart body has more than ${MAX_PART_HEADERS} headers; it is left out.`;
  }
  const header = (name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value;
  const rawContentId = header('content-id');
  const contentType = header('content-type') ?? 'text/plain';
  const encoding = (header('content-transfer-encoding') ?? 'binary').toLowerCase();
  let decoded = body;
  if (encoding === 'base64') {
    const fromBase64 = decodeBase64(body);
    if (fromBase64 === null) return `Part ${index} of the multipart body is not valid base64; it is left out.`;
    decoded = fromBase64;
  } else if (encoding !== 'binary' && encoding !== '8bit' && encoding !== '7bit') {
    return `Part ${index} of the multipart body uses the ${describeType(encoding)} encoding, which is not read; it is left out.`;
  }
  const contentId = rawContentId === undefined ? undefined : stripAngles(rawContentId);
  return {
    headers,
    ...(contentId === undefined || contentId === '' ? {} : { contentId }),
    contentType,
    body: decoded,
  };
}

function decodeBase64(text: string): string | null {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return null;
  try {
    const binary = atob(compact);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  } catch {
    return null;
  }
}

function stripAngles(value: string): string {
  const trimmed = value.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1).trim() : trimmed;
}

/** Header values we write stay on one line. */
function headerSafe(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

function quotedSafe(text: string): string {
  return headerSafe(text).replace(/["\\]/g, '');
}

function describeType(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 37)}...` : clean;
}

const BOUNDARY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomBoundary(): string {
  let boundary = '';
  for (let i = 0; i < 24; i++) boundary += BOUNDARY_ALPHABET[Math.floor(Math.random() * BOUNDARY_ALPHABET.length)];
  return boundary;
}

function fail(message: string): MultipartParseResult {
  return { ok: false, message };
}
