// `npm run build:node`: every Node-side bundle (scripts/node-bundles.ts says which and why).
import { buildNodeBundles } from './node-bundles';

await buildNodeBundles();
