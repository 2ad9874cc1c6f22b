// Unit and integration tests run under plain Node: no Electron, no browser.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    // Fresh zustand stores in every test (the renderer's stores are module singletons).
    setupFiles: ['test/support/fresh-zustand-stores.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default'],
  },
});
