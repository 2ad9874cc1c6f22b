import { describe, expect, it } from 'vitest';
import { compareNameKeys, nameCollator, nameSortKey } from '../../../renderer/src/buddies/name-collation';

/** A small seeded generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sign = (n: number) => Math.sign(n);

describe('buddy names in collation order', () => {
  it('given names of letters, digits and spaces, then their keys order every pair as the collator does', () => {
    const next = random(11);
    const alphabet = 'aAbBcCzZ 0123456789';
    const names = Array.from({ length: 600 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 8) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''),
    );
    names.push('Buddy 2', 'Buddy 10', 'buddy 10', 'Buddy10', 'Buddy', '', ' ', 'Zoe', 'adam', 'Adam 1', 'Adam1b', 'Adam 100');
    const keys = names.map(nameSortKey);
    // In this test's locale the folding holds, so the simple names get keys: the comparison below tests the keys.
    expect(keys.filter((key) => key === null).length).toBeLessThan(names.length / 2);
    const disagreements: string[] = [];
    for (let i = 0; i < names.length; i++)
      for (let j = 0; j < names.length; j++)
        if (sign(compareNameKeys(names[i]!, keys[i]!, names[j]!, keys[j]!)) !== sign(nameCollator.compare(names[i]!, names[j]!)))
          disagreements.push(`“${names[i]}” vs “${names[j]}”`);
    expect(disagreements.slice(0, 5)).toEqual([]);
  });

  it('given accents, punctuation or leading zeros, then there is no key and the collator decides', () => {
    for (const name of ['José', 'O’Brien', "O'Brien", 'Jean-Luc', 'Dr. Who', 'Agent 007', '王小明']) expect(nameSortKey(name)).toBeNull();
    const sorted = ['Zoe', 'Émile', 'Eve', 'Agent 007', 'Agent 7', 'adam']
      .map((name) => ({ name, key: nameSortKey(name) }))
      .sort((a, b) => compareNameKeys(a.name, a.key, b.name, b.key))
      .map((entry) => entry.name);
    expect(sorted).toEqual([...sorted].sort(nameCollator.compare));
  });
});
