/**
 * The web mode's secret: a token printed in the URL, without which neither the page nor the IPC
 * socket is served. Any program on this computer can reach a loopback port, and any web page the user
 * visits can make the browser try; only whoever was shown the URL knows the token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Random bytes in a token: 256 bits, beyond guessing. */
const TOKEN_BYTES = 32;

/** A fresh token, base64url (43 characters, safe in a URL and in a WebSocket subprotocol). */
export function createWebToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Whether `offered` is the token, in time independent of where they differ. Both are hashed first so
 * the comparison also takes the same time whatever the offered length (timingSafeEqual needs equal lengths).
 */
export function isWebToken(expected: string, offered: string | null): boolean {
  if (offered === null) return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(offered));
}
