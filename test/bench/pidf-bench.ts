/**
 * PIDF codec throughput: documents per second for building our PUBLISH body, for parsing and
 * summarising a NOTIFY body, for a build → parse → summarise round trip, and for composing several
 * publications (the compositor's work per PUBLISH). Prints figures; asserts nothing.
 *
 *   npm run bench:pidf                 # about 3 s per measurement
 *   npm run bench:pidf -- --seconds 1  # shorter
 *
 * Single-threaded and CPU-bound: run it on an otherwise idle machine, the figures move with load.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildPidf,
  composePresenceDocuments,
  parsePresenceBody,
  summarizePresence,
  type BuildPidfInput,
  type PublishedDocument,
} from '../../shared/pidf';
import { CHOSEN_STATUSES } from '../../shared/presence/presence-status';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 3;
if (!Number.isFinite(SECONDS) || SECONDS <= 0) {
  console.error('usage: pidf-bench [--seconds N]');
  process.exit(2);
}

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`../fixtures/pidf/${name}`, import.meta.url)), 'utf8');

const NOTES = ['', 'Back at 3', 'In the Lyon office all week — call my mobile', 'Réunion 🎧 <&> "quoted"'];
const inputs: BuildPidfInput[] = CHOSEN_STATUSES.flatMap((status, i) =>
  NOTES.map((note, j) => ({
    entity: `sip:user${i}@example.com`,
    tupleId: `t${i}x${j}`,
    status,
    note,
    contact: `sip:user${i}@192.0.2.${j + 1}:5060;transport=tcp`,
    timestamp: new Date(1_714_557_600_000 + i * 1000),
    lang: 'en',
  })),
);

let sink = 0; // keeps results alive so nothing is optimised away

interface Figure {
  readonly name: string;
  readonly perSecond: number;
  readonly microsEach: number;
  readonly detail: string;
}

function measure(name: string, detail: string, work: (i: number) => number): Figure {
  // Warm up the JIT before timing.
  const warmUntil = performance.now() + 300;
  for (let i = 0; performance.now() < warmUntil; i++) sink += work(i);
  let count = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  let now = start;
  while (now < end) {
    for (let k = 0; k < 100; k++) sink += work(count++);
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  return { name, perSecond: count / elapsed, microsEach: (elapsed * 1e6) / count, detail };
}

const builtBodies = inputs.map((input) => buildPidf(input));
const averageBytes = Math.round(builtBodies.reduce((n, b) => n + Buffer.byteLength(b), 0) / builtBodies.length);
const rpid = fixture('rfc4480-rpid-example.xml');
const asterisk = fixture('asterisk-res-pjsip-pidf-in-use-eyebeam.xml');

function publicationOf(body: string, receivedAt: number): PublishedDocument {
  const result = parsePresenceBody(body, 'application/pidf+xml');
  if (!result.ok) throw new Error(result.error.message);
  return { body, document: result.document, receivedAt };
}
const threeDevices = [publicationOf(builtBodies[0]!, 1), publicationOf(builtBodies[9]!, 2), publicationOf(rpid, 3)];

function parseAndSummarise(body: string): number {
  const result = parsePresenceBody(body, 'application/pidf+xml');
  return result.ok ? summarizePresence(result.document).devices.length : -1;
}

const figures: Figure[] = [
  measure('build', `our PUBLISH body, ${averageBytes} B average`, (i) => buildPidf(inputs[i % inputs.length]!).length),
  measure('parse + summarise', `our PUBLISH body, ${averageBytes} B average`, (i) =>
    parseAndSummarise(builtBodies[i % builtBodies.length]!),
  ),
  measure('parse + summarise', `Asterisk NOTIFY, ${Buffer.byteLength(asterisk)} B`, () => parseAndSummarise(asterisk)),
  measure('parse + summarise', `RFC 4480 full example, ${Buffer.byteLength(rpid)} B`, () => parseAndSummarise(rpid)),
  measure('build + parse + summarise', 'round trip of our body', (i) => parseAndSummarise(buildPidf(inputs[i % inputs.length]!))),
  measure(
    'compose',
    '3 publications (2 ours + RFC 4480) into one NOTIFY body',
    () => composePresenceDocuments('sip:alice@example.com', threeDevices).length,
  ),
];

console.log(`PIDF codec, Node ${process.version}, ${SECONDS} s per measurement, one thread`);
for (const f of figures) {
  console.log(
    `  ${f.name.padEnd(26)} ${Math.round(f.perSecond).toLocaleString('en-US').padStart(9)} documents/s  (${f.microsEach.toFixed(1)} µs each)  ${f.detail}`,
  );
}
if (sink === Number.MIN_SAFE_INTEGER) console.log('unreachable');
