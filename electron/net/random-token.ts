/**
 * Random tokens for protocol identifiers (tags, branches, entity-tags), base64url-encoded, from a pool of random
 * bytes refilled in blocks: one `randomBytes` call per identifier costs more than the rest of handling a PUBLISH in
 * the compositor, and was about 4 % of a client’s CPU time while it subscribed to 5,000 buddies (a getrandom call per branch).
 * Not for secrets that outlive a message exchange (keys, web tokens): those take `randomBytes` of their own.
 */
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 16 * 1024;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/** `bytes` random bytes, base64url-encoded (no padding). */
export function randomToken(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return token;
}
