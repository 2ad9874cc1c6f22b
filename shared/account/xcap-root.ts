/**
 * The account's XCAP root (RFC 4825 §6.1): where the presence server keeps the rules of who may watch the user
 * (RFC 5025 pres-rules). One check for the settings form, the service and the XCAP client alike.
 */

/** Longest XCAP root we accept. */
export const MAX_XCAP_ROOT_LENGTH = 1024;

/** Reads `value` as an XCAP root: an http(s) URL without credentials, query or fragment; a sentence when it is not one. */
export function checkXcapRoot(value: string): { ok: true; root: string } | { ok: false; message: string } {
  const text = value.trim();
  const example = 'Give an http or https address, like http://pbx.example.com:5060/xcap-root.';
  if (text.length > MAX_XCAP_ROOT_LENGTH) return { ok: false, message: `At most ${MAX_XCAP_ROOT_LENGTH} characters. ${example}` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: example };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { ok: false, message: `The address must start with http:// or https:// (not ${url.protocol}).` };
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    return { ok: false, message: 'The address takes no user name, password, query or fragment.' };
  return { ok: true, root: text.replace(/\/+$/, '') };
}
