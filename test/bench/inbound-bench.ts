/**
 * The engine's inbound NOTIFY path, in process: NOTIFYs per second and µs per NOTIFY from the received text to the
 * buddy's new presence — the reliability layer, parsing, notify-screen.ts, sip.js's transaction and dialog match,
 * Subscription-State, the PIDF parse and summary, the 200 answer. A real `SipStack` and `BuddySubscription` run over
 * an in-memory connection (the one thing not real: no socket, so the figure is the engine's CPU cost alone), after a
 * SUBSCRIBE answered 200. Measured with the fast inbound reader (transport/inbound-message.ts) and with sip.js's
 * parser alone, the path before it. Prints figures; asserts nothing.
 *
 *   npm run bench:inbound                  # about 3 s per measurement
 *   npm run bench:inbound -- --seconds 1   # shorter
 *   npm run bench:inbound -- --only fast   # one of the two (fast, sip.js), e.g. under a profiler
 *
 * Single-threaded and CPU-bound: run it on an otherwise idle machine, the figures move with load. Besides wall-clock
 * figures it prints the process's CPU time per NOTIFY (`process.cpuUsage`), which a busy machine disturbs less.
 */
import { Grammar, type URI } from 'sip.js/lib/grammar/index.js';
import { DEFAULT_SIP_TIMERS } from '../../electron/sip/sip-client-types';
import { SipStack } from '../../electron/sip/sip-stack';
import { BuddySubscription } from '../../electron/sip/subscribe/buddy-subscription';
import { parseInboundMessage, type InboundParser } from '../../electron/sip/transport/inbound-message';
import type { SipConnection } from '../../electron/sip/transport/sip-connection';
import { forEachHeaderField } from '../../shared/sip/header-section';
import { SILENT_SIP_JS_LOGGER } from '../support/sip/sip-js-equivalence';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
if (!Number.isFinite(SECONDS) || SECONDS <= 0) {
  console.error('usage: inbound-bench [--seconds N]');
  process.exit(2);
}

const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
if (ONLY !== undefined && ONLY !== 'fast' && ONLY !== 'sip.js') {
  console.error('usage: inbound-bench [--seconds N] [--only fast|sip.js]');
  process.exit(2);
}

const NOTES = ['In a meeting', 'Back at 3', 'Réunion 🎧 <&>', ''];
const BATCH = 500;

function uri(text: string): URI {
  const parsed = Grammar.URIParse(text);
  if (!parsed) throw new Error(`bad URI ${text}`);
  return parsed;
}

function pidf(note: string, i: number): string {
  const basic = i % 3 === 0 ? 'closed' : 'open';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
    '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" ' +
    'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="sip:bob@example.com">\r\n' +
    `<tuple id="t8f2a"><status><basic>${basic}</basic></status><contact>sip:bob@192.0.2.7:5060</contact></tuple>\r\n` +
    `<dm:person id="p1"><rpid:activities><rpid:${i % 2 === 0 ? 'meeting' : 'busy'}/></rpid:activities>` +
    `${note === '' ? '' : `<dm:note>${note.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</dm:note>`}</dm:person>\r\n` +
    '</presence>'
  );
}

/** The header fields of a message we sent, by lower-case name. */
function headersOf(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  forEachHeaderField(text, (key, value) => {
    if (!headers.has(key)) headers.set(key, value);
  });
  return headers;
}

interface Figure {
  readonly perSecond: number;
  readonly microsEach: number;
  /** CPU time (user + system) per NOTIFY, in µs. */
  readonly cpuMicrosEach: number;
  readonly count: number;
  /** CPU time of the parse alone (parseInboundMessage on the same NOTIFYs), in µs. */
  readonly parseCpuMicrosEach: number;
}

/** CPU µs per parse of `texts` by `parser`, over about a third of the measuring time. */
function parseCost(parser: InboundParser, texts: readonly string[]): number {
  let cpuMicros = 0;
  let count = 0;
  for (const until = performance.now() + (SECONDS * 1000) / 3; performance.now() < until;) {
    const cpu = process.cpuUsage();
    for (const text of texts) parseInboundMessage(text, SILENT_SIP_JS_LOGGER, parser);
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    count += texts.length;
  }
  return cpuMicros / count;
}

/** A SipStack with one active subscription over an in-memory TCP connection, and a way to feed it NOTIFYs. */
async function measure(parser: InboundParser): Promise<Figure> {
  const sent: string[] = [];
  const connection: SipConnection = {
    kind: 'tcp',
    isReliable: true,
    local: { address: '127.0.0.1', port: 40000 },
    remote: { address: '127.0.0.1', port: 5060 },
    send: (text) => {
      sent.push(text);
      return Promise.resolve();
    },
    close: () => undefined,
  };
  const timers = { ...DEFAULT_SIP_TIMERS };
  const stack = new SipStack({
    aor: uri('sip:alice@example.com'),
    userAgent: 'inbound-bench',
    routeSet: [],
    transportKind: 'tcp',
    timers,
    logger: () => undefined,
    inboundParser: parser,
  });
  stack.attach(connection);
  let changes = 0;
  const subscription = new BuddySubscription(stack, {
    target: uri('sip:bob@example.com'),
    aor: 'sip:bob@example.com',
    from: uri('sip:alice@example.com'),
    expires: 600,
    hasPassword: false,
    t1: timers.t1,
    backoff: timers,
    random: Math.random,
    logger: () => undefined,
    onChange: (buddy) => {
      if (buddy.presence !== null) changes++;
    },
  });
  subscription.linkUp();
  const subscribe = sent.find((text) => text.startsWith('SUBSCRIBE '));
  if (subscribe === undefined) throw new Error('no SUBSCRIBE was sent');
  const h = headersOf(subscribe);
  const toWithTag = `${h.get('to') ?? ''};tag=notifier-1`;
  stack.receive(
    [
      'SIP/2.0 200 OK',
      `Via: ${h.get('via') ?? ''}`,
      `From: ${h.get('from') ?? ''}`,
      `To: ${toWithTag}`,
      `Call-ID: ${h.get('call-id') ?? ''}`,
      `CSeq: ${h.get('cseq') ?? ''}`,
      'Contact: <sip:bob@127.0.0.1:5060;transport=tcp>',
      'Expires: 600',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  const contact = /<([^>]+)>/.exec(stack.contactHeader())?.[1] ?? '';
  let cseq = 1;
  const notify = (): string => {
    cseq += 1;
    const body = pidf(NOTES[cseq % NOTES.length] as string, cseq);
    return [
      `NOTIFY ${contact} SIP/2.0`,
      `Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-bench-${cseq};rport`,
      'Max-Forwards: 70',
      `From: ${toWithTag}`,
      `To: ${h.get('from') ?? ''}`,
      `Call-ID: ${h.get('call-id') ?? ''}`,
      `CSeq: ${cseq} NOTIFY`,
      'Contact: <sip:bob@127.0.0.1:5060;transport=tcp>',
      'Event: presence',
      'Subscription-State: active;expires=600',
      'Content-Type: application/pidf+xml',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  };
  const run = (batch: readonly string[]) => {
    for (const text of batch) stack.receive(text);
    sent.length = 0;
  };
  // Between batches, untimed: sip.js's transaction timers (Timer J is 0 over TCP) fire, as they would between messages.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1));
  // Warm up the JIT before timing; the NOTIFYs of a batch are written before its clock starts.
  for (const warmUntil = performance.now() + 500; performance.now() < warmUntil; await settle()) run(Array.from({ length: 50 }, notify));
  const changesBefore = changes;
  let count = 0;
  let elapsed = 0;
  let cpuMicros = 0;
  while (elapsed < SECONDS * 1000) {
    const batch = Array.from({ length: BATCH }, notify);
    const cpu = process.cpuUsage();
    const start = performance.now();
    run(batch);
    elapsed += performance.now() - start;
    const used = process.cpuUsage(cpu);
    cpuMicros += used.user + used.system;
    count += batch.length;
    await settle();
  }
  const parseCpuMicrosEach = parseCost(parser, Array.from({ length: 50 }, notify));
  if (changes - changesBefore !== count) throw new Error(`${count} NOTIFYs but ${changes - changesBefore} presence changes`);
  await subscription.stop(100);
  stack.detach('benchmark done');
  stack.shutdown();
  return {
    perSecond: count / (elapsed / 1000),
    microsEach: (elapsed * 1000) / count,
    cpuMicrosEach: cpuMicros / count,
    count,
    parseCpuMicrosEach,
  };
}

const RUNS: readonly (readonly [InboundParser, string])[] = [
  ['sip.js', "sip.js's parser alone (before)"],
  ['fast', 'fast inbound reader (after)'],
];
console.log(`Inbound NOTIFY path (received text → 200 + buddy presence), ${SECONDS} s each, Node ${process.version}`);
const figures = new Map<InboundParser, Figure>();
for (const [parser, name] of RUNS) {
  if (ONLY !== undefined && ONLY !== parser) continue;
  const figure = await measure(parser);
  figures.set(parser, figure);
  console.log(
    `  ${name.padEnd(32)} ${figure.perSecond.toFixed(0).padStart(8)} NOTIFY/s  ${figure.microsEach.toFixed(1).padStart(8)} µs each` +
      `  ${figure.cpuMicrosEach.toFixed(1).padStart(8)} µs CPU each (${(1e6 / figure.cpuMicrosEach).toFixed(0)}/s of CPU)  n=${figure.count}` +
      `  — of which the parse ${figure.parseCpuMicrosEach.toFixed(1)} µs CPU`,
  );
}
const before = figures.get('sip.js');
const after = figures.get('fast');
if (before && after) console.log(`  speed-up ${(after.perSecond / before.perSecond).toFixed(1)}×`);
process.exit(0);
