/**
 * The real Electron app, started by Playwright's `_electron`. It needs the Electron binary, which
 * `npm install` downloads unless ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set (as on our CI machines, which
 * cannot reach the download host). Where the binary is missing the test reports itself as skipped with
 * that reason; it is not counted as passed.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { installedElectronBinary } from '../support/electron-binary';

const binary = installedElectronBinary();

test.describe('the Electron app', () => {
  test.skip(binary === null, 'No Electron binary installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1); run on a machine with one.');

  test('given a fresh start, when the window opens, then the preload bridge completes the handshake', async ({}, testInfo) => {
    const app = await electron.launch({ executablePath: binary ?? undefined, args: ['.'] });
    try {
      const page = await app.firstWindow();
      await expect(page.getByTestId('handshake-status')).toHaveText('Connected to the Presently core (electron).');
      // The page has the named bridge and nothing of Node.
      expect(await page.evaluate(() => typeof window.presence?.getAppInfo)).toBe('function');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      await page.screenshot({ path: testInfo.outputPath('electron-window.png') });
    } finally {
      await app.close();
    }
  });
});
