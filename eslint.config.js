// Lint rules, including the architecture's import boundaries:
//  - only electron/shell/ may import `electron` (everything else in electron/ runs under plain Node);
//  - shared/ imports no Electron, Node or React; renderer/ imports no Electron or Node;
//  - rooms import one way (ARCHITECTURE.md, "Who may import whom"): shared/ imports nothing of ours,
//    renderer/ only shared/, and each room under electron/ only the rooms below it (roomsBelow).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'net', 'dgram', 'tls', 'http', 'https', 'child_process', 'crypto'];
const noElectron = { name: 'electron', message: 'Only electron/shell/ may import electron; keep this code runnable under plain Node.' };

/**
 * The Node-only rooms under electron/ and the rooms each may import (besides shared/ and
 * electron/app-identity.ts). The shell sits on top and may import every room.
 */
const roomsBelow = {
  net: [],
  sip: ['net'],
  compositor: ['net'],
  ipc: [],
  service: ['ipc', 'sip', 'compositor', 'net'],
  cli: ['web', 'service', 'sip', 'compositor', 'net'],
  web: ['ipc', 'service', 'sip', 'compositor', 'net', 'desktop'],
  desktop: ['service'],
};
const rooms = [...Object.keys(roomsBelow), 'shell'];

/**
 * Import patterns naming electron/ room `room` in a relative path ("../sip/sip-client",
 * "../../compositor"). Anchored at "../" so a package of the same name is not caught, and shared/'s
 * folders of the same names (shared/ipc, shared/sip) stay importable.
 */
const roomPatterns = (room) => [`../**/${room}`, `../**/${room}/**`, '!../**/shared/**'];

/** One import boundary rule per room below the shell: every room not below it is off limits. */
const roomBoundaries = Object.entries(roomsBelow).map(([room, below]) => ({
  files: [`electron/${room}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: [noElectron],
        patterns: rooms
          .filter((other) => other !== room && !below.includes(other))
          .map((other) => ({
            group: roomPatterns(other),
            message: `electron/${room}/ may not import electron/${other}/: rooms import one way (ARCHITECTURE.md, "Who may import whom").`,
          })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    files: ['electron/**/*.ts', 'test/**/*.ts', 'scripts/**/*.mjs', '*.config.{ts,js}'],
    languageOptions: { globals: globals.node },
  },
  {
    // Playwright fixtures must destructure their (sometimes empty) fixture argument.
    files: ['test/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/shell/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] },
  },
  ...roomBoundaries,
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, { name: 'react', message: 'shared/ is framework-free.' }],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ runs in the renderer too: no Node modules.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing of ours outside shared/.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches main only through window.presence.' }],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer is sandboxed: no Node modules.' },
            { group: ['**/electron/**'], message: 'The renderer imports only shared/ of ours; main is reached through window.presence.' },
          ],
        },
      ],
    },
  },
);
