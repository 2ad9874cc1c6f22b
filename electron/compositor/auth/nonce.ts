/**
 * Nonces for Digest challenges (RFC 7616 §3.3, §5.4–§5.5) and the nonce counts that make a replayed
 * Authorization recognisable (RFC 7616 §3.4: "the server … can detect request replays by the nc value").
 *
 * Stateless, signed nonces: a nonce is its issue time, a counter and an HMAC over both and the realm under a
 * key made at start. Issuing one stores nothing, so an unauthenticated flood of requests — each of which gets a
 * challenge — cannot grow memory; checking one is one HMAC, and an expired but genuine nonce can be told from a
 * forged one, which is what `stale=true` needs (RFC 7616 §3.3). Kamailio's auth module makes its nonces the same
 * way (a timestamp and a signature over it). A restart changes the key: outstanding nonces then read as forged, and
 * clients are simply challenged again.
 *
 * State is kept only for nonces a client has used with correct credentials: the highest nonce count seen, so
 * that a request with the same or a lower count is refused. That map is bounded: entries leave when their nonce
 * expires, and when it is full the oldest go — and every nonce issued up to the newest one evicted is from then
 * on treated as stale, so an evicted nonce can never be replayed with a count it has already used.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of the issue time (milliseconds, big-endian: good until the year 10889). */
const TIME_BYTES = 6;
/**
 * A counter after a random start, so that two challenges in the same millisecond get different nonces (and separate
 * nonce counts). It need not be unpredictable — the HMAC is what cannot be forged — and a counter costs nothing,
 * where `randomBytes` per challenge was the largest part of issuing one.
 */
const COUNTER_BYTES = 6;
/** Bytes of the HMAC-SHA-256 kept: 168 bits, far beyond guessing within a nonce's lifetime. */
const MAC_BYTES = 21;
const NONCE_BYTES = TIME_BYTES + COUNTER_BYTES + MAC_BYTES;

/** What a nonce from a client turned out to be. */
export type NonceCheck =
  | { readonly kind: 'valid'; readonly issuedAt: number }
  | { readonly kind: 'expired' }
  /** Not one of ours: a different realm, a previous run of the server, or made up. */
  | { readonly kind: 'unknown' };

/** Issues and checks signed nonces of one realm. */
export class NonceIssuer {
  private readonly key = randomBytes(32);
  private counter = randomBytes(COUNTER_BYTES).readUIntBE(0, COUNTER_BYTES);

  constructor(
    private readonly realm: string,
    /** How long a nonce is accepted, milliseconds. */
    readonly lifetimeMs: number,
  ) {}

  /** A fresh nonce issued at `now`: 44 base64url characters, safe in a quoted-string. */
  issue(now: number): string {
    const nonce = Buffer.alloc(NONCE_BYTES);
    nonce.writeUIntBE(now, 0, TIME_BYTES);
    this.counter = (this.counter + 1) % 2 ** (8 * COUNTER_BYTES);
    nonce.writeUIntBE(this.counter, TIME_BYTES, COUNTER_BYTES);
    this.mac(nonce.subarray(0, TIME_BYTES + COUNTER_BYTES)).copy(nonce, TIME_BYTES + COUNTER_BYTES);
    return nonce.toString('base64url');
  }

  /** Whether `text` is a nonce we issued, and whether it is still within its lifetime at `now`. */
  check(text: string, now: number): NonceCheck {
    if (!/^[A-Za-z0-9_-]{44}$/.test(text)) return { kind: 'unknown' };
    const nonce = Buffer.from(text, 'base64url');
    const signed = nonce.subarray(0, TIME_BYTES + COUNTER_BYTES);
    if (!timingSafeEqual(this.mac(signed), nonce.subarray(TIME_BYTES + COUNTER_BYTES))) return { kind: 'unknown' };
    const issuedAt = nonce.readUIntBE(0, TIME_BYTES);
    // A nonce "from the future" is ours only if the clock stepped back; treat it like an expired one.
    if (now - issuedAt > this.lifetimeMs || issuedAt > now + 1000) return { kind: 'expired' };
    return { kind: 'valid', issuedAt };
  }

  private mac(signed: Buffer): Buffer {
    return createHmac('sha256', this.key).update(this.realm).update('\0').update(signed).digest().subarray(0, MAC_BYTES);
  }
}

/** What recording a nonce count said. */
export type NonceCountCheck = 'fresh' | 'replayed' | 'forgotten';

/** The highest nonce count seen per used nonce, bounded (see the module comment). */
export class NonceCounts {
  /** Nonce → [issue time, highest nonce count]; insertion order is first-use order. */
  private readonly counts = new Map<string, { readonly issuedAt: number; highest: number }>();
  /** Nonces issued at or before this time that are not in `counts` may have been evicted: they are stale. */
  private forgottenUpTo = -Infinity;

  constructor(
    private readonly lifetimeMs: number,
    private readonly capacity: number,
  ) {}

  /**
   * Records `count` for a valid nonce: `fresh` when above every count seen with it, `replayed` when not (a copied
   * Authorization, RFC 7616 §3.4), `forgotten` when the nonce may have been evicted (the client needs a new one).
   */
  record(nonce: string, issuedAt: number, count: number, now: number): NonceCountCheck {
    this.dropExpired(now);
    const seen = this.counts.get(nonce);
    if (seen !== undefined) {
      if (count <= seen.highest) return 'replayed';
      seen.highest = count;
      return 'fresh';
    }
    if (issuedAt <= this.forgottenUpTo) return 'forgotten';
    if (this.counts.size >= this.capacity) this.evictOldest();
    this.counts.set(nonce, { issuedAt, highest: count });
    return 'fresh';
  }

  /** Nonces whose counts are kept (for tests of the bound). */
  get size(): number {
    return this.counts.size;
  }

  private dropExpired(now: number): void {
    // First-use order is close to issue order, so expired entries gather at the front; one that is not at the
    // front waits for the capacity bound, which is safe either way.
    for (const [nonce, { issuedAt }] of this.counts) {
      if (now - issuedAt <= this.lifetimeMs) return;
      this.counts.delete(nonce);
    }
  }

  private evictOldest(): void {
    const oldest = this.counts.entries().next();
    if (oldest.done === true) return;
    const [nonce, { issuedAt }] = oldest.value;
    this.counts.delete(nonce);
    this.forgottenUpTo = Math.max(this.forgottenUpTo, issuedAt);
  }
}
