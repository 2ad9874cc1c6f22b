/**
 * Event packages besides presence (esc/event-packages.ts) over real UDP sockets: a voicemail system's message summary
 * (RFC 3842) reaching its owner, two phones' dialog state (RFC 4235) merged for a watcher with its own version count,
 * an opaque configured package, and the refusals — 489 for a package not configured, 403 for someone else's summary,
 * 415, and a hostile body answered 400 without harm.
 */
import { describe, expect, it } from 'vitest';
import { parseDialogInfo } from '../../../shared/dialog-info/dialog-info';
import { parseMessageSummary } from '../../../shared/message-summary';
import { publishSpec, startFixture, subscribeSpec } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
const VOICEMAIL = 'sip:voicemail@example.com';
const SUMMARY = 'application/simple-message-summary';
const DIALOG_INFO = 'application/dialog-info+xml';

function summaryBody(newMessages: number, oldMessages: number): string {
  return `Messages-Waiting: ${newMessages > 0 ? 'yes' : 'no'}\r\nMessage-Account: ${ALICE}\r\nVoice-Message: ${newMessages}/${oldMessages} (0/0)\r\n`;
}

function dialogBody(entity: string, dialogs: ReadonlyArray<{ id: string; state: string }>): string {
  const each = dialogs.map((d) => `  <dialog id="${d.id}" direction="initiator"><state>${d.state}</state></dialog>\n`).join('');
  return `<?xml version="1.0"?>\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="7" state="full" entity="${entity}">\n${each}</dialog-info>\n`;
}

describe('message-summary (RFC 3842)', () => {
  it('given a voicemail system publishing for alice, when alice subscribes, then she gets the summary, and a new count in the next NOTIFY', async () => {
    const fx = await startFixture({ thirdPartyPublishers: [VOICEMAIL] });
    const owner = await fx.udpPeer();
    const voicemail = await fx.udpPeer();
    const first = await voicemail.request(
      publishSpec(ALICE, { from: VOICEMAIL, event: 'message-summary', body: summaryBody(2, 8), contentType: SUMMARY }),
    );
    expect(first.status).toBe(200);

    const subscribed = await owner.request(subscribeSpec(owner, ALICE, { from: ALICE, event: 'message-summary', accept: SUMMARY }));
    expect(subscribed.status).toBe(200);
    const notify = await owner.nextRequest();
    expect(notify.headers.get('event')).toBe('message-summary');
    expect(notify.headers.get('content-type')).toBe(SUMMARY);
    const parsed = parseMessageSummary(notify.body);
    expect(parsed.ok && parsed.summary.isWaiting).toBe(true);
    expect(parsed.ok && parsed.summary.counts[0]).toMatchObject({ messageClass: 'voice-message', newMessages: 2, oldMessages: 8 });

    const etag = first.headers.get('sip-etag') as string;
    const modified = await voicemail.request(
      publishSpec(ALICE, { from: VOICEMAIL, event: 'message-summary', etag, body: summaryBody(0, 10), contentType: SUMMARY }),
    );
    expect(modified.status).toBe(200);
    const next = await owner.nextRequest();
    const after = parseMessageSummary(next.body);
    expect(after.ok && after.summary.isWaiting).toBe(false);
    expect(after.ok && after.summary.counts[0]).toMatchObject({ newMessages: 0, oldMessages: 10 });
    // Presence of the same AOR is untouched: message-summary is a presentity of its own.
    expect(fx.server.currentDocument(ALICE)).toContain('<basic>closed</basic>');
  });

  it('given nothing published, when alice subscribes, then she is told no messages are waiting', async () => {
    const fx = await startFixture();
    const owner = await fx.udpPeer();
    expect((await owner.request(subscribeSpec(owner, ALICE, { from: ALICE, event: 'message-summary' }))).status).toBe(200);
    const parsed = parseMessageSummary((await owner.nextRequest()).body);
    expect(parsed.ok && parsed.summary.isWaiting).toBe(false);
  });

  it("given bob, when he subscribes to alice's message summary, then 403 saying only alice may", async () => {
    const fx = await startFixture();
    const bob = await fx.udpPeer();
    const response = await bob.request(subscribeSpec(bob, ALICE, { from: BOB, event: 'message-summary' }));
    expect([response.status, response.reason]).toEqual([403, `Forbidden: only ${ALICE} may see the message-summary state of ${ALICE}`]);
  });

  it('given a body that is not a message summary, when published, then 400 with the codec’s sentence and nothing stored', async () => {
    const fx = await startFixture();
    const epa = await fx.udpPeer();
    const response = await epa.request(
      publishSpec(ALICE, { event: 'message-summary', body: 'Voice-Message: lots\r\n'.repeat(3), contentType: SUMMARY }),
    );
    expect(response.status).toBe(400);
    expect(response.reason).toMatch(/^Bad Request \(.+\)$/);
    expect(fx.server.counters().publicationsActive).toBe(0);
  });

  it('given a PIDF content type, when published as message-summary, then 415 with Accept naming the summary type', async () => {
    const fx = await startFixture();
    const epa = await fx.udpPeer();
    const response = await epa.request(
      publishSpec(ALICE, { event: 'message-summary', body: '<presence/>', contentType: 'application/pidf+xml' }),
    );
    expect([response.status, response.headers.get('accept')]).toEqual([415, SUMMARY]);
  });
});

describe('dialog (RFC 4235)', () => {
  it('given two phones publishing their dialogs, when bob watches alice, then one full document holds both, its version counting his NOTIFYs', async () => {
    const fx = await startFixture();
    const deskPhone = await fx.udpPeer();
    const softPhone = await fx.udpPeer();
    const watcher = await fx.udpPeer();
    const desk = await deskPhone.request(
      publishSpec(ALICE, { event: 'dialog', body: dialogBody(ALICE, [{ id: 'desk-1', state: 'confirmed' }]), contentType: DIALOG_INFO }),
    );
    expect(desk.status).toBe(200);
    expect((await watcher.request(subscribeSpec(watcher, ALICE, { from: BOB, event: 'dialog', accept: DIALOG_INFO }))).status).toBe(200);
    const first = parseDialogInfo((await watcher.nextRequest()).body);
    expect(first.ok && first.document).toMatchObject({
      version: 0,
      state: 'full',
      entity: ALICE,
      dialogs: [{ id: 'desk-1', state: 'confirmed' }],
    });

    const soft = await softPhone.request(
      publishSpec(ALICE, { event: 'dialog', body: dialogBody(ALICE, [{ id: 'soft-1', state: 'early' }]), contentType: DIALOG_INFO }),
    );
    expect(soft.status).toBe(200);
    const second = parseDialogInfo((await watcher.nextRequest()).body);
    expect(second.ok && second.document.version).toBe(1);
    expect(second.ok && second.document.dialogs.map((d) => `${d.id}:${d.state}`).sort()).toEqual(['desk-1:confirmed', 'soft-1:early']);

    // The desk phone hangs up: its publication goes, the soft phone's dialog stays.
    expect(
      (await deskPhone.request(publishSpec(ALICE, { event: 'dialog', etag: desk.headers.get('sip-etag') as string, expires: 0 }))).status,
    ).toBe(200);
    const third = parseDialogInfo((await watcher.nextRequest()).body);
    expect(third.ok && third.document).toMatchObject({ version: 2, dialogs: [{ id: 'soft-1', state: 'early' }] });
  });

  it("given alice's presence rules block bob, when he subscribes to her dialog state, then it is rejected as presence would be", async () => {
    const fx = await startFixture({ defaultRule: 'block' });
    const watcher = await fx.udpPeer();
    expect((await watcher.request(subscribeSpec(watcher, ALICE, { from: BOB, event: 'dialog' }))).status).toBe(200);
    const notify = await watcher.nextRequest();
    expect(notify.headers.get('subscription-state')).toBe('terminated;reason=rejected');
    expect(notify.body).toBe('');
  });

  it('given a dialog document naming someone else, or a partial one, when published, then 403 and 400', async () => {
    const fx = await startFixture();
    const epa = await fx.udpPeer();
    const forged = await epa.request(publishSpec(ALICE, { event: 'dialog', body: dialogBody(BOB, []), contentType: DIALOG_INFO }));
    expect(forged.status).toBe(403);
    const partial = await epa.request(
      publishSpec(ALICE, {
        event: 'dialog',
        body: dialogBody(ALICE, []).replace('state="full"', 'state="partial"'),
        contentType: DIALOG_INFO,
      }),
    );
    expect(partial.status).toBe(400);
    const hostile = await epa.request(
      publishSpec(ALICE, {
        event: 'dialog',
        body: '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><dialog-info>&a;</dialog-info>',
        contentType: DIALOG_INFO,
      }),
    );
    expect(hostile.status).toBe(400);
    expect(fx.server.counters().publicationsActive).toBe(0);
  });

  it("given an entity-tag of alice's presence, when used for her dialog state, then 412 (tags are per package)", async () => {
    const fx = await startFixture();
    const epa = await fx.udpPeer();
    const presence = await epa.request(
      publishSpec(ALICE, {
        body: `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${ALICE}"><tuple id="t"><status><basic>open</basic></status></tuple></presence>`,
      }),
    );
    const response = await epa.request(
      publishSpec(ALICE, { event: 'dialog', etag: presence.headers.get('sip-etag') as string, expires: 600 }),
    );
    expect(response.status).toBe(412);
  });
});

describe('configured packages', () => {
  it('given an opaque package with its media type, when published and watched, then the newest body goes out as published', async () => {
    const fx = await startFixture({ eventPackages: [{ name: 'x-alerts', contentTypes: ['text/plain'] }] });
    const epa = await fx.udpPeer();
    const watcher = await fx.udpPeer();
    expect((await epa.request(publishSpec(ALICE, { event: 'x-alerts', body: 'fire drill at 3', contentType: 'text/plain' }))).status).toBe(
      200,
    );
    expect((await watcher.request(subscribeSpec(watcher, ALICE, { from: BOB, event: 'x-alerts', accept: 'text/plain' }))).status).toBe(200);
    const notify = await watcher.nextRequest();
    expect([notify.headers.get('content-type'), notify.body]).toEqual(['text/plain', 'fire drill at 3']);
    const refused = await epa.request(publishSpec(ALICE, { event: 'x-alerts', body: '<x/>', contentType: 'application/xml' }));
    expect([refused.status, refused.headers.get('accept')]).toEqual([415, 'text/plain']);
    // Only what is configured is served: message-summary and dialog are off with this list.
    const dialog = await watcher.request(subscribeSpec(watcher, ALICE, { event: 'dialog' }));
    expect([dialog.status, dialog.headers.get('allow-events')]).toEqual([489, 'presence, presence.winfo, x-alerts']);
  });

  it('given published summaries and dialogs, when the status is read, then they are listed beside presence', async () => {
    const fx = await startFixture();
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(ALICE, { event: 'message-summary', body: summaryBody(1, 0), contentType: SUMMARY }));
    await epa.request(
      publishSpec(ALICE, { event: 'dialog', body: dialogBody(ALICE, [{ id: 'd', state: 'confirmed' }]), contentType: DIALOG_INFO }),
    );
    const status = await fx.server.status();
    expect(status.presentities.map((p) => [p.aor, p.event, p.summary])).toEqual([
      [ALICE, 'dialog', '1 dialogs: confirmed'],
      [ALICE, 'message-summary', 'messages waiting: yes, voice-message 1/0'],
    ]);
  });

  it('given a configured package named presence, when the compositor starts, then it refuses with a sentence', async () => {
    await expect(startFixture({ eventPackages: [{ name: 'presence' }] })).rejects.toThrow(/presence is always served/);
  });
});
