/**
 * The real Electron app, started by Playwright's `_electron`. It needs the Electron binary, which
 * `npm install` downloads unless ELECTRON_SKIP_BINARY_DOWNLOAD=1 is set (as on our CI machines, which
 * cannot reach the download host). Where the binary is missing the test reports itself as skipped with
 * that reason; it is not counted as passed.
 *
 * It covers the same start-up as the browser tests: a fresh profile (PRESENTLY_USER_DATA_DIR) with no
 * account starts the offline demo — built-in server on loopback, simulated colleagues in the list — and
 * quitting stops it cleanly. The shell's tests read the tray menu, the window's visibility and the
 * application menu in the main process (the test view PRESENTLY_TEST_HOOKS=1 exposes, see
 * electron/desktop/shell-test-view.ts): no test can click a system tray.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import { SHELL_TEST_VIEW, type ShellTestView } from '../../electron/desktop/shell-test-view';
import { installedElectronBinary } from '../support/electron-binary';
import { MainWindow } from './fixtures';

const binary = installedElectronBinary();

/** Starts the app on a fresh profile with the shell's test view; closes it and removes the profile after `use`. */
async function withApp(use: (app: ElectronApplication) => Promise<void>): Promise<void> {
  const profile = await mkdtemp(path.join(tmpdir(), 'presently-electron-'));
  const app = await electron.launch({
    executablePath: binary ?? undefined,
    args: ['.'],
    env: { ...process.env, PRESENTLY_USER_DATA_DIR: profile, PRESENTLY_TEST_HOOKS: '1' },
  });
  try {
    await use(app);
  } finally {
    await app.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** The shell's test view, read in the main process: the tray as last built (plain data). */
const trayView = (app: ElectronApplication) =>
  app.evaluate((_electron, name) => ((globalThis as Record<string, unknown>)[name] as ShellTestView).tray, SHELL_TEST_VIEW);
const isWindowVisible = (app: ElectronApplication) =>
  app.evaluate((_electron, name) => ((globalThis as Record<string, unknown>)[name] as ShellTestView).isWindowVisible(), SHELL_TEST_VIEW);
const chooseTrayItem = (app: ElectronApplication, label: string) =>
  app.evaluate((_electron, [name, item]) => ((globalThis as Record<string, unknown>)[name] as ShellTestView).chooseTrayItem(item), [
    SHELL_TEST_VIEW,
    label,
  ] as const);
const appMenuModel = (app: ElectronApplication) =>
  app.evaluate((_electron, name) => ((globalThis as Record<string, unknown>)[name] as ShellTestView).appMenu, SHELL_TEST_VIEW);

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

  test('given the demo signed in, then the page comes from app:// and the tray shows the status with a menu of statuses; choosing Busy publishes it', async () => {
    await withApp(async (app) => {
      const page = await app.firstWindow();
      expect(page.url()).toBe('app://presently/index.html');
      await expect.poll(() => trayView(app).then((tray) => tray?.icon)).toBe('available');
      const labels = (await trayView(app))?.menu.map((item) => (item.kind === 'separator' ? '—' : item.label));
      expect(labels?.slice(0, 9)).toEqual([
        'Available',
        'Away',
        'Busy',
        'Do not disturb',
        'On the phone',
        'In a meeting',
        'Appear offline',
        '—',
        'Set a note…',
      ]);
      expect(labels?.slice(-2)).toEqual(['Open Presently', 'Quit Presently']);
      expect((await trayView(app))?.tooltip).toBe('Presently — Available');

      await chooseTrayItem(app, 'Busy');
      await expect.poll(() => trayView(app).then((tray) => tray?.icon)).toBe('busy');
      const checked = (await trayView(app))?.menu.flatMap((item) => (item.kind === 'item' && item.checked ? [item.label] : []));
      expect(checked).toEqual(['Busy']);
      await expect(new MainWindow(page).selfStatus()).toContainText('Busy');
    });
  });

  test('given the window closed, then Presently keeps running with the publication in place; Open Presently shows the window again', async () => {
    await withApp(async (app) => {
      await app.firstWindow();
      await expect.poll(() => trayView(app).then((tray) => tray?.state.self.publication.phase)).toBe('published');
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
      await expect.poll(() => isWindowVisible(app)).toBe(false);
      // Still running, still signed in, still published.
      const tray = await trayView(app);
      expect([tray?.state.accountState.phase, tray?.state.self.publication.phase]).toEqual(['registered', 'published']);
      await chooseTrayItem(app, 'Open Presently');
      await expect.poll(() => isWindowVisible(app)).toBe(true);
    });
  });

  test('has its own application menu: Edit and View with zoom, Help with the log folder, Reload and Developer Tools in development only', async () => {
    await withApp(async (app) => {
      await app.firstWindow();
      const menu = await app.evaluate(({ Menu }) =>
        Menu.getApplicationMenu()?.items.map((item) => ({
          label: item.label,
          roles: item.submenu?.items.map((sub) => sub.role ?? sub.label),
        })),
      );
      const expected = (await appMenuModel(app)).map((m) => m.label);
      expect(menu?.map((m) => m.label)).toEqual(expected);
      const view = menu?.find((m) => m.label === 'View')?.roles ?? [];
      expect(view.map((role) => role.toLowerCase())).toEqual(expect.arrayContaining(['zoomin', 'zoomout', 'resetzoom', 'toggledevtools']));
      expect(menu?.find((m) => m.label === 'Help')?.roles).toContain('Open log folder');
    });
  });
});
