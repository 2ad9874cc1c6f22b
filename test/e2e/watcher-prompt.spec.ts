/**
 * "Bob wants to see your presence — Allow / Block", end to end: the real renderer in Chromium, the real service and
 * a real presence server with watcher authorisation (Kamailio's reference configuration with xcap_server). Bob's
 * subscription waits pending; the prompt appears; Allow (written over XCAP) makes him active with our presence;
 * Block in "Who can see you" rejects him. A server without an XCAP root in the account still shows the prompt and
 * says it cannot be answered from here.
 */
import { startKamailio, type RunningKamailio } from '../support/kamailio/kamailio';
import { SipPeer } from '../support/sip-watcher';
import { expect, test, type MainWindow } from './fixtures';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };

/** Signs alice in through the settings form, with or without the XCAP root. */
async function signInAlice(app: MainWindow, kamailio: RunningKamailio, xcapRoot: string | undefined): Promise<void> {
  const settings = await app.openSettings();
  await settings.fill({
    aor: `sip:alice@${kamailio.domain}`,
    password: PASSWORDS.alice,
    server: `127.0.0.1:${kamailio.ports.tcp!}`,
    transport: 'TCP',
    ...(xcapRoot === undefined ? {} : { xcapRoot }),
  });
  await settings.save().click();
  await expect(app.connectionStatus()).toContainText('Registered with');
}

test.describe('watchers answered in the window, on Kamailio', () => {
  test.use({ harnessOptions: {} });
  let kamailio: RunningKamailio;
  test.beforeEach(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: PASSWORDS, forceActive: false, xcap: true });
  });
  test.afterEach(async () => {
    await kamailio?.stop();
  });

  test('given bob asks to watch, when alice allows him in the prompt and later blocks him in the list, then he sees her presence, then is rejected', async ({
    app,
  }, testInfo) => {
    await signInAlice(app, kamailio, kamailio.xcapRoot);
    const picker = await app.openStatusPicker();
    await picker.choose('Available', 'At my desk');
    await expect(picker.root).toBeHidden();
    await expect(app.connectionStatus()).toContainText('published');

    const bobAor = `sip:bob@${kamailio.domain}`;
    const aliceAor = `sip:alice@${kamailio.domain}`;
    const bob = await SipPeer.start({ aor: bobAor, server: kamailio.serverUri('udp'), password: PASSWORDS.bob });
    try {
      bob.client.watch(aliceAor);
      await bob.waitForBuddy(aliceAor, (b) => b.subscription.phase === 'pending');

      const prompt = app.watchers.prompt(bobAor);
      await expect(prompt).toBeVisible();
      await expect(prompt).toContainText(`${bobAor} wants to see your presence`);
      await app.screenshot(testInfo, 'watcher-prompt');

      // Keyboard reachable: the Allow button takes focus and Enter answers.
      const allow = prompt.getByRole('button', { name: `Allow ${bobAor}` });
      await allow.focus();
      await app.page.keyboard.press('Enter');
      const active = await bob.waitForBuddy(aliceAor, (b) => b.subscription.phase === 'active' && b.presence !== null);
      expect(active.presence).toMatchObject({ status: 'available', note: 'At my desk' });
      await expect(app.watchers.prompts()).toHaveCount(0);

      await app.tab('Who can see you').click();
      await expect(app.watchers.rowState(bobAor)).toHaveText(/^Can see you · rule: Allowed$/);
      await app.screenshot(testInfo, 'who-can-see-you-allowed');

      await app.watchers
        .row(bobAor)
        .getByRole('button', { name: `Block ${bobAor}` })
        .click();
      const rejected = await bob.waitForBuddy(
        aliceAor,
        (b) => b.subscription.phase === 'terminated' && b.subscription.reason === 'rejected',
      );
      expect(rejected.subscription.phase).toBe('terminated');
      await expect(app.watchers.rowState(bobAor)).toContainText('rule: Blocked');
      await app.screenshot(testInfo, 'who-can-see-you-blocked');
    } finally {
      await bob.stop();
    }
  });

  test('given no XCAP root in the account, when bob asks to watch, then the prompt shows him and says the server offers no way to answer from here', async ({
    app,
  }, testInfo) => {
    await signInAlice(app, kamailio, undefined);
    const bobAor = `sip:bob@${kamailio.domain}`;
    const aliceAor = `sip:alice@${kamailio.domain}`;
    const bob = await SipPeer.start({ aor: bobAor, server: kamailio.serverUri('udp'), password: PASSWORDS.bob });
    try {
      bob.client.watch(aliceAor);
      const prompt = app.watchers.prompt(bobAor);
      await expect(prompt).toContainText('Your server offers no way to answer from here.');
      await expect(prompt.getByRole('button', { name: /^Allow/ })).toHaveCount(0);
      await app.screenshot(testInfo, 'watcher-prompt-without-xcap');
      await prompt.getByRole('button', { name: `Dismiss ${bobAor}` }).click();
      await expect(app.watchers.prompts()).toHaveCount(0);
      await app.tab('Who can see you').click();
      await expect(app.watchers.rowState(bobAor)).toHaveText('Asks to see you');
      await expect(app.page.getByTestId('watchers-cannot-decide')).toBeVisible();
    } finally {
      await bob.stop();
    }
  });
});
