/**
 * A sandboxed preload can `require` only a few modules ('electron' among them); anything else fails at
 * window creation, in Electron only — which our CI cannot run. So the built bundle is checked here.
 * Needs `npm run build:node` first (`npm test` builds before it runs unit tests).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('built preload (dist/main/preload.cjs)', () => {
  const bundle = readFileSync('dist/main/preload.cjs', 'utf8');

  it('requires nothing but electron', () => {
    const required = [...bundle.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
  });

  it('exposes window.presence through the context bridge', () => {
    expect(bundle).toMatch(/exposeInMainWorld\)?\(\s*["']presence["']/);
  });
});
