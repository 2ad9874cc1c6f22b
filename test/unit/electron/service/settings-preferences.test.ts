import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SETTINGS_FILE_NAME, SettingsStore } from '../../../../electron/service/settings-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-settings-prefs-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('settings preferences', () => {
  it('given a file written before preferences existed, then it loads with the defaults', async () => {
    await writeFile(
      path.join(dir, SETTINGS_FILE_NAME),
      JSON.stringify({ schemaVersion: 1, account: null, presence: { status: 'away', note: '' }, recentNotes: [] }),
    );
    const store = new SettingsStore(dir);
    expect((await store.load()).kind).toBe('loaded');
    expect(store.preferences).toEqual({ keepRunningInTray: true, startAtLogin: false, traceToFile: false });
  });

  it('given one preference changed, then the other keeps its value and both are in the file', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.setPreferences({ traceToFile: true });
    await store.setPreferences({ startAtLogin: true });
    expect(JSON.parse(await readFile(store.path, 'utf8')).preferences).toEqual({
      keepRunningInTray: true,
      startAtLogin: true,
      traceToFile: true,
    });
  });

  it('given a preference that is not a boolean (a hand-edited file), then the file is set aside', async () => {
    await writeFile(
      path.join(dir, SETTINGS_FILE_NAME),
      JSON.stringify({
        schemaVersion: 1,
        account: null,
        presence: { status: 'away', note: '' },
        recentNotes: [],
        preferences: { startAtLogin: 'yes' },
      }),
    );
    expect((await new SettingsStore(dir).load()).kind).toBe('set-aside');
  });
});
