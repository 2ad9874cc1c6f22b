/**
 * "What the buddy list shows" for a message body, computed with the same codec the buddy list uses: the
 * message detail's side card and the changes between two presence documents both read bodies this way.
 */
import { parsePresenceBody, parsePresenceContentType, summarizePresence } from '../../../shared/pidf';
import type { PresenceSummary } from '../../../shared/presence/presence-state';

/** A body read as presence: not a presence body, its summary, or why it could not be read. */
export type PidfView =
  | { readonly kind: 'none' }
  | { readonly kind: 'summary'; readonly summary: PresenceSummary }
  | { readonly kind: 'error'; readonly message: string };

/** Reads `body` as a presence document when `contentType` is one the codec accepts. */
export function readPidf(body: string, contentType: string): PidfView {
  if (body.trim() === '' || parsePresenceContentType(contentType) === null) return { kind: 'none' };
  const parsed = parsePresenceBody(body, contentType);
  return parsed.ok ? { kind: 'summary', summary: summarizePresence(parsed.document) } : { kind: 'error', message: parsed.error.message };
}
