// Worker-thread bootstrap for running the compositor's state writer thread from TypeScript source (tests,
// benchmark): Node does not apply `--import tsx` to a worker's entry module, so register tsx here, in the
// worker, and then load the real worker. Bundled builds use the compiled worker instead.
import { register } from 'tsx/esm/api';

register();
await import('../../../electron/compositor/state/state-writer-worker.ts');
