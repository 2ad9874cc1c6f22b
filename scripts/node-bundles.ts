/**
 * The Node-side bundles and how esbuild makes them: the Electron main process and preload (CommonJS,
 * because a sandboxed preload must be CommonJS and sip.js is ESM-only), the `presently` command line,
 * and the compositor's threads the CLI loads from beside itself: the PIDF validator and the state file's writer.
 *
 * `npm run build:node` builds them all (scripts/build-node.ts); tests that run the CLI rebuild only the
 * CLI when it is stale (test/support/sip/build-cli.ts), from these same definitions.
 */
import { build, type BuildOptions } from 'esbuild';

const COMMON: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron'],
};

export const NODE_BUNDLES = {
  main: { ...COMMON, entryPoints: ['electron/shell/main.ts'], outfile: 'dist/main/main.cjs' },
  preload: { ...COMMON, entryPoints: ['electron/shell/preload.ts'], outfile: 'dist/main/preload.cjs' },
  cli: { ...COMMON, entryPoints: ['electron/cli/presently.ts'], outfile: 'dist/cli/presently.cjs', banner: { js: '#!/usr/bin/env node' } },
  validatorWorker: {
    ...COMMON,
    entryPoints: ['electron/compositor/esc/pidf-validator-worker.ts'],
    outfile: 'dist/cli/pidf-validator-worker.cjs',
  },
  stateWriterWorker: {
    ...COMMON,
    entryPoints: ['electron/compositor/state/state-writer-worker.ts'],
    outfile: 'dist/cli/state-writer-worker.cjs',
  },
} satisfies Record<string, BuildOptions>;

export type NodeBundleName = keyof typeof NODE_BUNDLES;

/** Builds the named bundles (all by default), paths relative to `rootDir`. */
export async function buildNodeBundles(
  names: readonly NodeBundleName[] = Object.keys(NODE_BUNDLES) as NodeBundleName[],
  rootDir = process.cwd(),
): Promise<void> {
  await Promise.all(names.map((name) => build({ ...NODE_BUNDLES[name], absWorkingDir: rootDir })));
}
