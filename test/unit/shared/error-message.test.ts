import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../shared/error-message';

describe('errorMessage', () => {
  it.each([
    [new Error('disk full'), 'disk full'],
    [new TypeError('not a function'), 'not a function'],
    ['plain text', 'plain text'],
    [42, '42'],
    [undefined, 'undefined'],
    [{ message: 'looks like an error' }, '[object Object]'],
  ])('reads %o as "%s"', (error, expected) => {
    expect(errorMessage(error)).toBe(expected);
  });
});
