/**
 * The example flow M1–M14 of draft-olson-simple-publish-02 §12 (docs/protocol.md §6)
 * reproduced over real UDP sockets on 127.0.0.1: a watcher and the presentity's own PUA subscribe, the
 * PUA publishes a change for its mobile phone, and both receive a NOTIFY with the composed document
 * (mobile-phone closed + desktop open).
 *
 * What differs from the 2003 draft, on purpose (RFC 3903 replaced it): the change in M9 is an RFC 3903
 * "modify" of the mobile phone's publication (SIP-If-Match) instead of a timestamp-versioned PUBLISH, and
 * Contact URIs carry 127.0.0.1 ports instead of unresolvable host names. The watcher sends no Accept, as in
 * M1, and so receives application/pidf+xml (RFC 3856 §6's default); the PUA asks for
 * application/cpim-pidf+xml and gets the draft's format. Messages are written exactly as in the draft
 * otherwise (tags, Call-IDs, CSeqs, Expires).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePresenceBody, type PidfDocument } from '../../../shared/pidf';
import type { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { startSharedFixture, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const PRESENTITY = 'sip:presentity@domain.com';

function cpimDocument(tuples: ReadonlyArray<{ id: string; basic: 'open' | 'closed'; timestamp: string }>): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<presence xmlns="urn:ietf:params:xml:ns:cpim-pidf"',
    '  entity="pres:presentity@domain.com">',
    ...tuples.map(
      (t) =>
        `  <tuple id="${t.id}">\n    <status>\n      <basic>${t.basic}</basic>\n    </status>\n    <timestamp>${t.timestamp}</timestamp>\n  </tuple>`,
    ),
    '</presence>',
    '',
  ].join('\n');
}

function publish(pua: SipTestPeer, options: { body: string; callId: string; cseq: number; etag?: string; branch: string }) {
  return pua.request({
    method: 'PUBLISH',
    uri: PRESENTITY,
    from: '<sip:presentity@domain.com>;tag=1234wxyz',
    to: '<sip:presentity@domain.com>',
    callId: options.callId,
    cseq: options.cseq,
    branch: options.branch,
    headers: [['Expires', '3600'], ['Event', 'presence'], ...(options.etag === undefined ? [] : [['SIP-If-Match', options.etag] as const])],
    contentType: 'application/cpim-pidf+xml',
    body: options.body,
  });
}

/** The tuples of a NOTIFY body as [id, basic, timestamp], sorted by id. */
function tuplesOf(body: string, contentType: string): Array<[string, string | null, string | null]> {
  const parsed = parsePresenceBody(body, contentType);
  if (!parsed.ok) throw new Error(`NOTIFY body does not parse: ${parsed.error.message}`);
  const document: PidfDocument = parsed.document;
  return document.tuples
    .map((t): [string, string | null, string | null] => [t.id, t.basic, t.timestamp])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

describe('draft-olson-simple-publish-02 §12 example flow M1–M14 over loopback UDP', () => {
  let fx: CompositorFixture;
  let watcher: SipTestPeer;
  let pua: SipTestPeer;
  let desktop: SipTestPeer;
  let mobileEtag: string;

  beforeAll(async () => {
    fx = await startSharedFixture({ domains: ['domain.com'] });
    watcher = await fx.udpPeer();
    pua = await fx.udpPeer();
    desktop = await fx.udpPeer();
    // The state before M1: the desktop client and the mobile phone have both published "open".
    const desk = await publish(desktop, {
      body: cpimDocument([{ id: 'desktop', basic: 'open', timestamp: '2003-02-01T12:21:29Z' }]),
      callId: 'desktop-1@domain.com',
      cseq: 1,
      branch: 'z9hG4bKdesk1',
    });
    expect(desk.status).toBe(200);
    const mobile = await publish(pua, {
      body: cpimDocument([{ id: 'mobile-phone', basic: 'open', timestamp: '2003-02-01T16:49:29Z' }]),
      callId: '81818181@pua.domain.com',
      cseq: 1,
      branch: 'z9hG4bK652hsgd',
    });
    expect(mobile.status).toBe(200);
    mobileEtag = mobile.headers.get('sip-etag') as string;
  });
  afterAll(async () => fx.stop());

  let watcherTag = '';
  let puaTag = '';

  it('M1–M4: the watcher subscribes, gets 200 with a To tag, then a NOTIFY with both tuples open', async () => {
    const m2 = await watcher.request({
      method: 'SUBSCRIBE',
      uri: PRESENTITY,
      from: '<sip:watcher@domain.com>;tag=12341234',
      to: '<sip:presentity@domain.com>',
      callId: '12345678@10.0.0.1',
      cseq: 1,
      branch: 'z9hG4bKnashds7',
      headers: [
        ['Expires', '3600'],
        ['Event', 'presence'],
        ['Contact', `<sip:watcher@${watcher.hostPort}>`],
      ],
    });
    expect(m2.status).toBe(200);
    expect(m2.headers.get('expires')).toBe('3600');
    expect(m2.headers.get('contact')).toMatch(/^<sip:127\.0\.0\.1:\d+;transport=udp>$/);
    watcherTag = /;tag=(\S+)/.exec(m2.headers.get('to') ?? '')?.[1] ?? '';
    expect(watcherTag).not.toBe('');

    const m3 = await watcher.nextRequest(); // M4, the 200, is sent by the peer automatically
    expect(m3.requestUri).toBe(`sip:watcher@${watcher.hostPort}`);
    expect(m3.headers.get('to')).toBe('<sip:watcher@domain.com>;tag=12341234');
    expect(m3.headers.get('from')).toBe(`<sip:presentity@domain.com>;tag=${watcherTag}`);
    expect(m3.headers.get('call-id')).toBe('12345678@10.0.0.1');
    expect(m3.headers.get('cseq')).toBe('1 NOTIFY');
    expect(m3.headers.get('event')).toBe('presence');
    expect(m3.headers.get('subscription-state')).toMatch(/^active;expires=(3600|3599)$/);
    expect(m3.headers.get('content-type')).toBe('application/pidf+xml');
    expect(tuplesOf(m3.body, 'application/pidf+xml')).toEqual([
      ['desktop', 'open', '2003-02-01T12:21:29Z'],
      ['mobile-phone', 'open', '2003-02-01T16:49:29Z'],
    ]);
  });

  it('M5–M8: the PUA subscribes to its own presentity and receives the same composite (as CPIM-PIDF)', async () => {
    const m6 = await pua.request({
      method: 'SUBSCRIBE',
      uri: PRESENTITY,
      from: '<sip:presentity@domain.com>;tag=43214321',
      to: '<sip:presentity@domain.com>',
      callId: '87654321@10.0.0.2',
      cseq: 1,
      branch: 'z9hG4bKjjsdfj',
      headers: [
        ['Expires', '3600'],
        ['Event', 'presence'],
        ['Accept', 'application/cpim-pidf+xml'],
        ['Contact', `<sip:pua@${pua.hostPort}>`],
      ],
    });
    expect(m6.status).toBe(200);
    puaTag = /;tag=(\S+)/.exec(m6.headers.get('to') ?? '')?.[1] ?? '';
    expect(puaTag).not.toBe(watcherTag);

    const m7 = await pua.nextRequest();
    expect(m7.headers.get('call-id')).toBe('87654321@10.0.0.2');
    expect(m7.headers.get('cseq')).toBe('1 NOTIFY');
    expect(m7.headers.get('content-type')).toBe('application/cpim-pidf+xml');
    expect(m7.body).toContain('xmlns="urn:ietf:params:xml:ns:cpim-pidf"');
    expect(tuplesOf(m7.body, 'application/cpim-pidf+xml')).toEqual([
      ['desktop', 'open', '2003-02-01T12:21:29Z'],
      ['mobile-phone', 'open', '2003-02-01T16:49:29Z'],
    ]);
  });

  it('M9–M14: the PUA publishes mobile-phone closed; 200 with Expires; both subscribers get CSeq 2 NOTIFYs with the composite', async () => {
    const m10 = await publish(pua, {
      body: cpimDocument([{ id: 'mobile-phone', basic: 'closed', timestamp: '2003-02-01T17:00:19Z' }]),
      callId: '81818181@pua.domain.com',
      cseq: 2,
      etag: mobileEtag,
      branch: 'z9hG4bK652hsge',
    });
    expect(m10.status).toBe(200);
    expect(m10.headers.get('expires')).toBe('3600');
    expect(m10.headers.get('sip-etag')).not.toBe(mobileEtag);
    expect(m10.headers.get('call-id')).toBe('81818181@pua.domain.com');
    expect(m10.headers.get('record-route')).toBeUndefined();

    const expected = [
      ['desktop', 'open', '2003-02-01T12:21:29Z'],
      ['mobile-phone', 'closed', '2003-02-01T17:00:19Z'],
    ];
    const [m11, m13] = await Promise.all([watcher.nextRequest(), pua.nextRequest()]);
    expect(m11.headers.get('cseq')).toBe('2 NOTIFY');
    expect(m11.headers.get('to')).toBe('<sip:watcher@domain.com>;tag=12341234');
    expect(m11.headers.get('from')).toBe(`<sip:presentity@domain.com>;tag=${watcherTag}`);
    expect(m11.headers.get('subscription-state')).toMatch(/^active;expires=\d+$/);
    expect(tuplesOf(m11.body, 'application/pidf+xml')).toEqual(expected);

    expect(m13.headers.get('cseq')).toBe('2 NOTIFY');
    expect(m13.headers.get('to')).toBe('<sip:presentity@domain.com>;tag=43214321');
    expect(m13.headers.get('from')).toBe(`<sip:presentity@domain.com>;tag=${puaTag}`);
    expect(tuplesOf(m13.body, 'application/cpim-pidf+xml')).toEqual(expected);

    // M12 and M14 (the 200s) were sent by the peers; the server saw both NOTIFYs answered.
    await expect.poll(() => fx.server.counters().notifiesSent).toBe(4);
    expect(fx.server.counters()).toMatchObject({ notifyFailures: 0, subscriptionsActive: 2, publicationsActive: 2 });
  });
});
