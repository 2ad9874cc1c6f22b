/**
 * Makes sure `dist/cli/presently.cjs` is the bundle of the current sources before tests run it. `npm test`
 * builds it first (`npm run build:node`); when a test runs alone and the bundle is missing or older than
 * a source file, only the CLI and the worker threads it loads from beside itself are rebuilt — from the same definition `npm run build:node` uses
 * (scripts/node-bundles.ts) — so that the other bundles in dist/, which other tests read, are never
 * rewritten under them.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildNodeBundles, NODE_BUNDLES } from '../../../scripts/node-bundles';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

export async function ensureCliBuilt(): Promise<void> {
  const sources = Math.max(
    newestSource(path.join(ROOT, 'electron')),
    newestSource(path.join(ROOT, 'shared')),
    statSync(path.join(ROOT, 'package.json')).mtimeMs,
  );
  const bundles = ['cli', 'validatorWorker', 'stateWriterWorker'] as const;
  const outputs = bundles.map((name) => path.join(ROOT, NODE_BUNDLES[name].outfile));
  if (outputs.every((file) => existsSync(file) && statSync(file).mtimeMs >= sources)) return;
  await buildNodeBundles(bundles, ROOT);
}
