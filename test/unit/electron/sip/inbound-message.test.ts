/**
 * The fast inbound reader against sip.js's own parser: for a corpus of real messages (the fuzzer's seeds — the
 * compositor tests' requests, the sipp scenarios, NOTIFYs carrying every PIDF fixture —, the trace tests' presence
 * session, the saved fuzz regressions, and the shapes Kamailio and baresip write) it must either build exactly the
 * object `Parser.parseMessage` builds, prototypes and `parsed` values included, or leave the message to that parser.
 * Nothing is mocked: both readers run on the same text.
 */
import { describe, expect, it } from 'vitest';
import { Parser } from 'sip.js/lib/core/index.js';
import { parseInboundMessage, readInboundMessage } from '../../../../electron/sip/transport/inbound-message';
import { compositorSeeds, notifySeeds, NOTIFY_PLACEHOLDERS, notifyTemplate } from '../../../fuzz/seeds';
import { mutateSip } from '../../../fuzz/mutators';
import { Prng } from '../../../fuzz/prng';
import { loadRegressions } from '../../../fuzz/regressions';
import { expectSameAsSipJs, SILENT_SIP_JS_LOGGER as silent } from '../../../support/sip/sip-js-equivalence';
import { presenceSession } from '../../shared/trace/sip-fixtures';

/** A NOTIFY seed with its placeholders filled as a dialog over TCP would. */
function filled(template: string): string {
  const p = NOTIFY_PLACEHOLDERS;
  return template
    .replace(p.requestUri, 'sip:k3j2h1@127.0.0.1:40000;transport=tcp')
    .replace(p.via, 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-8f1a;rport')
    .replace(p.from, '<sip:bob@example.com>;tag=n0t1f1er')
    .replace(p.to, '<sip:alice@example.com>;tag=w4tcher')
    .replace(p.callId, 'sub-bob-1@127.0.0.1')
    .replace(p.cseq, '7')
    .replace(p.contact, '<sip:bob@127.0.0.1:5060;transport=tcp>');
}

const PIDF =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com">' +
  '<tuple id="t1"><status><basic>open</basic></status></tuple></presence>';

function message(lines: readonly string[], body = ''): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

/** Shapes Kamailio's presence module and baresip write, and the odd corners sip.js's grammar reads its own way. */
const SERVER_SHAPES: Record<string, string> = {
  'kamailio NOTIFY with Record-Route and two Vias': message(
    [
      'NOTIFY sip:alice@192.0.2.10:40000;transport=udp SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcydzigwkX',
      'Via: SIP/2.0/UDP 192.0.2.1:5060;received=192.0.2.1;rport=5060;branch=z9hG4bK.abc',
      'Record-Route: <sip:192.0.2.1;lr;ftag=w4tcher>, <sip:proxy.example.com;lr>',
      'To: "Alice" <sip:alice@example.com>;tag=w4tcher',
      'From: <sip:bob@example.com>;tag=a6c85cf-1f2e',
      'CSeq: 2 NOTIFY',
      'Call-ID: 0ba2cf53-9a78d706@192.0.2.10',
      'Max-Forwards: 70',
      'Content-Type: application/pidf+xml',
      'Event: presence',
      'Contact: <sip:192.0.2.1:5060>',
      'Subscription-State: active;expires=3599',
      'Server: kamailio (5.7.4 (x86_64/linux))',
    ],
    PIDF,
  ),
  'kamailio 200 to REGISTER with two bindings': message([
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/TCP 127.0.0.1:40000;branch=z9hG4bK7d1e;rport=40000;received=127.0.0.1',
    'From: <sip:alice@example.com>;tag=3b6f',
    'To: <sip:alice@example.com>;tag=1e8ce1d2f3c97d3bf1ab28d1bdcfea4c.5b2f',
    'Call-ID: reg-1',
    'CSeq: 2 REGISTER',
    'Contact: <sip:alice@127.0.0.1:40000;transport=tcp>;expires=0600;q=0.50, <sip:alice@192.0.2.7:5060>;expires=20;+sip.instance="urn:uuid:1"',
    'Server: kamailio (5.7.4 (x86_64/linux))',
  ]),
  'baresip PUBLISH response and compact headers': message([
    'SIP/2.0 200 OK',
    'v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK91e2;rport=5070',
    'f: "Bob Smith"<sip:bob@example.com>;tag=9f1',
    't: Bob Smith <sip:bob@example.com>',
    'i: 5cf4c6d0b4f2d8e1',
    'CSeq: 11 PUBLISH',
    'SIP-ETag: 8c1e-2',
    'Expires: 600',
    'User-Agent: baresip v3.10.1 (x86_64/Linux)',
  ]),
  'a NOTIFY from a bare addr-spec, terminated': message([
    'NOTIFY sip:alice@127.0.0.1:40000 SIP/2.0',
    'Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK-x;rport',
    'From: sip:bob@example.com;tag=n1',
    'To: <sip:alice@example.com>;tag=w1',
    'Call-ID: c@h',
    'CSeq: 9 NOTIFY',
    'Event: presence',
    'Subscription-State: terminated;reason=timeout',
  ]),
  'a NOTIFY with Event parameters and a Subscription-State the grammar reads on demand': message(
    [
      'NOTIFY sips:alice@example.com SIP/2.0',
      'Via: SIP/2.0/TLS h.example.com:5061;branch=z9hG4bK-y;alias',
      'From: <sips:bob@example.com>;tag=n1',
      'To: <sips:alice@example.com>;tag=w1',
      'Call-ID: c2@h',
      'CSeq: 10 NOTIFY',
      'Event: Presence;id=7',
      'Subscription-State: active; expires=60',
      'Content-Type: application/pidf+xml; charset="UTF-8"',
    ],
    PIDF,
  ),
  'repeated single-valued headers (the last one counts, as in sip.js)': message(
    [
      'NOTIFY sip:alice@127.0.0.1:40000 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-r',
      'Max-Forwards: 70',
      'Max-Forwards: 69',
      'From: <sip:mallory@example.com>;tag=m1',
      'From: <sip:bob@example.com>;tag=n1',
      'To: <sip:alice@example.com>;tag=w1',
      'Call-ID: r@h',
      'CSeq: 3 NOTIFY',
      'Content-Length: 9999',
      'Event: presence',
      'Event: presence.winfo',
      'Subscription-State: active;expires=60',
      'Subscription-State: terminated;reason=timeout',
      'Content-Type: application/pidf+xml',
    ],
    PIDF,
  ),
  'a 401 challenge (left to sip.js)': message([
    'SIP/2.0 401 Unauthorized',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-z;rport=5070',
    'From: <sip:alice@example.com>;tag=f',
    'To: <sip:alice@example.com>;tag=t',
    'Call-ID: r',
    'CSeq: 1 REGISTER',
    'WWW-Authenticate: Digest realm="example.com", nonce="abc", qop="auth"',
  ]),
  'a folded line and a bare LF (left to sip.js)':
    'NOTIFY sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\nFrom: <sip:b@h>\r\n ;tag=1\nTo: <sip:a@h>\r\nCall-ID: c\r\nCSeq: 1 NOTIFY\r\n\r\n',
  'an IPv6 host and an escaped user (left to sip.js)': message([
    'NOTIFY sip:%61lice@[2001:db8::1]:5060 SIP/2.0',
    'Via: SIP/2.0/UDP [2001:db8::2]:5060;branch=z9hG4bK-6',
    'From: <sip:bob@example.com>;tag=n1',
    'To: <sip:alice@example.com>;tag=w1',
    'Call-ID: c6',
    'CSeq: 1 NOTIFY',
  ]),
  'look-alike parameters and methods (refused by sip.js)': message([
    'NOTIFYX sip:a@h;lrx SIP/2.0',
    'Via: SIP/2.0/UDPX h;rportx',
    'From: <sip:b@h>;tagx=1',
    'To: <sip:a@h>',
    'Call-ID: c@d@e',
    'CSeq: 1 NOTIFYX',
  ]),
};

function corpus(): { name: string; text: string }[] {
  return [
    ...compositorSeeds(),
    ...notifySeeds().map((seed) => ({ name: seed.name, text: filled(seed.text) })),
    ...presenceSession().map((entry, i) => ({ name: `trace session #${i}`, text: entry.raw })),
    ...loadRegressions().map((r) => ({ name: `regression ${r.name}`, text: filled(r.bytes.toString('latin1')) })),
    ...Object.entries(SERVER_SHAPES).map(([name, text]) => ({ name, text })),
  ];
}

describe('readInboundMessage', () => {
  const messages = corpus();

  it.each(messages.map((m) => [m.name, m.text] as const))('%s: builds what sip.js builds, or leaves it to sip.js', (_name, text) => {
    expectSameAsSipJs(text);
  });

  it("agrees with sip.js on damaged messages: 400 of the fuzzer's SIP mutations of the corpus, drawn from a fixed seed", () => {
    const rng = new Prng(20);
    const verdicts = new Set<string>();
    for (let i = 0; i < 400; i++) verdicts.add(expectSameAsSipJs(mutateSip(rng.pick(messages).text, rng).text));
    expect(verdicts).toEqual(new Set(['read here', 'refused here', 'left to sip.js']));
  });

  it('reads every NOTIFY and every answer of the corpus itself, leaving only the rare shapes to sip.js', () => {
    const leftToSipJs = messages.filter((m) => m.text.trim() !== '' && readInboundMessage(m.text) === null).map((m) => m.name);
    expect(
      leftToSipJs.filter((name) => name.startsWith('notify:') || name.startsWith('trace session') || name.startsWith('kamailio')),
    ).toEqual([
      'trace session #1', // the 401 with its WWW-Authenticate challenge
    ]);
    expect(leftToSipJs).toEqual(
      expect.arrayContaining([
        'a 401 challenge (left to sip.js)',
        'a folded line and a bare LF (left to sip.js)',
        'an IPv6 host and an escaped user (left to sip.js)',
      ]),
    );
  });

  it('parseInboundMessage falls back to sip.js for what it leaves, and refuses what sip.js refuses', () => {
    const challenge = SERVER_SHAPES['a 401 challenge (left to sip.js)'] as string;
    expect(readInboundMessage(challenge)).toBeNull();
    const parsed = parseInboundMessage(challenge, silent);
    expect(parsed?.parseHeader('www-authenticate')).toMatchObject({ realm: 'example.com' });
    const lookAlikes = SERVER_SHAPES['look-alike parameters and methods (refused by sip.js)'] as string;
    expect(parseInboundMessage(lookAlikes, silent)).toBeUndefined();
    expect(parseInboundMessage(lookAlikes, silent, 'sip.js')).toBeUndefined();
  });

  it('given an Event or Subscription-State of thousands of parameters, then it is refused as unparsable instead of left to sip.js grammar', () => {
    const notify = (event: string, state: string) =>
      `NOTIFY sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\nFrom: <sip:b@c>;tag=1\r\nTo: <sip:a@c>;tag=2\r\n` +
      `Call-ID: x@y\r\nCSeq: 7 NOTIFY\r\nEvent: ${event}\r\nSubscription-State: ${state}\r\nContent-Length: 0\r\n\r\n`;
    const manyParameters = ';a'.repeat(5000);
    expect(readInboundMessage(notify(`presence${manyParameters}`, 'active'))).toBe('unparsable');
    expect(readInboundMessage(notify('presence', `active;expires=600${manyParameters}`))).toBe('unparsable');
    // Short values in forms this reader leaves to sip.js still go there, and are read as sip.js reads them.
    const short = readInboundMessage(notify('presence;id=7', 'active;expires=600;retry-after=30'));
    expect(short).not.toBe('unparsable');
    expect(typeof short === 'object' && short?.parseHeader('event')).toMatchObject({ event: 'presence', params: { id: '7' } });
  });

  it('given a message left to sip.js with more than 4 KB for its grammar, then it is refused without running the grammar', () => {
    // An IPv6 Via host is a shape this reader leaves to sip.js; the long Contact is what its grammar would crawl through.
    const notify = (contact: string, requestUri = 'sip:a@127.0.0.1') =>
      `NOTIFY ${requestUri} SIP/2.0\r\nVia: SIP/2.0/UDP [::1]:5070;branch=z9hG4bK-1\r\nFrom: <sip:b@c>;tag=1\r\nTo: <sip:a@c>;tag=2\r\n` +
      `Call-ID: x@y\r\nCSeq: 7 NOTIFY\r\nContact: ${contact}\r\nEvent: presence\r\nSubscription-State: active\r\nContent-Length: 0\r\n\r\n`;
    const short = notify(`<sip:b@[::1]:5070>${';p=1'.repeat(100)}`);
    const long = notify(`<sip:b@[::1]:5070>${';p=1'.repeat(1200)}`);
    expect(readInboundMessage(short)).toBeNull();
    expect(readInboundMessage(long)).toBeNull();
    // sip.js reads both; only the short one is given to it.
    expect(parseInboundMessage(long, silent, 'sip.js')).toBeDefined();
    expect(parseInboundMessage(short, silent)?.getHeader('contact')).toContain('p=1');
    expect(parseInboundMessage(long, silent)).toBeUndefined();
    // A long Request-URI counts, and so does a header sip.js reads whole because a bare LF joins it to a known one.
    expect(parseInboundMessage(notify('<sip:b@c>', `sip:a@127.0.0.1${';a'.repeat(2500)}`), silent)).toBeUndefined();
    const joined = short.replace('Event: presence', `Event: presence\nX-Padding: ${'a'.repeat(5000)}`);
    expect(readInboundMessage(joined)).toBeNull();
    expect(parseInboundMessage(joined, silent)).toBeUndefined();
    // Each grammar run counts as well: a hundred and fifty short To lines are refused.
    expect(parseInboundMessage(short.replace('To: <sip:a@c>;tag=2\r\n', 'To: <sip:a@c>;tag=2\r\n'.repeat(150)), silent)).toBeUndefined();
    expect(parseInboundMessage(short.replace('To: <sip:a@c>;tag=2\r\n', 'To: <sip:a@c>;tag=2\r\n'.repeat(5)), silent)).toBeDefined();
    // A header line without a colon, which sip.js's parser reads in time quadratic in the message, is refused at once.
    const colonless = short.replace('Event: presence', `Event: presence\r\n${'<?xml version="1.0"?>\r\n'.repeat(1000)}X-End: 1`);
    expect(readInboundMessage(colonless)).toBeNull();
    expect(parseInboundMessage(colonless, silent)).toBeUndefined();
    // Long headers sip.js leaves raw cost its grammar nothing: such a message is still read.
    expect(
      parseInboundMessage(short.replace('Event: presence', `Event: presence\r\nX-Padding: ${'a'.repeat(9000)}`), silent),
    ).toBeDefined();
  });

  it('given a CSeq number of 2^31 or more, then the message is refused, also where sip.js reads it (RFC 3261 §8.1.1.5)', () => {
    const notify = (cseq: string, viaHost = '127.0.0.1:5070') =>
      `NOTIFY sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP ${viaHost};branch=z9hG4bK-1\r\nFrom: <sip:b@c>;tag=1\r\nTo: <sip:a@c>;tag=2\r\n` +
      `Call-ID: x@y\r\nCSeq: ${cseq} NOTIFY\r\nEvent: presence\r\nSubscription-State: active\r\nContent-Length: 0\r\n\r\n`;
    expect(readInboundMessage(notify('2147483647'))).toMatchObject({ cseq: 2147483647 });
    expect(readInboundMessage(notify('2147483648'))).toBe('unparsable');
    expect(readInboundMessage(notify('5'.repeat(40)))).toBe('unparsable');
    // Left to sip.js (an IPv6 Via host), whose grammar takes any run of digits: refused after its parse.
    expect(Parser.parseMessage(notify('5'.repeat(40), '[::1]:5070'), silent)?.cseq).toBeGreaterThan(2 ** 31);
    expect(parseInboundMessage(notify('5'.repeat(40), '[::1]:5070'), silent)).toBeUndefined();
    expect(parseInboundMessage(notify('7', '[::1]:5070'), silent)?.cseq).toBe(7);
  });

  it('given a response whose CSeq sip.js cannot parse (its parser then throws), then it is unparsable, not a throw', () => {
    const response =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n' +
      'Call-ID: x@y\r\nCSeq: 7;a;a;ax NOTIFY\r\nContent-Length: 0\r\n\r\n';
    expect(() => parseInboundMessage(response, silent, 'sip.js')).not.toThrow();
    expect(parseInboundMessage(response, silent, 'sip.js')).toBeUndefined();
    expect(parseInboundMessage(response, silent)).toBeUndefined();
  });

  it('calls a message unparsable only where sip.js refuses it too: every character in a Call-ID, Content-Length and Max-Forwards', () => {
    const withHeader = (header: string) =>
      `NOTIFY sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\nFrom: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\nCSeq: 1 NOTIFY\r\n${header}\r\n\r\n`;
    const verdicts = new Set<string>();
    for (let code = 0; code < 0x3000; code += code < 0x180 ? 1 : 97) {
      const c = String.fromCharCode(code);
      for (const header of [`Call-ID: a${c}b`, `Call-ID: a@${c}`, `Call-ID: ${c}@b`, `Content-Length: 1${c}2`, `Max-Forwards: 7${c}0`])
        verdicts.add(expectSameAsSipJs(withHeader(header)));
    }
    expect(verdicts).toEqual(new Set(['read here', 'refused here', 'left to sip.js']));
    expect(readInboundMessage(withHeader(`Call-ID: ${';'.repeat(20_000)}`))).toBe('unparsable');
  });

  it('reads a NOTIFY with an accepted body without running sip.js grammar for the fields the core needs', () => {
    const notify = readInboundMessage(filled(notifyTemplate('active;expires=600', { contentType: 'application/pidf+xml', content: PIDF })));
    if (notify === null || notify === 'unparsable') throw new Error(`not read: ${notify}`);
    const headers = notify.headers as Record<string, { parsed?: unknown }[]>;
    for (const name of [
      'Via',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Contact',
      'Content-Type',
      'Content-Length',
      'Max-Forwards',
      'Event',
      'Subscription-State',
    ])
      expect(headers[name]?.[0]?.parsed, name).toBeDefined();
    expect(notify.body).toBe(PIDF);
  });
});
