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
import { forEachHeaderField } from '../sip/header-section';

/** What a masked value is replaced with. */
export const MASK = '<masked>';

const SECRET_DIGEST_PARAMS = new Set(['response', 'auts']);
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);

/** The message with its credentials masked (the same string when it has none). */
export function maskCredentials(raw: string): string {
  // Most messages carry no credentials: a plain search spares them the header walk.
  if (!/authorization/i.test(raw)) return raw;
  let out = '';
  let copiedUpTo = 0;
  forEachHeaderField(raw, (key, value, name, fieldStart, fieldEnd) => {
    if (!CREDENTIAL_HEADERS.has(key)) return;
    out += `${raw.slice(copiedUpTo, fieldStart)}${name}: ${maskCredentialValue(value)}`;
    copiedUpTo = fieldEnd;
  });
  return copiedUpTo === 0 ? raw : out + raw.slice(copiedUpTo);
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
