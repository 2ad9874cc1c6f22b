/**
 * HTTP Digest (RFC 7616) as HTTP and SIP use it (RFC 3261 §22.4), with the algorithms of RFC 7616 §3.4 and their use
 * in SIP by RFC 8760: the hash of the credentials (HA1), the `response` a client computes, the challenge a server
 * sends and the credentials a client sends back — both sides, for the compositor (SIP and its XCAP server) and the
 * client's XCAP requests (electron/sip/xcap/). Only `qop=auth` is offered; `-sess` algorithms, `auth-int` and username hashing
 * are not (no SIP client we know of needs them, and each widens what a stored HA1 must be).
 *
 * The server keeps HA1 = H(username ":" realm ":" password) per algorithm, never the password (RFC 7616 §3.4.2):
 * verifying a response needs only HA1.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { splitCommaValues, unquote } from '../../shared/sip/header-values';

/** The digest algorithms we verify, in the order we offer them (RFC 8760 §2.4: the preferred one first). */
export const DIGEST_ALGORITHMS = ['SHA-256', 'MD5'] as const;

/** A digest algorithm name as it appears in `algorithm=` (RFC 7616 §3.3). */
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = { 'SHA-256': 'sha256', MD5: 'md5' };

/** H(data) of RFC 7616 §3.4: the lower-case hex digest. */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(NODE_HASH[algorithm]).update(data, 'utf8').digest('hex');
}

/** HA1 = H(username ":" realm ":" password), RFC 7616 §3.4.2 (what the users file stores). */
export function credentialsHash(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** The values that go into one `response`, besides HA1. */
export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  readonly method: string;
  /** The `uri` parameter as the client sent it (RFC 7616 §3.4.6: digest-uri). */
  readonly uri: string;
  readonly nonce: string;
  /** The nonce count, 8 hex digits (RFC 7616 §3.4). */
  readonly nc: string;
  readonly cnonce: string;
}

/**
 * The request-digest for qop=auth (RFC 7616 §3.4.1): H(HA1 ":" nonce ":" nc ":" cnonce ":" "auth" ":" HA2), where
 * HA2 = H(method ":" uri). We always send qop, so the RFC 2069 form without it is never accepted: it has no nonce
 * count, and the nonce count is what makes a replayed Authorization recognisable.
 */
export function digestResponse(ha1: string, input: DigestResponseInput): string {
  const ha2 = digestHash(input.algorithm, `${input.method}:${input.uri}`);
  return digestHash(input.algorithm, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`);
}

/** Compares two hex digests in time independent of where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a.toLowerCase(), 'utf8');
  const right = Buffer.from(b.toLowerCase(), 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** One challenge (RFC 7616 §3.3), written as a `WWW-Authenticate` value by `challengeHeader`. */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string;
  readonly algorithm: DigestAlgorithm;
  /** RFC 7616 §3.3: the nonce was too old but the credentials were right; retry with the new nonce, no prompt. */
  readonly stale: boolean;
}

/** The `WWW-Authenticate` value of a challenge. */
export function challengeHeader(challenge: DigestChallenge): string {
  const stale = challenge.stale ? ', stale=true' : '';
  return (
    `Digest realm="${challenge.realm}", nonce="${challenge.nonce}", opaque="${challenge.opaque}", ` +
    `algorithm=${challenge.algorithm}, qop="auth"${stale}`
  );
}

/** What a client sent in `Authorization: Digest …` (RFC 7616 §3.4), names lower-cased, values unquoted. */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  /** RFC 7616 §3.4: MD5 when absent. Kept as sent, so an unknown algorithm can be named in the log. */
  readonly algorithm: string;
  readonly opaque: string | undefined;
  readonly qop: string | undefined;
  readonly nc: string | undefined;
  readonly cnonce: string | undefined;
}

/** Reads an `Authorization` value; null when it is not Digest or lacks a parameter every response needs. */
export function parseDigestCredentials(value: string): DigestCredentials | null {
  const params = digestParams(value);
  if (params === null) return null;
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return null;
  return {
    username,
    realm,
    nonce,
    uri,
    response,
    algorithm: params.get('algorithm') ?? 'MD5',
    opaque: params.get('opaque'),
    qop: params.get('qop'),
    nc: params.get('nc'),
    cnonce: params.get('cnonce'),
  };
}

/** The algorithm an `algorithm=` value names, matched without regard to case (RFC 7616 §3.3), or null. */
export function digestAlgorithmOf(name: string): DigestAlgorithm | null {
  const upper = name.toUpperCase();
  return DIGEST_ALGORITHMS.find((algorithm) => algorithm === upper) ?? null;
}

/**
 * The parameters of a `Digest …` header value (a challenge or credentials), names lower-cased, values unquoted; null
 * when it is not Digest or names a parameter twice (RFC 7616 §3.3, §3.4: each at most once, else it is ambiguous).
 */
function digestParams(value: string): Map<string, string> | null {
  const match = /^\s*digest\s+/i.exec(value);
  if (match === null) return null;
  const params = new Map<string, string>();
  for (const part of splitCommaValues(value.slice(match[0].length))) {
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const name = part.slice(0, equals).trim().toLowerCase();
    if (params.has(name)) return null;
    params.set(name, unquote(part.slice(equals + 1).trim()));
  }
  return params;
}

/** A server's challenge as a client reads it (RFC 7616 §3.3). */
export interface ReceivedChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly algorithm: DigestAlgorithm;
  /** Whether `qop` offers `auth` (else the RFC 2069 form without qop is all the server takes). */
  readonly offersQopAuth: boolean;
  readonly stale: boolean;
}

/**
 * Reads one `WWW-Authenticate` value; null when it is not Digest, lacks realm or nonce, or names an algorithm we do
 * not compute (a `-sess` one, SHA-512-256): the caller then tries the server's next challenge.
 */
export function parseDigestChallenge(value: string): ReceivedChallenge | null {
  const params = digestParams(value);
  const realm = params?.get('realm');
  const nonce = params?.get('nonce');
  if (params === null || realm === undefined || nonce === undefined) return null;
  const algorithm = digestAlgorithmOf(params.get('algorithm') ?? 'MD5');
  if (algorithm === null) return null;
  const qop = params.get('qop');
  return {
    realm,
    nonce,
    opaque: params.get('opaque'),
    algorithm,
    offersQopAuth: qop === undefined ? false : qop.split(',').some((option) => option.trim().toLowerCase() === 'auth'),
    stale: params.get('stale')?.toLowerCase() === 'true',
  };
}

/** What a client answers a challenge with: who, and which request. */
export interface DigestAnswer {
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request target as sent (RFC 7616 §3.4: digest-uri, for HTTP the request-target). */
  readonly uri: string;
  /** The client nonce (RFC 7616 §3.4: cnonce); random per answer. */
  readonly cnonce: string;
  /** This nonce's use count, from 1. */
  readonly nonceCount: number;
}

/** The `Authorization` value answering `challenge` (RFC 7616 §3.4; qop=auth when offered, else RFC 2069's form). */
export function authorizationHeader(challenge: ReceivedChallenge, answer: DigestAnswer): string {
  const ha1 = credentialsHash(challenge.algorithm, answer.username, challenge.realm, answer.password);
  const opaque = challenge.opaque === undefined ? '' : `, opaque="${challenge.opaque}"`;
  const common = `Digest username="${answer.username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${answer.uri}"`;
  if (!challenge.offersQopAuth) {
    const ha2 = digestHash(challenge.algorithm, `${answer.method}:${answer.uri}`);
    const response = digestHash(challenge.algorithm, `${ha1}:${challenge.nonce}:${ha2}`);
    return `${common}, response="${response}", algorithm=${challenge.algorithm}${opaque}`;
  }
  const nc = answer.nonceCount.toString(16).padStart(8, '0');
  const response = digestResponse(ha1, {
    algorithm: challenge.algorithm,
    method: answer.method,
    uri: answer.uri,
    nonce: challenge.nonce,
    nc,
    cnonce: answer.cnonce,
  });
  return `${common}, response="${response}", algorithm=${challenge.algorithm}, qop=auth, nc=${nc}, cnonce="${answer.cnonce}"${opaque}`;
}
