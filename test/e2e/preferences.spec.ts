/**
 * The settings dialog's Desktop and Advanced sections: each preference applies at once, apart from the account form,
 * reaches main (which would set up start at login), and shows what main reports — also after a refusal.
 */
import type { AppPreferences } from '../../shared/ipc/contract';
import { expect, test } from './fixtures';

const applied: AppPreferences[] = [];
let refuse = false;

test.use({
  harnessOptions: {
    service: {
      applyPreferences: async (preferences) => {
        if (refuse) throw new Error('the autostart folder is read-only');
        applied.push(preferences);
      },
    },
  },
});

test.describe('preferences', () => {
  test.beforeEach(() => {
    applied.length = 0;
    refuse = false;
  });

  test('given the settings, when start at login and trace to file are ticked, then main applies and keeps them without an account being saved', async ({
    app,
    harness,
  }) => {
    const settings = await app.openSettings();
    const startAtLogin = settings.root.getByRole('checkbox', { name: 'Start Presently when I log in' });
    const traceToFile = settings.root.getByRole('checkbox', { name: /Write SIP messages to the log file/ });
    await expect(startAtLogin).not.toBeChecked();
    await startAtLogin.check();
    await traceToFile.check();
    await expect(traceToFile).toBeChecked();
    // The boxes show the change at once; main's answer follows.
    await expect.poll(() => harness.service.preferences).toEqual({ keepRunningInTray: true, startAtLogin: true, traceToFile: true });
    expect(applied.at(-1)).toEqual({ keepRunningInTray: true, startAtLogin: true, traceToFile: true });
    expect(harness.service.sessionMode).toBe('offline');
  });

  test('given the Desktop section, when keep running in the tray is unticked, then main keeps that and the other preferences as they were', async ({
    app,
    harness,
  }) => {
    const settings = await app.openSettings();
    const keepRunningInTray = settings.root.getByRole('checkbox', { name: 'Keep running in the tray when the window is closed' });
    await expect(keepRunningInTray).toBeChecked();
    await keepRunningInTray.uncheck();
    await expect.poll(() => harness.service.preferences).toEqual({ keepRunningInTray: false, startAtLogin: false, traceToFile: false });
    await expect(keepRunningInTray).not.toBeChecked();
  });

  test('given main cannot apply a preference, then the box stays as it was and the dialog says why', async ({ app, harness }) => {
    refuse = true;
    const settings = await app.openSettings();
    const startAtLogin = settings.root.getByRole('checkbox', { name: 'Start Presently when I log in' });
    await startAtLogin.click();
    await expect(settings.root.getByTestId('settings-error')).toContainText('the autostart folder is read-only');
    await expect(startAtLogin).not.toBeChecked();
    expect(harness.service.preferences.startAtLogin).toBe(false);
  });
});
