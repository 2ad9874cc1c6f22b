// Bundles the Node side with esbuild: the Electron main process and preload (CommonJS, because a
// sandboxed preload must be CommonJS and sip.js is ESM-only) and the `presently` command line.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron'],
};

await Promise.all([
  build({ ...common, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/main/main.cjs' }),
  build({ ...common, entryPoints: ['electron/shell/preload.ts'], outfile: 'dist/main/preload.cjs' }),
  build({
    ...common,
    entryPoints: ['electron/cli/presently.ts'],
    outfile: 'dist/cli/presently.cjs',
    banner: { js: '#!/usr/bin/env node' },
  }),
  // The compositor's PUBLISH-body validator thread, loaded by `presently compositor` from beside the CLI.
  build({ ...common, entryPoints: ['electron/compositor/esc/pidf-validator-worker.ts'], outfile: 'dist/cli/pidf-validator-worker.cjs' }),
]);
