/**
 * The buddy list's ordering work alone, under Node (no browser): what renderer/src/buddies/buddy-order.ts costs for a
 * new list of 5,000 buddies, for presence batches of 1 to 2,000 changed buddies, for another sort and for a search.
 * The same API as before the incremental order, so running it on an older checkout gives the figures to compare.
 * Best of several runs each, CPU-bound and single-threaded: the figures move with the machine's other load.
 *
 *   npx tsx test/bench/buddies-order-bench.ts              # 5,000 buddies
 *   npx tsx test/bench/buddies-order-bench.ts --count 1500
 */
import { parseArgs } from 'node:util';
import type { BuddyEntry } from '../../shared/buddy/buddy';
import { PRESENCE_STATUSES, type PresenceStatus } from '../../shared/presence/presence-status';
import { BuddyOrder } from '../../renderer/src/buddies/buddy-order';
import type { BuddySort } from '../../renderer/src/buddies/buddy-view';

const { values: args } = parseArgs({ options: { count: { type: 'string', default: '5000' } } });
const COUNT = Number(args.count);
const RUNS = 7;

function entry(i: number, status: PresenceStatus): BuddyEntry {
  const aor = `sip:buddy${i}@example.com`;
  return {
    aor,
    displayName: `Buddy ${i}`,
    group: i % 10 === 0 ? 'Team' : '',
    source: 'saved',
    presence: {
      aor,
      subscription: { phase: 'active' },
      presence: { status, note: `note ${i}`, activities: [], devices: [] },
      changedAt: null,
    },
  };
}

const statusOf = (i: number) => PRESENCE_STATUSES[(i * 31) % PRESENCE_STATUSES.length]!;
const list = () => Array.from({ length: COUNT }, (_, i) => entry(i, statusOf(i)));

/** The best of RUNS runs of `run` (each after `prepare`, untimed), in ms. */
function best(prepare: () => void, run: () => void): number {
  let fastest = Infinity;
  for (let r = 0; r < RUNS; r++) {
    prepare();
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

const print = (label: string, ms: number) => console.log(`  ${label.padEnd(36)} ${ms.toFixed(2).padStart(8)} ms`);
console.log(`BuddyOrder over ${COUNT} buddies, best of ${RUNS}:`);
let fresh: BuddyEntry[] = [];
print(
  'a new list (whole-list event)',
  best(
    () => (fresh = list()),
    () => new BuddyOrder().update(fresh),
  ),
);
for (const changes of [1, 50, 500, 1200, 2000]) {
  const order = new BuddyOrder();
  let entries = list();
  order.update(entries);
  let round = 0;
  let next: BuddyEntry[] = [];
  const prepare = () => {
    round++;
    next = [...entries];
    for (let c = 0; c < Math.min(changes, COUNT); c++) {
      const i = (c * 7919 + round) % COUNT;
      next[i] = entry(i, statusOf(i + c + round));
    }
  };
  print(
    `a batch of ${changes} changes`,
    best(prepare, () => {
      order.update(next);
      entries = next;
    }),
  );
}
const order = new BuddyOrder();
const entries = list();
order.update(entries);
let sort: BuddySort = 'availability';
print(
  'another sort',
  best(
    () => (sort = sort === 'name' ? 'availability' : 'name'),
    () => order.update(entries, sort),
  ),
);
print(
  'a search (first, then each keystroke)',
  best(
    () => undefined,
    () => order.search(`buddy${COUNT - 1}@`),
  ),
);
