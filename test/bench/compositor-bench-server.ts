/**
 * The compositor under benchmark, in its own process so that the load generators (sipp, and the Node
 * watcher fleet in compositor-bench.ts) do not share its event loop. Prints one JSON line with its UDP
 * address, then answers commands on stdin, one per line: `counters`, `memory`, `cpu` (process CPU time,
 * µs), `reset` (starts a measurement: empties the event-loop delay histogram and the GC totals), `loop` (since the
 * last `reset`: event-loop delay mean, p99 and max, ms, and the garbage collector's pauses: count and total ms), `stop`.
 * Replies are the lines that start with `{`: with `--trace-gc` V8 writes its own lines to stdout too.
 * Run with `node --cpu-prof --import tsx …` to profile the hot path. `--threads N` sets the PUBLISH-body
 * validator threads (default: as `presently compositor`, 1 with more than two cores, else 0; 0 validates inline). `--state FILE` turns persistence on (command `state`: commits, rows, ms in commits), committed on the state writer thread as `presently compositor` does (`--state-inline`: on the main thread). `--auth PASSWORD` requires Digest logins: one account, `bench` with that
 * password, allowed to publish for every AOR (a third-party publisher), as the authenticated sipp scenario expects.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { defaultValidatorThreads, openStateStore, startCompositor, userEntry, type CompositorOptions } from '../../electron/compositor';

// `--threads N` PUBLISH-body validator threads (0: validate inline on the main thread); absent or `auto`: the CLI's default.
const threadsArg = process.argv.indexOf('--threads');
const threadsValue = threadsArg === -1 ? 'auto' : (process.argv[threadsArg + 1] ?? 'auto');
const threads = threadsValue === 'auto' ? defaultValidatorThreads() : Number(threadsValue);
const authArg = process.argv.indexOf('--auth');
// `--state FILE`: persistence on (every PUBLISH committed to FILE before its 200).
const stateArg = process.argv.indexOf('--state');
// `--sync normal`: the state file's synchronous=NORMAL instead of FULL (no fsync per commit; see state/state-store.ts).
const synchronous = process.argv.includes('--sync') ? (process.argv[process.argv.indexOf('--sync') + 1] as 'full' | 'normal') : 'full';
const state =
  stateArg === -1
    ? undefined
    : await openStateStore(process.argv[stateArg + 1] ?? '', {
        synchronous,
        ...(process.argv.includes('--state-inline')
          ? {}
          : { writerThread: new URL('../support/compositor/state-writer-worker.dev.mjs', import.meta.url) }),
      });
// sipp 3.6 answers only the first challenge and only MD5: offer MD5 alone.
const authentication: Pick<CompositorOptions, 'authentication' | 'thirdPartyPublishers'> =
  authArg === -1
    ? {}
    : {
        authentication: {
          realm: 'example.com',
          users: [userEntry('example.com', 'bench', process.argv[authArg + 1] ?? '')],
          algorithms: ['MD5'],
        },
        thirdPartyPublishers: ['sip:bench@example.com'],
      };
const server = await startCompositor({
  ...authentication,
  ...(state === undefined ? {} : { state }),
  host: '127.0.0.1',
  udpPort: 0,
  tcpPort: null,
  wsPort: null,
  ...(threads > 0
    ? { bodyValidation: { workerFile: new URL('../support/compositor/pidf-validator-worker.dev.mjs', import.meta.url), threads } }
    : {}),
});
process.stdout.write(JSON.stringify({ udp: server.addresses.udp }) + '\n');

// Where the milliseconds go besides handling: the event loop's lag (what a datagram waits before it is read) and
// the collector's pauses (a scavenge stops the thread that allocates).
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
let gcPauses = 0;
let gcPauseMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcPauses++;
    gcPauseMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });
const nsToMs = (ns: number) => ns / 1e6;

for await (const line of createInterface({ input: process.stdin })) {
  const command = line.trim();
  if (command === 'counters') process.stdout.write(JSON.stringify(server.counters()) + '\n');
  else if (command === 'memory') process.stdout.write(JSON.stringify(process.memoryUsage()) + '\n');
  else if (command === 'cpu') process.stdout.write(JSON.stringify(process.cpuUsage()) + '\n');
  else if (command === 'reset') {
    loopDelay.reset();
    gcPauses = 0;
    gcPauseMs = 0;
    process.stdout.write('{}\n');
  } else if (command === 'loop')
    process.stdout.write(
      JSON.stringify({
        loopMeanMs: nsToMs(loopDelay.mean),
        loopP99Ms: nsToMs(loopDelay.percentile(99)),
        loopMaxMs: nsToMs(loopDelay.max),
        gcPauses,
        gcPauseMs,
      }) + '\n',
    );
  else if (command === 'state')
    process.stdout.write(
      JSON.stringify({ commits: state?.commits ?? 0, rowsWritten: state?.rowsWritten ?? 0, commitMs: state?.commitMs ?? 0 }) + '\n',
    );
  else if (command === 'stop') break;
}
await server.stop();
process.exit(0);
