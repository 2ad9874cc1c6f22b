/**
 * "Bob wants to see your presence — Allow / Block", end to end: the real renderer in Chromium, the real service and
 * a real presence server with watcher authorisation — the built-in compositor with a users file (XCAP on its WebSocket
 * port), and Kamailio's reference configuration with xcap_server. Bob's
 * subscription waits pending; the prompt appears; Allow (written over XCAP) makes him active with our presence;
 * Block in "Who can see you" rejects him. A server without an XCAP root in the account still shows the prompt and
 * says it cannot be answered from here.
 */
import type { TestInfo } from '@playwright/test';
import type { RunningCompositor } from '../../electron/compositor';
import { startAuthorisingCompositor, WATCHER_PASSWORDS as PASSWORDS } from '../support/compositor/authorising-compositor';
import { startKamailio, type RunningKamailio } from '../support/kamailio/kamailio';
import { SipPeer } from '../support/sip-watcher';
import { expect, test, type MainWindow } from './fixtures';

/** Where alice signs in, bob connects, and alice's rules are. */
interface WatcherServer {
  /** `127.0.0.1:<tcp port>` for the settings form. */
  readonly address: string;
  /** The server URI bob's engine uses. */
  readonly peerServer: string;
  readonly domain: string;
  readonly xcapRoot: string;
}

/** Signs alice in through the settings form, with or without the XCAP root. */
async function signInAlice(app: MainWindow, server: WatcherServer, xcapRoot: string | undefined): Promise<void> {
  const settings = await app.openSettings();
  await settings.fill({
    aor: `sip:alice@${server.domain}`,
    password: PASSWORDS.alice,
    server: server.address,
    transport: 'TCP',
    ...(xcapRoot === undefined ? {} : { xcapRoot }),
  });
  await settings.save().click();
  await expect(app.connectionStatus()).toContainText('Registered with');
}

/** Bob asks, alice allows him from the prompt by keyboard, then blocks him in the list. */
async function allowThenBlock(app: MainWindow, server: WatcherServer, testInfo: TestInfo, shots: string): Promise<void> {
  await signInAlice(app, server, server.xcapRoot);
  const picker = await app.openStatusPicker();
  await picker.choose('Available', 'At my desk');
  await expect(picker.root).toBeHidden();
  await expect(app.connectionStatus()).toContainText('published');

  const bobAor = `sip:bob@${server.domain}`;
  const aliceAor = `sip:alice@${server.domain}`;
  const bob = await SipPeer.start({ aor: bobAor, server: server.peerServer, password: PASSWORDS.bob });
  try {
    bob.client.watch(aliceAor);
    await bob.waitForBuddy(aliceAor, (b) => b.subscription.phase === 'pending');

    const prompt = app.watchers.prompt(bobAor);
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText(`${bobAor} wants to see your presence`);
    await app.screenshot(testInfo, `${shots}-watcher-prompt`);

    // Keyboard reachable: the Allow button takes focus and Enter answers.
    const allow = prompt.getByRole('button', { name: `Allow ${bobAor}` });
    await allow.focus();
    await app.page.keyboard.press('Enter');
    const active = await bob.waitForBuddy(aliceAor, (b) => b.subscription.phase === 'active' && b.presence !== null);
    expect(active.presence).toMatchObject({ status: 'available', note: 'At my desk' });
    await expect(app.watchers.prompts()).toHaveCount(0);

    await app.tab('Who can see you').click();
    await expect(app.watchers.rowState(bobAor)).toHaveText(/^Can see you · rule: Allowed$/);
    await app.screenshot(testInfo, `${shots}-who-can-see-you-allowed`);

    await app.watchers
      .row(bobAor)
      .getByRole('button', { name: `Block ${bobAor}` })
      .click();
    const rejected = await bob.waitForBuddy(aliceAor, (b) => b.subscription.phase === 'terminated' && b.subscription.reason === 'rejected');
    expect(rejected.subscription.phase).toBe('terminated');
    await expect(app.watchers.rowState(bobAor)).toContainText('rule: Blocked');
    await app.screenshot(testInfo, `${shots}-who-can-see-you-blocked`);
  } finally {
    await bob.stop();
  }
}

test.describe('watchers answered in the window, on the built-in compositor', () => {
  test.use({ harnessOptions: {} });
  let compositor: RunningCompositor;
  test.beforeEach(async () => {
    compositor = await startAuthorisingCompositor();
  });
  test.afterEach(async () => {
    await compositor?.stop();
  });

  test('given bob asks to watch, when alice allows him in the prompt and later blocks him in the list, then he sees her presence, then is rejected', async ({
    app,
  }, testInfo) => {
    await allowThenBlock(
      app,
      {
        address: `127.0.0.1:${compositor.addresses.tcp!.port}`,
        peerServer: compositor.addresses.udp!.uri,
        domain: 'example.com',
        xcapRoot: compositor.xcapRoot!,
      },
      testInfo,
      'compositor',
    );
  });
});

test.describe('watchers answered in the window, on Kamailio', () => {
  test.use({ harnessOptions: {} });
  let kamailio: RunningKamailio;
  test.beforeEach(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: PASSWORDS, forceActive: false, xcap: true });
  });
  test.afterEach(async () => {
    await kamailio?.stop();
  });

  const kamailioServer = (): WatcherServer => ({
    address: `127.0.0.1:${kamailio.ports.tcp!}`,
    peerServer: kamailio.serverUri('udp'),
    domain: kamailio.domain,
    xcapRoot: kamailio.xcapRoot,
  });

  test('given bob asks to watch, when alice allows him in the prompt and later blocks him in the list, then he sees her presence, then is rejected', async ({
    app,
  }, testInfo) => {
    await allowThenBlock(app, kamailioServer(), testInfo, 'kamailio');
  });

  test('given no XCAP root in the account, when bob asks to watch, then the prompt shows him and says the server offers no way to answer from here', async ({
    app,
  }, testInfo) => {
    await signInAlice(app, kamailioServer(), undefined);
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
