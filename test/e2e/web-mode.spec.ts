/**
 * The web mode end to end, as a user without Electron gets it: `presently app --web` as a real child
 * process, its printed URL opened in Chromium with no test harness (no bindings: the page reaches the
 * core only over the token-guarded WebSocket), the offline demo running, a status set through the UI
 * and seen by a separate SIP watcher, then Ctrl-C — and the watcher sees the publication removed
 * before the process exits cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_DOMAIN, DEMO_USER_AOR } from '../../electron/service/demo/demo-environment';
import { WEB_MODE_NOTICE } from '../../electron/web/web-app';
import { runCli, type CliProcess } from '../support/sip/cli-process';
import { SipPeer } from '../support/sip-watcher';
import { MainWindow } from './fixtures';

test.describe('the web mode', () => {
  let dataDir: string;
  let web: CliProcess;
  let watcher: SipPeer | null = null;

  test.beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'presently-web-e2e-'));
    web = runCli(['app', '--web', '--no-open', '--data-dir', dataDir]);
  });

  test.afterEach(async () => {
    await watcher?.client.stop({ timeoutMs: 1_000 });
    web.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  test('given presently app --web, when its URL is opened in a plain browser, then the demo runs, a status set in the page is published, and Ctrl-C withdraws it and exits cleanly', async ({
    page,
  }, testInfo) => {
    const printed = await web.waitForLine((line) => line.startsWith('Open Presently at: '), 15_000, 'the URL');
    const url = printed.slice('Open Presently at: '.length);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);

    await page.goto(url);
    const app = new MainWindow(page);
    expect(await page.evaluate(() => typeof window.presence)).toBe('undefined');
    await expect(app.handshakeStatus()).toHaveText('Connected to the Presently core (web).');
    await expect(app.notices()).toContainText(WEB_MODE_NOTICE);
    await expect(app.notices()).toContainText(
      'A browser tab cannot use the system keychain, so your SIP password is kept only until Presently quits.',
    );
    await expect(app.demoBanner()).toContainText('This is a local demo.');
    await expect(app.connectionStatus()).toContainText('Registered with');
    await expect.poll(() => app.buddyRows().count()).toBeGreaterThanOrEqual(4);
    await expect(app.buddyRows().first()).not.toContainText(/Unknown|Awaiting/);

    const server = /sip:\S+/.exec((await app.connectionStatus().textContent()) ?? '')?.[0]?.replace(/[.,]$/, '');
    expect(server, 'the demo server named in the status line').toBeDefined();
    watcher = await SipPeer.start({ aor: `sip:web-watcher@${DEMO_DOMAIN}`, server: server ?? '' });
    watcher.client.watch(DEMO_USER_AOR);

    const note = 'Reviewing the quarterly numbers';
    const picker = await app.openStatusPicker();
    await picker.choose('Busy', note);
    await expect(picker.root).toBeHidden();
    await expect(app.selfStatus()).toContainText(`Busy — ${note}`);
    await expect(app.connectionStatus()).toContainText('published');
    await watcher.waitForBuddy(DEMO_USER_AOR, (buddy) => buddy.presence?.status === 'busy' && buddy.presence.note === note);
    await page.screenshot({ path: testInfo.outputPath('web-mode.png') });
    await testInfo.attach('web-mode', { path: testInfo.outputPath('web-mode.png'), contentType: 'image/png' });

    const withdrawn = watcher.waitForBuddy(DEMO_USER_AOR, (buddy) => buddy.presence?.status === 'offline');
    web.child.kill('SIGINT');
    await withdrawn;
    expect(await web.exited).toBe(0);
    expect(web.stdout).toContain('Presently stopped cleanly.');
    // The service logs its notices; the one warning the web mode must give is the keychain notice.
    const unexpected = web
      .stderr()
      .split('\n')
      .filter((line) => /warn|error/i.test(line) && !line.includes('notice: A browser tab cannot use the system keychain'));
    expect(unexpected).toEqual([]);
    await expect(page.getByTestId('handshake-error')).toContainText('Presently was stopped');
  });

  test('given the URL without its token, then the page is refused', async ({ page }) => {
    const printed = await web.waitForLine((line) => line.startsWith('Open Presently at: '), 15_000, 'the URL');
    const { origin } = new URL(printed.slice('Open Presently at: '.length));
    const response = await page.goto(`${origin}/`);
    expect(response?.status()).toBe(403);
    await expect(page.locator('body')).toContainText('Open Presently from the address it printed in its terminal');
    web.child.kill('SIGINT');
    expect(await web.exited).toBe(0);
  });
});
