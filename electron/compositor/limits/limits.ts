/**
 * The compositor's limits: their defaults, their validation, and the answer a request gets when a resource
 * cap refuses it. docs/compositor-limits.md lists every limit with its default, flag and answer.
 */
import type { CompositorLimits } from '../compositor-types';
import type { Reply } from '../request-context';

/** What was limited, for the once-per-source log: a limit's option name, or a rule without a number. */
export type LimitName = keyof CompositorLimits | 'udpReflection';

/**
 * Seconds a refused client is asked to wait (RFC 3261 §20.33). Held state expires on its own, at the latest
 * after the longest granted interval, so a later retry can succeed; a minute keeps retries from a well-
 * behaved client rare without leaving it out for long.
 */
export const RETRY_AFTER_SECONDS = 60;

/** Margin of the default idle timeout over the longest granted interval (see `idleTimeoutMs`). */
const IDLE_MARGIN_MS = 5 * 60_000;

/** The defaults; `idleTimeoutMs` follows from the longest interval the server grants. */
export function defaultLimits(maxExpiresSeconds: number): CompositorLimits {
  return {
    maxConnections: 1000,
    maxConnectionsPerAddress: 32,
    messageDeadlineMs: 10_000,
    idleTimeoutMs: maxExpiresSeconds * 1000 + IDLE_MARGIN_MS,
    maxHeaderFields: 100,
    maxHeaderBytes: 16_384,
    maxPublications: 250_000,
    maxPublicationsPerAor: 32,
    maxSubscriptions: 250_000,
    // A team directory's watcher lists everyone: 5,000 buddies with room to spare, while one watcher still cannot fill the server.
    maxSubscriptionsPerWatcher: 10_000,
    maxBindings: 100_000,
    maxBindingsPerAor: 20,
    udpAmplificationFactor: 3,
    wsAllowedOrigins: [],
  };
}

/** The first limit that makes no sense (not a whole number ≥ 1, an origin that is not one), in words; null when all are fine. */
export function invalidLimit(limits: CompositorLimits): string | null {
  for (const [name, value] of Object.entries(limits)) {
    if (name === 'wsAllowedOrigins') continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
      return `limit ${name} must be a whole number ≥ 1 (got ${String(value)})`;
  }
  for (const origin of limits.wsAllowedOrigins) {
    if (normaliseOrigin(origin) === null) return `WebSocket origin "${origin}" is not an origin such as https://app.example.com`;
  }
  return null;
}

/** `HTTPS://App.Example.com/` → `https://app.example.com` (RFC 6454 §6.1 serialisation), null when not an origin. */
export function normaliseOrigin(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/**
 * The answer to a request that would create state beyond a cap: 503 Service Unavailable with Retry-After
 * (RFC 3261 §21.5.4). Not 403: that tells the client never to repeat the request, yet the state that fills
 * the cap (often a crashed device's publication or registration) expires by itself, so a retry later may
 * well succeed. Not 486: Busy Here describes a callee, not a server's capacity.
 */
export function overCapacity(limit: LimitName, detail: string, aor: string): Reply {
  return {
    status: 503,
    reason: `Service Unavailable (${detail})`,
    headers: [['Retry-After', String(RETRY_AFTER_SECONDS)]],
    aor,
    note: `limit ${limit}`,
    limited: limit,
  };
}
