/**
 * Who may watch whom, over real sockets on 127.0.0.1: the owners' presence rules (RFC 5025) written over XCAP
 * (RFC 4825) on the WebSocket listener's HTTP server, pending/active/rejected presence subscriptions (RFC 6665
 * §4.2.1.1), and the owner's `presence.winfo` subscription (RFC 3857, RFC 3858 documents).
 */
import { describe, expect, it } from 'vitest';
import { userEntry } from '../../../electron/compositor';
import { buildPresRules, type SubHandling } from '../../../shared/pres-rules';
import { parseWatcherInfo, type WatcherInfoDocument } from '../../../shared/watcherinfo';
import { authorization, challengesOf } from '../../support/compositor/digest-client';
import { httpRequestTo, type HttpAnswer, type HttpRequestOptions } from '../../support/compositor/http-request';
import { pidf, type SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, toTagOf, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const REALM = 'example.com';
const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
const CAROL = 'sip:carol@example.com';
const PASSWORDS: Readonly<Record<string, string>> = { alice: 'alice-secret', bob: 'bob-secret' };
const USERS = Object.entries(PASSWORDS).map(([user, password]) => userEntry(REALM, user, password));
const RULES_TYPE = 'application/auth-policy+xml';

const rulesPath = (aor: string) => `/xcap-root/pres-rules/users/${encodeURIComponent(aor)}/index`;
const rules = (byWatcher: Record<string, SubHandling>, defaultHandling: SubHandling = 'confirm') =>
  buildPresRules({ defaultHandling, byWatcher: new Map(Object.entries(byWatcher)) });

/** One HTTP request to the compositor's WebSocket port (a new connection each time). */
function http(fx: CompositorFixture, method: string, path: string, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
  const ws = fx.server.addresses.ws;
  if (ws === undefined) throw new Error('ws is off in this fixture');
  return httpRequestTo(ws, method, path, options);
}

/** An XCAP request as `user`: answered once with the challenge, then again with the Digest answer. */
async function httpAs(
  fx: CompositorFixture,
  user: string,
  method: string,
  path: string,
  options: { body?: string; type?: string } = {},
): Promise<HttpAnswer> {
  const challenged = await http(fx, method, path, options);
  expect(challenged.status).toBe(401);
  const auth = authorization(challengesOf(challenged), { user, password: PASSWORDS[user] as string, method, uri: path });
  return http(fx, method, path, { ...options, auth });
}

const putRules = (fx: CompositorFixture, owner: string, xml: string) => http(fx, 'PUT', rulesPath(owner), { body: xml, type: RULES_TYPE });

function winfoOf(notify: { body: string }): WatcherInfoDocument {
  const parsed = parseWatcherInfo(notify.body);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.document;
}

function cseqOf(request: { headers: { get(n: string): string | undefined } }): number {
  return Number((request.headers.get('cseq') ?? '').split(' ')[0]);
}

async function watch(
  fx: CompositorFixture,
  watcherAor: string,
  options: { event?: string } = {},
): Promise<{ peer: SipTestPeer; status: number; reason: string }> {
  const peer = await fx.udpPeer();
  const response = await peer.request(
    subscribeSpec(peer, ALICE, {
      from: watcherAor,
      ...(options.event === undefined ? {} : { event: options.event, accept: 'application/watcherinfo+xml' }),
    }),
  );
  return { peer, status: response.status, reason: response.reason };
}

async function alicePublishes(fx: CompositorFixture, note: string): Promise<void> {
  const epa = await fx.udpPeer();
  expect((await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'pc', basic: 'open', note }]) }))).status).toBe(200);
}

describe('presence subscriptions decided by the owner’s rules (no users file, --default-rule ask)', () => {
  it('given no rules, when bob subscribes, then he stays pending (bodyless NOTIFYs, refresh too) until alice allows him, then active with her document at once', async () => {
    const fx = await startFixture({ defaultRule: 'ask' });
    await alicePublishes(fx, 'in the office');
    const bob = await watch(fx, BOB);
    expect(bob.status).toBe(200);
    const pending = await bob.peer.nextRequest();
    expect(pending.headers.get('subscription-state')).toMatch(/^pending;expires=\d+$/);
    expect(pending.headers.get('content-type')).toBeUndefined();
    expect(pending.body).toBe('');
    await alicePublishes(fx, 'still in the office');

    expect((await putRules(fx, ALICE, rules({ [BOB]: 'allow' }))).status).toBe(201);
    const active = await bob.peer.nextRequest();
    // The next NOTIFY after the pending one: alice's PUBLISH while bob was pending sent him nothing.
    expect(cseqOf(active)).toBe(cseqOf(pending) + 1);
    expect(active.headers.get('subscription-state')).toMatch(/^active;expires=\d+$/);
    expect(active.body).toContain('<note>still in the office</note>');
  });

  it('given a pending watcher, when he refreshes, then the NOTIFY is pending and bodyless again', async () => {
    const fx = await startFixture({ defaultRule: 'ask' });
    const peer = await fx.udpPeer();
    const first = await peer.request(subscribeSpec(peer, ALICE, { from: BOB, fromTag: 'b1', callId: 'pending-refresh@test' }));
    await peer.nextRequest();
    const toTag = /;tag=([^;\s]+)/.exec(first.headers.get('to') ?? '')?.[1] as string;
    const refreshed = await peer.request(
      subscribeSpec(peer, ALICE, { from: BOB, fromTag: 'b1', toTag, callId: 'pending-refresh@test', cseq: 2 }),
    );
    expect(refreshed.status).toBe(200);
    const again = await peer.nextRequest();
    expect([again.headers.get('subscription-state')?.split(';')[0], again.body]).toEqual(['pending', '']);
  });

  it('given rules that block mallory, when he subscribes, then NOTIFY terminated;reason=rejected without body; an active watcher blocked later is rejected too', async () => {
    const fx = await startFixture({ defaultRule: 'ask' });
    expect((await putRules(fx, ALICE, rules({ 'sip:mallory@example.com': 'block', [CAROL]: 'allow' }))).status).toBe(201);
    const mallory = await watch(fx, 'sip:mallory@example.com');
    expect(mallory.status).toBe(200);
    const rejected = await mallory.peer.nextRequest();
    expect([rejected.headers.get('subscription-state'), rejected.body]).toEqual(['terminated;reason=rejected', '']);

    const carol = await watch(fx, CAROL);
    expect((await carol.peer.nextRequest()).headers.get('subscription-state')).toMatch(/^active;/);
    expect((await putRules(fx, ALICE, rules({ 'sip:mallory@example.com': 'block', [CAROL]: 'block' }))).status).toBe(200);
    const ended = await carol.peer.nextRequest();
    expect([ended.headers.get('subscription-state'), ended.body]).toEqual(['terminated;reason=rejected', '']);
    expect(fx.server.counters().subscriptionsActive).toBe(0);
  });

  it('given polite-block for carol, when she subscribes, then she is active but sees alice closed', async () => {
    const fx = await startFixture({ defaultRule: 'ask' });
    await alicePublishes(fx, 'here');
    await putRules(fx, ALICE, rules({ [CAROL]: 'polite-block' }));
    const carol = await watch(fx, CAROL);
    const notify = await carol.peer.nextRequest();
    expect(notify.headers.get('subscription-state')).toMatch(/^active;/);
    expect(notify.body).toContain('<basic>closed</basic>');
    expect(notify.body).not.toContain('here');
  });

  it('given alice subscribes to presence.winfo, then a full document first and a partial one per change (new pending watcher, approved, rejected)', async () => {
    const fx = await startFixture({ defaultRule: 'ask' });
    const bob = await watch(fx, BOB);
    await bob.peer.nextRequest();
    const alice = await watch(fx, ALICE, { event: 'presence.winfo' });
    expect(alice.status).toBe(200);
    const first = await alice.peer.nextRequest();
    expect(first.headers.get('event')).toBe('presence.winfo');
    expect(first.headers.get('content-type')).toBe('application/watcherinfo+xml');
    const full = winfoOf(first);
    expect(full).toMatchObject({ version: 0, state: 'full', lists: [{ resource: ALICE, package: 'presence' }] });
    expect(full.lists[0]?.watchers.map((w) => [w.uri, w.status, w.event])).toEqual([[BOB, 'pending', 'subscribe']]);

    const carol = await watch(fx, CAROL);
    await carol.peer.nextRequest();
    const added = winfoOf(await alice.peer.nextRequest());
    expect(added.state).toBe('partial');
    expect(added.version).toBe(1);
    expect(added.lists[0]?.watchers.map((w) => [w.uri, w.status, w.event])).toEqual([[CAROL, 'pending', 'subscribe']]);

    await putRules(fx, ALICE, rules({ [BOB]: 'allow', [CAROL]: 'block' }));
    const decided = [winfoOf(await alice.peer.nextRequest()), winfoOf(await alice.peer.nextRequest())];
    const changes = decided.flatMap((d) => d.lists[0]?.watchers.map((w) => [w.uri, w.status, w.event]) ?? []);
    expect(decided.map((d) => [d.state, d.version])).toEqual([
      ['partial', 2],
      ['partial', 3],
    ]);
    expect(changes).toEqual(
      expect.arrayContaining([
        [BOB, 'active', 'approved'],
        [CAROL, 'terminated', 'rejected'],
      ]),
    );
  });

  it('given alice watches her watchers, when bob unsubscribes, then a partial document shows him terminated; her refresh brings the full list again', async () => {
    const fx = await startFixture({ defaultRule: 'allow' });
    const bobPeer = await fx.udpPeer();
    const bobSpec = subscribeSpec(bobPeer, ALICE, { from: BOB, fromTag: 'b1', callId: 'bob-goes@test' });
    const bobTag = toTagOf(await bobPeer.request(bobSpec));
    await bobPeer.nextRequest();
    const alicePeer = await fx.udpPeer();
    const winfoSpec = subscribeSpec(alicePeer, ALICE, { from: ALICE, fromTag: 'a1', callId: 'winfo@test', event: 'presence.winfo' });
    const winfoTag = toTagOf(await alicePeer.request(winfoSpec));
    const full = winfoOf(await alicePeer.nextRequest());
    expect(full.lists[0]?.watchers.map((w) => [w.uri, w.status, w.event])).toEqual([[BOB, 'active', 'subscribe']]);

    await bobPeer.request(
      subscribeSpec(bobPeer, ALICE, { from: BOB, fromTag: 'b1', toTag: bobTag, callId: 'bob-goes@test', cseq: 2, expires: 0 }),
    );
    const gone = winfoOf(await alicePeer.nextRequest());
    expect([gone.state, gone.version]).toEqual(['partial', 1]);
    expect(gone.lists[0]?.watchers.map((w) => [w.uri, w.status, w.event])).toEqual([[BOB, 'terminated', 'timeout']]);

    const refresh = subscribeSpec(alicePeer, ALICE, {
      from: ALICE,
      fromTag: 'a1',
      toTag: winfoTag,
      callId: 'winfo@test',
      cseq: 2,
      event: 'presence.winfo',
    });
    expect((await alicePeer.request(refresh)).status).toBe(200);
    const again = winfoOf(await alicePeer.nextRequest());
    expect([again.state, again.version, again.lists[0]?.watchers.length]).toEqual(['full', 2, 0]);
  });

  it('given bob asks for alice’s watcher information, then 403', async () => {
    const fx = await startFixture({ defaultRule: 'ask' });
    const bob = await watch(fx, BOB, { event: 'presence.winfo' });
    expect(bob.status).toBe(403);
    expect(bob.reason).toContain('only sip:alice@example.com may see who watches');
  });
});

describe('the demo without a users file is unchanged', () => {
  it('given no users file and no --default-rule, when bob subscribes, then he is active with the document at once', async () => {
    const fx = await startFixture();
    await alicePublishes(fx, 'demo');
    const bob = await watch(fx, BOB);
    const notify = await bob.peer.nextRequest();
    expect(notify.headers.get('subscription-state')).toMatch(/^active;/);
    expect(notify.body).toContain('<note>demo</note>');
  });

  it('given no users file, when rules are written from this machine, then XCAP takes them without a login and GET returns them', async () => {
    const fx = await startFixture();
    expect((await http(fx, 'GET', rulesPath(ALICE))).status).toBe(404);
    const xml = rules({ [BOB]: 'block' }, 'allow');
    expect((await putRules(fx, ALICE, xml)).status).toBe(201);
    const read = await http(fx, 'GET', rulesPath(ALICE));
    expect([read.status, read.headers.get('content-type'), read.body]).toEqual([200, RULES_TYPE, xml]);
    expect(fx.server.xcapRoot).toBe(`http://127.0.0.1:${fx.server.addresses.ws?.port}/xcap-root`);
  });
});

describe('XCAP with a users file (HTTP Digest, RFC 7616)', () => {
  const authFixture = () => startFixture({ domains: [REALM], authentication: { users: USERS, realm: REALM } });

  it('given no login, then 401 with the SHA-256 and MD5 challenges; alice logged in writes (201), replaces (200) and reads her document', async () => {
    const fx = await authFixture();
    const anonymous = await http(fx, 'GET', rulesPath(ALICE));
    expect(anonymous.status).toBe(401);
    expect(challengesOf(anonymous).map((c) => c.get('algorithm'))).toEqual(['SHA-256', 'MD5']);
    expect((await httpAs(fx, 'alice', 'PUT', rulesPath(ALICE), { body: rules({ [BOB]: 'allow' }), type: RULES_TYPE })).status).toBe(201);
    const replaced = rules({ [BOB]: 'polite-block' });
    expect((await httpAs(fx, 'alice', 'PUT', rulesPath(ALICE), { body: replaced, type: RULES_TYPE })).status).toBe(200);
    const read = await httpAs(fx, 'alice', 'GET', rulesPath(ALICE));
    expect([read.status, read.body]).toEqual([200, replaced]);
  });

  it('given bob logged in, when he reads or writes alice’s document, then 403', async () => {
    const fx = await authFixture();
    const read = await httpAs(fx, 'bob', 'GET', rulesPath(ALICE));
    expect(read.status).toBe(403);
    expect(read.body).toContain('only your own presence rules');
    expect((await httpAs(fx, 'bob', 'PUT', rulesPath(ALICE), { body: rules({ [BOB]: 'allow' }), type: RULES_TYPE })).status).toBe(403);
  });

  it('given bad documents, then 409 (not well-formed, or rules the server cannot represent) or 400, 415 for another type; nothing is stored', async () => {
    const fx = await authFixture();
    const put = (body: string, type = RULES_TYPE) => httpAs(fx, 'alice', 'PUT', rulesPath(ALICE), { body, type });
    const broken = await put('<cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy"><cr:rule');
    expect([broken.status, broken.headers.get('content-type')]).toEqual([409, 'application/xcap-error+xml']);
    expect(broken.body).toContain('<not-well-formed/>');
    const byDomain = await put(
      '<cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy" xmlns:pr="urn:ietf:params:xml:ns:pres-rules"><cr:rule id="d"><cr:conditions><cr:identity><cr:many domain="example.org"/></cr:identity></cr:conditions><cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions></cr:rule></cr:ruleset>',
    );
    expect(byDomain.status).toBe(409);
    expect(byDomain.body).toMatch(/<constraint-failure phrase="[^"]*whole domain/);
    const entity = await put('<!DOCTYPE r [<!ENTITY x "y">]><cr:ruleset xmlns:cr="urn:ietf:params:xml:ns:common-policy"/>');
    expect([entity.status, entity.body]).toEqual([409, expect.stringContaining('DTD')]);
    expect((await put('')).status).toBe(400);
    const wrongType = await put(rules({}), 'text/plain');
    expect([wrongType.status, wrongType.body]).toEqual([415, expect.stringContaining('application/auth-policy+xml')]);
    expect((await httpAs(fx, 'alice', 'GET', rulesPath(ALICE))).status).toBe(404);
    expect((await http(fx, 'DELETE', rulesPath(ALICE))).status).toBe(405);
    expect((await http(fx, 'GET', '/xcap-root/pres-rules/users/sip%3Aalice%40elsewhere.org/index')).status).toBe(404);
    // Not under the XCAP root: the WebSocket port's answer to plain HTTP, as before.
    expect((await http(fx, 'GET', '/')).status).toBe(426);
  });

  it('given a users file and no rules, when bob (logged in) subscribes, then he is pending; alice allowing him over XCAP makes him active at once', async () => {
    const fx = await authFixture();
    const peer = await fx.udpPeer();
    const spec = subscribeSpec(peer, ALICE, { from: BOB });
    const challenged = await peer.request(spec);
    expect(challenged.status).toBe(401);
    const answer = authorization(challengesOf(challenged), { user: 'bob', password: 'bob-secret', method: 'SUBSCRIBE', uri: ALICE });
    const accepted = await peer.request({ ...spec, cseq: 2, headers: [...(spec.headers ?? []), ['Authorization', answer]] });
    expect(accepted.status).toBe(200);
    expect((await peer.nextRequest()).headers.get('subscription-state')).toMatch(/^pending;/);
    expect((await httpAs(fx, 'alice', 'PUT', rulesPath(ALICE), { body: rules({ [BOB]: 'allow' }), type: RULES_TYPE })).status).toBe(201);
    const active = await peer.nextRequest();
    expect(active.headers.get('subscription-state')).toMatch(/^active;/);
    expect(active.body).toContain(`entity="${ALICE}"`);
  });

  it('given an oversized document, then 413 before it is read', async () => {
    const fx = await authFixture();
    const big = rules({}).replace('</cp:ruleset>', `<!-- ${'x'.repeat(70 * 1024)} --></cp:ruleset>`);
    expect((await httpAs(fx, 'alice', 'PUT', rulesPath(ALICE), { body: big, type: RULES_TYPE })).status).toBe(413);
  });
});
