/**
 * Buddy lists as resource lists (RFC 4662 with RFC 4826 list content) over real sockets on 127.0.0.1: the owner
 * writes a resource-lists document over XCAP, subscribes once to `sip:<user>-buddies@<domain>` with
 * `Supported: eventlist`, and gets multipart/related NOTIFYs — RLMI plus one PIDF part per member — full state first,
 * then only what changed; the members' presence rules decide each instance's state; a list change is a full state.
 */
import { describe, expect, it } from 'vitest';
import { buildPresRules } from '../../../shared/pres-rules';
import { parseMultipartRelated } from '../../../shared/resource-lists/multipart';
import {
  buildResourceLists,
  buildRlsServices,
  entryUris,
  parseResourceLists,
  parseRlsServices,
  RESOURCE_LISTS_CONTENT_TYPE,
} from '../../../shared/resource-lists/resource-lists';
import { parseRlmi, type RlmiDocument } from '../../../shared/resource-lists/rlmi';
import { parsePresenceBody } from '../../../shared/pidf';
import type { CompositorOptions } from '../../../electron/compositor';
import { httpRequestTo } from '../../support/compositor/http-request';
import { pidf, type SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const LIST = 'sip:alice-buddies@example.com';
const LIST_ACCEPT = 'multipart/related, application/rlmi+xml, application/pidf+xml';

const member = (i: number): string => `sip:buddy${i}@example.com`;

function listDocument(uris: readonly string[]): string {
  return buildResourceLists({
    lists: [{ name: 'buddies', items: uris.map((uri, i) => ({ kind: 'entry' as const, uri, displayName: `Buddy ${i}` })) }],
  });
}

async function putDocument(fx: CompositorFixture, auid: string, owner: string, body: string, type: string): Promise<number> {
  const ws = fx.server.addresses.ws;
  if (ws === undefined) throw new Error('ws is off in this fixture');
  const answer = await httpRequestTo(ws, 'PUT', `/xcap-root/${auid}/users/${encodeURIComponent(owner)}/index`, { body, type });
  return answer.status;
}

function putList(fx: CompositorFixture, uris: readonly string[], owner = ALICE): Promise<number> {
  return putDocument(fx, 'resource-lists', owner, listDocument(uris), RESOURCE_LISTS_CONTENT_TYPE);
}

function subscribeToList(peer: SipTestPeer, options: { supported?: string | null; from?: string; expires?: number } = {}) {
  return peer.request(
    subscribeSpec(peer, LIST, {
      from: options.from ?? ALICE,
      accept: LIST_ACCEPT,
      ...(options.expires === undefined ? {} : { expires: options.expires }),
      extraHeaders: options.supported === null ? [] : [['Supported', options.supported ?? 'eventlist']],
    }),
  );
}

/** A list NOTIFY read through the shared codecs: its RLMI document and the PIDF part of each active member. */
function readListNotify(notify: { body: string; headers: { get(name: string): string | undefined } }): {
  rlmi: RlmiDocument;
  bodies: Map<string, string>;
} {
  expect(notify.headers.get('require')).toBe('eventlist');
  const contentType = notify.headers.get('content-type') ?? '';
  expect(contentType).toMatch(/^multipart\/related;type="application\/rlmi\+xml"/);
  const multipart = parseMultipartRelated(notify.body, contentType);
  if (!multipart.ok) throw new Error(multipart.message);
  const root = multipart.multipart.root;
  if (root === undefined) throw new Error('no root part');
  const rlmi = parseRlmi(root.body);
  if (!rlmi.ok) throw new Error(rlmi.message);
  const byCid = new Map(multipart.multipart.parts.map((part) => [part.contentId, part.body]));
  const bodies = new Map<string, string>();
  for (const resource of rlmi.document.resources) {
    const cid = resource.instances[0]?.cid;
    if (cid !== undefined) bodies.set(resource.uri, byCid.get(cid) ?? '');
  }
  return { rlmi: rlmi.document, bodies };
}

function noteOf(body: string): string | null {
  const parsed = parsePresenceBody(body, 'application/pidf+xml');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.document.tuples[0]?.notes[0]?.text ?? null;
}

async function start(options: CompositorOptions = {}): Promise<CompositorFixture> {
  return startFixture({ domains: ['example.com'], ...options });
}

describe('a buddy list as a resource list (RFC 4662)', { timeout: 60_000 }, () => {
  it('given a 200-member list, when alice subscribes with eventlist, then full state first, then one member change as one part', async () => {
    const fx = await start();
    const members = Array.from({ length: 200 }, (_, i) => member(i));
    expect(await putList(fx, members)).toBe(201);
    const epa = await fx.udpPeer();
    for (const i of [3, 150]) {
      expect(
        (await epa.request(publishSpec(member(i), { body: pidf(member(i), [{ id: 'pc', basic: 'open', note: `hello ${i}` }]) }))).status,
      ).toBe(200);
    }
    const owner = await fx.tcpPeer();
    const subscribed = await subscribeToList(owner);
    expect(subscribed.status).toBe(200);
    expect(subscribed.headers.get('require')).toBe('eventlist');

    const full = readListNotify(await owner.nextRequest());
    expect([full.rlmi.uri, full.rlmi.version, full.rlmi.isFullState]).toEqual([LIST, 0, true]);
    expect(full.rlmi.resources.map((r) => r.uri)).toEqual(members);
    expect(full.rlmi.resources[7]?.names[0]?.text).toBe('Buddy 7');
    expect(full.rlmi.resources.every((r) => r.instances[0]?.state === 'active')).toBe(true);
    expect(full.bodies.size).toBe(200);
    expect(noteOf(full.bodies.get(member(3)) ?? '')).toBe('hello 3');

    expect(
      (await epa.request(publishSpec(member(42), { body: pidf(member(42), [{ id: 'pc', basic: 'open', note: 'in a meeting' }]) }))).status,
    ).toBe(200);
    const partial = readListNotify(await owner.nextRequest());
    expect([partial.rlmi.version, partial.rlmi.isFullState]).toEqual([1, false]);
    expect(partial.rlmi.resources.map((r) => r.uri)).toEqual([member(42)]);
    expect([...partial.bodies.keys()]).toEqual([member(42)]);
    expect(noteOf(partial.bodies.get(member(42)) ?? '')).toBe('in a meeting');
    // One dialog for 200 buddies.
    expect(fx.server.counters().subscriptionsActive).toBe(1);
  });

  it('given a coalescing window, when three members change within it, then one NOTIFY carries the three', async () => {
    const fx = await start({ notifyCoalesceMs: 300 });
    expect(await putList(fx, [member(1), member(2), member(3), member(4)])).toBe(201);
    const owner = await fx.tcpPeer();
    expect((await subscribeToList(owner)).status).toBe(200);
    readListNotify(await owner.nextRequest());
    const epa = await fx.udpPeer();
    for (const i of [1, 2, 3]) await epa.request(publishSpec(member(i), { body: pidf(member(i), [{ id: 'pc', basic: 'open' }]) }));
    const partial = readListNotify(await owner.nextRequest());
    expect([partial.rlmi.version, partial.rlmi.resources.map((r) => r.uri).sort()]).toEqual([1, [member(1), member(2), member(3)]]);
    await owner.expectNoRequest('NOTIFY', 500);
  });

  it('given the list changes over XCAP, when it is stored, then the subscription gets full state of the new list', async () => {
    const fx = await start();
    expect(await putList(fx, [member(1), member(2)])).toBe(201);
    const owner = await fx.tcpPeer();
    expect((await subscribeToList(owner)).status).toBe(200);
    expect(readListNotify(await owner.nextRequest()).rlmi.resources).toHaveLength(2);
    expect(await putList(fx, [member(2), member(3), member(4)])).toBe(200);
    const changed = readListNotify(await owner.nextRequest());
    expect([changed.rlmi.version, changed.rlmi.isFullState]).toEqual([1, true]);
    expect(changed.rlmi.resources.map((r) => r.uri)).toEqual([member(2), member(3), member(4)]);
    // The member dropped from the list no longer reaches the subscription.
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(member(1), { body: pidf(member(1), [{ id: 'pc', basic: 'open' }]) }));
    await owner.expectNoRequest('NOTIFY', 300);
  });

  it('given members whose rules ask, block, or who live in another domain, when alice subscribes, then they are pending, rejected, noresource', async () => {
    const fx = await start({ defaultRule: 'ask' });
    const blocker = member(2);
    const allower = member(3);
    expect(
      await putDocument(
        fx,
        'pres-rules',
        blocker,
        buildPresRules({ defaultHandling: 'block', byWatcher: new Map() }),
        'application/auth-policy+xml',
      ),
    ).toBe(201);
    expect(
      await putDocument(
        fx,
        'pres-rules',
        allower,
        buildPresRules({ defaultHandling: 'confirm', byWatcher: new Map([[ALICE, 'allow']]) }),
        'application/auth-policy+xml',
      ),
    ).toBe(201);
    expect(await putList(fx, [member(1), blocker, allower, 'sip:dave@elsewhere.example.org'])).toBe(201);
    const owner = await fx.tcpPeer();
    expect((await subscribeToList(owner)).status).toBe(200);
    const full = readListNotify(await owner.nextRequest());
    expect(full.rlmi.resources.map((r) => [r.uri, r.instances[0]?.state, r.instances[0]?.reason])).toEqual([
      [member(1), 'pending', undefined],
      [blocker, 'terminated', 'rejected'],
      [allower, 'active', undefined],
      ['sip:dave@elsewhere.example.org', 'terminated', 'noresource'],
    ]);
    expect([...full.bodies.keys()]).toEqual([allower]);

    // buddy1 now allows alice: the list hears of it as a partial update.
    expect(
      await putDocument(
        fx,
        'pres-rules',
        member(1),
        buildPresRules({ defaultHandling: 'confirm', byWatcher: new Map([[ALICE, 'allow']]) }),
        'application/auth-policy+xml',
      ),
    ).toBe(201);
    const partial = readListNotify(await owner.nextRequest());
    expect(partial.rlmi.resources.map((r) => [r.uri, r.instances[0]?.state])).toEqual([[member(1), 'active']]);
  });

  it('given no Supported: eventlist, when the list URI is subscribed, then 421 with Require: eventlist', async () => {
    const fx = await start();
    const owner = await fx.tcpPeer();
    const response = await subscribeToList(owner, { supported: null });
    expect([response.status, response.headers.get('require')]).toEqual([421, 'eventlist']);
    expect(response.reason).toContain('subscribe with Supported: eventlist');
  });

  it('given an Accept without the list types, then 406; given a fetch (Expires 0), then one NOTIFY with the full state, terminated', async () => {
    const fx = await start();
    expect(await putList(fx, [member(1)])).toBe(201);
    const owner = await fx.tcpPeer();
    const refused = await owner.request(
      subscribeSpec(owner, LIST, { from: ALICE, accept: 'application/pidf+xml', extraHeaders: [['Supported', 'eventlist']] }),
    );
    expect([refused.status, refused.headers.get('accept')]).toEqual([406, LIST_ACCEPT]);
    expect((await subscribeToList(owner, { expires: 0 })).status).toBe(200);
    const fetched = await owner.nextRequest();
    expect(fetched.headers.get('subscription-state')).toBe('terminated;reason=timeout');
    const read = readListNotify(fetched);
    expect([read.rlmi.isFullState, read.rlmi.resources.map((r) => r.uri)]).toEqual([true, [member(1)]]);
    expect(fx.server.counters().subscriptionsActive).toBe(0);
  });

  it("given bob, when he subscribes to alice's list, then 403", async () => {
    const fx = await start();
    const bob = await fx.tcpPeer();
    const response = await subscribeToList(bob, { from: 'sip:bob@example.com' });
    expect([response.status, response.reason]).toEqual([403, `Forbidden: only ${ALICE} may subscribe to this buddy list`]);
  });

  it('given a small list over UDP it is served, and one too large for a datagram is refused saying to use TCP', async () => {
    const fx = await start();
    expect(await putList(fx, [member(1), member(2)])).toBe(201);
    const owner = await fx.udpPeer();
    expect((await subscribeToList(owner)).status).toBe(200);
    expect(readListNotify(await owner.nextRequest()).rlmi.resources).toHaveLength(2);

    expect(
      await putList(
        fx,
        Array.from({ length: 200 }, (_, i) => member(i)),
      ),
    ).toBe(200);
    // The list outgrew a datagram: the subscription ends (deactivated) rather than falling silent …
    const ended = await owner.nextRequest();
    expect(ended.headers.get('subscription-state')).toBe('terminated;reason=deactivated');
    // … and subscribing again over UDP says why.
    const again = await subscribeToList(owner);
    expect(again.status).toBe(403);
    expect(again.reason).toMatch(/too large for UDP: subscribe over TCP, TLS or WebSocket/);
  });

  it('given a 5,000-member list, when alice subscribes over TCP, then the full state arrives whole and a change after it as one part', async () => {
    const fx = await start();
    const members = Array.from({ length: 5000 }, (_, i) => member(i));
    expect(await putList(fx, members)).toBe(201);
    const owner = await fx.tcpPeer();
    expect((await subscribeToList(owner)).status).toBe(200);
    const full = readListNotify(await owner.nextRequest('NOTIFY', 30_000));
    expect([full.rlmi.resources.length, full.bodies.size]).toEqual([5000, 5000]);
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(member(4999), { body: pidf(member(4999), [{ id: 'pc', basic: 'open', note: 'last' }]) }));
    const partial = readListNotify(await owner.nextRequest());
    expect(partial.rlmi.resources.map((r) => r.uri)).toEqual([member(4999)]);
  });
});

describe('buddy lists over XCAP (RFC 4825, RFC 4826)', () => {
  it('given a list written, when read back and when rls-services is asked, then the document as written and the list URI', async () => {
    const fx = await start();
    const document = listDocument([member(1)]);
    expect(await putDocument(fx, 'resource-lists', ALICE, document, RESOURCE_LISTS_CONTENT_TYPE)).toBe(201);
    const ws = fx.server.addresses.ws as { host: string; port: number };
    const read = await httpRequestTo(ws, 'GET', `/xcap-root/resource-lists/users/${encodeURIComponent(ALICE)}/index`);
    expect([read.status, read.headers.get('content-type'), read.body]).toEqual([200, RESOURCE_LISTS_CONTENT_TYPE, document]);
    const services = await httpRequestTo(ws, 'GET', `/xcap-root/rls-services/users/${encodeURIComponent(ALICE)}/index`);
    expect(services.status).toBe(200);
    const parsed = parseRlsServices(services.body);
    expect(parsed.ok && parsed.document.services.map((s) => [s.uri, s.packages])).toEqual([[LIST, ['presence']]]);
    // The document given out, written back unchanged (a client that edits other services keeps ours): nothing changes.
    const servicesPath = `/xcap-root/rls-services/users/${encodeURIComponent(ALICE)}/index`;
    const putServices = (body: string) => httpRequestTo(ws, 'PUT', servicesPath, { body, type: 'application/rls-services+xml' });
    expect((await putServices(services.body)).status).toBe(200);
    expect((await httpRequestTo(ws, 'GET', `/xcap-root/resource-lists/users/${encodeURIComponent(ALICE)}/index`)).body).toBe(document);
  });

  it('given the list written inline in its rls-services service, the way Kamailio is fed, then it becomes the buddy list', async () => {
    const fx = await start();
    const ws = fx.server.addresses.ws as { host: string; port: number };
    const servicesPath = `/xcap-root/rls-services/users/${encodeURIComponent(ALICE)}/index`;
    const putServices = (body: string) => httpRequestTo(ws, 'PUT', servicesPath, { body, type: 'application/rls-services+xml' });
    const inline = (uri: string, members: readonly string[]) =>
      buildRlsServices({
        services: [
          {
            uri,
            source: { kind: 'list', list: { items: members.map((m) => ({ kind: 'entry' as const, uri: m })) } },
            packages: ['presence'],
          },
        ],
      });
    expect((await putServices(inline(LIST, [member(1), member(2)]))).status).toBe(201);
    const read = await httpRequestTo(ws, 'GET', `/xcap-root/resource-lists/users/${encodeURIComponent(ALICE)}/index`);
    const lists = parseResourceLists(read.body);
    expect(lists.ok && lists.document.lists.flatMap((list) => entryUris(list))).toEqual([member(1), member(2)]);
    // Only the owner's one list URI is served: another service is refused with the URI it must use.
    const other = await putServices(inline('sip:alice-team@example.com', [member(3)]));
    expect([other.status, other.body]).toEqual([409, expect.stringContaining(LIST)]);
    const owner = await fx.tcpPeer();
    expect((await subscribeToList(owner)).status).toBe(200);
    const full = readListNotify(await owner.nextRequest('NOTIFY', 30_000));
    expect(full.rlmi.resources.map((r) => r.uri)).toEqual([member(1), member(2)]);
  });

  it('given bad documents, when PUT, then 409 with a reason and 413 for a huge one, and the stored list is unchanged', async () => {
    const fx = await start();
    const ws = fx.server.addresses.ws as { host: string; port: number };
    const path = `/xcap-root/resource-lists/users/${encodeURIComponent(ALICE)}/index`;
    const put = (body: string) => httpRequestTo(ws, 'PUT', path, { body, type: RESOURCE_LISTS_CONTENT_TYPE });
    expect((await put(listDocument([member(1)]))).status).toBe(201);

    const malformed = await put('<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list>');
    expect([malformed.status, malformed.body]).toEqual([409, expect.stringContaining('not-well-formed')]);
    const reference = await put(
      '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry-ref ref="resource-lists/users/sip:x@example.com/index"/></list></resource-lists>',
    );
    expect([reference.status, reference.body]).toEqual([409, expect.stringContaining('is not followed; list the entries themselves')]);
    const notAnAor = await put(
      '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry uri="tel:+123"/></list></resource-lists>',
    );
    expect([notAnAor.status, notAnAor.body]).toEqual([409, expect.stringContaining('not a SIP address-of-record')]);
    const tooMany = await put(
      `<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list>${Array.from({ length: 12_000 }, (_, i) => `<entry uri="sip:u${i}@e"/>`).join('')}</list></resource-lists>`,
    );
    expect(tooMany.status).toBe(409);
    const huge = await put(listDocument(Array.from({ length: 100_000 }, (_, i) => member(i))));
    expect(huge.status).toBe(413);

    const read = await httpRequestTo(ws, 'GET', path);
    expect(read.body).toBe(listDocument([member(1)]));
  });
});
