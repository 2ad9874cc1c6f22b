/**
 * The app with the user's own account, end to end: the real renderer in Chromium, the real service, and
 * a real presence server over loopback — first the built-in compositor started as an ordinary server
 * (the demo switched off), then Kamailio 5.6 with digest authentication. The account is entered through
 * the settings form in both (see account-scenario.ts for the steps).
 */
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import { startKamailio, type RunningKamailio } from '../support/kamailio/kamailio';
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
    await runAccountScenario(app, harness, { address: `127.0.0.1:${tcp.port}`, transport: 'TCP', uri: server.addresses.udp!.uri, domain: 'example.org' }, testInfo);
  });

  test('given a server that refuses our publication, when the user sets a status, then the picker says it was not accepted and why', async ({ app }, testInfo) => {
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
