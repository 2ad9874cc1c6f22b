/**
 * Buddy names in the viewer's collation order (`Intl.Collator`, base sensitivity, numeric), at the cost of a string
 * comparison for most names. A collator's compare costs about a microsecond and a sort of 5,000 rows makes some
 * 60,000 of them; JavaScript has no collation keys, so each name is folded once into a key whose plain code-unit
 * order is the collator's — for the names where that is known to hold: ASCII letters (case folded), spaces and
 * digit runs (numeric: a run's length, then its digits). Other names (accents, punctuation, other scripts, leading
 * zeros) have no key and are compared by the collator, so the order is the collator's for every pair.
 *
 * Whether the folding holds depends on the locale (Danish sorts "aa" after "z", Czech "ch" after "h", Turkish has a
 * dotless i), so it is checked once against the collator itself: every ASCII letter equal to its capital, and a probe
 * list of letter pairs, spaces and numbers in the key order strictly increasing under the collator. A locale that
 * fails it gets no keys at all.
 */

/** The one collator for buddy names: the viewer's locale, case and accents ignored, numbers by value. */
export const nameCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The longest digit run folded: its length is one code unit from '1' up, which stays below the letters ('a'). */
const MAX_DIGIT_RUN = 0x61 - 0x31;

let isFoldingSafe: boolean | undefined;

/** The key of `name` whose code-unit order is the collator's, or null when the name must go to the collator. */
export function nameSortKey(name: string): string | null {
  isFoldingSafe ??= checkFolding();
  return isFoldingSafe ? fold(name) : null;
}

/** Two names by their keys when both have one (see nameSortKey), else by the collator. */
export function compareNameKeys(aName: string, aKey: string | null, bName: string, bKey: string | null): number {
  if (aKey === null || bKey === null) return nameCollator.compare(aName, bName);
  return aKey < bKey ? -1 : aKey > bKey ? 1 : 0;
}

/**
 * Lower case; each digit run as its length (one code unit) and its digits. Null for a name with anything but ASCII
 * letters, digits and spaces, or with a run of leading zeros ("07" and "7" are equal numbers but not equal strings).
 */
function fold(name: string): string | null {
  let key = '';
  let i = 0;
  while (i < name.length) {
    const code = name.charCodeAt(i);
    if (code >= 0x30 && code <= 0x39) {
      let end = i + 1;
      while (end < name.length && name.charCodeAt(end) >= 0x30 && name.charCodeAt(end) <= 0x39) end++;
      if ((code === 0x30 && end - i > 1) || end - i > MAX_DIGIT_RUN) return null;
      key += String.fromCharCode(0x30 + end - i) + name.slice(i, end);
      i = end;
      continue;
    }
    if (code >= 0x41 && code <= 0x5a) key += String.fromCharCode(code + 0x20);
    else if ((code >= 0x61 && code <= 0x7a) || code === 0x20) key += name[i];
    else return null;
    i++;
  }
  return key;
}

/** True when the collator agrees with the folded keys' order on the probe list (see the module comment). */
function checkFolding(): boolean {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (const letter of letters) if (nameCollator.compare(letter, letter.toUpperCase()) !== 0) return false;
  const probes = ['', ' ', 'a', 'a ', 'a a', 'a 1', 'a1', 'a2', 'a9', 'a10', 'a11', 'a99', 'a100', 'a1b', 'a2a', '1', '9', '10', '1 a'];
  for (const first of letters) {
    probes.push(first, `${first} `, `${first}1`);
    for (const second of letters) probes.push(first + second);
  }
  const keyed = [...new Set(probes)].map((probe) => ({ probe, key: fold(probe)! }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < keyed.length; i++) if (nameCollator.compare(keyed[i - 1]!.probe, keyed[i]!.probe) >= 0) return false;
  return true;
}
