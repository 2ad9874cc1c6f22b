/**
 * The connection details name the presence server: the real renderer in Chromium, the real service, and a real
 * server over loopback — the built-in compositor started as an ordinary server, then Kamailio 5.6. The account is
 * entered through the settings form; the server is recognised from its answers (its Server header).
 * Asterisk's behaviour is tested against a scripted peer in test/integration/sip/server-profile.test.ts.
 */
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import { APP_VERSION } from '../../electron/app-identity';
import { startKamailio, type RunningKamailio } from '../support/kamailio/kamailio';
import { expect, test } from './fixtures';

test.describe('the presence server in the connection details', () => {
  test.use({ harnessOptions: {} });

  test.describe('on the built-in server', () => {
    let server: RunningCompositor;
    test.beforeEach(async () => {
      server = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: null, domains: ['example.org'] });
    });
    test.afterEach(async () => {
      await server.stop();
    });

    test('given an account on the built-in server, when it registers, then the status line names it with its version', async ({
      app,
    }, testInfo) => {
      await expect(app.serverProfile()).toHaveCount(0);
      const settings = await app.openSettings();
      await settings.fill({ aor: 'sip:alice@example.org', server: `127.0.0.1:${server.addresses.tcp!.port}`, transport: 'TCP' });
      await settings.save().click();
      await expect(app.connectionStatus()).toContainText('Registered with');
      await expect(app.serverProfile()).toHaveText(
        new RegExp(`^Presence server: Presently’s built-in server ${APP_VERSION.replace(/\./g, '\\.')}\\b`),
      );
      await app.screenshot(testInfo, 'server-profile-compositor');
    });
  });

  test.describe('on Kamailio', () => {
    let kamailio: RunningKamailio;
    test.beforeAll(async () => {
      kamailio = await startKamailio({ transports: ['tcp'] });
    });
    test.afterAll(async () => {
      await kamailio?.stop();
    });

    test('given an account on Kamailio, when it registers, then the status line names Kamailio and its version', async ({
      app,
    }, testInfo) => {
      const settings = await app.openSettings();
      await settings.fill({ aor: `sip:alice@${kamailio.domain}`, server: `127.0.0.1:${kamailio.ports.tcp!}`, transport: 'TCP' });
      await settings.save().click();
      await expect(app.connectionStatus()).toContainText('Registered with');
      await expect(app.serverProfile()).toHaveText(/^Presence server: Kamailio \d+\.\d+\.\d+/);
      await app.screenshot(testInfo, 'server-profile-kamailio');
    });
  });
});
