/**
 * The fuzzer's only source of randomness: mulberry32, a 32-bit seeded generator, so that one `--seed`
 * always produces the same inputs in the same order (a failing input is found again by seed and index).
 */

/** A seeded pseudo-random generator with the few draws the mutators need. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next value in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, max); 0 when max ≤ 0. */
  below(max: number): number {
    return max <= 0 ? 0 : Math.floor(this.next() * max);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.below(items.length)] as T;
  }

  /** A length skewed towards small values but reaching `max`: most damage is small, some is huge. */
  length(max: number): number {
    const scale = this.pick([8, 8, 64, 64, 512, 4096, max]);
    return this.between(1, Math.max(1, Math.min(scale, max)));
  }
}

/** The generator for input `index` of a run with `seed`: every input can be rebuilt alone from the two. */
export function inputPrng(seed: number, index: number): Prng {
  // Mix the two numbers so that neighbouring indexes do not start from neighbouring states.
  return new Prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35));
}
