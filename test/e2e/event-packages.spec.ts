/**
 * Event packages beyond presence, end to end: the real renderer in Chromium, the real service, and Kamailio 5.6 with
 * the reference configuration's optional packages (presence_mwi, presence_dialoginfo, rls) over loopback. A voicemail
 * system publishes the account's message summary (RFC 3842) and the header shows the mailbox; a buddy's phone
 * publishes its line (RFC 4235) and the buddy's row shows idle / ringing / on the phone beside the presence; on a
 * Kamailio without those packages neither appears. And the buddy list fed by one resource list subscription
 * (RFC 4662) shows the same rows as the one fed by a SUBSCRIBE per buddy. The publishers are scripted peers sending
 * real PUBLISHes (event-publisher.ts); nothing is mocked.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { startKamailio, type KamailioOptions, type RunningKamailio } from '../support/kamailio/kamailio';
import { EventPublisher } from './event-publisher';
import { expect, test, type MainWindow } from './fixtures';
import { TracePane } from './trace-pane';

const DOMAIN = 'example.com';
const ALICE = `sip:alice@${DOMAIN}`;
const BOB = `sip:bob@${DOMAIN}`;
const CAROL = `sip:carol@${DOMAIN}`;
const DAVE = `sip:dave@${DOMAIN}`;
const LIST_URI = `sip:alice-buddies@${DOMAIN}`;
const THEMES = ['light', 'dark'] as const;

/** Serious and critical axe violations inside `selector`, as "rule: target" lines. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

/** Alice's account on `server`, entered through the settings form, registered. */
async function signIn(app: MainWindow, server: RunningKamailio): Promise<void> {
  const settings = await app.openSettings();
  await settings.fill({ displayName: 'Alice Example', aor: ALICE, server: `127.0.0.1:${server.ports.tcp!}`, transport: 'TCP' });
  await settings.save().click();
  await expect(settings.root).toBeHidden();
  await expect(app.connectionStatus()).toContainText('Registered with');
}

/** Adds a buddy through the same `window.presence` the dialog uses. */
async function addBuddy(page: Page, aor: string, displayName: string): Promise<void> {
  await page.evaluate(async (buddy) => void (await window.presence!.addBuddy(buddy)), { aor, displayName, group: 'Team' });
}

/** Waits until the trace holds our SUBSCRIBE for `event` answered with 489: the server said it has no such package. */
async function expectRefusedPackage(app: MainWindow, page: Page, event: string): Promise<void> {
  const trace = new TracePane(page, app);
  await trace.open();
  await trace.search().fill(`\\r\\nEvent: ${event}\\r\\n`);
  await trace.regex().check();
  const subscribe = trace.rowsLabelled('SUBSCRIBE').first();
  await expect(subscribe).toBeVisible();
  const callId = await subscribe.getByTestId('trace-row-callId').innerText();
  await trace.clearFilters().click();
  await trace.address().fill(callId);
  await expect(trace.rowsWithStatus(489).first()).toBeVisible();
  await trace.clearFilters().click();
  await app.tab('Buddies').click();
}

/** Each buddy row as a screen reader names it (name, status, line, note), in list order. */
async function rowNames(app: MainWindow): Promise<string[]> {
  return app.buddyRows().evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));
}

test.describe('event packages beyond presence on Kamailio', () => {
  test.use({ harnessOptions: {} });
  let server: RunningKamailio | undefined;
  let publisher: EventPublisher | undefined;
  /** Kamailio with `options`, and a publisher talking to it over UDP. */
  const startServer = async (options: KamailioOptions): Promise<{ server: RunningKamailio; publisher: EventPublisher }> => {
    server = await startKamailio(options);
    publisher = await EventPublisher.start({ host: '127.0.0.1', port: server.ports.udp! });
    return { server, publisher };
  };
  test.afterEach(async () => {
    await publisher?.close();
    await server?.stop();
    publisher = server = undefined;
  });

  test('given a voicemail system publishing the mailbox, then the header shows new and old voice messages first, every class in its details, in light and dark', async ({
    app,
    page,
    harness,
  }, testInfo) => {
    const { server, publisher } = await startServer({ packages: ['message-summary'] });
    await publisher.messageSummary(ALICE, {
      isWaiting: true,
      account: `sip:alice@vm.${DOMAIN}`,
      counts: [
        { messageClass: 'voice-message', newMessages: 2, oldMessages: 8, newUrgentMessages: 0, oldUrgentMessages: 2 },
        { messageClass: 'fax-message', newMessages: 1, oldMessages: 0 },
      ],
    });
    await signIn(app, server);

    await expect(app.voicemailButton()).toHaveAccessibleName('Voicemail: 2 new — voice: 2 new, 8 old (2 urgent old); fax: 1 new, 0 old');
    await expect(app.voicemailBadge()).toHaveText('2');
    await expect(app.voicemailDetails()).toBeHidden();
    await app.voicemailButton().click();
    await expect(app.voicemailButton()).toHaveAttribute('aria-expanded', 'true');
    await expect(app.voicemailDetails()).toContainText('Messages are waiting');
    await expect(app.voicemailDetails().locator('[data-class="voice-message"]')).toHaveText('Voice2 new, 8 old (2 urgent old)');
    await expect(app.voicemailDetails().locator('[data-class="fax-message"]')).toHaveText('Fax1 new, 0 old');
    await expect(app.voicemailDetails()).toContainText(`sip:alice@vm.${DOMAIN}`);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await app.screenshot(testInfo, `voicemail-waiting-${theme}`);
      expect(await seriousViolations(page, '.app-header')).toEqual([]);
    }
    await page.keyboard.press('Escape');
    await expect(app.voicemailDetails()).toBeHidden();
    await expect(app.voicemailButton()).toBeFocused();

    // The messages are listened to: nothing new, the old ones kept.
    await publisher.messageSummary(ALICE, {
      isWaiting: false,
      counts: [{ messageClass: 'voice-message', newMessages: 0, oldMessages: 11 }],
    });
    await expect(app.voicemailButton()).toHaveAccessibleName('Voicemail: No new messages — voice: 0 new, 11 old');
    await expect(app.voicemailBadge()).toHaveCount(0);
    await expect(app.voicemailButton()).toHaveText('No new messages');
    await app.screenshot(testInfo, 'voicemail-none-new');
    expect(harness.internalErrors).toEqual([]);
  });

  test('given a buddy whose phone publishes its line, then the row shows idle, ringing and on the phone beside the presence, in the row and its details', async ({
    app,
    page,
    harness,
  }, testInfo) => {
    const { server, publisher } = await startServer({ packages: ['dialog'] });
    await publisher.presence(BOB, 'open', 'At my desk');
    await publisher.line(BOB, 'idle');
    await signIn(app, server);
    await addBuddy(page, BOB, 'Bob Builder');

    await expect(app.buddyStatus(BOB)).toHaveText('Available');
    await expect(app.buddyLineState(BOB)).toHaveText('Idle');
    await publisher.line(BOB, 'ringing');
    await expect(app.buddyLineState(BOB)).toHaveText('Ringing');
    await publisher.line(BOB, 'on-the-phone');
    await expect(app.buddyLineState(BOB)).toHaveText('On the phone');
    // The line state sits beside the presence; it does not replace it.
    await expect(app.buddyStatus(BOB)).toHaveText('Available');
    await expect(app.buddyNote(BOB)).toHaveText('At my desk');
    await expect(app.buddyRow(BOB)).toHaveAccessibleName('Bob Builder, Available, line: on the phone, “At my desk”');

    // By keyboard: the row takes the focus, Space opens its details, which name the line too.
    await app.buddyRow(BOB).focus();
    await page.keyboard.press(' ');
    await expect(app.buddyDetailsLine(BOB)).toBeVisible();
    await expect(app.buddyDetailsLine(BOB)).toContainText('Line: On the phone since');
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await app.screenshot(testInfo, `line-state-on-the-phone-${theme}`);
      expect(await seriousViolations(page, '[data-testid="buddy-row"]')).toEqual([]);
    }

    await publisher.line(BOB, 'idle');
    await expect(app.buddyLineState(BOB)).toHaveText('Idle');
    await expect(app.buddyDetailsLine(BOB)).toContainText('Line: Idle');
    expect(harness.internalErrors).toEqual([]);
  });

  test('given a server without message-summary and dialog, then neither the voicemail indicator nor a line state appears', async ({
    app,
    page,
    harness,
  }, testInfo) => {
    // The reference configuration without its WITH_MWI and WITH_DIALOG switches: presence only, 489 to the rest.
    const { server, publisher } = await startServer({});
    await publisher.presence(BOB, 'open', 'At my desk');
    await signIn(app, server);
    await addBuddy(page, BOB, 'Bob Builder');
    await expect(app.buddyStatus(BOB)).toHaveText('Available');

    await expectRefusedPackage(app, page, 'message-summary');
    await expect(app.voicemail()).toHaveCount(0);
    await expectRefusedPackage(app, page, 'dialog');
    await expect(app.buddyLineState(BOB)).toHaveCount(0);
    await app.openBuddyDetails(BOB);
    await expect(app.buddyDetailsLine(BOB)).toHaveCount(0);
    await app.screenshot(testInfo, 'presence-only-server');
    expect(harness.internalErrors).toEqual([]);
  });

  test('given the buddy list fed by one list subscription, then it shows the same rows and statuses as when fed by one subscription per buddy', async ({
    app,
    page,
    harness,
  }, testInfo) => {
    // Kamailio's rls serves alice's list (an rls-services document, as XCAP would have stored it) with her three buddies.
    const members = [BOB, CAROL, DAVE];
    const { server, publisher } = await startServer({ packages: ['rls'], serviceLists: { alice: [{ uri: LIST_URI, members }] } });
    // rls keeps no state for a member without a publication: each has published before alice looks.
    await publisher.presence(BOB, 'open', 'At my desk');
    await publisher.presence(CAROL, 'closed', 'Gone home');
    await publisher.presence(DAVE, 'open', 'Reviewing the release notes');
    await signIn(app, server);
    for (const [aor, name] of [
      [BOB, 'Bob Builder'],
      [CAROL, 'Carol Singer'],
      [DAVE, 'Dave Diver'],
    ] as const)
      await addBuddy(page, aor, name);

    // One SUBSCRIBE per buddy.
    await expect(app.buddyStatus(BOB)).toHaveText('Available');
    await expect(app.buddyStatus(CAROL)).toHaveText('Offline');
    await expect(app.buddyNote(DAVE)).toHaveText('Reviewing the release notes');
    await app.openServerDetails();
    await expect(app.buddyFeed()).toHaveText('Buddies: one subscription per buddy.');
    await page.keyboard.press('Escape');
    const perBuddy = await rowNames(app);
    await app.screenshot(testInfo, 'buddies-per-buddy-subscriptions');

    // The same account with its presence list URI (settings.json, where the account keeps it), after a restart.
    const settingsFile = harness.service.settingsPath;
    const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as { account: Record<string, unknown> };
    settings.account.presenceListUri = LIST_URI;
    await writeFile(settingsFile, JSON.stringify(settings, null, 2));
    await harness.restartService();
    await expect(app.connectionStatus()).toContainText('Registered with');
    await app.openServerDetails();
    await expect(app.buddyFeed()).toHaveText(`Buddies: one list subscription to ${LIST_URI}, active.`);
    await expect(app.buddyStatus(BOB)).toHaveText('Available');
    await expect(app.buddyStatus(CAROL)).toHaveText('Offline');
    await expect(app.buddyNote(DAVE)).toHaveText('Reviewing the release notes');
    expect(await rowNames(app)).toEqual(perBuddy);
    await app.screenshot(testInfo, 'buddies-one-list-subscription');

    // A change reaches the row through the list as it did per buddy.
    await publisher.presence(BOB, 'open', 'Back from lunch');
    await expect(app.buddyNote(BOB)).toHaveText('Back from lunch');

    // The trace: one presence SUBSCRIBE, to the list, and its NOTIFYs decoded part by part.
    const trace = new TracePane(page, app);
    await trace.open();
    await trace.search().fill('\\r\\nEvent: presence\\r\\n');
    await trace.regex().check();
    const subscribes = trace.rowsLabelled('SUBSCRIBE');
    await expect(subscribes.first()).toBeVisible();
    await subscribes.first().click();
    await expect(trace.detail()).toContainText(`SUBSCRIBE ${LIST_URI}`);
    await expect(trace.raw()).toContainText('Supported: eventlist');
    await trace.presenceNotifies().last().click();
    await expect(trace.decoded()).toHaveAttribute('data-format', 'multipart');
    await expect(trace.decoded().getByTestId('trace-decoded-part').first()).toContainText(LIST_URI);
    await expect(trace.decoded()).toContainText(`for ${BOB}`);
    // Its changes since the previous NOTIFY of the list, member by member.
    await expect(trace.detail().getByTestId('trace-change-list')).toContainText(`${BOB}: note“At my desk” → “Back from lunch”`);
    await app.screenshot(testInfo, 'trace-list-notify');
    expect(harness.internalErrors).toEqual([]);
  });
});
