// Worker-thread bootstrap for running the compositor's PIDF validator worker from TypeScript source (tests,
// benchmark): Node 20 does not apply `--import tsx` to a worker's entry module, so register tsx here, in the
// worker, and then load the real worker. Bundled builds use the compiled worker instead.
import { register } from 'tsx/esm/api';

register();
await import('../../../electron/compositor/esc/pidf-validator-worker.ts');
