/**
 * The real Electron app, started by Playwright's `_electron`. It needs the Electron binary, which
 * `npm install` downloads unless ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set (as on our CI machines, which
 * cannot reach the download host). Where the binary is missing the test reports itself as skipped with
 * that reason; it is not counted as passed.
 *
 * It covers the same start-up as the browser tests: a fresh profile (PRESENTLY_USER_DATA_DIR) with no
 * account starts the offline demo — built-in server on loopback, simulated colleagues in the list — and
 * quitting stops it cleanly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectronBinary } from '../support/electron-binary';
import { MainWindow } from './fixtures';

const binary = installedElectronBinary();

test.describe('the Electron app', () => {
  test.skip(binary === null, 'No Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1); run on a machine with one.');

  test('given a fresh profile, when the app starts, then the preload bridge connects and the offline demo runs with colleagues listed', async ({}, testInfo) => {
    const profile = await mkdtemp(path.join(tmpdir(), 'presently-electron-'));
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: ['.'],
      env: { ...process.env, PRESENTLY_USER_DATA_DIR: profile },
    });
    try {
      const page = await app.firstWindow();
      const main = new MainWindow(page);
      await expect(main.handshakeStatus()).toHaveText('Connected to the Presently core (electron).');
      // The page has the named bridge and nothing of Node.
      expect(await page.evaluate(() => typeof window.presence?.getAppInfo)).toBe('function');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

      await expect(main.demoBanner()).toContainText('This is a local demo.');
      await expect(main.connectionStatus()).toContainText('Registered with');
      await expect.poll(() => main.buddyRows().count()).toBeGreaterThanOrEqual(4);
      await main.screenshot(testInfo, 'electron-window');
    } finally {
      await app.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
