/**
 * The list URI of a user's buddy list (RFC 4662 §3: a URI that names a list of resources): the owner's user part with
 * `-buddies` appended, in the owner's domain — `sip:alice-buddies@example.com` is the list of `sip:alice@example.com`.
 * Its members are the entries of the owner's RFC 4826 resource-lists document (lists/resource-list-book.ts).
 *
 * A rule rather than a table, so a client can form the URI itself (and the rls-services document served over XCAP
 * names it too, xcap/xcap-server.ts). The price: a user whose name ends in `-buddies` cannot be watched as a
 * presentity (a presence SUBSCRIBE to that name is a list subscription); PUBLISH is not checked, to keep presence's
 * hot path as it is (docs/compositor-team.md §9).
 */
import { aorOfText, type Aor } from '../message/aor';

/** What is appended to the owner's user part. */
export const LIST_USER_SUFFIX = '-buddies';

/** `sip:alice@example.com` → `sip:alice-buddies@example.com`. */
export function listUriOf(owner: Aor): string {
  const at = owner.uri.lastIndexOf('@');
  return owner.uri.slice(0, at) + LIST_USER_SUFFIX + owner.uri.slice(at);
}

/** The owner of a list URI (`alice-buddies@example.com` → alice's AOR), or null when the AOR names no list. */
export function listOwnerOf(aor: Aor): Aor | null {
  if (aor.user.length <= LIST_USER_SUFFIX.length || !aor.user.endsWith(LIST_USER_SUFFIX)) return null;
  const at = aor.uri.lastIndexOf('@');
  return aorOfText(aor.uri.slice(0, at - LIST_USER_SUFFIX.length) + aor.uri.slice(at));
}
