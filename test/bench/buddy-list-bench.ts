/**
 * `npm run bench:buddy-list` — the window while 5,000 buddies' presence arrives: the real renderer (built, in
 * Debian's Chromium, through the browser test harness) on the real core, whose account watches 5,000 buddies
 * published busy beforehand on the built-in compositor. The list is scrolled to its end, where the least available
 * buddies are (sorted by availability), so it shows all of them busy only once the last NOTIFY has been drawn.
 * Printed per run: the longest frame while the updates arrive (Long Animation Frames, and the longest gap between
 * two animation frames), frames over 50 ms, and the time from saving the account until the list shows every buddy
 * busy. Runs twice — presence batched (the default, at most one batch per 32 ms) and unbatched (one event per
 * change, as before batching) — then times a search over the full list.
 *
 *   npm run build:renderer && npm run bench:buddy-list                 # 5,000 buddies
 *   npm run bench:buddy-list -- --count 2000 --batched-only
 *   npm run bench:buddy-list -- --batched-only --profile list.cpuprofile   # the page's CPU profile of the batched run
 *   npm run bench:buddy-list -- --batched-only --trace list-trace.json     # its Chromium trace (style, layout, paint)
 *
 * The figures move with the machine's other load: run it on an otherwise idle machine.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Page } from '@playwright/test';
import { startCompositor } from '../../electron/compositor';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../shared/account/account-settings';
import { CHROMIUM_PATH } from '../../playwright.config';
import { benchBuddyAor, publishBuddies } from '../support/compositor/publish-buddies';
import { startPresenceHarness } from '../support/presence-harness';

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    timeout: { type: 'string', default: '180' },
    'batched-only': { type: 'boolean', default: false },
    'skip-search': { type: 'boolean', default: false },
    /** Writes a Chromium trace (devtools.timeline: style, layout, paint, scripts) of the batched run to this file. */
    trace: { type: 'string' },
    /** Writes the page's CPU profile of the batched run to this file (open it in Chromium's DevTools). */
    profile: { type: 'string' },
  },
});
const COUNT = Number(args.count);
const TIMEOUT_MS = Number(args.timeout) * 1000;

/** What the page measured while the updates arrived (test/support/browser/list-frame-probe.ts). */
interface WindowFigures {
  readonly shownMs: number | null;
  readonly longestFrameMs: number;
  readonly longestGapMs: number;
  readonly framesOver50: number;
  readonly drawnRows: number;
}

/** The page-side probe, bundled once. */
const probeScript = build({
  entryPoints: ['test/support/browser/list-frame-probe.ts'],
  bundle: true,
  write: false,
  format: 'iife',
  target: 'chrome130',
}).then((result) => result.outputFiles[0]?.text ?? '');

/** One run: a fresh core and page, the buddies saved, the account saved; resolves with the page's figures. */
async function run(server: string, presenceBatchMs: number | undefined, profileFile?: string, traceFile?: string): Promise<WindowFigures> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'presently-list-bench-'));
  const buddies = Array.from({ length: COUNT }, (_, i) => ({ aor: benchBuddyAor(i), displayName: `Buddy ${i}`, group: '' }));
  await writeFile(path.join(dataDir, 'buddies.json'), JSON.stringify({ schemaVersion: 2, buddies }));
  const harness = await startPresenceHarness({ dataDir, service: presenceBatchMs === undefined ? {} : { presenceBatchMs } });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page: Page = await browser.newPage({ viewport: { width: 1180, height: 760 } });
    await harness.open(page);
    await page.getByTestId('buddy-row').first().waitFor();
    await page.evaluate(await probeScript);
    const cdp = profileFile === undefined ? null : await page.context().newCDPSession(page);
    await cdp?.send('Profiler.enable');
    await cdp?.send('Profiler.start');
    if (traceFile !== undefined) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline'] });
    await page.evaluate('__listFrameProbe.start()');
    await harness.service.saveAccount({
      ...DEFAULT_ACCOUNT_SETTINGS,
      aor: `sip:watcher${presenceBatchMs ?? ''}@example.com`,
      server,
      publish: false,
    });
    // Polled from here: waitForFunction would evaluate a string in the page, which its CSP refuses.
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline && (await page.evaluate('__listFrameProbe.figures.shownMs')) === null) await page.waitForTimeout(500);
    if (traceFile !== undefined) await browser.stopTracing();
    if (cdp !== null) await writeFile(profileFile!, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    return (await page.evaluate('__listFrameProbe.figures')) as WindowFigures;
  } finally {
    await browser.close();
    await harness.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One event of a Chromium trace (the fields read here). */
interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly dur?: number;
  readonly tdur?: number;
  readonly id?: string;
  readonly id2?: { readonly local?: string };
}

/**
 * The frames of a trace with the most main-thread CPU time (each top-level task's thread time, `tdur`): on a machine
 * where other work takes the cores a frame's wall-clock length says little, the thread time is what the page cost.
 */
async function framesByThreadTime(traceFile: string): Promise<{ wallMs: number; threadMs: number }[]> {
  const events = (JSON.parse(await readFile(traceFile, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const started = new Map<string, TraceEvent>();
  const frames: { ts: number; dur: number; pid: number }[] = [];
  for (const e of events) {
    if (e.name !== 'AnimationFrame') continue;
    const key = `${e.pid}:${e.id ?? e.id2?.local}`;
    const begin = started.get(key);
    if (e.ph === 'b') started.set(key, e);
    else if (e.ph === 'e' && begin) frames.push({ ts: begin.ts, dur: e.ts - begin.ts, pid: begin.pid });
  }
  const main = events.find((e) => e.name === 'FireAnimationFrame' && e.pid === frames[0]?.pid);
  if (main === undefined) return [];
  const tasks: TraceEvent[] = [];
  let end = -1;
  const complete = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined);
  for (const e of complete.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)) {
    if (e.ts < end) continue; // inside the task before it
    tasks.push(e);
    end = e.ts + e.dur!;
  }
  frames.sort((a, b) => a.ts - b.ts);
  let first = 0;
  return frames
    .map((frame) => {
      while (first < tasks.length && tasks[first]!.ts < frame.ts) first++;
      let thread = 0;
      for (let i = first; i < tasks.length && tasks[i]!.ts < frame.ts + frame.dur; i++) thread += tasks[i]!.tdur ?? tasks[i]!.dur!;
      return { wallMs: frame.dur / 1000, threadMs: thread / 1000 };
    })
    .sort((a, b) => b.threadMs - a.threadMs);
}

function report(label: string, f: WindowFigures): void {
  console.log(
    `  ${label.padEnd(28)} all ${COUNT} shown busy after ${f.shownMs === null ? '—' : `${(f.shownMs / 1000).toFixed(2)} s`} · ` +
      `longest frame ${f.longestFrameMs.toFixed(0)} ms (longest gap between frames ${f.longestGapMs.toFixed(0)} ms) · ` +
      `${f.framesOver50} frames over 50 ms · ${f.drawnRows} rows drawn`,
  );
}

/** Times typing a search over the whole list: from the keystroke until the list is drawn. */
async function timeSearch(server: string): Promise<void> {
  const harness = await startPresenceHarness({ service: {} });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    const buddies = Array.from({ length: COUNT }, (_, i) => ({ aor: benchBuddyAor(i), displayName: `Buddy ${i}`, group: '' }));
    await writeFile(path.join(harness.dataDir, 'buddies.json'), JSON.stringify({ schemaVersion: 2, buddies }));
    await harness.restartService();
    await harness.open(page);
    await harness.service.saveAccount({ ...DEFAULT_ACCOUNT_SETTINGS, aor: 'sip:searcher@example.com', server, publish: false });
    await page.getByRole('heading', { name: `Buddies ${COUNT}` }).waitFor();
    await page.evaluate(await probeScript);
    for (const query of ['buddy4999@', 'meeting (12', '']) {
      const ms = (await page.evaluate(`__listFrameProbe.timeSearch(${JSON.stringify(query)})`)) as number;
      console.log(`  search “${query}” over ${COUNT}: drawn ${ms.toFixed(1)} ms after the keystroke`);
    }
  } finally {
    await browser.close();
    await harness.close();
  }
}

console.log(`${COUNT} buddies, each published busy beforehand; a fresh core and window per run.`);
const compositor = await startCompositor({
  host: '127.0.0.1',
  udpPort: 0,
  tcpPort: null,
  wsPort: null,
  limits: { maxSubscriptionsPerWatcher: COUNT + 10 },
});
const udp = compositor.addresses.udp!;
const failures = await publishBuddies({ host: udp.host, port: udp.port }, COUNT);
if (failures > 0) console.log(`  ${failures} PUBLISHes refused`);
report('batched (32 ms)', await run(udp.uri, undefined, args.profile, args.trace));
if (args.trace !== undefined) {
  const frames = await framesByThreadTime(args.trace);
  const over50 = frames.filter((frame) => frame.threadMs > 50).length;
  const top = frames
    .slice(0, 3)
    .map((frame) => `${frame.threadMs.toFixed(0)} ms (${frame.wallMs.toFixed(0)} ms wall)`)
    .join(', ');
  console.log(`  by the page's main-thread CPU time: longest frames ${top} · ${over50} of ${frames.length} frames over 50 ms`);
}
if (args['batched-only'] !== true) report('unbatched (one per change)', await run(udp.uri, 0));
if (args['skip-search'] !== true) await timeSearch(udp.uri);
await compositor.stop();
process.exit(0);
