/**
 * The list subscription (RFC 4662) against a scripted notifier over real TCP on 127.0.0.1, for what a real server will
 * not send on demand: a malformed RLMI, a part without its Content-ID, a cid with no part, a 404 to the list URI.
 * Each NOTIFY is answered 200, the one subscription is never ended, the members keep their last good presence with a
 * warning, and a refused list falls back to one SUBSCRIBE per buddy.
 */
import { describe, expect, it } from 'vitest';
import type { SipClient } from '../../../electron/sip/sip-client';
import { buildPidf } from '../../../shared/pidf';
import { buildMultipartRelated, buildRlmi } from '../../../shared/resource-lists';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { answerRegister, type ScriptedRequest, type ScriptedSipServer } from '../../support/sip/scripted-sip-server';
import { startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const LIST = 'sip:alice-buddies@example.com';
const BOB = 'sip:bob@example.com';
const CAROL = 'sip:carol@example.com';

async function setUp(answerList: (request: ScriptedRequest) => void): Promise<{ client: SipClient; server: ScriptedSipServer }> {
  const server = await startScriptedServer('tcp');
  server.onRequest = (request) => {
    if (answerRegister(request)) return;
    if (request.method !== 'SUBSCRIBE') return void request.respond(405, 'Method Not Allowed');
    if (request.requestUri.startsWith(LIST)) answerList(request);
    else request.respond(200, 'OK', [`Expires: ${request.header('expires') ?? '600'}`]);
  };
  const [client] = await startClients(server.uri, ['alice'], { account: { publish: false, presenceListUri: LIST } });
  return { client, server };
}

function listBody(version: number, isFullState: boolean, members: readonly { uri: string; status: 'available' | 'busy' | 'away' }[]) {
  return buildMultipartRelated({
    type: 'application/rlmi+xml',
    parts: [
      {
        contentId: 'root@x',
        contentType: 'application/rlmi+xml;charset="UTF-8"',
        body: buildRlmi({
          uri: LIST,
          version,
          isFullState,
          names: [],
          resources: members.map((m, i) => ({
            uri: m.uri,
            names: [],
            instances: [{ id: `i${i}`, state: 'active' as const, cid: `p${i}@x` }],
          })),
        }),
      },
      ...members.map((m, i) => ({
        contentId: `p${i}@x`,
        contentType: 'application/pidf+xml',
        body: buildPidf({ entity: m.uri, tupleId: 't', status: m.status, note: m.status, timestamp: new Date(0) }),
      })),
    ],
  });
}

const presenceOf = (client: SipClient, aor: string) => client.buddies.find((b) => b.aor === aor);

describe('the buddy list as one subscription (scripted notifier)', () => {
  it('given full state, then damaged list NOTIFYs, then a good one, then every NOTIFY is answered 200, the one subscription goes on and the members keep their last good presence', async () => {
    const { client, server } = await setUp((request) => request.respond(200, 'OK', ['Expires: 600', 'Require: eventlist']));
    client.watch(BOB);
    client.watch(CAROL);
    const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE');
    expect(subscribe.header('supported')).toBe('eventlist');
    expect(subscribe.header('accept')).toMatch(/^application\/rlmi\+xml, multipart\/related, application\/pidf\+xml/);
    const send = (cseq: number, body: { contentType: string; body: string }) =>
      server.sendNotify(subscribe, {
        cseq,
        subscriptionState: 'active;expires=600',
        body: { contentType: body.contentType, content: body.body },
      });

    send(
      1,
      listBody(0, true, [
        { uri: BOB, status: 'available' },
        { uri: CAROL, status: 'away' },
      ]),
    );
    await waitFor(client.onBuddy.bind(client), () => presenceOf(client, CAROL)?.presence?.status === 'away', { what: 'full state' });

    const malformedRlmi = listBody(1, false, [{ uri: BOB, status: 'busy' }]);
    send(2, { ...malformedRlmi, body: malformedRlmi.body.replace('version="1"', 'version="one"') });
    const withoutContentId = listBody(1, false, [{ uri: BOB, status: 'busy' }]);
    send(3, { ...withoutContentId, body: withoutContentId.body.replace('Content-ID: <p0@x>\r\n', '') });
    const bob = await waitFor(client.onBuddy.bind(client), (b) => b.aor === BOB && b.subscription.problem !== undefined, {
      what: 'a warning on bob',
    });
    expect(bob).toMatchObject({
      presence: { status: 'available' },
      subscription: { phase: 'active', problem: { message: expect.stringMatching(/did not carry it/) } },
    });
    expect(client.buddyFeed.subscription).toMatchObject({ phase: 'active', problem: { message: expect.stringMatching(/no Content-ID/) } });

    send(4, listBody(2, false, [{ uri: BOB, status: 'busy' }]));
    const busy = await waitFor(client.onBuddy.bind(client), (b) => b.aor === BOB && b.presence?.status === 'busy', { what: 'bob busy' });
    expect(busy.subscription).not.toHaveProperty('problem');
    expect(presenceOf(client, CAROL)?.presence?.status).toBe('away');

    await server.waitForResponse(() => server.responses.filter((r) => r.cseqMethod === 'NOTIFY').length >= 4, 5_000, 'four answers');
    const answers = server.responses.filter((r) => r.cseqMethod === 'NOTIFY');
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    expect(server.requestsOf('SUBSCRIBE')).toHaveLength(1);
  }, 30_000);

  it('given the list URI answered 404, then each buddy is subscribed on its own and the feed says why', async () => {
    const { client, server } = await setUp((request) => request.respond(404, 'Not Found'));
    client.watch(BOB);
    const feed = await waitFor(client.onBuddyFeed.bind(client), (f) => f.kind === 'per-buddy', {
      current: client.buddyFeed,
      what: 'the fallback',
    });
    expect(feed.problem).toMatchObject({ statusCode: 404 });
    const own = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r.requestUri.startsWith(BOB));
    expect(own.header('supported') ?? '').not.toMatch(/eventlist/);
  }, 30_000);
});
