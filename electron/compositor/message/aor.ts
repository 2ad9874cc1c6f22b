/**
 * Address-of-record canonical form — RFC 3903 §6 step 5 (via draft-olson-simple-publish-02 §10 step 5): "all URI
 * parameters MUST be removed (including the user-param), and any escaped characters MUST be converted to
 * their unescaped form. The result serves as an index into the list of publications."
 *
 * The key is `user@host` without the scheme, so `sip:alice@example.com`, `sips:alice@example.com` and
 * the PIDF entity `pres:alice@example.com` (RFC 3863 §4.1.1) name the same presentity. The user part
 * is case-sensitive and the host is not (RFC 3261 §19.1.4).
 */
import { parseUri, type SipUri } from '../../../shared/sip/header-values';

/** Schemes that can name a presentity. */
const AOR_SCHEMES = new Set(['sip', 'sips', 'pres']);

/** A presentity's identity: the lookup key and the URI we show and put in documents. */
export interface Aor {
  /** `user@host`, the index into publications, subscriptions and bindings. */
  readonly key: string;
  /** `sip:user@host` (or `sips:`), parameters removed; the `entity` of composed documents. */
  readonly uri: string;
  readonly user: string;
  readonly host: string;
}

/** The AOR a URI names, or null when it cannot name one (no user part, or a tel:/http: URI). */
export function aorOf(uri: SipUri): Aor | null {
  if (!AOR_SCHEMES.has(uri.scheme) || uri.user.length === 0 || uri.host.length === 0) return null;
  // Joined, not concatenated: an AOR lives as long as its publication or subscription, and a concatenation stays a
  // tree of string pieces (~100 bytes more per AOR on the heap); `join` writes one flat string.
  const key = [uri.user, uri.host].join('@');
  const scheme = uri.scheme === 'sips' ? 'sips' : 'sip';
  return { key, uri: [scheme, ':', escapeUser(uri.user), '@', uri.host].join(''), user: uri.user, host: uri.host };
}

/** The AOR of a URI given as text (e.g. a PIDF `entity` or a configured publisher), or null. */
export function aorOfText(text: string): Aor | null {
  const uri = parseUri(text);
  return uri === null ? null : aorOf(uri);
}

/** `%XX` for every byte value, so escaping is one table lookup per byte. */
const PERCENT_ESCAPES = Array.from({ length: 256 }, (_, byte) => '%' + byte.toString(16).toUpperCase().padStart(2, '0'));
/** Runs of characters that may not appear literally in a SIP user part (RFC 3261 §25.1 `user`). */
const NOT_USER_CHARACTERS = /[^A-Za-z0-9\-_.!~*'()&=+$,;?/]+/g;

/**
 * Re-escapes characters that may not appear literally in a SIP user part. A whole run is encoded at once:
 * a user part of 50,000 escaped characters (one datagram's worth) costs one UTF-8 encoding, not 50,000.
 */
function escapeUser(user: string): string {
  return user.replace(NOT_USER_CHARACTERS, (run) => {
    let escaped = '';
    for (const byte of Buffer.from(run, 'utf8')) escaped += PERCENT_ESCAPES[byte];
    return escaped;
  });
}
