/**
 * The engine's own watcher information subscription (RFC 3857 `presence.winfo`) against a scripted notifier: a full
 * document then a partial one, a body we cannot read answered 200 with the subscription and the watchers kept, a body
 * of a type we never accepted answered 415, a gap in the versions answered by a refresh (whose NOTIFY brings the full
 * state), and a server without the package (489) reported as such.
 */
import { describe, expect, it } from 'vitest';
import type { SipClient, WatcherInfoState } from '../../../electron/sip/sip-client';
import { buildWatcherInfo, type WatcherEntry } from '../../../shared/watcherinfo';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { answerRegister, type ScriptedRequest, type ScriptedSipServer } from '../../support/sip/scripted-sip-server';
import { startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const ALICE = 'sip:alice@example.com';
const WINFO = 'presence.winfo';

const bob: WatcherEntry = { id: 'w1', uri: 'sip:bob@example.com', status: 'pending', event: 'subscribe' };
const carol: WatcherEntry = { id: 'w2', uri: 'sip:carol@example.com', status: 'pending', event: 'subscribe' };

const winfo = (version: number, state: 'full' | 'partial', watchers: readonly WatcherEntry[]) => ({
  contentType: 'application/watcherinfo+xml',
  content: buildWatcherInfo({ version, state, lists: [{ resource: ALICE, package: 'presence', watchers }] }),
});

/** A notifier answering the winfo SUBSCRIBE with `code`; alice's client watching her watcher information. */
async function setUp(
  code = 200,
): Promise<{ readonly client: SipClient; readonly server: ScriptedSipServer; readonly subscribe: ScriptedRequest }> {
  const server = await startScriptedServer('tcp');
  server.onRequest = (request) => {
    if (answerRegister(request)) return;
    if (request.method === 'SUBSCRIBE')
      request.respond(code, code === 200 ? 'OK' : 'Bad Event', code === 200 ? ['Expires: 600'] : ['Allow-Events: presence']);
    else request.respond(405, 'Method Not Allowed');
  };
  const [client] = await startClients(server.uri, ['alice'], { account: { publish: false, watcherInfo: true } });
  const subscribe = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r.header('event') === WINFO);
  expect(subscribe.requestUri).toBe(ALICE);
  expect(subscribe.header('accept')).toBe('application/watcherinfo+xml');
  return { client, server, subscribe };
}

const until = (client: SipClient, predicate: (info: WatcherInfoState) => boolean, what: string) =>
  waitFor(client.onWatcherInfo.bind(client), predicate, { current: client.watcherInfo, what });

describe("the engine's watcher information (scripted notifier)", () => {
  it('given a full document then a partial one, then the watchers follow; a body we cannot read is answered 200 and changes nothing but a warning', async () => {
    const { client, server, subscribe } = await setUp();
    server.sendNotify(subscribe, { cseq: 1, event: WINFO, subscriptionState: 'active;expires=600', body: winfo(0, 'full', [bob]) });
    await until(client, (i) => i.subscription.phase === 'active' && i.watchers.length === 1, 'bob listed');
    server.sendNotify(subscribe, { cseq: 2, event: WINFO, subscriptionState: 'active;expires=600', body: winfo(1, 'partial', [carol]) });
    const both = await until(client, (i) => i.watchers.length === 2, 'bob and carol listed');
    expect(both.watchers.map((w) => w.uri)).toEqual([bob.uri, carol.uri]);

    server.sendNotify(subscribe, {
      cseq: 3,
      event: WINFO,
      subscriptionState: 'active;expires=600',
      body: { contentType: 'application/watcherinfo+xml', content: '<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo"' },
    });
    const warned = await until(client, (i) => i.subscription.problem !== undefined, 'a warning');
    expect(warned.subscription.phase).toBe('active');
    expect(warned.subscription.problem?.message).toMatch(/^The server sent watcher information Presently could not read: /);
    expect(warned.watchers).toHaveLength(2);
    const answer = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.header('cseq')?.startsWith('3 ') === true);
    expect(answer.statusCode).toBe(200);

    server.sendNotify(subscribe, {
      cseq: 4,
      event: WINFO,
      subscriptionState: 'active;expires=600',
      body: { contentType: 'application/pidf+xml', content: '<presence/>' },
    });
    const refused = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.header('cseq')?.startsWith('4 ') === true);
    expect(refused.statusCode).toBe(415);
    expect(refused.header('accept')).toBe('application/watcherinfo+xml');
  });

  it('given a partial document after a gap in the versions, then the subscription is refreshed in its dialog for the full state', async () => {
    const { client, server, subscribe } = await setUp();
    server.sendNotify(subscribe, { cseq: 1, event: WINFO, subscriptionState: 'active;expires=600', body: winfo(0, 'full', [bob]) });
    await until(client, (i) => i.watchers.length === 1, 'bob listed');
    server.sendNotify(subscribe, { cseq: 2, event: WINFO, subscriptionState: 'active;expires=600', body: winfo(5, 'partial', [carol]) });
    const refresh = await server.waitForRequest((r) => r.method === 'SUBSCRIBE' && r.header('event') === WINFO && r !== subscribe);
    expect(refresh.header('call-id')).toBe(subscribe.header('call-id'));
    expect(refresh.header('to')).toContain(`tag=${subscribe.toTag}`);
  });

  it('given a server without watcher information, when it answers 489, then the state says so with the code', async () => {
    const { client } = await setUp(489);
    const refused = await until(client, (i) => i.subscription.phase === 'error', 'the 489');
    expect(refused.subscription.phase === 'error' && refused.subscription.problem?.statusCode).toBe(489);
    expect(refused.watchers).toEqual([]);
  });
});
