/**
 * The window as a desktop app: keyboard navigation, dialogs, the status picker's note handling, light
 * and dark following the OS, and main refusing what a tampered renderer might send. These run with no
 * account and no demo (nothing to publish to), so they are about the window, not about SIP.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from './fixtures';

test.use({ harnessOptions: {} });

test.describe('the window', () => {
  test('given no account, then the window says it is not connected and offers the account settings', async ({ app, page }) => {
    await expect(page.getByTestId('offline-banner')).toContainText('No SIP account is configured');
    await page.getByTestId('offline-banner').getByRole('button', { name: 'Add your SIP account' }).click();
    await expect(app.settings.root).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(app.settings.root).toBeHidden();
  });

  test('given TLS chosen in the settings, then a CA file field appears and a relative path is refused beside it', async ({ app }) => {
    const settings = await app.openSettings();
    await expect(settings.field('CA certificate file')).toBeHidden();
    await settings.fill({ aor: 'sip:alice@example.com', server: 'pbx.example.com', transport: 'TLS' });
    await settings.field('CA certificate file').fill('company-ca.pem');
    await settings.save().click();
    await expect(settings.fieldError('account-tls-ca-file')).toContainText('Give the full path of a PEM file');
    await expect(settings.field('CA certificate file')).toBeFocused();
  });

  test('given only a keyboard, then buddies can be added, found, walked through, edited and removed', async ({ app, page }) => {
    await expect(app.handshakeStatus()).toBeAttached();
    for (const [address, name] of [
      ['sip:zoe@example.org', 'Zoe'],
      ['sip:adam@example.org', 'Adam'],
      ['sip:mia@example.org', 'Mia'],
    ] as const) {
      await app.addBuddyButton().focus();
      await page.keyboard.press('Enter');
      await expect(app.buddyDialog.address()).toBeFocused();
      await page.keyboard.type(address);
      await page.keyboard.press('Tab');
      await page.keyboard.type(name);
      await page.keyboard.press('Enter');
      await expect(app.buddyDialog.root).toBeHidden();
    }
    await expect(app.buddyRows()).toHaveCount(3);
    // Not subscribed anywhere (no account): unknown, not offline — sorted by name within that.
    await expect(app.buddyRows().first()).toContainText('Adam');
    await expect(app.buddyStatus('sip:adam@example.org')).toHaveText('Unknown');

    // `/` searches.
    await page.locator('body').click();
    await page.keyboard.press('/');
    await expect(app.search()).toBeFocused();
    await page.keyboard.type('zo');
    await expect(app.buddyRows()).toHaveCount(1);
    await app.search().fill('');

    // ↑/↓ walk the list; Enter edits; Delete asks before removing.
    await app.buddyRows().first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(app.buddyRow('sip:mia@example.org')).toBeFocused();
    await page.keyboard.press('End');
    await expect(app.buddyRow('sip:zoe@example.org')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(app.buddyDialog.root).toBeVisible();
    await expect(app.buddyDialog.address()).toHaveValue('sip:zoe@example.org');
    await app.buddyDialog.name().fill('Zoe Quinn');
    await page.keyboard.press('Enter');
    await expect(app.buddyRow('sip:zoe@example.org')).toContainText('Zoe Quinn');
    await app.buddyRow('sip:mia@example.org').focus();
    await page.keyboard.press('Delete');
    await app.buddyRow('sip:mia@example.org').getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(app.buddyRows()).toHaveCount(2);
  });

  test('given the tabs, then arrow keys move between the buddy list and the SIP trace', async ({ app, page }) => {
    await app.tab('Buddies').focus();
    await page.keyboard.press('ArrowRight');
    await expect(app.tab('SIP trace')).toBeFocused();
    await expect(app.tab('SIP trace')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('trace-panel')).toBeVisible();
    await page.keyboard.press('Home');
    await expect(app.tab('Buddies')).toHaveAttribute('aria-selected', 'true');
  });

  test('the status picker limits the note, offers recent notes and clears the note', async ({ app }, testInfo) => {
    const picker = await app.openStatusPicker();
    await expect(picker.note()).toHaveAttribute('maxlength', '140');
    await picker.note().fill('x'.repeat(150));
    await expect(picker.note()).toHaveValue('x'.repeat(140));
    await expect(picker.noteCount()).toHaveText('140 / 140');
    await picker.choose('Away', 'Out for lunch');
    await expect(picker.root).toBeHidden();
    await expect(app.selfStatus()).toContainText('Away — Out for lunch');

    await app.openStatusPicker();
    await picker.clearNote().click();
    await expect(picker.note()).toHaveValue('');
    await picker.recentNote('Out for lunch').click();
    await expect(picker.note()).toHaveValue('Out for lunch');
    await app.screenshot(testInfo, 'status-picker-recent-notes');
  });

  test('light and dark follow the OS', async ({ app, page }, testInfo) => {
    await expect(app.handshakeStatus()).toBeAttached();
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await background();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await background();
    expect(light).not.toBe(dark);
    await app.screenshot(testInfo, 'main-window-dark');
  });

  test('given a tampered renderer, when it sends a bad buddy or account, then main refuses it with a reason and saves nothing', async ({
    app,
    page,
    harness,
  }) => {
    await expect(app.handshakeStatus()).toBeAttached();
    const outcome = await page.evaluate(async () => {
      const api = window.presence!;
      const errors: string[] = [];
      for (const attempt of [
        () => api.addBuddy({ aor: 'sip:bob@exa mple.org', displayName: '', group: '' }),
        () => api.addBuddy({ aor: 'sip:bob@example.org', displayName: 'x'.repeat(5000), group: '' }),
        () =>
          api.saveAccount({
            displayName: '',
            aor: 'sip:me@example.org',
            authUser: '',
            server: 'example.org;transport=carrier-pigeon',
            outboundProxy: '',
            wsPath: '',
            register: true,
            publish: true,
            registerExpires: 600,
            publishExpires: 30,
            subscribeExpires: 600,
          }),
      ]) {
        try {
          await attempt();
          errors.push('accepted');
        } catch (error) {
          errors.push((error as Error).message);
        }
      }
      return errors;
    });
    expect(outcome[0]).toMatch(/cannot contain spaces/);
    expect(outcome[1]).toMatch(/addBuddy\.displayName: expected a string of 0\.\.1024 characters/);
    expect(outcome[2]).toMatch(/Server: Transport “carrier-pigeon” .* Publication expiry: Enter whole seconds from 60 to 86400/);
    await expect(access(path.join(harness.dataDir, 'buddies.json'))).rejects.toThrow();
    await expect(access(path.join(harness.dataDir, 'settings.json'))).rejects.toThrow();
  });
});
