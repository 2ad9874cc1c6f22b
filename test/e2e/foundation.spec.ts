import { APP_VERSION } from '../../electron/app-identity';
import { expect, test } from './fixtures';

test.describe('foundation: renderer ↔ main round trip', () => {
  test('given the core running in Node, when the renderer loads, then the ready handshake shows the version', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    await expect(app.handshakeStatus()).toHaveText('Connected to the Presently core (node).');
    await expect(app.version()).toContainText(`Presently ${APP_VERSION}`);
    await expect(app.version()).toContainText(`Node ${process.versions.node}`);

    // The same request straight through the page's bridge returns what the core says.
    const info = await page.evaluate(() => window.presence?.getAppInfo());
    expect(info).toEqual(harness.service.getAppInfo());

    await page.screenshot({ path: testInfo.outputPath('main-window.png'), fullPage: true });
    await testInfo.attach('main-window', { path: testInfo.outputPath('main-window.png'), contentType: 'image/png' });
    expect(harness.internalErrors).toEqual([]);
  });

  test('given a notice emitted before the renderer was ready, when it becomes ready, then the notice is shown', async ({
    page,
    harness,
  }) => {
    harness.service.notify('warning', 'Queued before the window was ready');
    await harness.open(page);
    await expect(page.getByTestId('notices')).toContainText('Queued before the window was ready');
    harness.service.notify('info', 'Sent after the handshake');
    await expect(page.getByTestId('notices')).toContainText('Sent after the handshake');
  });

  test('given a payload the contract does not allow, when the page sends it, then main refuses it with a reason', async ({ app, page }) => {
    await expect(app.handshakeStatus()).toBeAttached();
    const refusal = await page.evaluate(() =>
      (window as unknown as { __presentlyInvoke(c: string, p: unknown): Promise<unknown> }).__presentlyInvoke('app:get-info', {
        evil: true,
      }),
    );
    expect(refusal).toEqual({
      ok: false,
      error: { code: 'invalid-payload', message: 'getAppInfo: expected no payload, got object' },
    });
    const unknown = await page.evaluate(() =>
      (window as unknown as { __presentlyInvoke(c: string, p: unknown): Promise<unknown> }).__presentlyInvoke(
        'fs:read-file',
        '/etc/passwd',
      ),
    );
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  test('given the strict CSP, when the page tries to fetch even from its own server, then the browser blocks it', async ({
    app,
    page,
    harness,
  }) => {
    await expect(app.handshakeStatus()).toBeAttached();
    const outcome = await page.evaluate(async (url) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      let fetched: string;
      try {
        await fetch(url);
        fetched = 'fetched';
      } catch {
        fetched = 'blocked';
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { fetched, violations };
    }, harness.server.url);
    expect(outcome).toEqual({ fetched: 'blocked', violations: ['connect-src'] });
  });
});
