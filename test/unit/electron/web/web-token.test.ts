import { describe, expect, it } from 'vitest';
import { createWebToken, isWebToken } from '../../../../electron/web/web-token';

describe('the web mode token', () => {
  it('is 32 random bytes in base64url, fresh each time', () => {
    const token = createWebToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(createWebToken()).not.toBe(token);
  });

  it('matches only itself: not a prefix, a longer string, another token or none', () => {
    const token = createWebToken();
    expect(isWebToken(token, token)).toBe(true);
    expect(isWebToken(token, token.slice(0, -1))).toBe(false);
    expect(isWebToken(token, `${token}x`)).toBe(false);
    expect(isWebToken(token, createWebToken())).toBe(false);
    expect(isWebToken(token, '')).toBe(false);
    expect(isWebToken(token, null)).toBe(false);
  });
});
