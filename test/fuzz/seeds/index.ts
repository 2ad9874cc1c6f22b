/**
 * The seed corpus: real messages the mutators start from, collected from what the project's tests
 * already send — the PIDF fixtures (documents from real clients, servers and RFCs), the trace tests'
 * presence session, the sipp scenarios the compositor is tested with, and the compositor tests' request
 * shapes. Seeds are kept as latin1 strings (one char per byte) so that byte damage is exact.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { presenceSession, pidf as traceFixturePidf } from '../../unit/shared/trace/sip-fixtures';
import type { Prng } from '../prng';

const FIXTURES = fileURLToPath(new URL('../../fixtures/pidf/', import.meta.url));
const SIPP = fileURLToPath(new URL('../../support/compositor/sipp/', import.meta.url));

/** A presence document and the Content-Type it travels with. */
export interface PidfSeed {
  readonly name: string;
  readonly contentType: string;
  /** The document as latin1 (its UTF-8 bytes, one char each). */
  readonly body: string;
}

/** A whole SIP message as latin1. */
export interface SipSeed {
  readonly name: string;
  readonly text: string;
}

/** The Content-Type a fixture travels with, as test/fixtures/pidf/README.md lists it. */
function fixtureContentType(file: string): string {
  if (file.includes('cpim-pidf')) return 'application/cpim-pidf+xml';
  if (file.includes('xpidf')) return 'application/xpidf+xml';
  return 'application/pidf+xml';
}

let pidfCache: readonly PidfSeed[] | undefined;

/** Every PIDF fixture (hostile ones included: they are the parser's sharpest edges). */
export function pidfSeeds(): readonly PidfSeed[] {
  pidfCache ??= readdirSync(FIXTURES)
    .filter((file) => file.endsWith('.xml'))
    .sort()
    .map((file) => ({ name: file, contentType: fixtureContentType(file), body: readFileSync(FIXTURES + file).toString('latin1') }));
  return pidfCache;
}

/** `text` with CRLF line ends and a Content-Length that is true for its body. */
function withTrueLength(text: string): string {
  const normalized = text.replace(/\r?\n/g, '\r\n');
  const end = normalized.indexOf('\r\n\r\n');
  const head = end === -1 ? normalized.replace(/(\r\n)*$/, '') : normalized.slice(0, end);
  const body = end === -1 ? '' : normalized.slice(end + 4);
  const lines = head.split('\r\n').filter((line) => !/^(content-length|l)\s*:/i.test(line));
  return [...lines, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`].join('\r\n') + '\r\n\r\n' + body;
}

/** The requests of a sipp scenario (its `<send>` CDATA blocks), with sipp's keywords filled in. */
function sippRequests(file: string): SipSeed[] {
  const xml = readFileSync(SIPP + file, 'latin1');
  const values: Record<string, string> = {
    transport: 'UDP',
    local_ip: '127.0.0.1',
    local_port: '5070',
    call_number: '1',
    pid: '4242',
    $etag: 'etag-seed',
    peer_tag_param: ';tag=seed-peer',
    // sipp writes a whole Authorization line answering the challenge it received (RFC 7616 §3.4).
    authentication:
      'Authorization: Digest username="bench", realm="example.com", nonce="seed-nonce", uri="sip:example.com", ' +
      'response="0123456789abcdef0123456789abcdef", algorithm=MD5, qop=auth, nc=00000001, cnonce="seed-cnonce"',
  };
  const seeds: SipSeed[] = [];
  let n = 0;
  for (const match of xml.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)) {
    const raw = (match[1] as string).replace(/^\s+/, '');
    if (raw.startsWith('SIP/2.0')) continue; // sipp's answers copy headers from what it received: not a request
    n += 1;
    const filled = raw
      .replace(/\[branch\]/g, `z9hG4bK-sipp-${n}`)
      .replace(/\[call_id\]/g, `sipp-${file}-${n}@127.0.0.1`)
      .replace(/\[([$\w]+)\]/g, (whole, key: string) => values[key] ?? whole);
    // withTrueLength replaces sipp's `Content-Length: [len]` with the real length.
    seeds.push({ name: `sipp:${file}#${n}`, text: withTrueLength(filled) });
  }
  return seeds;
}

const ALICE = 'sip:alice@example.com';
const VIA = 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-seed';

/** A request in the shape the compositor tests write (test/support/compositor/sip-test-peer.ts). */
function request(method: string, uri: string, headers: readonly string[], body = '', contentType = 'application/pidf+xml'): string {
  const lines = [
    `${method} ${uri} SIP/2.0`,
    `${VIA}-${method.toLowerCase()};rport`,
    'Max-Forwards: 70',
    `From: <${ALICE}>;tag=seed-from`,
    `To: <${uri}>`,
    `Call-ID: seed-${method.toLowerCase()}@127.0.0.1`,
    `CSeq: 1 ${method}`,
    ...headers,
    ...(body === '' ? [] : [`Content-Type: ${contentType}`]),
  ];
  return withTrueLength(lines.join('\r\n') + '\r\n\r\n' + body);
}

/** The compositor tests' request shapes: each method it serves, each it refuses, and a stray response. */
function compositorTestRequests(): SipSeed[] {
  const body = traceFixturePidf(ALICE, 'open', 'Available', 'busy');
  return [
    { name: 'publish-initial', text: request('PUBLISH', ALICE, ['Event: presence', 'Expires: 600'], body) },
    { name: 'publish-modify', text: request('PUBLISH', ALICE, ['Event: presence', 'Expires: 600', 'SIP-If-Match: etag-1'], body) },
    { name: 'publish-remove', text: request('PUBLISH', ALICE, ['Event: presence', 'Expires: 0', 'SIP-If-Match: etag-1']) },
    { name: 'publish-require', text: request('PUBLISH', ALICE, ['Event: presence', 'Require: 100rel, timer'], body) },
    {
      name: 'publish-cpim',
      text: request('PUBLISH', ALICE, ['Event: presence'], pidfSeeds()[0]?.body ?? body, 'application/cpim-pidf+xml'),
    },
    {
      name: 'subscribe',
      text: request('SUBSCRIBE', 'sip:bob@example.com', [
        'Event: presence',
        'Accept: application/pidf+xml',
        'Expires: 600',
        'Contact: <sip:alice@127.0.0.1:5070>',
      ]),
    },
    { name: 'register', text: request('REGISTER', 'sip:example.com', ['Contact: <sip:alice@127.0.0.1:5070>;expires=600', 'Expires: 600']) },
    { name: 'options', text: request('OPTIONS', 'sip:example.com', ['Accept: application/sdp']) },
    { name: 'invite', text: request('INVITE', ALICE, ['Contact: <sip:alice@127.0.0.1:5070>'], 'v=0\r\n', 'application/sdp') },
    { name: 'cancel', text: request('CANCEL', ALICE, []) },
    { name: 'ack', text: request('ACK', ALICE, []) },
    {
      name: 'response-to-notify',
      text: withTrueLength(
        `SIP/2.0 200 OK\r\n${VIA}-notify;rport=5070\r\nFrom: <${ALICE}>;tag=seed-from\r\nTo: <sip:watcher@example.com>;tag=w1\r\nCall-ID: seed-notify@127.0.0.1\r\nCSeq: 1 NOTIFY\r\n\r\n`,
      ),
    },
  ];
}

/**
 * `text` with a branch, Call-ID and tags of its own drawn from `rng`: a UDP server answers a request
 * with a seen branch from its transaction cache (RFC 3261 §17.2.2) without processing it again, so
 * inputs made from one seed must not look like retransmissions of each other.
 */
export function withFreshIdentifiers(text: string, rng: Prng): string {
  const id = (): string => rng.below(2 ** 32).toString(36);
  const callId = id();
  return text
    .replace(/branch=z9hG4bK[^;\s,]*/g, () => `branch=z9hG4bK-${id()}`)
    .replace(/^(Call-ID|i)([ \t]*:[ \t]*)[^\r\n]*/gim, (_whole, name: string, colon: string) => `${name}${colon}${callId}@fuzz`)
    .replace(/;tag=[^;\s,>]*/g, () => `;tag=${id()}`);
}

let sipCache: readonly SipSeed[] | undefined;

/** Requests for the compositor: the compositor tests' shapes, the trace tests' session, the sipp scenarios. */
export function compositorSeeds(): readonly SipSeed[] {
  sipCache ??= [
    ...compositorTestRequests(),
    ...presenceSession()
      .filter((entry) => entry.direction === 'out' && !entry.raw.startsWith('SIP/2.0') && entry.raw.trim() !== '')
      .map((entry, i) => ({ name: `trace-session#${i}`, text: entry.raw })),
    ...readdirSync(SIPP)
      .filter((file) => file.endsWith('.xml'))
      .sort()
      .flatMap(sippRequests),
  ];
  return sipCache;
}

/**
 * Placeholders in NOTIFY seeds for what only the live dialog knows; the client-notify target fills them
 * in just before sending, so a saved input replays in any later dialog.
 */
export const NOTIFY_PLACEHOLDERS = {
  requestUri: '{{request-uri}}',
  via: '{{via}}',
  from: '{{from}}',
  to: '{{to}}',
  callId: '{{call-id}}',
  cseq: '{{cseq}}',
  contact: '{{contact}}',
} as const;

/** An in-dialog NOTIFY template with `body` (or none), in the shape the scripted notifier sends. */
export function notifyTemplate(subscriptionState: string, body?: { readonly contentType: string; readonly content: string }): string {
  const p = NOTIFY_PLACEHOLDERS;
  const lines = [
    `NOTIFY ${p.requestUri} SIP/2.0`,
    `Via: ${p.via}`,
    'Max-Forwards: 70',
    `From: ${p.from}`,
    `To: ${p.to}`,
    `Call-ID: ${p.callId}`,
    `CSeq: ${p.cseq} NOTIFY`,
    `Contact: ${p.contact}`,
    'Event: presence',
    `Subscription-State: ${subscriptionState}`,
    ...(body === undefined ? [] : [`Content-Type: ${body.contentType}`]),
  ];
  return withTrueLength(lines.join('\r\n') + '\r\n\r\n' + (body?.content ?? ''));
}

let notifyCache: readonly SipSeed[] | undefined;

/** NOTIFY templates: every PIDF fixture as an active NOTIFY's body, plus pending and terminated ones. */
export function notifySeeds(): readonly SipSeed[] {
  notifyCache ??= [
    ...pidfSeeds()
      .filter((seed) => !seed.name.startsWith('hostile-'))
      .map((seed) => ({
        name: `notify:${seed.name}`,
        text: notifyTemplate('active;expires=600', { contentType: seed.contentType, content: seed.body }),
      })),
    {
      name: 'notify:trace-session',
      text: notifyTemplate('active;expires=590', {
        contentType: 'application/pidf+xml',
        content: traceFixturePidf('sip:bob@example.com', 'open', 'Lunch', 'away'),
      }),
    },
    { name: 'notify:pending', text: notifyTemplate('pending;expires=600') },
    { name: 'notify:active-empty', text: notifyTemplate('active;expires=600') },
  ];
  return notifyCache;
}
