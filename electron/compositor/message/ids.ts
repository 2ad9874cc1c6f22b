/**
 * Identifiers the compositor mints: tags (RFC 3261 §19.3: at least 32 bits of randomness), branches
 * (§8.1.1.7: unique, with the `z9hG4bK` magic cookie) and entity-tags (RFC 3903 §4.1: the ESC chooses them;
 * they authorise refresh, modify and remove, so they must not be guessable — 96 random bits here, after the time).
 *
 * Random bytes come from a pool refilled in blocks (electron/net/random-token.ts).
 */
import { randomToken } from '../../net/random-token';

/** A To/From tag. */
export function newTag(): string {
  return randomToken(6);
}

/** A Via branch with the RFC 3261 magic cookie. */
export function newBranch(): string {
  return 'z9hG4bK' + randomToken(9);
}

/**
 * A SIP-ETag value: the time in milliseconds (base 36, fixed width, so later tags sort after earlier ones), then 96
 * random bits. The state file keys publications by their entity-tag; tags that arrive in order are appended at the
 * edge of its index instead of landing on a random page each, which halves a group commit's time (measured: 20 new
 * publications per commit, synchronous=FULL, 1.2 ms with random tags, 0.7 ms with ordered ones).
 */
export function newEntityTag(): string {
  return Date.now().toString(36).padStart(9, '0') + randomToken(12);
}
