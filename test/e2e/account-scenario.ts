/**
 * The end-to-end scenario with the user's own account, shared by the runs against the built-in
 * compositor (as an ordinary server) and against Kamailio: the account is entered through the settings
 * form, our busy + note reaches a separate watcher as a NOTIFY, a buddy's change appears in the list,
 * a bad buddy address is refused without saving, and a restart keeps account and buddies.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestInfo } from '@playwright/test';
import type { PresenceHarness } from '../support/presence-harness';
import { SipPeer } from '../support/sip-watcher';
import { expect, type MainWindow } from './fixtures';

export interface ScenarioServer {
  /** What the user types as the server address, e.g. `127.0.0.1:40123`. */
  readonly address: string;
  readonly transport: 'UDP' | 'TCP';
  /** The server URI other user agents use. */
  readonly uri: string;
  readonly domain: string;
  /** Passwords per user when the server asks for digest authentication. */
  readonly passwords?: Readonly<Record<string, string>>;
}

export async function runAccountScenario(
  app: MainWindow,
  harness: PresenceHarness,
  server: ScenarioServer,
  testInfo: TestInfo,
): Promise<void> {
  const me = `sip:alice@${server.domain}`;
  const bobAor = `sip:bob@${server.domain}`;
  const peerAccount = (user: string) => ({
    aor: `sip:${user}@${server.domain}`,
    server: server.uri,
    ...(server.passwords?.[user] ? { password: server.passwords[user] } : {}),
  });

  // The account, through the settings form.
  const settings = await app.openSettings();
  await settings.fill({
    displayName: 'Alice Example',
    aor: me,
    server: server.address,
    transport: server.transport,
    ...(server.passwords?.alice ? { password: server.passwords.alice } : {}),
  });
  await app.screenshot(testInfo, 'settings');
  await settings.save().click();
  await expect(settings.root).toBeHidden();
  await expect(app.connectionStatus()).toContainText('Registered with');
  await expect(app.demoBanner()).toBeHidden();

  // Our busy + note, received by a separate user agent as a NOTIFY carrying both.
  const watcher = await SipPeer.start(peerAccount('bob'));
  try {
    watcher.client.watch(me);
    const note = 'Reviewing the release notes until 4';
    const picker = await app.openStatusPicker();
    await picker.choose('Busy', note);
    await expect(picker.root).toBeHidden();
    await expect(app.selfStatus()).toContainText('Busy');
    await expect(app.selfStatus()).toContainText(note);
    await expect(app.connectionStatus()).toContainText('published');
    const notify = await watcher.waitForNotify((raw) => raw.includes(note));
    expect(notify).toMatch(/<(\w+:)?busy\s*\/>/);
    expect(notify).toMatch(/^Event: presence/im);
    await watcher.waitForBuddy(me, (b) => b.presence?.status === 'busy' && b.presence.note === note);

    // Bob as a buddy: his change shows in the list.
    const dialog = await app.openAddBuddy();
    await dialog.address().fill(`bob@${server.domain}`);
    await dialog.name().fill('Bob Builder');
    await dialog.group().fill('Team');
    await dialog.submit().click();
    await expect(dialog.root).toBeHidden();
    await expect(app.buddyRow(bobAor)).toBeVisible();
    await expect(app.buddyStatus(bobAor)).not.toHaveText('Unknown');
    // Once the server has accepted Bob's PUBLISH, the list shows it within a second.
    expect((await watcher.client.setPresence('away', 'Lunch, back at 2')).phase).toBe('published');
    await expect(app.buddyStatus(bobAor)).toHaveText('Away', { timeout: 1_000 });
    await expect(app.buddyNote(bobAor)).toHaveText('Lunch, back at 2', { timeout: 1_000 });
  } finally {
    await watcher.stop();
  }

  // A bad buddy address: an error beside the field, nothing sent, nothing saved.
  const buddiesFile = path.join(harness.dataDir, 'buddies.json');
  const savedBefore = await readFile(buddiesFile, 'utf8');
  const rowsBefore = await app.buddyRows().count();
  const dialog = await app.openAddBuddy();
  await dialog.address().fill('bob at example');
  await dialog.submit().click();
  await expect(dialog.addressError()).toHaveText('A SIP address cannot contain spaces; it looks like sip:name@example.com.');
  await expect(dialog.address()).toBeFocused();
  await dialog.root.getByRole('button', { name: 'Cancel' }).click();
  expect(await app.buddyRows().count()).toBe(rowsBefore);
  expect(await readFile(buddiesFile, 'utf8')).toBe(savedBefore);

  // Restart: account, password, buddies and status come back, and it signs in again.
  await harness.restartService();
  await expect(app.connectionStatus()).toContainText('Registered with');
  await expect(app.buddyRow(bobAor)).toBeVisible();
  await expect(app.selfStatus()).toContainText('Busy');
  const again = await app.openSettings();
  await expect(again.field('SIP address')).toHaveValue(me);
  await expect(again.field('Server')).toHaveValue(server.address);
  await expect(again.transport()).toHaveValue(server.transport.toLowerCase());
  if (server.passwords?.alice) await expect(again.root.getByText('A password is stored.')).toBeVisible();
  await app.screenshot(testInfo, 'account-after-restart');
  expect(harness.internalErrors).toEqual([]);
}
