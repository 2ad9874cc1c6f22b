/**
 * The app with the user's own account, end to end: the real renderer in Chromium, the real service, and
 * a real presence server over loopback — first the built-in compositor started as an ordinary server
 * (the demo switched off), then Kamailio 5.6 with digest authentication. The account is entered through
 * the settings form in both (see account-scenario.ts for the steps).
 */
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import { startKamailio, type RunningKamailio } from '../support/kamailio/kamailio';
import { SipPeer } from '../support/sip-watcher';
import { runAccountScenario } from './account-scenario';
import { expect, test } from './fixtures';

test.describe('own account on the built-in presence server', () => {
  test.use({ harnessOptions: {} });
  let server: RunningCompositor;
  test.beforeEach(async () => {
    server = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: null, domains: ['example.org'] });
  });
  test.afterEach(async () => {
    await server.stop();
  });

  test('given no demo, when the account is entered in the settings, then busy + note reach a watcher, buddies work and a restart keeps them', async ({
    app,
    harness,
  }, testInfo) => {
    const tcp = server.addresses.tcp!;
    await runAccountScenario(
      app,
      harness,
      { address: `127.0.0.1:${tcp.port}`, transport: 'TCP', uri: server.addresses.udp!.uri, domain: 'example.org' },
      testInfo,
    );
  });

  test('given a server that refuses our publication, when the user sets a status, then the picker says it was not accepted and why', async ({
    app,
  }, testInfo) => {
    // The server keeps presence for example.org only; an example.net account's PUBLISH gets 404.
    const settings = await app.openSettings();
    await settings.fill({ aor: 'sip:alice@example.net', server: `127.0.0.1:${server.addresses.tcp!.port}`, transport: 'TCP' });
    await settings.root.getByRole('checkbox', { name: 'Register with the server' }).uncheck();
    await settings.save().click();
    await expect(app.connectionStatus()).toContainText('Connected to');

    const picker = await app.openStatusPicker();
    await picker.choose('In a meeting', 'Quarterly review');
    await expect(picker.publication()).toHaveText(/^Not accepted: This server does not accept presence publications \(404 Not Found.*\)/);
    await expect(picker.root).toBeVisible();
    await expect(app.connectionStatus()).toContainText('publication failed: This server does not accept presence publications');
    await app.screenshot(testInfo, 'publication-refused');
  });
});

test.describe('a buddy awaiting authorisation on Kamailio', () => {
  test.use({ harnessOptions: {} });
  let kamailio: RunningKamailio;
  test.beforeAll(async () => {
    // carol requires her watchers to be confirmed: our subscription to her stays pending.
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], forceActive: false, confirmWatchersOf: ['carol'] });
  });
  test.afterAll(async () => {
    await kamailio?.stop();
  });

  test('given a buddy who must first authorise us, then the list shows awaiting authorisation, not offline', async ({ app }, testInfo) => {
    const carol = await SipPeer.start({ aor: `sip:carol@${kamailio.domain}`, server: kamailio.serverUri('udp') });
    try {
      await carol.client.setPresence('available', 'Around');
      const settings = await app.openSettings();
      await settings.fill({ aor: `sip:alice@${kamailio.domain}`, server: `127.0.0.1:${kamailio.ports.tcp!}`, transport: 'TCP' });
      await settings.save().click();
      await expect(app.connectionStatus()).toContainText('Registered with');

      const dialog = await app.openAddBuddy();
      await dialog.address().fill(`sip:carol@${kamailio.domain}`);
      await dialog.submit().click();
      await expect(dialog.root).toBeHidden();
      await expect(app.buddyStatus(`sip:carol@${kamailio.domain}`)).toHaveText('Awaiting authorisation');
      await expect(app.buddyRow(`sip:carol@${kamailio.domain}`).getByTestId('buddy-note')).toHaveCount(0);
      await app.screenshot(testInfo, 'buddy-awaiting-authorisation');
    } finally {
      await carol.stop();
    }
  });
});

test.describe('buddy states on the built-in server', () => {
  test.use({ harnessOptions: {} });
  let server: RunningCompositor;
  test.beforeEach(async () => {
    server = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: null, domains: ['example.org'] });
  });
  test.afterEach(async () => {
    await server.stop();
  });

  test('given buddies available, offline and at a domain the server refuses, then each shows its own state, sorted by availability', async ({
    app,
    page,
  }, testInfo) => {
    const erin = await SipPeer.start({ aor: 'sip:erin@example.org', server: server.addresses.udp!.uri });
    try {
      await erin.client.setPresence('available', 'At my desk');
      const settings = await app.openSettings();
      await settings.fill({ aor: 'sip:alice@example.org', server: `127.0.0.1:${server.addresses.tcp!.port}`, transport: 'TCP' });
      await settings.save().click();
      await expect(app.connectionStatus()).toContainText('Registered with');
      for (const aor of ['sip:zed@elsewhere.net', 'sip:dave@example.org', 'sip:erin@example.org']) {
        const dialog = await app.openAddBuddy();
        await dialog.address().fill(aor);
        await dialog.submit().click();
        await expect(dialog.root).toBeHidden();
      }
      await expect(app.buddyStatus('sip:erin@example.org')).toHaveText('Available');
      await expect(app.buddyStatus('sip:dave@example.org')).toHaveText('Offline');
      await expect(app.buddyStatus('sip:zed@elsewhere.net')).toHaveText(/^(Unknown address|Not subscribed)/);
      await expect
        .poll(() => page.getByTestId('buddy-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-aor'))))
        .toEqual(['sip:erin@example.org', 'sip:dave@example.org', 'sip:zed@elsewhere.net']);
      await app.screenshot(testInfo, 'buddy-states');
    } finally {
      await erin.stop();
    }
  });
});

test.describe('own account on Kamailio', () => {
  test.use({ harnessOptions: {} });
  const passwords = { alice: 'alice-secret', bob: 'bob-secret' };
  let kamailio: RunningKamailio;
  test.beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: passwords });
  });
  test.afterAll(async () => {
    await kamailio?.stop();
  });

  test('given Kamailio with digest authentication, when the account and password are entered in the settings, then the same scenario holds', async ({
    app,
    harness,
  }, testInfo) => {
    await runAccountScenario(
      app,
      harness,
      { address: `127.0.0.1:${kamailio.ports.tcp!}`, transport: 'TCP', uri: kamailio.serverUri('udp'), domain: kamailio.domain, passwords },
      testInfo,
    );
  });
});
