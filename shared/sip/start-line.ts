/**
 * The first line of a SIP message — RFC 3261 §7.1 (Request-Line = Method SP Request-URI SP SIP-Version)
 * and §7.2 (Status-Line = SIP-Version SP Status-Code SP Reason-Phrase). The SIP-Version is compared
 * case-insensitively, as §7.1 says; the method is kept as written (methods are case-sensitive).
 */
import { isToken } from './header-values';

/** A request line or a status line, read. */
export type StartLine =
  | { readonly kind: 'request'; readonly method: string; readonly requestUri: string }
  | { readonly kind: 'response'; readonly status: number; readonly reason: string };

const SIP_VERSION = 'SIP/2.0';

/**
 * Reads a start line (without its line break); null when it is neither a request line nor a status line
 * with a code from 100 to 699 (§21). A status line may lack its reason phrase (`SIP/2.0 486`).
 */
export function readStartLine(line: string): StartLine | null {
  if (line.length >= 11 && isSipVersion(line, 0) && line.charCodeAt(7) === 32) {
    const status = statusCode(line);
    if (status === null || (line.length > 11 && line.charCodeAt(11) !== 32)) return null;
    return { kind: 'response', status, reason: line.slice(12) };
  }
  const firstSpace = line.indexOf(' ');
  const lastSpace = line.lastIndexOf(' ');
  if (
    firstSpace <= 0 ||
    lastSpace === firstSpace ||
    lastSpace !== line.length - SIP_VERSION.length - 1 ||
    !isSipVersion(line, lastSpace + 1)
  )
    return null;
  const method = line.slice(0, firstSpace);
  const requestUri = line.slice(firstSpace + 1, lastSpace);
  if (!isToken(method) || requestUri.length === 0 || requestUri.includes(' ')) return null;
  return { kind: 'request', method, requestUri };
}

function isSipVersion(line: string, at: number): boolean {
  return line.slice(at, at + SIP_VERSION.length).toUpperCase() === SIP_VERSION;
}

/** The three digits after `SIP/2.0 `, 100–699, or null. */
function statusCode(line: string): number | null {
  let code = 0;
  for (let i = 8; i < 11; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    code = code * 10 + (c - 48);
  }
  return code >= 100 && code <= 699 ? code : null;
}
