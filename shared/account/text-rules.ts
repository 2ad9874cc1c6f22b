/** Small checks on text a person typed, shared by the account and buddy forms. */

/** True when `text` contains a C0 control character (U+0000–U+001F) or DEL: never wanted in a name or header. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
