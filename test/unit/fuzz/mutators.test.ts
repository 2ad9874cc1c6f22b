/**
 * The fuzzer's own building blocks: the seeded generator reproduces a run, the seed corpus holds what the
 * tests send, and the mutators do the damage they are named for.
 */
import { describe, expect, it } from 'vitest';
import { BYTE_MUTATORS, fixContentLength, mutateSip, mutateXml, SIP_MUTATORS, XML_MUTATORS, type Mutator } from '../../fuzz/mutators';
import { inputPrng, Prng } from '../../fuzz/prng';
import { compositorSeeds, NOTIFY_PLACEHOLDERS, notifySeeds, pidfSeeds } from '../../fuzz/seeds';
import { createTarget, TARGET_NAMES } from '../../fuzz/targets';

const byName = (list: readonly Mutator[], name: string): Mutator => {
  const found = list.find((m) => m.name === name);
  if (found === undefined) throw new Error(`no mutator ${name}`);
  return found;
};
const publish = () => compositorSeeds().find((s) => s.name === 'publish-initial')?.text ?? '';

describe('Prng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 5 },
        (
          (rng) => () =>
            rng.next()
        )(new Prng(seed)),
      );
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps every draw in its range', () => {
    const rng = new Prng(3);
    for (let i = 0; i < 2000; i++) {
      expect(rng.below(10)).toBeLessThan(10);
      const n = rng.between(5, 7);
      expect(n >= 5 && n <= 7).toBe(true);
      const length = rng.length(100);
      expect(length >= 1 && length <= 100).toBe(true);
    }
  });

  it('given the seed and index alone, every target rebuilds the same input', () => {
    for (const name of TARGET_NAMES) {
      const target = createTarget(name);
      const a = target.generate(inputPrng(42, 17));
      const b = target.generate(inputPrng(42, 17));
      expect(a.bytes.equals(b.bytes)).toBe(true);
      expect(target.generate(inputPrng(42, 18)).bytes.equals(a.bytes)).toBe(false);
    }
  });
});

describe('seed corpus', () => {
  it('holds every PIDF fixture, the sipp scenarios’ requests, the trace session’s and the compositor tests’ shapes', () => {
    expect(pidfSeeds().length).toBeGreaterThanOrEqual(37);
    const names = compositorSeeds().map((s) => s.name);
    for (const prefix of [
      'sipp:publish-distinct-aors.xml',
      'sipp:publish-then-refresh.xml',
      'sipp:watch-alice.xml',
      'trace-session#',
      'publish-initial',
      'subscribe',
      'register',
    ]) {
      expect(names.some((n) => n.startsWith(prefix))).toBe(true);
    }
  });

  it('writes seeds with a true Content-Length and no sipp keyword left', () => {
    for (const seed of compositorSeeds()) {
      expect(seed.text).not.toMatch(/\[(?:\w+|\$\w+)\]/);
      expect(fixContentLength(seed.text)).toBe(seed.text);
    }
  });

  it('writes NOTIFY seeds with a placeholder for every dialog field', () => {
    for (const seed of notifySeeds())
      for (const placeholder of Object.values(NOTIFY_PLACEHOLDERS)) expect(seed.text).toContain(placeholder);
  });
});

describe('mutators', () => {
  const rng = () => new Prng(11);

  it('lies about Content-Length: the declared length is no longer the body’s', () => {
    const lie = byName(SIP_MUTATORS, 'content-length-lie');
    let lies = 0;
    for (let i = 0; i < 50; i++) {
      const text = lie.apply(publish(), new Prng(i));
      const declared = /\r\n(?:content-length|l)\s*:\s*([^\r\n]*)/i.exec(text)?.[1]?.trim();
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      if (declared !== String(body.length)) lies++;
    }
    expect(lies).toBeGreaterThan(40);
  });

  it('replaces line ends: bare LF or bare CR where CRLF was', () => {
    const text = byName(SIP_MUTATORS, 'line-ends').apply(publish(), rng());
    expect(text).not.toBe(publish());
    expect(/[^\r]\n|\r[^\n]/.test(text)).toBe(true);
  });

  it('folds a header into continuation lines', () => {
    const text = byName(SIP_MUTATORS, 'header-folding').apply(publish(), rng());
    expect(text).toMatch(/\r\n[ \t]/);
  });

  it('duplicates and removes headers', () => {
    const lines = (t: string) => t.slice(0, t.indexOf('\r\n\r\n')).split('\r\n').length;
    expect(lines(byName(SIP_MUTATORS, 'header-duplicate').apply(publish(), rng()))).toBeGreaterThan(lines(publish()));
    expect(lines(byName(SIP_MUTATORS, 'header-remove').apply(publish(), rng()))).toBe(lines(publish()) - 1);
  });

  it('nests XML 10,000 deep and writes billion laughs, external entities and huge attribute counts', () => {
    const seed = pidfSeeds().find((s) => s.name === 'rfc3863-example.xml')?.body ?? '';
    const outputs = Array.from({ length: 400 }, (_, i) => XML_MUTATORS.map((m) => m.apply(seed, new Prng(i)))).flat();
    expect(outputs.some((t) => t.includes('<a>'.repeat(10_000)))).toBe(true);
    expect(outputs.some((t) => t.includes('<!ENTITY j "&i;&i;'))).toBe(true);
    expect(outputs.some((t) => t.includes('SYSTEM "file:///etc/passwd"'))).toBe(true);
    expect(outputs.some((t) => (t.match(/ a\d+=""/g) ?? []).length >= 6000)).toBe(true);
  });

  it('puts NUL and non-UTF-8 bytes in', () => {
    expect(byName(BYTE_MUTATORS, 'nul').apply(publish(), rng())).toContain('\x00');
    const damaged = Buffer.from(byName(BYTE_MUTATORS, 'non-utf8').apply(publish(), rng()), 'latin1');
    expect(damaged.toString('utf8')).toContain('\ufffd');
  });

  it('stacks one to three mutators and names them', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100; i++) {
      const mutation = i % 2 === 0 ? mutateSip(publish(), new Prng(i)) : mutateXml(pidfSeeds()[0]?.body ?? '', new Prng(i));
      seen.add(mutation.applied.length);
      expect(mutation.applied.length).toBeGreaterThanOrEqual(1);
    }
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
});
