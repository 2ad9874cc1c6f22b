/**
 * Publish → watch latency on loopback, end to end through a real presence server: the engine publishes
 * a change (RFC 3903 PUBLISH), Kamailio composes and sends NOTIFY, and the built `presently watch`
 * (dist/cli/presently.cjs, a child process) prints the JSON line. Measured from the setPresence() call
 * to the line on the watcher's stdout, over many changes, for UDP and TCP; also the PUBLISH round trip.
 *
 *   npm run bench:sip-latency [-- --changes 300]
 *
 * Prints figures; never fails on slow machines. The machine's load affects them.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SipClient } from '../../electron/sip/sip-client';
import { startKamailio } from '../support/kamailio/kamailio';
import { ensureCliBuilt } from '../support/sip/build-cli';
import { testAccount } from '../support/sip/test-account';

const ROOT = path.resolve(import.meta.dirname, '../..');
const changesArg = process.argv.indexOf('--changes');
const CHANGES = changesArg > 0 ? Number(process.argv[changesArg + 1]) : 200;

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? NaN;
}

function summary(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return `${name.padEnd(34)} n=${String(samples.length).padStart(4)}  p50 ${percentile(sorted, 50).toFixed(2).padStart(7)} ms  p99 ${percentile(sorted, 99).toFixed(2).padStart(7)} ms  max ${(sorted.at(-1) ?? NaN).toFixed(2).padStart(7)} ms  mean ${mean.toFixed(2).padStart(7)} ms`;
}

async function measure(transport: 'udp' | 'tcp', server: string): Promise<string[]> {
  const watcher = spawn(
    process.execPath,
    [path.join(ROOT, 'dist/cli/presently.cjs'), 'watch', 'sip:alice@example.com', '--aor', 'sip:bob@example.com', '--server', server],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lineWaiters: Array<{ note: string; resolve: (at: number) => void }> = [];
  let sawActive: () => void = () => undefined;
  const active = new Promise<void>((resolve) => {
    sawActive = resolve;
  });
  let partial = '';
  watcher.stdout.setEncoding('utf8');
  watcher.stdout.on('data', (chunk: string) => {
    const at = performance.now();
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      const parsed = JSON.parse(line) as { state: string; note: string | null };
      if (parsed.state === 'active') sawActive();
      const waiter = lineWaiters.find((w) => w.note === parsed.note);
      if (waiter) {
        lineWaiters.splice(lineWaiters.indexOf(waiter), 1);
        waiter.resolve(at);
      }
    }
  });

  const alice = new SipClient(testAccount('sip:alice@example.com', server));
  await alice.start();
  await active;

  const endToEnd: number[] = [];
  const roundTrip: number[] = [];
  const statuses = ['busy', 'away', 'available', 'in-a-meeting', 'do-not-disturb'] as const;
  for (let i = 0; i < CHANGES; i++) {
    const note = `change ${transport} #${i}`;
    const seen = new Promise<number>((resolve) => lineWaiters.push({ note, resolve }));
    const started = performance.now();
    const state = await alice.setPresence(statuses[i % statuses.length] ?? 'busy', note);
    roundTrip.push(performance.now() - started);
    if (state.phase !== 'published') throw new Error(`publication failed: ${state.problem?.message ?? state.phase}`);
    endToEnd.push((await seen) - started);
  }
  await alice.stop({ timeoutMs: 2_000 });
  watcher.kill('SIGINT');
  await new Promise((resolve) => watcher.once('exit', resolve));
  return [
    summary(`${transport.toUpperCase()} setPresence → watch line`, endToEnd),
    summary(`${transport.toUpperCase()} PUBLISH round trip`, roundTrip),
  ];
}

async function main(): Promise<void> {
  await ensureCliBuilt();
  const kamailio = await startKamailio({ transports: ['udp', 'tcp'] });
  try {
    console.log(`Publish → watch latency through Kamailio on loopback, ${CHANGES} changes per transport (node ${process.version})`);
    for (const transport of ['udp', 'tcp'] as const) {
      for (const line of await measure(transport, kamailio.serverUri(transport))) console.log(line);
    }
  } finally {
    await kamailio.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
