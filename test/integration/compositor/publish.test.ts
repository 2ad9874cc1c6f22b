/**
 * The Event State Compositor over real UDP on 127.0.0.1 (RFC 3903 §6): the publication life cycle with
 * entity-tags, and every error answer with its exact status code and headers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { pidf, type SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const body = (note = 'at my desk', basic: 'open' | 'closed' = 'open', entity = ALICE) => pidf(entity, [{ id: 'pc', basic, note }]);

let fx: CompositorFixture;
let epa: SipTestPeer;

beforeEach(async () => {
  fx = await startFixture({ minExpires: 60, maxExpires: 3600, defaultExpires: 3600, thirdPartyPublishers: ['sip:voicemail@example.com'] });
  epa = await fx.udpPeer();
});

describe('publication life cycle (RFC 3903 §4)', () => {
  it('given an initial PUBLISH with a body, when answered, then 200 carries a SIP-ETag and the granted Expires', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), expires: 600 }));
    expect(response.status).toBe(200);
    expect(response.headers.get('sip-etag')).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{16}$/);
    expect(response.headers.get('expires')).toBe('600');
    expect(response.headers.get('to')).toMatch(/;tag=\S+/);
    expect(fx.server.counters().publicationsActive).toBe(1);
  });

  it('given a live publication, when refreshed with SIP-If-Match and no body, then a fresh entity-tag replaces the old one', async () => {
    const first = await epa.request(publishSpec(ALICE, { body: body() }));
    const etag1 = first.headers.get('sip-etag') as string;
    const refresh = await epa.request(publishSpec(ALICE, { etag: etag1, expires: 1200 }));
    expect(refresh.status).toBe(200);
    const etag2 = refresh.headers.get('sip-etag') as string;
    expect(etag2).not.toBe(etag1);
    expect(refresh.headers.get('expires')).toBe('1200');
    // The old tag is no longer valid (RFC 3903 §6 step 6 → 412).
    expect((await epa.request(publishSpec(ALICE, { etag: etag1 }))).status).toBe(412);
    expect(fx.server.counters().publicationsActive).toBe(1);
  });

  it('given a live publication, when modified with SIP-If-Match and a body, then watchers see the new state', async () => {
    const etag = (await epa.request(publishSpec(ALICE, { body: body('first') }))).headers.get('sip-etag') as string;
    const modify = await epa.request(publishSpec(ALICE, { etag, body: body('second') }));
    expect(modify.status).toBe(200);
    expect(modify.headers.get('sip-etag')).not.toBe(etag);
    expect(fx.server.currentDocument(ALICE)).toContain('<note>second</note>');
    expect(fx.server.currentDocument(ALICE)).not.toContain('first');
  });

  it('given a live publication, when removed with Expires 0, then 200 says Expires 0 and the composite is closed', async () => {
    const etag = (await epa.request(publishSpec(ALICE, { body: body() }))).headers.get('sip-etag') as string;
    const remove = await epa.request(publishSpec(ALICE, { etag, expires: 0 }));
    expect(remove.status).toBe(200);
    expect(remove.headers.get('expires')).toBe('0');
    expect(remove.headers.get('sip-etag')).toBeTruthy();
    expect(fx.server.counters().publicationsActive).toBe(0);
    expect(fx.server.currentDocument(ALICE)).toContain('<basic>closed</basic>');
    expect((await epa.request(publishSpec(ALICE, { etag, expires: 0 }))).status).toBe(412);
  });

  it('given no Expires header, when published, then the configured default (3600) is granted', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), expires: null }));
    expect(response.headers.get('expires')).toBe('3600');
  });

  it('given Expires above the maximum, when published, then it is lowered to the maximum', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), expires: 999999 }));
    expect([response.status, response.headers.get('expires')]).toEqual([200, '3600']);
  });

  it('given a cpim-pidf body with a pres: entity (draft-olson-simple-publish-02), when published, then it is accepted', async () => {
    const cpim = `<?xml version="1.0" encoding="UTF-8"?>
<presence xmlns="urn:ietf:params:xml:ns:cpim-pidf" entity="pres:alice@example.com">
  <tuple id="mobile-phone"><status><basic>open</basic></status><timestamp>2003-02-01T16:49:29Z</timestamp></tuple>
</presence>`;
    const response = await epa.request(publishSpec(ALICE, { body: cpim, contentType: 'application/cpim-pidf+xml' }));
    expect(response.status).toBe(200);
    expect(fx.server.currentDocument(ALICE)).toContain('mobile-phone');
  });

  it('given an authorised third-party publisher (RFC 3903 §6: third-party publication, e.g. a voicemail service), when it publishes for alice, then it is accepted', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body('2 new voicemails'), from: 'sip:voicemail@example.com' }));
    expect(response.status).toBe(200);
    expect(fx.server.currentDocument(ALICE)).toContain('2 new voicemails');
  });
});

describe('error answers (RFC 3903 §6)', () => {
  it('given no Event header, when published, then 489 Bad Event with Allow-Events naming what may be published', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), event: null }));
    expect([response.status, response.reason, response.headers.get('allow-events')]).toEqual([
      489,
      'Bad Event',
      'presence, message-summary, dialog',
    ]);
  });

  it('given an unsupported event package, when published, then 489 with Allow-Events', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), event: 'conference' }));
    expect([response.status, response.headers.get('allow-events')]).toEqual([489, 'presence, message-summary, dialog']);
  });

  it('given an unsupported Content-Type, when published, then 415 with Accept listing the presence types', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: '{"status":"busy"}', contentType: 'application/json' }));
    expect([response.status, response.reason]).toEqual([415, 'Unsupported Media Type']);
    expect(response.headers.get('accept')).toBe('application/pidf+xml, application/cpim-pidf+xml');
  });

  it('given a compressed body, when published, then 415 with Accept-Encoding: identity', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), extraHeaders: [['Content-Encoding', 'gzip']] }));
    expect([response.status, response.headers.get('accept-encoding')]).toEqual([415, 'identity']);
  });

  it.each([
    [
      'malformed XML',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@example.com"><tuple id="a">',
      /^Bad Request \(.+\)$/,
    ],
    [
      'a tuple without id',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@example.com"><tuple><status><basic>open</basic></status></tuple></presence>',
      /tuple/i,
    ],
    ['a document that is not presence', '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"/>', /presence/i],
  ])('given %s, when published, then 400 with a reason phrase that says what is wrong', async (_name, xml, reason) => {
    const response = await epa.request(publishSpec(ALICE, { body: xml }));
    expect(response.status).toBe(400);
    expect(response.reason).toMatch(reason);
    expect(response.reason.length).toBeGreaterThan('Bad Request'.length);
  });

  it('given an initial PUBLISH without a body, when answered, then 400 saying the body is missing', async () => {
    const response = await epa.request(publishSpec(ALICE, {}));
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (initial publication without a body)']);
  });

  it('given Expires below the minimum but not 0, when published, then 423 with Min-Expires', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), expires: 30 }));
    expect([response.status, response.reason, response.headers.get('min-expires')]).toEqual([423, 'Interval Too Brief', '60']);
  });

  it('given a malformed Expires, when published, then 400 naming the header', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), expires: 'soon' }));
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (malformed Expires header)']);
  });

  it('given SIP-If-Match with an entity-tag never issued, when published, then 412 Conditional Request Failed', async () => {
    const response = await epa.request(publishSpec(ALICE, { etag: 'no-such-tag' }));
    expect([response.status, response.reason]).toEqual([412, 'Conditional Request Failed']);
  });

  it("given bob's entity-tag, when used to modify alice, then 412 (tags are per AOR)", async () => {
    const bobEtag = (await epa.request(publishSpec('sip:bob@example.com', { body: body('x', 'open', 'sip:bob@example.com') }))).headers.get(
      'sip-etag',
    ) as string;
    expect((await epa.request(publishSpec(ALICE, { etag: bobEtag, body: body() }))).status).toBe(412);
  });

  it('given an expired publication, when refreshed with its tag, then 412', async () => {
    const short = await startFixture({ minExpires: 1 });
    const peer = await short.udpPeer();
    const etag = (await peer.request(publishSpec(ALICE, { body: body(), expires: 1 }))).headers.get('sip-etag') as string;
    const watcher = await short.udpPeer();
    await watcher.request(subscribeSpec(watcher, ALICE));
    await watcher.nextRequest(); // the initial NOTIFY (open)
    await watcher.nextRequest('NOTIFY', 4000); // the expiry NOTIFY (closed)
    expect((await peer.request(publishSpec(ALICE, { etag }))).status).toBe(412);
  });

  it('given From differs from To and is not an authorised publisher, when published, then 403', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), from: 'sip:mallory@example.com' }));
    expect([response.status, response.reason]).toEqual([403, 'Forbidden (may only publish for your own address-of-record)']);
  });

  it('given a PIDF entity naming someone else, when published, then 403', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body('x', 'open', 'sip:bob@example.com') }));
    expect([response.status, response.reason]).toEqual([403, 'Forbidden (PIDF entity does not match the address-of-record)']);
  });

  it('given the entity in pres: form with the same user@host, when published, then it counts as the same AOR', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body('x', 'open', 'pres:alice@example.com') }));
    expect(response.status).toBe(200);
  });

  it('given a domain outside the configured list, when published, then 404', async () => {
    const scoped = await startFixture({ domains: ['example.com'] });
    const peer = await scoped.udpPeer();
    const response = await peer.request(publishSpec('sip:eve@elsewhere.org', { body: body('x', 'open', 'sip:eve@elsewhere.org') }));
    expect([response.status, response.reason]).toEqual([404, 'Not Found (domain not served here)']);
    expect((await peer.request(publishSpec(ALICE, { body: body() }))).status).toBe(200);
  });

  it('given a Require header, when published, then 420 Bad Extension with Unsupported naming it', async () => {
    const response = await epa.request(publishSpec(ALICE, { body: body(), extraHeaders: [['Require', 'foo, bar']] }));
    expect([response.status, response.reason, response.headers.get('unsupported')]).toEqual([420, 'Bad Extension', 'foo, bar']);
  });
});

describe('expiry and logging', () => {
  it('given a publication of 1 s, when the second passes, then it expires on time and watchers are told', async () => {
    const short = await startFixture({ minExpires: 1 });
    const peer = await short.udpPeer();
    const watcher = await short.udpPeer();
    const published = await peer.request(publishSpec(ALICE, { body: body('brief'), expires: 1 }));
    const publishedAt = performance.now();
    expect(published.headers.get('expires')).toBe('1');
    await watcher.request(subscribeSpec(watcher, ALICE));
    expect((await watcher.nextRequest()).body).toContain('brief');
    const expiryNotify = await watcher.nextRequest('NOTIFY', 4000);
    const elapsed = expiryNotify.at - publishedAt;
    expect(expiryNotify.body).toContain('<basic>closed</basic>');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(short.server.counters()).toMatchObject({ publicationsActive: 0, publicationsExpired: 1 });
    expect(short.log.some((e) => e.kind === 'event' && e.what === 'expired' && e.aor === ALICE)).toBe(true);
  });

  it('given requests, when answered, then each gets one readable log line with method, AOR and result', async () => {
    await epa.request(publishSpec(ALICE, { body: body(), expires: 600 }));
    await epa.request(publishSpec(ALICE, { body: body(), expires: 5 }));
    const lines = fx.log.filter((e) => e.kind === 'request').map((e) => e.line);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^PUBLISH sip:alice@example\.com ← udp 127\.0\.0\.1:\d+ → 200 OK \(initial, etag \S+, expires 600\)$/);
    expect(lines[1]).toMatch(/^PUBLISH sip:alice@example\.com ← udp 127\.0\.0\.1:\d+ → 423 Interval Too Brief/);
  });
});
