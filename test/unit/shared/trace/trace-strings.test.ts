import { describe, expect, it } from 'vitest';
import { CountedStrings } from '../../../../shared/trace/trace-strings';

describe('CountedStrings', () => {
  it('given a string added twice, then it has one number, freed only after both users release it, then used again', () => {
    const strings = new CountedStrings();
    const a = strings.add('sub-1\nsip:bob@example.com');
    expect(strings.add('sub-1\nsip:bob@example.com')).toBe(a);
    const b = strings.add('ping-1');
    expect(b).not.toBe(a);
    strings.release(a);
    expect(strings.text(a)).toBe('sub-1\nsip:bob@example.com');
    strings.release(a);
    expect(strings.text(a)).toBe('');
    expect(strings.add('ping-2')).toBe(a);
    expect(strings.text(b)).toBe('ping-1');
    expect(strings.limit).toBe(2);
  });

  it('given more distinct strings than its first table, then it grows', () => {
    const strings = new CountedStrings();
    const ids = Array.from({ length: 1000 }, (_, i) => strings.add(`call-${i}`));
    expect(new Set(ids).size).toBe(1000);
    expect(strings.text(ids[999]!)).toBe('call-999');
  });
});
