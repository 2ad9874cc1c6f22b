/**
 * Who sent a request, proven by Digest (RFC 3261 §22.4, RFC 7616, RFC 8760), and whether that user may do what it
 * asks. Used for REGISTER, PUBLISH and SUBSCRIBE when the compositor has a users file; OPTIONS stays open (a probe
 * or keep-alive needs no identity).
 *
 * We challenge with 401 and WWW-Authenticate, not 407 and Proxy-Authenticate: the compositor is the registrar and
 * the presence server itself, the user agent server the request is addressed to (RFC 3261 §22.1: 407 is for a
 * proxy asking on the path to someone else; a registrar answers 401, §22.2). Each 401 offers SHA-256 first, then
 * MD5 (RFC 8760 §2.4: challenges in order of preference; a client takes the first it supports), both `qop="auth"`
 * with one nonce and an opaque value. sip.js, our own client's stack, does only MD5 and of several WWW-Authenticate
 * lines keeps the last one: with MD5 last it logs in, and clients that do SHA-256 pick SHA-256. Clients that read
 * only the first challenge and know only MD5 (sipp 3.6) need `algorithms: ['MD5']`.
 *
 *   no credentials for our realm ─────────────────────────────────► 401, fresh challenges
 *   known nonce, right response, nonce count above the last one ───► authenticated as `username`
 *   expired (or forgotten) nonce, right response ───────────────────► 401 stale=true: retry at once, no prompt (RFC 7616 §3.3)
 *   wrong password, unknown user, replayed nonce count ─────────────► 401 again, a failure counted for the source address
 *   too many failures from one address within the window ──────────► 403 until the window ends
 *
 * The `uri` of the credentials is hashed as the client sent it and not compared with the Request-URI (RFC 7616 §3.4.6
 * asks servers to): sipp, for one, sends the address it sent the request to. The nonce count already makes each
 * Authorization good for one request only, so a copied one cannot be used for another.
 *
 * A wrong password is answered 401 with new challenges, not 403 (RFC 3261 §22.2: the UAC may retry with other
 * credentials), and the same way as an unknown user, so that the answers do not tell which user names exist.
 * Kamailio's auth module has no failure limit of its own; its sample configuration bans a source address that
 * sends too much (the `pike` module, with `htable` keeping the ban). Here the bound counts failed authentications
 * only: clients that log in correctly are never slowed down by it.
 */
import { randomBytes } from 'node:crypto';
import type { Aor } from '../message/aor';
import type { SipRequest } from '../message/sip-message';
import type { Reply } from '../request-context';
import {
  challengeHeader,
  DIGEST_ALGORITHMS,
  digestAlgorithmOf,
  digestResponse,
  digestsEqual,
  parseDigestCredentials,
  type DigestAlgorithm,
  type DigestCredentials,
} from '../../net/digest';
import { NonceCounts, NonceIssuer } from './nonce';
import type { UserEntry } from './users-file';

/** What `startCompositor` takes to authenticate (the `authentication` option). */
export interface AuthenticationOptions {
  /** The accounts; entries of other realms are ignored. */
  readonly users: readonly UserEntry[];
  /** The realm we challenge with (RFC 3261 §22.1: usually the SIP domain). */
  readonly realm: string;
  /** The challenges offered, in this order (default SHA-256 then MD5); responses to the others are not accepted. */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** How long a nonce is accepted, seconds (default 300, Kamailio's `nonce_expire`). */
  readonly nonceLifetimeSeconds?: number;
  /** Failed authentications from one address within `failureWindowSeconds` before it is refused (default 20). */
  readonly maxFailuresPerAddress?: number;
  /** The window failures are counted in, and the length of the refusal (default 600). */
  readonly failureWindowSeconds?: number;
}

/** Nonces whose counts are tracked at once; beyond, the oldest are forgotten (and treated as stale). */
const MAX_TRACKED_NONCES = 100_000;
/** Source addresses whose failures are counted at once; beyond, the oldest are forgotten. */
const MAX_TRACKED_ADDRESSES = 10_000;

/** What the gate decided about one request. */
export type Admission = { readonly kind: 'authenticated'; readonly user: string } | { readonly kind: 'refused'; readonly reply: Reply };

/** The request's parts the identity rule looks at. */
export interface RequestParties {
  readonly method: string;
  readonly fromAor: Aor | null;
  readonly toAor: Aor | null;
}

/** Authenticates requests against the users of one realm and decides what an authenticated user may do. */
export class DigestAuthenticator {
  readonly realm: string;
  private readonly algorithms: readonly DigestAlgorithm[];
  private readonly ha1ByUser: ReadonlyMap<string, UserEntry['ha1']>;
  private readonly nonces: NonceIssuer;
  private readonly counts: NonceCounts;
  /** Echoed back by clients (RFC 7616 §3.3); one value per run, so a credential for another server's challenge is told apart. */
  private readonly opaque = randomBytes(12).toString('base64url');
  private readonly maxFailures: number;
  private readonly failureWindowMs: number;
  /** Source address → failures in the current window; insertion order is the order windows began. */
  private readonly failures = new Map<string, { readonly since: number; count: number }>();

  constructor(options: AuthenticationOptions) {
    this.realm = options.realm;
    this.algorithms = options.algorithms ?? DIGEST_ALGORITHMS;
    this.ha1ByUser = new Map(options.users.filter((entry) => entry.realm === options.realm).map((entry) => [entry.user, entry.ha1]));
    const lifetimeMs = (options.nonceLifetimeSeconds ?? 300) * 1000;
    this.nonces = new NonceIssuer(options.realm, lifetimeMs);
    this.counts = new NonceCounts(lifetimeMs, MAX_TRACKED_NONCES);
    this.maxFailures = options.maxFailuresPerAddress ?? 20;
    this.failureWindowMs = (options.failureWindowSeconds ?? 600) * 1000;
  }

  /** Checks the request's Authorization for our realm (RFC 3261 §22.4); `address` is where it came from. */
  authenticate(request: SipRequest, address: string, now: number): Admission {
    return this.authenticateValues(request.method, request.headers.getAll('authorization'), address, now);
  }

  /** The same check for any Digest-protected request, HTTP's too (XCAP, RFC 4825 §13.2; the control listener, RFC 7616): its method and Authorization values — the same challenges, nonces, replay and failure rules as SIP. */
  authenticateValues(method: string, authorizations: readonly string[], address: string, now: number): Admission {
    if (this.isBanned(address, now)) {
      return {
        kind: 'refused',
        reply: { status: 403, reason: 'Forbidden (too many failed authentications from this address; try again later)' },
      };
    }
    // RFC 3261 §22.4: a request may carry credentials for several realms (or schemes); ours is the one that counts.
    let credentials: DigestCredentials | null = null;
    for (const value of authorizations) {
      if (!/^\s*digest\s/i.test(value)) continue;
      const parsed = parseDigestCredentials(value);
      if (parsed === null) return { kind: 'refused', reply: { status: 400, reason: 'Bad Request (malformed Digest credentials)' } };
      if (parsed.realm === this.realm) credentials = parsed;
    }
    if (credentials === null) return this.challenge(now, false, 'no credentials');
    return this.verify(method, credentials, address, now);
  }

  /**
   * RFC 3261 §10.3 step 3 and RFC 3903 §6 step 2: the authenticated user, not what From or To say, decides. REGISTER
   * may change only the user's own bindings (To); PUBLISH and SUBSCRIBE must come from the user (From, as Kamailio's
   * `auth_check` with its From/To flag), and PUBLISH must be for the user's own presence (To) unless the user is a
   * configured third-party publisher. User parts are compared, as Kamailio's auth_check does (To's host has already
   * passed the served-domain check, 404).
   * Returns the 403 to answer, or null when allowed.
   */
  authorise(user: string, parties: RequestParties, thirdPartyPublishers: ReadonlySet<string>): Reply | null {
    const { method, fromAor, toAor } = parties;
    const forbidden = (claimed: Aor | null): Reply => ({
      status: 403,
      reason: `Forbidden: authenticated as ${user}, not ${claimed?.user ?? 'an address-of-record'}`,
      ...(toAor === null ? {} : { aor: toAor.uri }),
    });
    if (method === 'REGISTER') return toAor?.user === user ? null : forbidden(toAor);
    if (fromAor?.user !== user) return forbidden(fromAor);
    if (method === 'PUBLISH' && toAor?.user !== user && !thirdPartyPublishers.has(fromAor.key)) return forbidden(toAor);
    return null;
  }

  private verify(method: string, credentials: DigestCredentials, address: string, now: number): Admission {
    const named = digestAlgorithmOf(credentials.algorithm);
    const algorithm = named !== null && this.algorithms.includes(named) ? named : null;
    const { qop, nc, cnonce } = credentials;
    // We offered qop=auth only, with an opaque value: anything else answers some other challenge.
    if (algorithm === null || qop?.toLowerCase() !== 'auth' || nc === undefined || !/^[0-9a-f]{8}$/i.test(nc) || cnonce === undefined)
      return this.challenge(now, false, `credentials not for our challenge (algorithm ${credentials.algorithm}, qop ${qop ?? 'none'})`);
    if (credentials.opaque !== this.opaque) return this.challenge(now, false, 'opaque of another challenge');
    const nonce = this.nonces.check(credentials.nonce, now);
    if (nonce.kind === 'unknown') return this.challenge(now, false, 'nonce not issued here');
    const ha1 = this.ha1ByUser.get(credentials.username)?.[algorithm];
    const expected =
      ha1 === undefined ? null : digestResponse(ha1, { algorithm, method, uri: credentials.uri, nonce: credentials.nonce, nc, cnonce });
    if (expected === null || !digestsEqual(expected, credentials.response))
      return this.failed(address, now, `wrong credentials for ${credentials.username} (${algorithm})`);
    if (nonce.kind === 'expired') return this.challenge(now, true, 'nonce expired');
    const count = this.counts.record(credentials.nonce, nonce.issuedAt, Number.parseInt(nc, 16), now);
    if (count === 'forgotten') return this.challenge(now, true, 'nonce no longer tracked');
    if (count === 'replayed') return this.failed(address, now, `replayed nonce count ${nc} for ${credentials.username}`);
    return { kind: 'authenticated', user: credentials.username };
  }

  private challenge(now: number, stale: boolean, note: string): Admission {
    const nonce = this.nonces.issue(now);
    const headers = this.algorithms.map(
      (algorithm) =>
        ['WWW-Authenticate', challengeHeader({ realm: this.realm, nonce, opaque: this.opaque, algorithm, stale })] as [string, string],
    );
    return { kind: 'refused', reply: { status: 401, headers, note } };
  }

  /** A 401 with fresh challenges that also counts against `address`; the log line says when that starts a refusal. */
  private failed(address: string, now: number, note: string): Admission {
    let entry = this.failures.get(address);
    if (entry === undefined || now - entry.since > this.failureWindowMs) {
      this.failures.delete(address);
      if (this.failures.size >= MAX_TRACKED_ADDRESSES) this.failures.delete(this.failures.keys().next().value as string);
      entry = { since: now, count: 0 };
      this.failures.set(address, entry);
    }
    entry.count++;
    const refusing = entry.count === this.maxFailures;
    const seconds = Math.ceil((entry.since + this.failureWindowMs - now) / 1000);
    return this.challenge(now, false, refusing ? `${note}; ${entry.count} failures from ${address}, refused for ${seconds} s` : note);
  }

  private isBanned(address: string, now: number): boolean {
    const entry = this.failures.get(address);
    return entry !== undefined && entry.count >= this.maxFailures && now - entry.since <= this.failureWindowMs;
  }
}
