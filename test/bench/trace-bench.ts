/**
 * Trace pane figures on 100,000 entries — the most the service keeps and the pane is built to hold:
 *
 * - append: the renderer's store receiving them in batches as main sends them (500 per `trace:batch`),
 *   each entry summarised once on arrival; the group index catching up after each batch;
 * - filter: a filter change, which re-runs over every entry held (compile + full TraceFilterIndex), for
 *   several kinds of filter; then the incremental cost of one more batch under the heaviest filter;
 * - export: the text and pcap files of all of them;
 * - capture: opening a pcap of 1,000,000 messages (written by our pcap writer: the same traffic, repeated)
 *   as the capture view does — read in 1 MiB pieces by shared/trace/capture's reader, appended in the
 *   loader's batches to a TraceBuffer of the view's capacity with the group index catching up — with the
 *   process's RSS and heap after (after a full collection when run with --expose-gc); then, in that
 *   model, filter changes (by the columns, and by free text, which reads every message) and the ladder of
 *   one dialog (the group's lookup, its records and the layout): the median of the runs, with its CPU
 *   time (less moved by other processes than the wall clock) and the first run's (before the JIT warmed up).
 *
 *   npm run bench:trace                  # 100,000 entries, 5 runs per filter, a 1,000,000-message capture
 *   npm run bench:trace -- --entries 20000 --runs 3 --capture 100000
 *   npm run bench:trace -- --small       # a few seconds: 5,000 entries, 1 run, a 20,000-message capture
 *   npm run bench:trace -- --capture-only --capture 1000000    # only the capture figures
 *   node --expose-gc --import tsx test/bench/trace-bench.ts --capture-only   # heap after a full collection
 *
 * Prints figures; asserts nothing. Single-threaded and CPU-bound: the figures move with the machine's load.
 */
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CaptureReader } from '../../shared/trace/capture/capture-reader';
import { TraceBuffer } from '../../shared/trace/trace-buffer';
import { compileTraceFilter, EMPTY_TRACE_FILTER, TraceFilterIndex, type TraceFilterSpec } from '../../shared/trace/trace-filter';
import type { TraceEntry } from '../../shared/trace/trace-entry';
import { TraceGroupIndex } from '../../shared/trace/trace-groups';
import { formatTraceText } from '../../shared/trace/trace-format';
import { PcapWriter, writePcap } from '../../shared/trace/pcap';
import { buildLadder } from '../../shared/trace/trace-ladder';
import type { TraceRecord } from '../../shared/trace/trace-summary';
import { CAPTURE_CAPACITY, CAPTURE_MAX_CHARS } from '../../renderer/src/trace/capture-limits';
import { BOB, pidf, request, response } from '../unit/shared/trace/sip-fixtures';

const IS_SMALL = process.argv.includes('--small');
const IS_CAPTURE_ONLY = process.argv.includes('--capture-only');

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) {
    console.error('usage: trace-bench [--small] [--capture-only] [--entries N] [--runs N] [--batch N] [--capture N]');
    process.exit(2);
  }
  return value;
}
const ENTRIES = argument('entries', IS_SMALL ? 5_000 : 100_000);
const RUNS = argument('runs', IS_SMALL ? 1 : 5);
const BATCH = argument('batch', 500);
const CAPTURE_MESSAGES = argument('capture', IS_SMALL ? 20_000 : 1_000_000);
/** A full collection before reading the heap, when node was started with --expose-gc. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/**
 * A realistic mix for a client watching 50 buddies: NOTIFYs and their answers dominate, with PUBLISH
 * refreshes, SUBSCRIBE refreshes, OPTIONS pings and REGISTER refreshes.
 */
function traffic(count: number): TraceEntry[] {
  const out: TraceEntry[] = [];
  const start = Date.UTC(2024, 4, 1, 9, 0, 0);
  const notes = ['In a meeting', 'Lunch', 'Available', 'On the phone with support', 'Réunion 🎧'];
  for (let i = 0; out.length < count; i++) {
    const buddy = `sip:user${i % 50}@example.com`;
    const n = i % 20;
    const pair: ['in' | 'out', string][] =
      n < 12
        ? [
            [
              'in',
              request({
                method: 'NOTIFY',
                from: buddy,
                callId: `sub-${i % 50}`,
                cseq: i,
                headers: ['Event: presence', `Subscription-State: active;expires=${600 - (i % 600)}`],
                body: pidf(buddy, 'open', notes[i % notes.length]!, 'busy'),
              }),
            ],
            ['out', response({ code: 200, reason: 'OK', method: 'NOTIFY', from: buddy, callId: `sub-${i % 50}`, cseq: i })],
          ]
        : n < 15
          ? [
              [
                'out',
                request({
                  method: 'PUBLISH',
                  callId: 'pub',
                  cseq: i,
                  headers: ['Event: presence', 'Expires: 600', `SIP-If-Match: e${i - 1}`],
                }),
              ],
              [
                'in',
                response({
                  code: 200,
                  reason: 'OK',
                  method: 'PUBLISH',
                  callId: 'pub',
                  cseq: i,
                  headers: [`SIP-ETag: e${i}`, 'Expires: 600'],
                }),
              ],
            ]
          : n < 17
            ? [
                [
                  'out',
                  request({
                    method: 'SUBSCRIBE',
                    to: i % 2 ? BOB : buddy,
                    callId: `sub-${i % 50}`,
                    cseq: i,
                    headers: ['Event: presence', 'Expires: 600'],
                  }),
                ],
                [
                  'in',
                  response({ code: 200, reason: 'OK', method: 'SUBSCRIBE', callId: `sub-${i % 50}`, cseq: i, headers: ['Expires: 600'] }),
                ],
              ]
            : n < 19
              ? [
                  ['out', request({ method: 'OPTIONS', uri: 'sip:example.com', callId: `ping-${i}`, cseq: 1 })],
                  ['in', response({ code: 200, reason: 'OK', method: 'OPTIONS', callId: `ping-${i}`, cseq: 1 })],
                ]
              : [
                  [
                    'out',
                    request({
                      method: 'REGISTER',
                      uri: 'sip:example.com',
                      callId: 'reg',
                      cseq: i,
                      headers: [
                        'Expires: 600',
                        'Authorization: Digest username="alice", realm="example.com", nonce="n", uri="sip:example.com", response="0123456789abcdef0123456789abcdef"',
                      ],
                    }),
                  ],
                  ['in', response({ code: 200, reason: 'OK', method: 'REGISTER', callId: 'reg', cseq: i, headers: ['Expires: 600'] })],
                ];
    for (const [direction, raw] of pair) {
      if (out.length === count) break;
      out.push({
        seq: out.length + 1,
        at: start + out.length * 37.5,
        direction,
        transport: 'tcp',
        local: { address: '192.0.2.10', port: 40_000 },
        remote: { address: '192.0.2.1', port: 5060 },
        raw,
      });
    }
  }
  // As the renderer gets them: parsed from an IPC message, so every string is flat.
  return JSON.parse(JSON.stringify(out)) as TraceEntry[];
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1).padStart(7)} ms`;
/** This process's CPU time in ms (user + system): less moved than the wall clock by other processes on a busy machine. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const entries = traffic(ENTRIES);
const megabytes = entries.reduce((n, e) => n + e.raw.length, 0) / 1e6;
console.log(
  `Trace pane, ${ENTRIES.toLocaleString('en-US')} entries (${megabytes.toFixed(1)} MB of SIP text), Node ${process.version}, median of ${RUNS} runs`,
);

if (!IS_CAPTURE_ONLY) runLiveFigures();

/** The live pane's figures: append, filter, export. */
function runLiveFigures(): void {
  // ── Append in batches ────────────────────────────────────────────────────────────────────────────
  {
    const totals: number[] = [];
    const worstBatch: number[] = [];
    const groupTotals: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const buffer = new TraceBuffer(100_000);
      const groups = new TraceGroupIndex(buffer);
      let total = 0;
      let worst = 0;
      let groupTotal = 0;
      for (let i = 0; i < entries.length; i += BATCH) {
        const batch = entries.slice(i, i + BATCH);
        const t0 = performance.now();
        buffer.append(batch);
        const t1 = performance.now();
        groups.sync();
        const t2 = performance.now();
        total += t1 - t0;
        groupTotal += t2 - t1;
        worst = Math.max(worst, t1 - t0);
      }
      totals.push(total);
      worstBatch.push(worst);
      groupTotals.push(groupTotal);
    }
    console.log(`\nappend in batches of ${BATCH} (summarising each entry once)`);
    console.log(
      `  all ${ENTRIES.toLocaleString('en-US')} entries            ${ms(median(totals))}  (${((median(totals) / ENTRIES) * 1000).toFixed(2)} µs per entry)`,
    );
    console.log(`  slowest batch                  ${ms(median(worstBatch))}`);
    console.log(`  group index catching up        ${ms(median(groupTotals))}  in total over all batches`);
  }

  // ── Filter ───────────────────────────────────────────────────────────────────────────────────────
  const buffer = new TraceBuffer(100_000);
  buffer.append(entries);
  const filters: [string, Partial<TraceFilterSpec>][] = [
    ['method: NOTIFY', { methods: ['NOTIFY'] }],
    ['hide OPTIONS and keep-alives', { hideOptionsAndKeepAlives: true }],
    ['direction: received', { direction: 'in' }],
    ['Call-ID or AOR: user7@', { address: 'user7@' }],
    ['text: "on the phone" (no match case)', { text: 'on the phone' }],
    ['text: a string found nowhere', { text: 'nowhere-to-be-found' }],
    ['regex: SIP-ETag: e\\d+3\\b', { text: 'SIP-ETag: e\\d+3\\b', isRegex: true }],
    ['regex: expires=5\\d\\d', { text: 'expires=5\\d\\d', isRegex: true }],
    ['combined: NOTIFY in, user1, "lunch"', { methods: ['NOTIFY'], direction: 'in', address: 'user1', text: 'lunch' }],
  ];
  console.log(`\nfilter change over ${buffer.size.toLocaleString('en-US')} entries (compile + test every entry)`);
  let heaviest: Partial<TraceFilterSpec> = {};
  let heaviestTime = 0;
  for (const [name, partial] of filters) {
    const times: number[] = [];
    let matched = 0;
    for (let run = 0; run < RUNS; run++) {
      const t0 = performance.now();
      const compiled = compileTraceFilter({ ...EMPTY_TRACE_FILTER, ...partial });
      if (!compiled.ok) throw new Error(compiled.error);
      const index = new TraceFilterIndex(buffer, compiled.filter);
      index.sync();
      times.push(performance.now() - t0);
      matched = index.length;
    }
    if (median(times) > heaviestTime) {
      heaviestTime = median(times);
      heaviest = partial;
    }
    console.log(`  ${name.padEnd(38)} ${ms(median(times))}  ${matched.toLocaleString('en-US').padStart(7)} shown`);
  }

  {
    // One more batch arriving under the heaviest filter: only the new entries are tested.
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const local = new TraceBuffer(100_000);
      local.append(entries.slice(0, entries.length - BATCH));
      const compiled = compileTraceFilter({ ...EMPTY_TRACE_FILTER, ...heaviest });
      if (!compiled.ok) throw new Error(compiled.error);
      const index = new TraceFilterIndex(local, compiled.filter);
      index.sync();
      local.append(entries.slice(entries.length - BATCH));
      const t0 = performance.now();
      index.sync();
      times.push(performance.now() - t0);
    }
    console.log(`  next batch of ${BATCH} under the slowest filter ${ms(median(times))}`);
  }

  // ── Export ───────────────────────────────────────────────────────────────────────────────────────
  {
    const all = buffer.toArray().map((r) => r.entry);
    const t0 = performance.now();
    const text = formatTraceText(all);
    const t1 = performance.now();
    const pcap = writePcap(all);
    const t2 = performance.now();
    console.log(`\nexport of all ${all.length.toLocaleString('en-US')} entries (credentials masked)`);
    console.log(`  text  ${ms(t1 - t0)}  ${(text.length / 1e6).toFixed(1)} MB`);
    console.log(`  pcap  ${ms(t2 - t1)}  ${(pcap.length / 1e6).toFixed(1)} MB`);
  }
}

// ── Capture ──────────────────────────────────────────────────────────────────────────────────────
{
  const dir = await mkdtemp(path.join(tmpdir(), 'presently-bench-capture-'));
  const file = path.join(dir, 'capture.pcap');
  try {
    // The pcap: the traffic above over and over, renumbered and later each time.
    const writer = new PcapWriter({ includeCredentials: true });
    const out = await open(file, 'w');
    await out.write(writer.fileHeader());
    const span = entries.length * 37.5;
    for (let written = 0; written < CAPTURE_MESSAGES;) {
      const round = Math.floor(written / entries.length);
      const slice = entries.slice(0, Math.min(entries.length, CAPTURE_MESSAGES - written));
      for (let i = 0; i < slice.length; i += 10_000) {
        await out.write(Buffer.concat(slice.slice(i, i + 10_000).flatMap((e) => writer.records({ ...e, at: e.at + round * span }))));
      }
      written += slice.length;
    }
    await out.close();
    const size = (await stat(file)).size;

    collect();
    const heapBefore = process.memoryUsage();
    const t0 = performance.now();
    const c0 = cpuMs();
    const reader = new CaptureReader();
    const view = new TraceBuffer(CAPTURE_CAPACITY, CAPTURE_MAX_CHARS);
    const groups = new TraceGroupIndex(view);
    const input = await open(file, 'r');
    const piece = Buffer.alloc(1024 * 1024);
    let readTime = 0;
    let appendTime = 0;
    const take = (list: TraceEntry[]) => {
      const a0 = performance.now();
      for (let i = 0; i < list.length; i += 5_000) view.append(list.slice(i, i + 5_000));
      appendTime += performance.now() - a0;
      groups.sync();
    };
    for (let at = 0; ;) {
      const { bytesRead } = await input.read(piece, 0, piece.length, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      const r0 = performance.now();
      const read = reader.push(piece.subarray(0, bytesRead));
      readTime += performance.now() - r0;
      take(read);
    }
    take(reader.end());
    await input.close();
    const loadTime = performance.now() - t0;
    const loadCpu = cpuMs() - c0;
    collect();
    const memory = process.memoryUsage();
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0).padStart(5)} MB`;
    const held = view.size;
    console.log(`
capture: a pcap of ${CAPTURE_MESSAGES.toLocaleString('en-US')} messages (${(size / 1e6).toFixed(0)} MB), opened as the capture view does`);
    console.log(
      `  load (read + summarise + group index) ${ms(loadTime)} (CPU ${ms(loadCpu)})  reading the packets ${ms(readTime)}, summarising ${ms(appendTime)}, grouping ${ms(loadTime - readTime - appendTime)}`,
    );
    console.log(`  ${held.toLocaleString('en-US')} entries held${reader.problem ? `, stopped: ${reader.problem.reason}` : ''}`);
    console.log(
      `  RSS ${mb(memory.rss)}  heap used ${mb(memory.heapUsed)}  (before loading: RSS ${mb(heapBefore.rss)}, heap ${mb(heapBefore.heapUsed)}; ${(
        (memory.heapUsed - heapBefore.heapUsed) /
        held
      ).toFixed(0)} bytes of heap per message${(globalThis as { gc?: unknown }).gc ? ', after a full collection' : ''})`,
    );

    const captureFilters: [string, Partial<TraceFilterSpec>][] = [
      ['filter change (NOTIFY, user7@)', { methods: ['NOTIFY'], address: 'user7@' }],
      ['filter change (hide OPTIONS, received)', { hideOptionsAndKeepAlives: true, direction: 'in' }],
      ['free text "on the phone"', { text: 'on the phone' }],
      ['free text + NOTIFY, user7@ ("lunch")', { methods: ['NOTIFY'], address: 'user7@', text: 'lunch' }],
      ['regex expires=5\\d\\d', { text: 'expires=5\\d\\d', isRegex: true }],
    ];
    let first: TraceFilterIndex | null = null;
    for (const [name, partial] of captureFilters) {
      const walls: number[] = [];
      const cpus: number[] = [];
      let index: TraceFilterIndex | null = null;
      for (let run = 0; run < RUNS; run++) {
        const f0 = performance.now();
        const fc0 = cpuMs();
        const compiled = compileTraceFilter({ ...EMPTY_TRACE_FILTER, ...partial });
        if (!compiled.ok) throw new Error(compiled.error);
        index = new TraceFilterIndex(view, compiled.filter);
        index.sync();
        walls.push(performance.now() - f0);
        cpus.push(cpuMs() - fc0);
      }
      first ??= index;
      console.log(
        `  ${name.padEnd(42)} ${ms(median(walls))} (CPU ${ms(median(cpus))}, first ${ms(walls[0]!)})  ${index!.length.toLocaleString('en-US').padStart(9)} shown`,
      );
    }
    // The ladder of the first row's dialog, as the pane opens it: the group by lookup, its records, the layout.
    const ladderWalls: number[] = [];
    const ladderCpus: number[] = [];
    let arrows = 0;
    let title = '';
    for (let run = 0; run < RUNS; run++) {
      const l0 = performance.now();
      const lc0 = cpuMs();
      const group = groups.groupOfSeq(first!.recordAt(0)!.entry.seq)!;
      const records = group.seqs.map((seq) => view.bySeq(seq)).filter((r): r is TraceRecord => r !== undefined);
      arrows = buildLadder(records).arrows.length;
      ladderWalls.push(performance.now() - l0);
      ladderCpus.push(cpuMs() - lc0);
      title = group.title;
    }
    console.log(
      `  ladder of one dialog                       ${ms(median(ladderWalls))} (CPU ${ms(median(ladderCpus))}, first ${ms(ladderWalls[0]!)})  ${arrows.toLocaleString('en-US').padStart(9)} arrows (${title})`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
