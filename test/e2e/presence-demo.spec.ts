/**
 * The offline demo end to end, as `npm start` shows it with no account: the real renderer in Chromium,
 * the real PresenceService, the built-in compositor on loopback with its simulated colleagues, and the
 * demo user signed in over real SIP. No SIP is mocked: the watcher below is another real user agent.
 */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { startCompositor } from '../../electron/compositor';
import { DEMO_DOMAIN, DEMO_USER_AOR } from '../../electron/service/demo/demo-environment';
import { PRESENCE_STATUS_LABELS } from '../../shared/presence/presence-status';
import { SipPeer } from '../support/sip-watcher';
import { expect, test } from './fixtures';

const ADA = `sip:ada@${DEMO_DOMAIN}`;
const GRACE = `sip:grace@${DEMO_DOMAIN}`;

test.describe('offline demo', () => {
  test('given no account, when the app starts, then the demo runs with the colleagues listed and says it is a local demo', async ({
    app,
    harness,
  }, testInfo) => {
    const demo = harness.service.demoEnvironment!;
    await expect(app.demoBanner()).toContainText('This is a local demo.');
    await expect(app.demoBanner()).toContainText(`${demo.colleagues.length} simulated colleagues`);
    await expect(app.demoBanner()).toContainText('To use your own SIP account, open Settings');
    await expect(app.connectionStatus()).toContainText(`Offline demo · Registered with ${demo.server}`);
    await expect(app.buddyRows()).toHaveCount(demo.colleagues.length);
    for (const colleague of demo.colleagues) await expect(app.buddyRow(colleague.aor)).toContainText(colleague.name);
    // Every colleague has published by the time the demo starts: none is left unknown.
    for (const colleague of demo.colleagues) await expect(app.buddyStatus(colleague.aor)).not.toHaveText(/Unknown|Awaiting/);
    // Ada has a desk phone and a laptop: two devices under her name.
    await expect(app.buddyRow(ADA).getByTestId('buddy-device')).toHaveCount(2);
    await expect(app.buddyRow(ADA).getByTestId('buddy-device').filter({ hasText: 'Desk phone' })).toHaveCount(1);
    await expect(app.buddyRow(ADA).getByTestId('buddy-device').filter({ hasText: 'Laptop' })).toHaveCount(1);
    await app.screenshot(testInfo, 'demo-running');
    expect(harness.internalErrors).toEqual([]);
  });

  test('given the demo, when the user sets busy with a note, then a separate watcher receives a NOTIFY carrying busy and the note', async ({
    app,
    harness,
  }, testInfo) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    const watcher = await SipPeer.start({ aor: `sip:watcher@${DEMO_DOMAIN}`, server: harness.service.demoEnvironment!.server });
    try {
      watcher.client.watch(DEMO_USER_AOR);
      await watcher.waitForBuddy(DEMO_USER_AOR, (b) => b.subscription.phase === 'active');

      const note = 'Preparing the board presentation';
      const picker = await app.openStatusPicker();
      await picker.note().fill(note);
      await expect(picker.noteCount()).toHaveText(`${note.length} / 140`);
      await app.screenshot(testInfo, 'status-picker-open');
      await picker.status('Busy').click();
      await expect(picker.root).toBeHidden();
      await expect(app.selfStatus()).toContainText(`Busy — ${note}`);
      await expect(app.connectionStatus()).toContainText('published');

      const notify = await watcher.waitForNotify((raw) => raw.includes(note));
      expect(notify).toMatch(/^NOTIFY sip:/);
      expect(notify).toMatch(/^Subscription-State: active/im);
      expect(notify).toMatch(/<(\w+:)?busy\s*\/>/);
      const seen = await watcher.waitForBuddy(DEMO_USER_AOR, (b) => b.presence?.status === 'busy');
      expect(seen.presence?.note).toBe(note);
    } finally {
      await watcher.stop();
    }
  });

  test('given the demo, when a colleague changes status, then the list shows the new status and note', async ({ app, harness }) => {
    await expect(app.buddyStatus(GRACE)).not.toHaveText('Unknown');
    const started = Date.now();
    const changed = await harness.service.demoEnvironment!.changeNow(GRACE);
    await expect(app.buddyStatus(GRACE)).toHaveText(PRESENCE_STATUS_LABELS[changed.status]);
    if (changed.note) await expect(app.buddyNote(GRACE)).toHaveText(changed.note);
    // How long it took is a figure for the results, not a bound: timing on a shared machine is noise
    // (bench:sip-latency measures the path).
    test.info().annotations.push({ type: 'colleague change to list', description: `${Date.now() - started} ms` });
    // Sorted by availability: the rows' order follows the change.
    await expect(app.buddyRow(GRACE)).toContainText('changed just now');
  });

  test('given the demo, when a buddy with a bad address is added, then an error is shown and nothing is saved; a good one survives a restart', async ({
    app,
    harness,
  }) => {
    const buddiesFile = path.join(harness.dataDir, 'buddies.json');
    await expect(app.buddyRows()).toHaveCount(harness.service.demoEnvironment!.colleagues.length);
    const dialog = await app.openAddBuddy();
    await dialog.address().fill('sip:bob@');
    await dialog.submit().click();
    await expect(dialog.addressError()).toHaveText('“sip:bob@” has no domain after the @: a SIP address looks like sip:name@example.com.');
    await expect(dialog.root).toBeVisible();
    await expect(access(buddiesFile)).rejects.toThrow();

    await dialog.address().fill('sip:bob@example.org');
    await dialog.name().fill('Bob');
    await dialog.submit().click();
    await expect(dialog.root).toBeHidden();
    await expect(app.buddyRow('sip:bob@example.org')).toContainText('Bob');
    expect(JSON.parse(await readFile(buddiesFile, 'utf8'))).toMatchObject({
      buddies: [{ aor: 'sip:bob@example.org', displayName: 'Bob', group: '' }],
    });

    await harness.restartService();
    await expect(app.demoBanner()).toBeVisible();
    await expect(app.buddyRow('sip:bob@example.org')).toContainText('Bob');
    await expect(app.buddyRows()).toHaveCount(harness.service.demoEnvironment!.colleagues.length + 1);
  });

  test('given the demo, when a real account is saved, then the demo stops and the account connects; removing it brings the demo back', async ({
    app,
    harness,
  }, testInfo) => {
    const server = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: null });
    try {
      await expect(app.demoBanner()).toBeVisible();
      const settings = await app.openSettings();
      await expect(settings.root).toContainText('You are using the offline demo.');
      await settings.fill({
        displayName: 'Carol',
        aor: 'carol@example.net',
        server: `127.0.0.1:${server.addresses.udp!.port}`,
        transport: 'UDP',
      });
      await app.screenshot(testInfo, 'settings-from-demo');
      await settings.save().click();
      await expect(settings.root).toBeHidden();
      await expect(app.demoBanner()).toBeHidden();
      await expect(app.connectionStatus()).toContainText(
        `Account · Registered with sip:127.0.0.1:${server.addresses.udp!.port};transport=udp`,
      );
      await expect(app.buddyRows()).toHaveCount(0);
      expect(harness.service.demoEnvironment).toBeNull();

      await app.openSettings();
      await settings.root.getByRole('button', { name: 'Remove account and use the demo' }).click();
      await expect(app.demoBanner()).toBeVisible();
      await expect(app.connectionStatus()).toContainText('Offline demo · Registered with');
      await expect(app.buddyRows()).toHaveCount(harness.service.demoEnvironment!.colleagues.length);
    } finally {
      await server.stop();
    }
  });

  test.describe('with an English-speaking viewer', () => {
    test.use({ locale: 'en-GB' });

    test('given a buddy whose note is in German, when the list shows it, then it names the language beside the note', async ({
      app,
      harness,
    }) => {
      const dieter = `sip:dieter@${DEMO_DOMAIN}`;
      const peer = await SipPeer.start({ aor: dieter, server: harness.service.demoEnvironment!.server }, { noteLanguage: 'de' });
      try {
        expect(await peer.client.setPresence('away', 'Bin gleich zurück')).toMatchObject({ phase: 'published' });
        const dialog = await app.openAddBuddy();
        await dialog.address().fill(dieter);
        await dialog.submit().click();
        await expect(dialog.root).toBeHidden();
        await expect(app.buddyNote(dieter)).toHaveText('Bin gleich zurück');
        await expect(app.buddyNote(dieter)).toHaveAttribute('lang', 'de');
        await expect(app.buddyNoteLanguage(dieter)).toHaveText('(de)');
      } finally {
        await peer.stop();
      }
    });
  });
});
