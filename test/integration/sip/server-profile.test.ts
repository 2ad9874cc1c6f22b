/**
 * The client against a server that answers like Asterisk (PJSIP with extension hints): REGISTER 200, PUBLISH 489 Bad
 * Event, presence SUBSCRIBE refused (489) or taken (200), dialog SUBSCRIBE 200 followed by dialog-info NOTIFYs
 * (RFC 4235). The peer is a scripted SIP server on a real loopback socket (test/support/sip/scripted-sip-server.ts),
 * because no Asterisk can be installed here; its headers are Asterisk 20's defaults (res_pjsip's "Asterisk PBX
 * <version>" Server and its Allow-Events list). Kamailio and the built-in server are recognised in
 * test/e2e/server-profile.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import type { SipClient } from '../../../electron/sip/sip-client';
import { buildPidf } from '../../../shared/pidf';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { createClients } from '../../support/sip/sip-clients';
import { collect, waitFor } from '../../support/sip/wait-for';

const BOB = 'sip:bob@example.com';
const ASTERISK_HEADERS = ['Server: Asterisk PBX 20.5.0', 'Allow-Events: presence, dialog, message-summary, refer'];

/** RFC 4235 dialog-info for extension bob, as Asterisk sends it: one dialog named after the extension. */
const dialogInfo = (version: number, state: 'early' | 'confirmed' | 'terminated') => ({
  contentType: 'application/dialog-info+xml',
  content:
    `<?xml version="1.0" encoding="UTF-8"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${BOB}">` +
    `<dialog id="bob" direction="recipient"><state>${state}</state></dialog></dialog-info>`,
});

/** An Asterisk-like peer; `presenceSubscribe` is its answer to a presence SUBSCRIBE. */
async function asteriskLike(presenceSubscribe: 489 | 200) {
  const server = await startScriptedServer('tcp');
  server.onRequest = (request) => {
    const expires = request.header('expires') ?? '600';
    if (request.method === 'REGISTER') {
      const contact = (request.header('contact') ?? '').replace(/;\s*expires=\d+/i, '');
      request.respond(200, 'OK', [...ASTERISK_HEADERS, `Contact: ${contact};expires=${expires}`, `Expires: ${expires}`]);
    } else if (request.method === 'PUBLISH') {
      request.respond(489, 'Bad Event', ASTERISK_HEADERS);
    } else if (request.method === 'SUBSCRIBE' && request.header('event') === 'dialog') {
      request.respond(200, 'OK', [...ASTERISK_HEADERS, `Expires: ${expires}`]);
    } else if (request.method === 'SUBSCRIBE' && presenceSubscribe === 200) {
      request.respond(200, 'OK', [...ASTERISK_HEADERS, `Expires: ${expires}`]);
      server.sendNotify(request, {
        cseq: 1,
        subscriptionState: `active;expires=${expires}`,
        body: {
          contentType: 'application/pidf+xml',
          content: buildPidf({ entity: BOB, tupleId: 'bob', status: 'available', note: 'Ready', timestamp: new Date() }),
        },
      });
    } else if (request.method === 'SUBSCRIBE') {
      request.respond(489, 'Bad Event', ASTERISK_HEADERS);
    } else request.respond(405, 'Method Not Allowed');
  };
  const [client] = createClients(server.uri, ['alice']);
  const accountStates = collect(client.onAccountState.bind(client));
  expect(await client.start()).toMatchObject({ phase: 'registered' });
  return { client, server, accountStates: accountStates.values };
}

const untilBuddy = (client: SipClient, predicate: (buddy: BuddyPresence) => boolean, what: string) =>
  waitFor(client.onBuddy.bind(client), predicate, { current: client.buddies.find((b) => b.aor === BOB), what });

describe('an Asterisk-like server (scripted)', () => {
  it('given PUBLISH 489, when the user sets a status, then publishing stops with the reason, and the status line names Asterisk', async () => {
    const { client, server, accountStates } = await asteriskLike(200);
    expect(client.accountState.serverProfile).toMatchObject({ product: 'asterisk', version: '20.5.0' });
    // Listeners hear of the profile as soon as the server's first answer names it, while still registering.
    expect(accountStates.find((s) => s.serverProfile !== undefined)).toMatchObject({
      phase: 'registering',
      serverProfile: { product: 'asterisk' },
    });

    const refused = await client.setPresence('busy', 'In a call');
    expect(refused.phase).toBe('unsupported');
    expect(refused.problem?.statusCode).toBe(489);
    expect(refused.problem?.message).toBe(
      'This server does not accept presence publications (489 Bad Event): it publishes your status from your phone line.',
    );
    // Stopped: another status is not sent, nor is the publication tried again after a reconnection.
    expect((await client.setPresence('away', 'Lunch')).phase).toBe('unsupported');
    client.reconnectNow();
    await waitFor(client.onAccountState.bind(client), (s) => s.phase === 'registered' && server.requestsOf('REGISTER').length >= 2, {
      current: client.accountState,
      what: 'the registration after reconnecting',
    });
    expect(server.requestsOf('PUBLISH')).toHaveLength(1);
    expect(client.accountState.serverProfile?.sentence).toBe(
      'Presence server: Asterisk 20.5.0 — publishes your status from your phone line; Presently can show colleagues but not set your status',
    );
  });

  it('given presence SUBSCRIBE is taken, then buddies are watched by presence as usual (the refused PUBLISH touches no subscription)', async () => {
    const { client, server } = await asteriskLike(200);
    await client.setPresence('busy', '');
    client.watch(BOB);
    await untilBuddy(client, (b) => b.presence?.status === 'available' && b.presence.note === 'Ready', 'bob to be shown by presence');
    expect(server.requestsOf('SUBSCRIBE').map((r) => r.header('event'))).toEqual(['presence']);
    expect(client.accountState.serverProfile?.quirks).toEqual(['status-from-phone-line']);
  });

  it('given presence SUBSCRIBE 489 and the dialog package offered, then the buddy is watched by line state: ringing, on the phone, idle', async () => {
    const { client, server } = await asteriskLike(489);
    client.watch(BOB);
    const subscribe = await server.waitForRequest(
      (r) => r.method === 'SUBSCRIBE' && r.header('event') === 'dialog',
      5_000,
      'a dialog SUBSCRIBE',
    );
    expect(subscribe.header('accept')).toBe('application/dialog-info+xml');
    expect(server.requestsOf('SUBSCRIBE').map((r) => r.header('event'))).toEqual(['presence', 'dialog']);
    expect(client.accountState.serverProfile?.quirks).toEqual(['status-from-phone-line', 'watch-line-state']);
    expect(client.accountState.serverProfile?.sentence).toContain('colleagues are shown by their phone line');

    // Every NOTIFY is answered 200: none is refused as a foreign event or an unknown body type.
    const notify = async (cseq: number, state: 'early' | 'confirmed' | 'terminated') => {
      server.sendNotify(subscribe, { cseq, event: 'dialog', subscriptionState: 'active;expires=600', body: dialogInfo(cseq, state) });
      const answer = await server.waitForResponse((r) => r.cseqMethod === 'NOTIFY' && r.header('cseq') === `${cseq} NOTIFY`);
      expect(answer.statusCode).toBe(200);
    };
    await notify(1, 'early');
    await untilBuddy(
      client,
      (b) => b.subscription.phase === 'active' && b.presence?.status === 'busy' && b.presence.note === 'Ringing',
      'ringing',
    );
    await notify(2, 'confirmed');
    await untilBuddy(client, (b) => b.presence?.status === 'on-the-phone', 'on the phone');
    await notify(3, 'terminated');
    const idle = await untilBuddy(client, (b) => b.presence?.status === 'available', 'idle');
    expect(idle.presence).toMatchObject({ note: null, activities: [] });
  });
});
