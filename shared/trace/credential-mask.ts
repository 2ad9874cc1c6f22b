/**
 * Masks credentials in a SIP message before it leaves the app in an export.
 *
 * What is secret in an `Authorization` / `Proxy-Authorization` header (RFC 3261 §22.4, §20.7, §20.28):
 * for Digest (RFC 2617 §3.2.2, RFC 8760) the `response` — with the nonce, realm and username it allows
 * an offline guess of the password — and `auts` (AKA, RFC 3310); for any other scheme (Basic, Bearer
 * — RFC 8898) the whole credential after the scheme name. Username, realm, nonce, uri, algorithm and qop
 * stay readable: they are what one needs to see why a server keeps challenging.
 *
 * Only the header section is touched; the body and every other header stay byte for byte as they were.
 * A masked header is written on one line (any folding is joined).
 */
import { canonicalHeaderName } from '../sip/header-names';
import { findHeaderEnd } from './sip-message';

/** What a masked value is replaced with. */
export const MASK = '<masked>';

const SECRET_DIGEST_PARAMS = new Set(['response', 'auts']);
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** The message with its credentials masked (the same string when it has none). */
export function maskCredentials(raw: string): string {
  const end = findHeaderEnd(raw);
  const headEnd = end ? end.headEnd : raw.length;
  const head = raw.slice(0, headEnd);
  if (!/authorization/i.test(head)) return raw;

  const newline = head.includes('\r\n') ? '\r\n' : '\n';
  const lines = head.split(/\r?\n/);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const isField = i > 0 && colon > 0 && line.charCodeAt(0) !== 32 && line.charCodeAt(0) !== 9;
    if (!isField || !CREDENTIAL_HEADERS.has(canonicalHeaderName(line.slice(0, colon)))) {
      out.push(line);
      continue;
    }
    // Gather folded continuation lines into the value.
    let value = line.slice(colon + 1).trim();
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]!)) value += ` ${lines[++i]!.trim()}`;
    out.push(`${line.slice(0, colon)}: ${maskCredentialValue(value)}`);
  }
  return out.join(newline) + raw.slice(headEnd);
}

/** Masks one Authorization / Proxy-Authorization value (`Digest username="a", response="…"`). */
export function maskCredentialValue(value: string): string {
  const match = /^([A-Za-z][A-Za-z0-9._~+/-]*)(\s+)([\s\S]*)$/.exec(value.trim());
  if (!match) return value.trim() === '' ? value : MASK;
  const [, scheme, space, rest] = match as unknown as [string, string, string, string];
  if (scheme.toLowerCase() !== 'digest') return `${scheme}${space}${MASK}`;
  return `${scheme}${space}${maskDigestParams(rest)}`;
}

/**
 * Rewrites a Digest parameter list, replacing the secret parameters' values. Quoted strings are read
 * whole (a comma or `response=` inside a quoted uri does not confuse it).
 */
function maskDigestParams(params: string): string {
  let out = '';
  let i = 0;
  const n = params.length;
  while (i < n) {
    // Copy separators and whitespace.
    const separatorStart = i;
    while (i < n && (params[i] === ',' || params[i] === ' ' || params[i] === '\t')) i++;
    out += params.slice(separatorStart, i);
    if (i >= n) break;
    const nameStart = i;
    while (i < n && params[i] !== '=' && params[i] !== ',') i++;
    const name = params.slice(nameStart, i);
    if (i >= n || params[i] === ',') {
      out += name;
      continue;
    }
    i++; // '='
    let spaceAfter = '';
    while (i < n && (params[i] === ' ' || params[i] === '\t')) spaceAfter += params[i++];
    const valueStart = i;
    let isQuoted = false;
    if (params[i] === '"') {
      isQuoted = true;
      i++;
      while (i < n && params[i] !== '"') i += params[i] === '\\' ? 2 : 1;
      i = Math.min(n, i + 1);
    } else {
      while (i < n && params[i] !== ',') i++;
    }
    const valueText = params.slice(valueStart, i);
    const isSecret = SECRET_DIGEST_PARAMS.has(name.trim().toLowerCase());
    out += `${name}=${spaceAfter}${isSecret ? (isQuoted ? `"${MASK}"` : MASK) : valueText}`;
  }
  return out;
}
