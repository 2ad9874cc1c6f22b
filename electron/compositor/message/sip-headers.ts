/**
 * The few header values the compositor reads, parsed on demand — RFC 3261 §19.1 (SIP URI), §20 (header
 * fields), §25.1 (grammar), RFC 3581 (Via `rport`), RFC 3903 §11 (SIP-ETag, SIP-If-Match), RFC 6665 §8.2
 * (Event, Subscription-State). Each function takes the raw value and returns null (never throws) when the
 * value is malformed, so the caller can answer 400 with a reason that names the header.
 */

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

const URI_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):(?:([^@;?]*)@)?(\[[0-9A-Fa-f:.]+\]|[^:;?]*)(?::(\d{1,5}))?((?:;[^?]*)?)(\?.*)?$/;

/** Parses `sip:user@host:port;params?headers` (any scheme with that shape; `tel:` has no host). */
export function parseUri(text: string): SipUri | null {
  const match = URI_PATTERN.exec(text.trim());
  if (match === null) return null;
  const scheme = (match[1] as string).toLowerCase();
  const rawUser = match[2];
  let host = match[3] as string;
  const portText = match[4];
  if (scheme === 'tel') {
    // tel:+1234;phone-context=… has no host; the whole subscriber number goes in `user`.
    return { scheme, user: decodeUser(host) ?? host, host: '', port: null, params: parseParams(match[5] ?? ''), text };
  }
  // A user part must be followed by a host; `sip:alice` alone is a host-only URI.
  if (host.length === 0) return null;
  host = host.toLowerCase();
  const port = portText === undefined ? null : Number(portText);
  if (port !== null && (port === 0 || port > 65535)) return null;
  let user = '';
  if (rawUser !== undefined) {
    // The password (user:password@) is deprecated (RFC 3261 §19.1.1) and never part of an AOR.
    const colon = rawUser.indexOf(':');
    const decoded = decodeUser(colon === -1 ? rawUser : rawUser.slice(0, colon));
    if (decoded === null) return null;
    user = decoded;
  }
  return { scheme, user, host, port, params: parseParams(match[5] ?? ''), text };
}

function decodeUser(user: string): string | null {
  if (user.indexOf('%') === -1) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return null;
  }
}

/** `;a=1;b;c=x` → Map { a → 1, b → '', c → x }; names lower-case, values as written (quotes removed). */
export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  if (text.length === 0) return params;
  for (const part of splitOutsideQuotes(text, ';')) {
    const trimmed = part.trim();
    if (trimmed.length === 0) continue;
    const eq = trimmed.indexOf('=');
    if (eq === -1) params.set(trimmed.toLowerCase(), '');
    else params.set(trimmed.slice(0, eq).trim().toLowerCase(), unquote(trimmed.slice(eq + 1).trim()));
  }
  return params;
}

/**
 * Parses a name-addr (`"Bob" <sip:bob@x>;tag=1`) or addr-spec (`sip:bob@x;tag=1`). In the addr-spec
 * form everything after the first `;` is a header parameter (RFC 3261 §20.10), not a URI parameter.
 */
export function parseNameAddr(text: string): NameAddr | null {
  const value = text.trim();
  const open = indexOutsideQuotes(value, '<');
  let uriText: string;
  let displayName = '';
  let rest: string;
  if (open !== -1) {
    const close = value.indexOf('>', open);
    if (close === -1) return null;
    displayName = unquote(value.slice(0, open).trim());
    uriText = value.slice(open + 1, close);
    rest = value.slice(close + 1);
  } else {
    const semi = value.indexOf(';');
    uriText = semi === -1 ? value : value.slice(0, semi);
    rest = semi === -1 ? '' : value.slice(semi);
    if (uriText.includes(' ') || uriText.includes('?')) return null;
  }
  const uri = parseUri(uriText);
  if (uri === null) return null;
  rest = rest.trim();
  if (rest.length > 0 && rest[0] !== ';') return null;
  return { uri, displayName, params: parseParams(rest), text: value };
}

/** Parses one Via value (`SIP/2.0/UDP host:port;branch=…;rport`). */
export function parseVia(text: string): Via | null {
  const value = text.trim();
  const match = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)\s*(.*)$/i.exec(value);
  if (match === null) return null;
  const sentBy = match[2] as string;
  const hostPort = /^(\[[0-9A-Fa-f:.]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(sentBy);
  if (hostPort === null) return null;
  const port = hostPort[2] === undefined ? null : Number(hostPort[2]);
  if (port !== null && (port === 0 || port > 65535)) return null;
  const params = parseParams(match[3] ?? '');
  return {
    transport: (match[1] as string).toUpperCase(),
    host: (hostPort[1] as string).toLowerCase(),
    port,
    branch: params.get('branch') ?? null,
    received: params.get('received') ?? null,
    hasRport: params.has('rport'),
    sentBy,
    text: value,
  };
}

/** Splits a header value at commas that separate values (not inside quotes or angle brackets). */
export function splitCommaValues(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */ && text.charCodeAt(i - 1) !== 92 /* \ */) quoted = !quoted;
    else if (quoted) continue;
    else if (ch === 60 /* < */) depth++;
    else if (ch === 62 /* > */) depth = Math.max(0, depth - 1);
    else if (ch === 44 /* , */ && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter((part) => part.length > 0);
}

/** The tag parameter of a From/To value, or null when absent; '' never counts as a tag. */
export function tagOf(value: string): string | null {
  // Fast path for the common shapes: find ";tag=" after the closing '>' (or anywhere in addr-spec form).
  const close = value.lastIndexOf('>');
  const lower = value.toLowerCase();
  const at = lower.indexOf(';tag=', close === -1 ? 0 : close);
  if (at === -1) return null;
  let end = value.indexOf(';', at + 5);
  if (end === -1) end = value.length;
  const tag = value.slice(at + 5, end).trim();
  return tag.length > 0 ? tag : null;
}

/** `CSeq: 12 PUBLISH` → { seq: 12, method: 'PUBLISH' } (the parser already validated the shape). */
export function parseCSeq(value: string): { readonly seq: number; readonly method: string } {
  const space = value.search(/\s/);
  return { seq: Number(value.slice(0, space)), method: value.slice(space).trim() };
}

/**
 * A delta-seconds header (Expires, Min-Expires; RFC 3261 §20.19): digits only. Returns null when
 * malformed. Values beyond 2^32-1 are clamped (RFC 3261 §25.1 allows that).
 */
export function parseDeltaSeconds(value: string): number | null {
  const trimmed = value.trim();
  if (!/^\d{1,20}$/.test(trimmed)) return null;
  return Math.min(Number(trimmed), 0xffffffff);
}

/** The event package name of an Event header (`presence;id=1` → `presence`), lower-cased, or null. */
export function eventPackage(value: string): string | null {
  const semi = value.indexOf(';');
  const name = (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
  return /^[a-z0-9\-.!%*_+`'~]+$/.test(name) ? name : null;
}

/** A media type without parameters, lower-cased (`Application/PIDF+XML; charset=utf-8` → `application/pidf+xml`). */
export function mediaType(value: string): string {
  const semi = value.indexOf(';');
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** Removes surrounding double quotes and backslash escapes. */
export function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  return text;
}

/** Formats host and port for a Via or URI, bracketing IPv6 literals. */
export function hostPort(host: string, port: number | null): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === separator && !quoted) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function indexOutsideQuotes(text: string, needle: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"' && text[i - 1] !== '\\') quoted = !quoted;
    else if (ch === needle && !quoted) return i;
  }
  return -1;
}
