/**
 * `npm run bench:compositor` — the compositor's throughput and latency on loopback, printed as figures.
 *
 *   1. PUBLISH/s sustained: sipp (C++, so the load generator does not eat the server's CPU the way a Node
 *      generator would) sends initial PUBLISHes, each for a different AOR, over UDP at increasing rates,
 *      `--seconds` per rate, against a fresh server per rate. A rate is "sustained" when sipp reports 0
 *      failed calls and achieved at least 97 % of the target rate. UDP retransmissions are reported too.
 *   2. Fan-out: 1,000 watchers (one UDP socket in this process, 1,000 subscription dialogs) watch one AOR;
 *      one PUBLISH modifies it; we time from sending the PUBLISH to the last of the 1,000 NOTIFYs, per
 *      round, and report NOTIFY/s.
 *   3. PUBLISH → NOTIFY latency: one watcher, sequential changes, p50/p99.
 *   4. (`--only auth`) Authentication off vs on at `--auth-rates`: the same initial PUBLISHes, then each challenged
 *      (401, MD5: sipp 3.6 does no SHA-256) and sent again with sipp's `[authentication]`, as a client without
 *      cached credentials does. "within 10 ms" is the share of calls whose response time (first request to 200,
 *      so both round trips with authentication on) was at most 10 ms, from sipp's per-call RTT trace.
 *
 * The server always runs in its own process (compositor-bench-server.ts). Options:
 *   --rates 2000,4000,…   --seconds 10   --watchers 1000   --rounds 30   --changes 2000   --profile
 *   --threads N (PUBLISH-body validator worker threads; default as `presently compositor`: 1 with more than two cores,
 *   else 0 = all on the main thread)
 *   --only publish|refresh|fanout|latency|auth|persistence   --auth-rates 4000,6000   --persistence-rates 6000
 *   (`--only persistence`: the compositor with no state file, with `--state` at synchronous=FULL and at NORMAL on the
 *   state writer thread, and at FULL on the main thread as before that thread, each PUBLISH committed before its 200; also commits, rows per commit and the milliseconds spent committing)
 *   --variants compositor,compositor-inline,compositor-threaded,compositor-state,compositor-state-inline,
 *     compositor-state-normal,cli,kamailio (the servers each rate step runs against, in turn, in the same
 *     run; default compositor) — see VARIANTS   --trace-gc (the compositor server's V8 GC trace to stderr)
 *   --node-flags "…" (more Node/V8 flags for the compositor server, e.g. "--max-semi-space-size=32")
 * Per rate and server: the share answered within 10 ms, average and p99 response time, failures, retransmissions,
 * and for the compositor its event-loop delay (p99, max) and the garbage collector's pause total while measured.
 * The machine's other load changes the figures: run it on an otherwise idle machine.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { parseArgs } from 'node:util';
import { defaultValidatorThreads } from '../../electron/compositor';
import { startKamailio } from '../support/kamailio/kamailio';

const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '2000,4000,6000,8000,9000,10000,11000,12000,13000,14000,15000,16000,17000,18000' },
    seconds: { type: 'string', default: '10' },
    watchers: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '30' },
    changes: { type: 'string', default: '2000' },
    only: { type: 'string' },
    'refresh-rates': { type: 'string', default: '5000,10000,15000,20000' },
    profile: { type: 'boolean', default: false },
    threads: { type: 'string', default: 'auto' },
    'auth-rates': { type: 'string', default: '4000,6000' },
    'persistence-rates': { type: 'string', default: '6000' },
    variants: { type: 'string', default: 'compositor' },
    'trace-gc': { type: 'boolean', default: false },
    'node-flags': { type: 'string', default: '' },
  },
});
const RATES = (args.rates as string).split(',').map(Number);
const SECONDS = Number(args.seconds);
const WATCHERS = Number(args.watchers);
const ROUNDS = Number(args.rounds);
const CHANGES = Number(args.changes);
const THREADS = args.threads === 'auto' ? defaultValidatorThreads() : Number(args.threads);
const SCENARIO = join(process.cwd(), 'test/support/compositor/sipp/publish-distinct-aors.xml');
/** One initial PUBLISH and four body-less refreshes per call: a deployment's steady state. */
const REFRESH_SCENARIO = join(process.cwd(), 'test/support/compositor/sipp/publish-then-refresh.xml');
const REQUESTS_PER_REFRESH_CALL = 5;
/** The initial PUBLISH, challenged and sent again with credentials (account `bench`, see compositor-bench-server.ts). */
const AUTH_SCENARIO = join(process.cwd(), 'test/support/compositor/sipp/publish-distinct-aors-auth.xml');
/** The password of the bench account the authenticating server knows (sipp -ap). */
const BENCH_PASSWORD = 'bench-secret';
/** Calls answered within this many milliseconds count as prompt. */
const PROMPT_MS = 10;

/** The request mixes a rate step can send. */
type PublishMode = 'initial' | 'refresh' | 'initial-auth';

// ── the server process ─────────────────────────────────────────────────────────────────────────

/** A server under load: the compositor's bench process answers every command; Kamailio answers none (`{}`). */
interface ServerProcess {
  readonly port: number;
  command(name: 'counters' | 'memory' | 'cpu' | 'reset' | 'loop' | 'state'): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** One server a rate step can run against. */
interface Variant {
  readonly label: string;
  /** Whether it can run the authenticated scenario (401 challenges, the `bench` account). */
  readonly hasAuthentication: boolean;
  /** Whether it keeps a state file (answers the `state` command). */
  readonly hasState?: boolean;
  start(profileDir: string | undefined, isAuthenticating: boolean): Promise<ServerProcess>;
}

/**
 * The servers `--variants` picks from, each measured in turn within one run, so that their ratio holds even on a
 * busy machine. Another compositor configuration is one more line here (and its flag in compositor-bench-server.ts).
 */
const VARIANTS: Readonly<Record<string, Variant>> = {
  compositor: {
    hasAuthentication: true,
    label: `compositor, ${THREADS === 0 ? 'bodies validated inline' : `${THREADS} validator thread(s)`}`,
    start: (profileDir, isAuthenticating) => startServer(profileDir, isAuthenticating, ['--threads', String(THREADS)]),
  },
  'compositor-inline': {
    label: 'compositor, bodies validated inline',
    hasAuthentication: true,
    start: (profileDir, isAuthenticating) => startServer(profileDir, isAuthenticating, ['--threads', '0']),
  },
  'compositor-threaded': {
    label: 'compositor, 1 validator thread',
    hasAuthentication: true,
    start: (profileDir, isAuthenticating) => startServer(profileDir, isAuthenticating, ['--threads', '1']),
  },
  'compositor-state': {
    label: 'compositor, --state FILE (synchronous=FULL: each commit flushed to the disk)',
    hasAuthentication: true,
    hasState: true,
    start: (profileDir, isAuthenticating) =>
      startServer(profileDir, isAuthenticating, ['--threads', String(THREADS), '--state', freshStateFile(), '--sync', 'full']),
  },
  'compositor-state-inline': {
    label: 'compositor, --state FILE, FULL, committed on the main thread (before the state writer thread)',
    hasAuthentication: true,
    hasState: true,
    start: (profileDir, isAuthenticating) =>
      startServer(profileDir, isAuthenticating, [
        '--threads',
        String(THREADS),
        '--state',
        freshStateFile(),
        '--sync',
        'full',
        '--state-inline',
      ]),
  },
  'compositor-state-normal': {
    label: 'compositor, --state FILE --state-sync normal (no flush per commit)',
    hasAuthentication: true,
    hasState: true,
    start: (profileDir, isAuthenticating) =>
      startServer(profileDir, isAuthenticating, ['--threads', String(THREADS), '--state', freshStateFile(), '--sync', 'normal']),
  },
  cli: {
    label: '`presently compositor` from source (bodies inline), its line per request written to a file',
    hasAuthentication: false,
    start: (profileDir) => startCli(profileDir),
  },
  // Kamailio challenges PUBLISH with 407 (proxy authentication), which the 401 scenario does not answer.
  kamailio: { label: 'Kamailio, presence in memory', hasAuthentication: false, start: () => startKamailioServer() },
};
const COMPOSITOR = VARIANTS.compositor as Variant;
/** The variants `--only persistence` compares. */
const PERSISTENCE_VARIANTS = ['compositor', 'compositor-state', 'compositor-state-normal', 'compositor-state-inline'];

/** A new, empty state file for one server start (its folder removed when the bench exits). */
function freshStateFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'presently-bench-state-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state.db');
}
const CHOSEN_VARIANTS = (args.variants as string).split(',').map((name) => {
  const variant = VARIANTS[name];
  if (variant === undefined) throw new Error(`--variants: no variant "${name}" (known: ${Object.keys(VARIANTS).join(', ')})`);
  return { name, ...variant };
});

async function startServer(
  profileDir: string | undefined,
  isAuthenticating: boolean,
  serverArgs: readonly string[],
): Promise<ServerProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
      ...(args['trace-gc'] ? ['--trace-gc'] : []),
      ...(args['node-flags'] as string).split(' ').filter((flag) => flag !== ''),
      '--import',
      'tsx',
      'test/bench/compositor-bench-server.ts',
      ...serverArgs,
      ...(isAuthenticating ? ['--auth', BENCH_PASSWORD] : []),
    ],
    { cwd: process.cwd() },
  );
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const lines: Interface = createInterface({ input: child.stdout });
  const pending: Array<(line: string) => void> = [];
  lines.on('line', (line) => {
    if (line.startsWith('{')) pending.shift()?.(line);
    else process.stderr.write(line + '\n');
  });
  const next = () => new Promise<string>((resolve) => pending.push(resolve));
  const hello = JSON.parse(await next()) as { udp: { port: number } };
  return {
    port: hello.udp.port,
    async command(name) {
      const reply = next();
      child.stdin.write(name + '\n');
      return JSON.parse(await reply) as Record<string, unknown>;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.write('stop\n');
      await exited;
    },
  };
}

/**
 * The command a team runs, `presently compositor`, with its log (one line per request) going to a file as
 * `presently compositor > compositor.log` would: what the request log costs. No authentication variant (it would need
 * a users file); it answers no commands.
 */
async function startCli(profileDir: string | undefined): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'presently-bench-cli-'));
  const logFile = join(dir, 'compositor.log');
  const out = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
      '--import',
      'tsx',
      'electron/cli/presently.ts',
      'compositor',
      '--udp',
      '0',
      '--tcp',
      'off',
      '--ws',
      'off',
    ],
    { cwd: process.cwd(), stdio: ['ignore', out, 'inherit'] },
  );
  closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let port: number | null = null;
  const deadline = Date.now() + 30_000;
  while (port === null) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`presently compositor did not start:\n${readFileSync(logFile, 'utf8')}`);
    // Polling a file the child writes: there is no event to wait for on another process's file.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const found = /udp\s+sip:[^:\s]+:(\d+)/.exec(readFileSync(logFile, 'utf8'));
    if (found !== null) port = Number(found[1]);
  }
  return {
    port,
    command: (name) => Promise.resolve(name === 'cpu' ? processCpu(child.pid as number) : {}),
    async stop() {
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A process's CPU time so far (all its threads) as `process.cpuUsage()` gives it, in µs, from /proc (Linux). */
function processCpu(pid: number): Record<string, number> {
  // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th, in clock ticks.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticksToUs = 1e6 / 100;
  return { user: Number(fields[11]) * ticksToUs, system: Number(fields[12]) * ticksToUs };
}

/**
 * Kamailio with publications and subscriptions in memory (test/support/kamailio/, `largeLists`: publ_cache=2, four
 * UDP workers) — the reference a presence server is compared with.
 */
async function startKamailioServer(): Promise<ServerProcess> {
  const kamailio = await startKamailio({ transports: ['udp'], largeLists: true });
  return { port: kamailio.ports.udp as number, command: () => Promise.resolve({}), stop: () => kamailio.stop() };
}

// ── 1. PUBLISH/s with sipp ─────────────────────────────────────────────────────────────────────

interface RateResult {
  readonly variant: string;
  readonly target: number;
  readonly achieved: number;
  readonly successful: number;
  readonly failed: number;
  readonly retransmissions: number;
  readonly responseMs: number;
  /** 99th percentile of the calls' response times (sipp's RTT trace, whole ms). */
  readonly p99Ms: number;
  /** Share of successful calls answered within PROMPT_MS, 0–1. */
  readonly promptShare: number;
  /** The server's RSS (NaN where it does not say). */
  readonly rssMb: number;
  /** Server CPU time (user + system) per successful PUBLISH, µs (NaN where it does not say). */
  readonly cpuPerPublishUs: number;
  /** While measured: the server's event-loop delay p99 and max, its GC pauses' total (NaN where it does not say). */
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  readonly gcPauseMs: number;
  readonly sustained: boolean;
  /** With a state file: transactions committed, rows written, milliseconds spent committing (whole step). */
  readonly state?: { readonly commits: number; readonly rowsWritten: number; readonly commitMs: number };
}

/** Runs sipp with a PUBLISH scenario; resolves when it exits. With `statFile`, also each call's response time (`*_rtt.csv`). */
async function runSipp(port: number, rate: number, calls: number, dir: string, statFile?: string, scenario = SCENARIO): Promise<void> {
  const sipp = spawn(
    'sipp',
    [
      `127.0.0.1:${port}`,
      '-sf',
      scenario,
      '-i',
      '127.0.0.1',
      '-p',
      '0',
      '-r',
      String(rate),
      '-m',
      String(calls),
      '-nostdin',
      '-buff_size',
      String(8 * 1024 * 1024),
      '-timeout',
      `${Math.ceil(calls / rate) * 4 + 40}s`,
      ...(statFile === undefined ? [] : ['-trace_stat', '-stf', statFile, '-fd', '1', '-trace_rtt', '-rtt_freq', '1000']),
      ...(scenario === AUTH_SCENARIO ? ['-au', 'bench', '-ap', BENCH_PASSWORD] : []),
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  await new Promise((resolve) => sipp.once('exit', resolve));
}

/**
 * One rate step on a fresh server. `rate` counts PUBLISH requests per second; with the refresh scenario
 * sipp runs rate/5 calls per second of five requests each.
 */
async function publishRate(variant: (typeof CHOSEN_VARIANTS)[number], rate: number, mode: PublishMode = 'initial'): Promise<RateResult> {
  const perCall = mode === 'refresh' ? REQUESTS_PER_REFRESH_CALL : 1;
  const scenario = mode === 'refresh' ? REFRESH_SCENARIO : mode === 'initial-auth' ? AUTH_SCENARIO : SCENARIO;
  const server = await variant.start(
    args.profile ? join(process.cwd(), 'test-results', 'compositor-profile', `${variant.name}-${mode}-${rate}`) : undefined,
    mode === 'initial-auth',
  );
  const dir = mkdtempSync(join(tmpdir(), 'presently-bench-'));
  const statFile = join(dir, 'stat.csv');
  const callRate = rate / perCall;
  const total = callRate * SECONDS;
  // Warm-up: a fresh Node process runs cold code until the JIT has seen it; 3 s at 1,000/s, not measured.
  await runSipp(server.port, 1000 / perCall, 3000 / perCall, dir, undefined, scenario);
  const cpuBefore = await server.command('cpu');
  await server.command('reset');
  const started = performance.now();
  await runSipp(server.port, callRate, total, dir, statFile, scenario);
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuAfter = await server.command('cpu');
  const loop = await server.command('loop');
  const memory = await server.command('memory');
  const state = variant.hasState === true ? await server.command('state') : undefined;
  await server.stop();
  const cpuUs = Number(cpuAfter.user) + Number(cpuAfter.system) - Number(cpuBefore.user) - Number(cpuBefore.system);
  const rows = readFileSync(statFile, 'utf8').trim().split('\n');
  const times = responseTimes(dir);
  const promptShare = times.filter((time) => time <= PROMPT_MS).length / Math.max(1, times.length);
  rmSync(dir, { recursive: true, force: true });
  const header = (rows[0] ?? '').split(';');
  const last = (rows[rows.length - 1] ?? '').split(';');
  const field = (name: string) => last[header.indexOf(name)] ?? '';
  const successfulCalls = Number(field('SuccessfulCall(C)'));
  const failedCalls = Number(field('FailedCall(C)')) + (total - successfulCalls - Number(field('FailedCall(C)')));
  const achievedCalls = Math.min(Number(field('CallRate(C)')), successfulCalls / Math.max(1e-9, wallSeconds - 0.5));
  const successful = successfulCalls * perCall;
  const failed = failedCalls;
  const achieved = achievedCalls * perCall;
  return {
    variant: variant.name,
    target: rate,
    achieved,
    successful,
    failed,
    retransmissions: Number(field('Retransmissions(C)')),
    responseMs: durationMs(field('ResponseTime1(C)')),
    p99Ms: times.length === 0 ? NaN : percentile(times, 99),
    promptShare: times.length === 0 ? NaN : promptShare,
    rssMb: Number(memory.rss) / 1024 / 1024,
    cpuPerPublishUs: cpuUs / Math.max(1, successful),
    loopP99Ms: Number(loop.loopP99Ms),
    loopMaxMs: Number(loop.loopMaxMs),
    gcPauseMs: Number(loop.gcPauseMs),
    sustained: failed === 0 && achieved >= rate * 0.97,
    ...(state === undefined
      ? {}
      : { state: { commits: Number(state.commits), rowsWritten: Number(state.rowsWritten), commitMs: Number(state.commitMs) } }),
  };
}

/** Each call's response time from sipp's RTT trace (`Date_ms;response_time_ms;rtd_no`), ms; empty when there is none. */
function responseTimes(dir: string): number[] {
  const file = readdirSync(dir).find((name) => name.endsWith('_rtt.csv'));
  if (file === undefined) return [];
  return readFileSync(join(dir, file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => Number(row.split(';')[1]))
    .filter((time) => Number.isFinite(time));
}

/** sipp writes durations as HH:MM:SS:mmmuuu. */
function durationMs(text: string): number {
  const [h, m, s, frac] = text.split(':');
  return (Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000 + Number((frac ?? '0').padEnd(6, '0')) / 1000;
}

// ── a lean UDP endpoint for watchers and a publisher (this process) ───────────────────────────

type RequestListener = (text: string, receivedAt: number) => void;

class Endpoint {
  readonly socket: Socket = createSocket('udp4');
  port = 0;
  private readonly waiting = new Map<string, (text: string) => void>();
  onNotify: RequestListener = () => undefined;

  constructor(private readonly server: number) {}

  async open(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
    this.socket.setRecvBufferSize(8 * 1024 * 1024);
    this.socket.on('message', (data) => {
      const receivedAt = performance.now();
      const text = data.toString('latin1');
      if (text.startsWith('SIP/2.0 ')) {
        const branch = /branch=([^;\r\n]+)/.exec(text)?.[1] ?? '';
        this.waiting.get(branch)?.(text);
        this.waiting.delete(branch);
        return;
      }
      if (text.startsWith('NOTIFY ')) {
        this.answer(text);
        this.onNotify(text, receivedAt);
      }
    });
  }

  /** Sends a request and resolves with the final response text. */
  request(text: string, branch: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${text.slice(0, text.indexOf(' '))} (${branch})`)), 10_000);
      this.waiting.set(branch, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
      this.socket.send(text, this.server, '127.0.0.1');
    });
  }

  send(text: string): void {
    this.socket.send(text, this.server, '127.0.0.1');
  }

  private answer(notify: string): void {
    const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(notify)?.[1] ?? '';
    const via = notify.match(/^Via:.*$/gim)?.join('\r\n') ?? '';
    const response = `SIP/2.0 200 OK\r\n${via}\r\nFrom: ${header('From')}\r\nTo: ${header('To')}\r\nCall-ID: ${header('Call-ID')}\r\nCSeq: ${header('CSeq')}\r\nContent-Length: 0\r\n\r\n`;
    this.socket.send(response, this.server, '127.0.0.1');
  }

  close(): void {
    this.socket.close();
  }
}

let branchCounter = 0;
const branch = () => `z9hG4bK-bench-${process.pid}-${++branchCounter}`;

function subscribeText(endpoint: Endpoint, aor: string, i: number, b: string): string {
  return (
    `SUBSCRIBE ${aor} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${endpoint.port};branch=${b};rport\r\nMax-Forwards: 70\r\n` +
    `From: <sip:watcher${i}@example.com>;tag=w${i}\r\nTo: <${aor}>\r\nCall-ID: watch-${i}-${process.pid}@bench\r\nCSeq: 1 SUBSCRIBE\r\n` +
    `Contact: <sip:watcher${i}@127.0.0.1:${endpoint.port}>\r\nEvent: presence\r\nAccept: application/pidf+xml\r\nExpires: 3600\r\nContent-Length: 0\r\n\r\n`
  );
}

function publishText(endpoint: Endpoint, aor: string, note: string, etag: string | null, b: string, cseq: number): string {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${aor}">` +
    `<tuple id="bench"><status><basic>open</basic></status><note>${note}</note></tuple></presence>\n`;
  return (
    `PUBLISH ${aor} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${endpoint.port};branch=${b};rport\r\nMax-Forwards: 70\r\n` +
    `From: <${aor}>;tag=pub\r\nTo: <${aor}>\r\nCall-ID: publisher-${process.pid}@bench\r\nCSeq: ${cseq} PUBLISH\r\nEvent: presence\r\nExpires: 3600\r\n` +
    (etag === null ? '' : `SIP-If-Match: ${etag}\r\n`) +
    `Content-Type: application/pidf+xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

// ── 2. fan-out ─────────────────────────────────────────────────────────────────────────────────

async function fanOut(): Promise<{ completion: number[]; latencies: number[] }> {
  const server = await COMPOSITOR.start(
    args.profile ? join(process.cwd(), 'test-results', 'compositor-profile', 'fanout') : undefined,
    false,
  );
  const endpoint = new Endpoint(server.port);
  await endpoint.open();
  const aor = 'sip:popular@example.com';
  let initialNotifies = 0;
  let round = -1;
  let roundStart = 0;
  let received = 0;
  const latencies: number[] = [];
  let finishRound: () => void = () => undefined;
  endpoint.onNotify = (text, at) => {
    if (round < 0) {
      initialNotifies++;
      return;
    }
    if (!text.includes(`round ${round}<`)) return;
    latencies.push(at - roundStart);
    if (++received === WATCHERS) finishRound();
  };
  // Subscribe the watchers in batches so the setup itself is not a burst the kernel drops.
  for (let start = 0; start < WATCHERS; start += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, WATCHERS - start) }, (_, k) => {
        const b = branch();
        return endpoint.request(subscribeText(endpoint, aor, start + k, b), b);
      }),
    );
  }
  while (initialNotifies < WATCHERS) await new Promise((resolve) => setTimeout(resolve, 10));
  let b = branch();
  let etag = /SIP-ETag:\s*(\S+)/i.exec(await endpoint.request(publishText(endpoint, aor, 'warm-up', null, b, 1), b))?.[1] ?? null;
  await new Promise((resolve) => setTimeout(resolve, 300));

  const completion: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    round = r;
    received = 0;
    const done = new Promise<void>((resolve) => (finishRound = resolve));
    b = branch();
    roundStart = performance.now();
    const answered = endpoint.request(publishText(endpoint, aor, `round ${r}`, etag, b, r + 2), b);
    await Promise.race([
      done,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`round ${r}: only ${received} NOTIFYs`)), 10_000)),
    ]);
    completion.push(performance.now() - roundStart);
    etag = /SIP-ETag:\s*(\S+)/i.exec(await answered)?.[1] ?? null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  endpoint.close();
  await server.stop();
  return { completion, latencies };
}

// ── 3. PUBLISH → NOTIFY latency ────────────────────────────────────────────────────────────────

async function latency(): Promise<number[]> {
  const server = await COMPOSITOR.start(undefined, false);
  const endpoint = new Endpoint(server.port);
  await endpoint.open();
  const aor = 'sip:latency@example.com';
  let waiting: ((at: number) => void) | null = null;
  let expect = '';
  endpoint.onNotify = (text, at) => {
    if (waiting !== null && text.includes(expect)) {
      const resolve = waiting;
      waiting = null;
      resolve(at);
    }
  };
  let b = branch();
  await endpoint.request(subscribeText(endpoint, aor, 0, b), b);
  b = branch();
  let etag = /SIP-ETag:\s*(\S+)/i.exec(await endpoint.request(publishText(endpoint, aor, 'first', null, b, 1), b))?.[1] ?? null;
  const samples: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    expect = `change ${i}<`;
    const notified = new Promise<number>((resolve) => (waiting = resolve));
    b = branch();
    const sentAt = performance.now();
    const answered = endpoint.request(publishText(endpoint, aor, `change ${i}`, etag, b, i + 2), b);
    samples.push((await notified) - sentAt);
    etag = /SIP-ETag:\s*(\S+)/i.exec(await answered)?.[1] ?? null;
  }
  endpoint.close();
  await server.stop();
  return samples;
}

// ── report ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Runs increasing rates, each against every chosen variant in turn (so that they are compared under the same load of
 * the machine), until every variant has missed two rates in a row; prints one row per rate and variant.
 */
async function rateTable(
  rates: readonly number[],
  mode: PublishMode,
  keepGoing = false,
  chosen: readonly (typeof CHOSEN_VARIANTS)[number][] = CHOSEN_VARIANTS,
): Promise<void> {
  const variants = chosen.filter((v) => mode !== 'initial-auth' || v.hasAuthentication);
  const width = Math.max(...variants.map((v) => v.name.length));
  console.log(variants.map((v) => `  ${v.name}: ${v.label}`).join('\n'));
  for (const v of chosen) if (!variants.includes(v)) console.log(`  ${v.name}: not run (no authenticated variant)`);
  console.log(
    `  ${'server'.padEnd(width)}  target/s  achieved/s  successful  failed  retrans  ≤${PROMPT_MS} ms  avg response  p99 response` +
      `  loop p99/max      GC pauses  server RSS  CPU/PUBLISH  result`,
  );
  const best = new Map<string, number>();
  const misses = new Map<string, number>();
  for (const rate of rates) {
    for (const variant of variants) {
      if ((misses.get(variant.name) ?? 0) >= 2 && !keepGoing) continue;
      const r = await publishRate(variant, rate, mode);
      if (r.sustained) best.set(variant.name, Math.max(best.get(variant.name) ?? 0, rate));
      console.log(
        `  ${variant.name.padEnd(width)}  ${String(r.target).padStart(8)}  ${r.achieved.toFixed(0).padStart(10)}  ${String(r.successful).padStart(10)}  ` +
          `${String(r.failed).padStart(6)}  ${String(r.retransmissions).padStart(7)}  ${percent(r.promptShare).padStart(6)}  ` +
          `${ms(r.responseMs).padStart(12)}  ${ms(r.p99Ms).padStart(12)}  ${`${ms(r.loopP99Ms)}/${ms(r.loopMaxMs)}`.padStart(16)}  ` +
          `${ms(r.gcPauseMs).padStart(9)}  ${(Number.isNaN(r.rssMb) ? '–' : r.rssMb.toFixed(0) + ' MB').padStart(10)}  ` +
          `${(Number.isNaN(r.cpuPerPublishUs) ? '–' : r.cpuPerPublishUs.toFixed(0) + ' µs').padStart(11)}  ${r.sustained ? 'sustained' : 'NOT sustained'}`,
      );
      if (r.state !== undefined) {
        const { commits, rowsWritten, commitMs } = r.state;
        console.log(
          `  ${''.padEnd(width)}  state file: ${commits} commits (warm-up included), ${(rowsWritten / Math.max(1, commits)).toFixed(1)} rows per commit, ` +
            `${ms(commitMs / Math.max(1, commits))} per commit, ${(commitMs / 1000).toFixed(1)} s committing in all`,
        );
      }
      misses.set(variant.name, r.sustained ? 0 : (misses.get(variant.name) ?? 0) + 1);
    }
    if (!keepGoing && variants.every((v) => (misses.get(v.name) ?? 0) >= 2)) break;
  }
  for (const variant of variants) {
    const rate = best.get(variant.name) ?? 0;
    console.log(`  → ${variant.name}: highest rate sustained with 0 failures: ${rate === 0 ? 'none of those tried' : `${rate} PUBLISH/s`}`);
  }
  console.log('');
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
const ms = (value: number) => (Number.isNaN(value) ? '–' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`);
const percent = (share: number) => (Number.isNaN(share) ? '–' : `${(share * 100).toFixed(1)} %`);

async function main(): Promise<void> {
  const sippVersion = spawnSync('sipp', ['-v'], { encoding: 'utf8' });
  const hasSipp = sippVersion.status !== null && /SIPp v[\d.]+/.test(sippVersion.stdout + sippVersion.stderr);
  console.log(
    `Presently compositor benchmark — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `Each server in its own process(es); fan-out and latency on the ${COMPOSITOR.label}; ` +
      "figures depend on the machine's other load.\n",
  );

  if (args.only === undefined || args.only === 'publish') {
    if (!hasSipp) {
      console.log('PUBLISH/s: skipped — sipp is not installed (Debian package sip-tester).\n');
    } else {
      const version = /SIPp v[\d.]+/.exec(sippVersion.stdout + sippVersion.stderr)?.[0] ?? '';
      console.log(
        `PUBLISH/s sustained — sipp ${version}, initial PUBLISH per distinct AOR, UDP, ${SECONDS} s per rate, fresh server per rate:`,
      );
      await rateTable(RATES, 'initial');
    }
  }

  if (args.only === 'refresh') {
    if (hasSipp) {
      console.log(
        `PUBLISH/s, steady state — per device 1 initial PUBLISH + 4 refreshes (SIP-If-Match, no body), UDP, ${SECONDS} s per rate:`,
      );
      await rateTable((args['refresh-rates'] as string).split(',').map(Number), 'refresh');
    }
  }

  if (args.only === 'auth' && hasSipp) {
    const rates = (args['auth-rates'] as string).split(',').map(Number);
    console.log(`Authentication off — initial PUBLISH per distinct AOR, UDP, ${SECONDS} s per rate:`);
    await rateTable(rates, 'initial', true);
    console.log(`Authentication on — each PUBLISH challenged (401, MD5) and sent again with credentials; the rate counts calls:`);
    await rateTable(rates, 'initial-auth', true);
  }

  if (args.only === 'persistence' && hasSipp) {
    const rates = (args['persistence-rates'] as string).split(',').map(Number);
    console.log(`Persistence off and on — initial PUBLISH per distinct AOR, UDP, ${SECONDS} s per rate, each server in turn:`);
    await rateTable(
      rates,
      'initial',
      true,
      PERSISTENCE_VARIANTS.map((name) => ({ name, ...(VARIANTS[name] as Variant) })),
    );
  }

  if (args.only === undefined || args.only === 'fanout') {
    const { completion, latencies } = await fanOut();
    const p50 = percentile(completion, 50);
    console.log(`Fan-out — one PUBLISH to an AOR with ${WATCHERS} watchers (UDP), ${ROUNDS} rounds, driver in this process:`);
    console.log(
      `  all ${WATCHERS} NOTIFYs received after: p50 ${ms(p50)}, p99 ${ms(percentile(completion, 99))}, best ${ms(Math.min(...completion))}`,
    );
    console.log(`  → ${Math.round((WATCHERS / p50) * 1000).toLocaleString('en')} NOTIFY/s (p50 round)`);
    console.log(`  each NOTIFY after its PUBLISH: p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}\n`);
  }

  if (args.only === undefined || args.only === 'latency') {
    const samples = await latency();
    console.log(`PUBLISH → NOTIFY latency — one watcher, ${CHANGES} sequential changes (UDP):`);
    console.log(`  p50 ${ms(percentile(samples, 50))}, p99 ${ms(percentile(samples, 99))}, max ${ms(Math.max(...samples))}`);
  }
  console.log(
    `\nLoad average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other processes on the machine affect every figure above)`,
  );
}

await main();
