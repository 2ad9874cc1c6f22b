import { describe, expect, it } from 'vitest';
import { assertNever } from '../../../shared/assert-never';

describe('assertNever', () => {
  it('throws naming a value the types did not allow for', () => {
    expect(() => assertNever('from-a-newer-main' as never)).toThrow('unexpected value: from-a-newer-main');
  });
});
