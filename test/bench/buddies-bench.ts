/**
 * `npm run bench:buddies` — 5,000 buddies watched by one engine, against the built-in compositor over UDP and against
 * Kamailio over TCP (test/support/kamailio/, with the limits a list this size needs). Every buddy is first published
 * busy by a raw UDP peer (one PUBLISH per AOR, 100 at a time: the cheapest real way, both servers take a publication
 * for any AOR here). Then a watcher process (buddies-bench-watcher.ts, so the memory is the engine's alone) watches
 * all of them, twice per server — BEFORE: pacing off, every SUBSCRIBE at once as the engine did before the pacer;
 * AFTER: the adaptive window (electron/sip/subscribe/subscribe-pacer.ts) — and this prints, per run: the time from
 * start until every buddy shows busy, SUBSCRIBEs in flight at most, retransmissions, connection resets, the watcher's
 * resident memory and JavaScript heap and what each buddy costs in them.
 *
 *   npm run bench:buddies                       # 5,000 buddies, both servers
 *   npm run bench:buddies -- --count 1000 --only compositor|kamailio --after-only
 *   npm run bench:buddies -- --count 1000 --only compositor --after-only --heap-snapshots /tmp   # what each buddy keeps
 *   npm run bench:buddies -- --after-only --list   # and then through one resource list subscription (RFC 4662)
 *
 * Needs `kamailio` and `kamailio-presence-modules` for the Kamailio part (skipped with a note where missing). The
 * figures move with the machine's other load: run it on an otherwise idle machine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCompositor } from '../../electron/compositor';
import { buildResourceLists, RESOURCE_LISTS_CONTENT_TYPE } from '../../shared/resource-lists/resource-lists';
import { publishBuddies } from '../support/compositor/publish-buddies';
import type { Target } from '../support/compositor/sip-test-peer';
import { startKamailio } from '../support/kamailio/kamailio';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    only: { type: 'string' },
    timeout: { type: 'string', default: '90' },
    'after-only': { type: 'boolean', default: false },
    /** Also watch the buddies through one resource list subscription (RFC 4662) to the watcher's list URI. */
    list: { type: 'boolean', default: false },
    /** A folder: each watcher writes a heap snapshot there once every buddy is shown (`<watcher>.heapsnapshot`). */
    'heap-snapshots': { type: 'string' },
  },
});
const COUNT = Number(args.count);

interface WatcherFigures {
  readonly shownMs: number;
  readonly shown99Ms: number | null;
  readonly shown: number;
  readonly maxInFlight: number;
  /** Subscription dialogs the watcher opened. */
  readonly dialogs: number;
  readonly retransmissions: number;
  readonly connectionResets: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly heapBefore: number;
  readonly heapAfter: number;
  readonly notShown: Readonly<Record<string, number>>;
  readonly refusedNotifies: Readonly<Record<string, number>>;
  readonly pacer: unknown;
}

/** Publishes every buddy busy, and says how long it took. */
async function publishAll(target: Target): Promise<void> {
  const started = Date.now();
  const failures = await publishBuddies(target, COUNT);
  console.log(`  published ${COUNT - failures}/${COUNT} buddies in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs one watcher process and returns its figures. */
function watch(server: string, pacing: 'on' | 'off', watcher: string, listUri?: string): Promise<WatcherFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        new URL('./buddies-bench-watcher.ts', import.meta.url).pathname,
        '--server',
        server,
        '--count',
        String(COUNT),
        '--pacing',
        pacing,
        '--watcher',
        watcher,
        '--timeout',
        String(args.timeout),
        ...(args['heap-snapshots'] === undefined ? [] : ['--heap-snapshot', `${args['heap-snapshots']}/${watcher}.heapsnapshot`]),
        ...(listUri === undefined ? [] : ['--list', listUri]),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as WatcherFigures);
      } catch {
        reject(new Error(`the watcher exited with ${code} and printed: ${out}`));
      }
    });
  });
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

function report(label: string, f: WatcherFigures): void {
  const perBuddy = (f.rssAfter - f.rssBefore) / COUNT / 1024;
  const heapPerBuddy = (f.heapAfter - f.heapBefore) / COUNT / 1024;
  console.log(
    `  ${label.padEnd(22)} ${f.shown === COUNT ? 'all' : `${f.shown}/${COUNT}`} shown after ${(f.shownMs / 1000).toFixed(2)} s ` +
      `(99 % after ${f.shown99Ms === null ? '—' : `${(f.shown99Ms / 1000).toFixed(2)} s`}) · ` +
      `in flight ≤ ${f.maxInFlight} · ${f.dialogs} dialogs · ${f.retransmissions} retransmissions · ${f.connectionResets} connection resets · ` +
      `rss ${mb(f.rssAfter)} MB (${mb(f.rssBefore)} MB before watching; ${perBuddy.toFixed(1)} KB per buddy) · ` +
      `heap ${mb(f.heapAfter)} MB (${heapPerBuddy.toFixed(1)} KB per buddy)`,
  );
  if (f.shown < COUNT) console.log(`    not shown, by phase/status: ${JSON.stringify(f.notShown)}`);
  console.log(`    NOTIFYs answered other than 200: ${JSON.stringify(f.refusedNotifies)}; pacer: ${JSON.stringify(f.pacer)}`);
}

async function compare(server: string): Promise<void> {
  if (args['after-only'] !== true) report('BEFORE (pacing off)', await watch(server, 'off', 'before'));
  report('AFTER (paced)', await watch(server, 'on', 'after'));
}

/** The watcher of the list run, and its list URI (the compositor's naming, lists/list-uri.ts; Kamailio is told it). */
const LIST_WATCHER = 'listener';
const LIST_URI = `sip:${LIST_WATCHER}-buddies@example.com`;
const buddyAors = (): string[] => Array.from({ length: COUNT }, (_, i) => `sip:buddy${i}@example.com`);

console.log(`${COUNT} buddies, each published busy beforehand; one watcher process per run.`);

if (args.only === undefined || args.only === 'compositor') {
  console.log('\nCompositor (UDP)');
  // The default per-watcher cap (10,000 subscriptions) serves 5,000 buddies; a larger --count raises it.
  const compositor = await startCompositor({
    host: '127.0.0.1',
    udpPort: 0,
    tcpPort: args.list ? 0 : null,
    wsPort: args.list ? 0 : null,
    ...(COUNT > 10_000 ? { limits: { maxSubscriptionsPerWatcher: COUNT } } : {}),
  });
  const udp = compositor.addresses.udp!;
  await publishAll({ host: udp.host, port: udp.port });
  await compare(udp.uri);
  if (args.list) {
    // The list's full state is megabytes: over TCP (the compositor refuses a list too big for a datagram on UDP).
    const xcap = `${compositor.xcapRoot}/resource-lists/users/${encodeURIComponent(`sip:${LIST_WATCHER}@example.com`)}/index`;
    const written = await fetch(xcap, {
      method: 'PUT',
      headers: { 'Content-Type': RESOURCE_LISTS_CONTENT_TYPE },
      body: buildResourceLists({ lists: [{ items: buddyAors().map((uri) => ({ kind: 'entry' as const, uri })) }] }),
    });
    if (!written.ok) throw new Error(`the list PUT was answered ${written.status}: ${await written.text()}`);
    report('LIST (TCP)', await watch(compositor.addresses.tcp!.uri, 'on', LIST_WATCHER, LIST_URI));
  }
  await compositor.stop();
}

if (args.only === undefined || args.only === 'kamailio') {
  console.log('\nKamailio (TCP)');
  if (!existsSync('/usr/sbin/kamailio')) console.log('  skipped: kamailio is not installed');
  else {
    const kamailio = await startKamailio({
      transports: ['udp', 'tcp'],
      largeLists: true,
      ...(args.list ? { packages: ['rls' as const], serviceLists: { [LIST_WATCHER]: [{ uri: LIST_URI, members: buddyAors() }] } } : {}),
    });
    try {
      await publishAll({ host: '127.0.0.1', port: kamailio.ports.udp! });
      await compare(kamailio.serverUri('tcp'));
      if (args.list) report('LIST (rls)', await watch(kamailio.serverUri('tcp'), 'on', LIST_WATCHER, LIST_URI));
    } finally {
      await kamailio.stop();
    }
  }
}
process.exit(0);
