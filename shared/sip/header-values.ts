/**
 * Readers of SIP header field values — RFC 3261 §25.1 (grammar: token, quoted-string and quoted-pair,
 * SIP-URI, name-addr / addr-spec, generic-param, hostport), §19.1 (SIP URI), §20 (header fields),
 * §7.3.1 (comma-separated values), §8.1.1.5 (CSeq), RFC 3581 (Via `rport`), RFC 6665 §8.2.1 (Event).
 * The compositor, the SIP engine's transport, the trace pane and the test peers all read values here.
 *
 * Every reader is an index scan that looks at each character a bounded number of times, so hostile input
 * (long runs of spaces, quotes, `<`, `;`, `,`) costs linear time. None throws: malformed input gives null
 * (or, for the forgiving readers the trace uses, an empty result), so callers can answer 400 naming the header.
 */

const HTAB = 9;
const LF = 10;
const CR = 13;
const SP = 32;
const DQUOTE = 34;
const COMMA = 44;
const SEMICOLON = 59;
const COLON = 58;
const EQUALS = 61;
const LESS_THAN = 60;
const GREATER_THAN = 62;
const QUESTION = 63;
const AT = 64;
const LEFT_BRACKET = 91;
const BACKSLASH = 92;
const RIGHT_BRACKET = 93;

/** RFC 3261 §25.1 `token` characters: alphanum and - . ! % * _ + ` ' ~ */
const TOKEN_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) table[c] = 1;
  for (let c = 65; c <= 90; c++) table[c] = 1;
  for (let c = 97; c <= 122; c++) table[c] = 1;
  for (const ch of "-.!%*_+`'~") table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** A SIP or SIPS URI, split into what routing and AOR comparison need. */
export interface SipUri {
  /** Lower-case scheme: `sip`, `sips`, `pres`, `tel`, … */
  readonly scheme: string;
  /** The user part, %-escapes decoded; empty when the URI has none. */
  readonly user: string;
  /** Lower-case host; IPv6 references keep their brackets. */
  readonly host: string;
  readonly port: number | null;
  /** URI parameters, names lower-case; a parameter without value maps to ''. */
  readonly params: ReadonlyMap<string, string>;
  /** The URI exactly as written. */
  readonly text: string;
}

/** A name-addr or addr-spec (From, To, Contact, Route, Record-Route) with its header parameters. */
export interface NameAddr {
  readonly uri: SipUri;
  readonly displayName: string;
  /** Header parameters (after the URI), names lower-case. */
  readonly params: ReadonlyMap<string, string>;
  /** The value exactly as written. */
  readonly text: string;
}

/** A name-addr or addr-spec cut into its texts, nothing validated: what a forgiving reader (the trace) shows. */
export interface NameAddrParts {
  /** True for the `display-name <URI>` form, false for a bare addr-spec. */
  readonly isNameAddr: boolean;
  /** The display name as written (quotes kept), '' when there is none. */
  readonly displayName: string;
  /** The URI between `<` and `>` (or the addr-spec up to its first `;`), trimmed. */
  readonly uri: string;
  /** The header parameters after the URI, from their first `;` (or '' when there are none). */
  readonly params: string;
}

/** The parts of a Via header field value used for response routing and transaction matching. */
export interface Via {
  /** Upper-case transport token: UDP, TCP, TLS, WS, WSS, SCTP. */
  readonly transport: string;
  readonly host: string;
  readonly port: number | null;
  readonly branch: string | null;
  readonly received: string | null;
  /** True when `rport` is present (with or without a value). */
  readonly hasRport: boolean;
  /** The `sent-by` as written (host[:port]), for transaction matching. */
  readonly sentBy: string;
  readonly text: string;
}

/** A host and optional port (RFC 3261 §25.1 `hostport`). */
export interface HostPort {
  /** Lower case; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly port: number | null;
}

/** A CSeq value (RFC 3261 §20.16): the sequence number and the method. */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** Whether `text` is a non-empty RFC 3261 §25.1 `token` (header names, methods, event packages). */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/**
 * Removes the double quotes around a quoted-string and undoes its quoted-pairs (`\"` → `"`, `\\` → `\`,
 * RFC 3261 §25.1). Text that is not exactly one quoted-string comes back unchanged.
 */
export function unquote(text: string): string {
  if (text.length < 2 || text.charCodeAt(0) !== DQUOTE || quotedStringEnd(text, 0) !== text.length) return text;
  let out = '';
  let from = 1;
  for (let i = 1; i < text.length - 1; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    out += text.slice(from, i);
    from = i + 1;
    i++; // the escaped character is kept as it is, even when it is a backslash or a quote
  }
  return out + text.slice(from, text.length - 1);
}

/**
 * Where the comma-separated value starting at `from` ends (RFC 3261 §7.3.1): the index of the next comma
 * outside quoted strings and `<…>`, or text.length. `text.slice(0, commaValueEnd(text))` is the top Via.
 */
export function commaValueEnd(text: string, from = 0): number {
  return separatorIndex(text, from, COMMA, true);
}

/** Splits a header value at commas that separate values (not inside quotes or angle brackets); drops empty parts. */
export function splitCommaValues(text: string): string[] {
  const out: string[] = [];
  for (let start = 0; start <= text.length;) {
    const end = commaValueEnd(text, start);
    const part = text.slice(start, end).trim();
    if (part.length > 0) out.push(part);
    start = end + 1;
  }
  return out;
}

/**
 * Calls `visit` for each `;`-separated generic-param of `text` (RFC 3261 §25.1), leading `;` optional:
 * the name trimmed and lower-cased, the value trimmed and unquoted ('' for a flag such as `lr`).
 * Semicolons inside quoted strings do not separate. Stops when `visit` returns false.
 */
export function forEachParam(text: string, visit: (name: string, value: string) => boolean | void): void {
  for (let start = 0; start < text.length;) {
    const end = separatorIndex(text, start, SEMICOLON, false);
    let equals = -1;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === EQUALS) {
        equals = i;
        break;
      }
    }
    const name = text
      .slice(start, equals === -1 ? end : equals)
      .trim()
      .toLowerCase();
    if (name.length > 0 && visit(name, equals === -1 ? '' : unquote(text.slice(equals + 1, end).trim())) === false) return;
    start = end + 1;
  }
}

/** `;a=1;b;c=x` → Map { a → 1, b → '', c → x }; names lower-case, values unquoted; a repeated name keeps its last value. */
export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  forEachParam(text, (name, value) => {
    params.set(name, value);
  });
  return params;
}

/** The value of the first parameter called `name` in a `;`-list, '' for a flag, undefined when absent. */
export function readParam(params: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  forEachParam(params, (key, value) => {
    if (key !== wanted) return true;
    found = value;
    return false;
  });
  return found;
}

/** Reads `host[:port]` (RFC 3261 §25.1 `hostport`; IPv6 references in brackets); null when malformed. */
export function parseHostPort(text: string): HostPort | null {
  const hostEnd = hostEndAt(text, 0, false);
  if (hostEnd === 0) return null;
  const host = text.slice(0, hostEnd).toLowerCase();
  if (hostEnd === text.length) return { host, port: null };
  if (text.charCodeAt(hostEnd) !== COLON) return null;
  const port = readPort(text, hostEnd + 1, text.length);
  return port === null ? null : { host, port };
}

/** Formats host and port for a Via or URI, bracketing IPv6 literals. */
export function hostPort(host: string, port: number | null): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}

/** Parses `sip:user@host:port;params?headers` (any scheme with that shape; `tel:` has no host). */
export function parseUri(text: string): SipUri | null {
  const value = text.trim();
  const colon = value.indexOf(':');
  if (colon <= 0 || !isScheme(value, colon)) return null;
  const scheme = value.slice(0, colon).toLowerCase();
  // The userinfo ends at the first '@' that comes before any ';' or '?' (RFC 3261 §25.1 `userinfo`).
  let userEnd = -1;
  for (let i = colon + 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === AT) {
      userEnd = i;
      break;
    }
    if (c === SEMICOLON || c === QUESTION) break;
  }
  const hostStart = userEnd === -1 ? colon + 1 : userEnd + 1;
  const hostEnd = hostEndAt(value, hostStart, true);
  let next = hostEnd;
  let port: number | null = null;
  if (value.charCodeAt(next) === COLON) {
    let portEnd = next + 1;
    while (portEnd < value.length && isDigit(value.charCodeAt(portEnd))) portEnd++;
    port = readPort(value, next + 1, portEnd);
    if (port === null) return null;
    next = portEnd;
  }
  if (next < value.length && value.charCodeAt(next) !== SEMICOLON && value.charCodeAt(next) !== QUESTION) return null;
  const question = value.indexOf('?', next);
  const params = parseParams(value.slice(next, question === -1 ? value.length : question));
  const hostText = value.slice(hostStart, hostEnd);
  if (scheme === 'tel') {
    // tel:+1234;phone-context=… has no host; the whole subscriber number goes in `user`.
    return { scheme, user: decodeUser(hostText) ?? hostText, host: '', port: null, params, text };
  }
  if (hostText.length === 0) return null;
  let user = '';
  if (userEnd !== -1) {
    // The password (user:password@) is deprecated (RFC 3261 §19.1.1) and never part of an AOR.
    const passwordColon = value.indexOf(':', colon + 1);
    const decoded = decodeUser(value.slice(colon + 1, passwordColon !== -1 && passwordColon < userEnd ? passwordColon : userEnd));
    if (decoded === null) return null;
    user = decoded;
  }
  return { scheme, user, host: hostText.toLowerCase(), port, params, text };
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

/**
 * Cuts a name-addr (`"Bob" <sip:bob@x>;tag=1`) or addr-spec (`sip:bob@x;tag=1`) into display name, URI and
 * header parameters without judging them; null only when a `<` is never closed. In the addr-spec form
 * everything after the first `;` is a header parameter (RFC 3261 §20.10), not a URI parameter.
 */
export function splitNameAddr(text: string): NameAddrParts | null {
  const value = text.trim();
  const open = separatorIndex(value, 0, LESS_THAN, false);
  if (open < value.length) {
    const close = value.indexOf('>', open + 1);
    if (close === -1) return null;
    return {
      isNameAddr: true,
      displayName: value.slice(0, open).trim(),
      uri: value.slice(open + 1, close).trim(),
      params: value.slice(close + 1).trim(),
    };
  }
  const semicolon = value.indexOf(';');
  if (semicolon === -1) return { isNameAddr: false, displayName: '', uri: value, params: '' };
  return { isNameAddr: false, displayName: '', uri: value.slice(0, semicolon).trim(), params: value.slice(semicolon) };
}

/** Parses a name-addr or addr-spec (see splitNameAddr) into its URI, display name and header parameters. */
export function parseNameAddr(text: string): NameAddr | null {
  const value = text.trim();
  const parts = splitNameAddr(value);
  if (parts === null) return null;
  // An addr-spec cannot hold spaces or URI headers: they would be ambiguous with the header's own syntax.
  if (!parts.isNameAddr && (parts.uri.includes(' ') || parts.uri.includes('?'))) return null;
  if (parts.params.length > 0 && parts.params.charCodeAt(0) !== SEMICOLON) return null;
  const uri = parseUri(parts.uri);
  if (uri === null) return null;
  return { uri, displayName: unquote(parts.displayName), params: parseParams(parts.params), text: value };
}

/** The tag parameter of a From/To value, or null when absent; '' never counts as a tag. */
export function tagOf(value: string): string | null {
  const parts = splitNameAddr(value);
  const tag = parts === null ? undefined : readParam(parts.params, 'tag');
  return tag === undefined || tag === '' ? null : tag;
}

/** Parses one via-parm (`SIP/2.0/UDP host:port;branch=…;rport`, RFC 3261 §20.42); null when malformed. */
export function parseVia(text: string): Via | null {
  const value = text.trim();
  if (value.slice(0, 3).toUpperCase() !== 'SIP') return null;
  let i = skipWhitespace(value, 3);
  if (value.charCodeAt(i) !== 47 /* / */) return null;
  i = skipWhitespace(value, i + 1);
  if (!value.startsWith('2.0', i)) return null;
  i = skipWhitespace(value, i + 3);
  if (value.charCodeAt(i) !== 47 /* / */) return null;
  i = skipWhitespace(value, i + 1);
  const transportStart = i;
  while (i < value.length && isLetter(value.charCodeAt(i))) i++;
  if (i === transportStart) return null;
  const transport = value.slice(transportStart, i).toUpperCase();
  const sentByStart = skipWhitespace(value, i);
  if (sentByStart === i) return null;
  let sentByEnd = sentByStart;
  while (sentByEnd < value.length && value.charCodeAt(sentByEnd) !== SEMICOLON && !isWhitespace(value.charCodeAt(sentByEnd))) sentByEnd++;
  if (sentByEnd === sentByStart) return null;
  const paramsText = value.slice(sentByEnd);
  // Line breaks cannot be part of a header value once folding is undone (RFC 3261 §7.3.1).
  if (paramsText.indexOf('\r') !== -1 || paramsText.indexOf('\n') !== -1) return null;
  const sentBy = value.slice(sentByStart, sentByEnd);
  const address = parseHostPort(sentBy);
  if (address === null) return null;
  const params = parseParams(paramsText);
  return {
    transport,
    host: address.host,
    port: address.port,
    branch: params.get('branch') ?? null,
    received: params.get('received') ?? null,
    hasRport: params.has('rport'),
    sentBy,
    text: value,
  };
}

/** `12 PUBLISH` → { seq: 12, method: 'PUBLISH' }; null unless 1–10 digits below 2^31 (§8.1.1.5), whitespace, a method token. */
export function parseCSeq(value: string): CSeq | null {
  const text = value.trim();
  let i = 0;
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  if (i === 0 || i > 10) return null;
  const seq = Number(text.slice(0, i));
  if (seq > 0x7fffffff) return null;
  const methodStart = skipWhitespace(text, i);
  if (methodStart === i) return null;
  const method = text.slice(methodStart);
  return isToken(method) ? { seq, method } : null;
}

/**
 * A delta-seconds header (Expires, Min-Expires; RFC 3261 §20.19): digits only. Returns null when
 * malformed. Values beyond 2^32-1 are clamped (RFC 3261 §25.1 allows that).
 */
export function parseDeltaSeconds(value: string): number | null {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 20) return null;
  for (let i = 0; i < trimmed.length; i++) if (!isDigit(trimmed.charCodeAt(i))) return null;
  return Math.min(Number(trimmed), 0xffffffff);
}

/** The event package name of an Event header (`presence;id=1` → `presence`), lower-cased, or null. */
export function eventPackage(value: string): string | null {
  const semi = value.indexOf(';');
  const name = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return isToken(name) ? name : null;
}

/** A media type without parameters, lower-cased (`Application/PIDF+XML; charset=utf-8` → `application/pidf+xml`). */
export function mediaType(value: string): string {
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** The index just after the DQUOTE closing the quoted-string that opens at `open`, or -1 when it is never closed. */
function quotedStringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH)
      i++; // quoted-pair: the next character cannot close the string
    else if (c === DQUOTE) return i + 1;
  }
  return -1;
}

/**
 * The first `separator` at or after `from` outside quoted strings (and, with `skipAngles`, outside `<…>`),
 * or text.length. An unclosed quoted string runs to the end.
 */
function separatorIndex(text: string, from: number, separator: number, skipAngles: boolean): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE) {
      const end = quotedStringEnd(text, i);
      if (end === -1) return text.length;
      i = end - 1;
    } else if (c === separator && depth === 0) return i;
    else if (skipAngles && c === LESS_THAN) depth++;
    else if (skipAngles && c === GREATER_THAN && depth > 0) depth--;
  }
  return text.length;
}

/**
 * Where the host that starts at `start` ends: after a bracketed IPv6 reference, else at the first `:`
 * (and, inside a URI, `;` or `?`). A `[` that opens no valid reference is read as an ordinary host.
 */
function hostEndAt(text: string, start: number, inUri: boolean): number {
  if (text.charCodeAt(start) === LEFT_BRACKET) {
    let i = start + 1;
    while (i < text.length && isIpv6Char(text.charCodeAt(i))) i++;
    if (i > start + 1 && text.charCodeAt(i) === RIGHT_BRACKET) return i + 1;
  }
  let i = start;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === COLON || (inUri && (c === SEMICOLON || c === QUESTION))) break;
    i++;
  }
  return i;
}

/** A port of 1–5 digits filling text[from, to), 1–65535; null otherwise. */
function readPort(text: string, from: number, to: number): number | null {
  if (to <= from || to - from > 5) return null;
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return null;
  const port = Number(text.slice(from, to));
  return port === 0 || port > 65535 ? null : port;
}

/** RFC 3261 §25.1 `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` over text[0, end). */
function isScheme(text: string, end: number): boolean {
  if (!isLetter(text.charCodeAt(0))) return false;
  for (let i = 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c) && c !== 43 && c !== 45 && c !== 46) return false;
  }
  return true;
}

function decodeUser(user: string): string | null {
  if (user.indexOf('%') === -1) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return null;
  }
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return i;
}

function isWhitespace(c: number): boolean {
  return c === SP || c === HTAB || c === CR || c === LF;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isIpv6Char(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === COLON || c === 46;
}
