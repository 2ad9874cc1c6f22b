import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../../shared/account/account-settings';
import { DEFAULT_PREFERENCES } from '../../../../shared/ipc/contract';
import { DEFAULT_SETTINGS, SETTINGS_FILE_NAME, SettingsStore } from '../../../../electron/service/settings-store';

const account = {
  ...DEFAULT_ACCOUNT_SETTINGS,
  displayName: 'Alice',
  aor: 'sip:alice@example.com',
  server: 'sip:pbx.example.com;transport=tcp',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings store', () => {
  it('given a first start, then the defaults apply: no account, available, no notes', async () => {
    const store = new SettingsStore(dir);
    expect(await store.load()).toEqual({ kind: 'missing' });
    expect(store.settings).toEqual(DEFAULT_SETTINGS);
  });

  it('given an account, status and notes saved, when a new store loads the folder, then all come back', async () => {
    const first = new SettingsStore(dir);
    await first.load();
    await first.setAccount(account);
    await first.setPresence('busy', 'In the lab');
    await first.setPresence('away', 'Lunch');
    await first.setPresence('available', '');

    const second = new SettingsStore(dir);
    await second.load();
    expect(second.settings).toEqual({
      account,
      presence: { status: 'available', note: '' },
      recentNotes: ['Lunch', 'In the lab'],
    });
  });

  it('given a file without desktop settings, then the defaults apply: keep running in the tray, not yet explained; changes come back', async () => {
    const first = new SettingsStore(dir);
    await first.load();
    await first.setPresence('busy', 'In the lab');
    const older = new SettingsStore(dir);
    await older.load();
    expect(older.preferences).toEqual(DEFAULT_PREFERENCES);
    expect({ keepRunningInTray: DEFAULT_PREFERENCES.keepRunningInTray, hasExplainedTray: older.hasExplainedTray }).toEqual({
      keepRunningInTray: true,
      hasExplainedTray: false,
    });

    await older.markTrayExplained();
    await older.setPreferences({ keepRunningInTray: false });
    const later = new SettingsStore(dir);
    await later.load();
    expect({ keepRunningInTray: later.preferences.keepRunningInTray, hasExplainedTray: later.hasExplainedTray }).toEqual({
      keepRunningInTray: false,
      hasExplainedTray: true,
    });
    expect(later.settings.presence).toEqual({ status: 'busy', note: 'In the lab' });
  });

  it('given a file that kept the tray choice and its notice together as "desktop", then both are read, and the next save writes "preferences" and "hasExplainedTray"', async () => {
    const stored = {
      schemaVersion: 1,
      account: null,
      presence: { status: 'away', note: '' },
      recentNotes: [],
      desktop: { keepRunningInTray: false, hasExplainedTray: true },
    };
    await writeFile(path.join(dir, SETTINGS_FILE_NAME), JSON.stringify(stored));
    const store = new SettingsStore(dir);
    expect((await store.load()).kind).toBe('loaded');
    expect(store.preferences).toEqual({ ...DEFAULT_PREFERENCES, keepRunningInTray: false });
    expect(store.hasExplainedTray).toBe(true);

    await store.setPreferences({ startAtLogin: true });
    const written = JSON.parse(await readFile(store.path, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      preferences: { keepRunningInTray: false, startAtLogin: true, traceToFile: false },
      hasExplainedTray: true,
    });
    expect(written).not.toHaveProperty('desktop');
  });

  it('keeps the five most recent distinct notes, newest first, and forgets one on request', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    for (const note of ['a', 'b', 'c', 'd', 'e', 'f', 'c']) await store.setPresence('busy', note);
    expect(store.settings.recentNotes).toEqual(['c', 'f', 'e', 'd', 'b']);
    await store.forgetRecentNote('e');
    expect(store.settings.recentNotes).toEqual(['c', 'f', 'd', 'b']);
  });

  it('never writes a password: the file holds only the account settings', async () => {
    const store = new SettingsStore(dir);
    await store.load();
    await store.setAccount(account);
    const text = await readFile(store.path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1, account });
    expect(text).not.toMatch(/password/i);
  });

  it('given a hand-edited file with an account that breaks the rules, then it is set aside with the reason', async () => {
    await writeFile(
      path.join(dir, 'settings.json'),
      JSON.stringify({ schemaVersion: 1, account: { ...account, aor: 'alice' }, presence: { status: 'busy', note: '' }, recentNotes: [] }),
    );
    const store = new SettingsStore(dir);
    const result = await store.load();
    expect(result).toMatchObject({ kind: 'set-aside', reason: expect.stringContaining('SIP address: “alice” has no user part') });
    expect(store.settings).toEqual(DEFAULT_SETTINGS);
    expect((await readdir(dir)).some((name) => name.startsWith('settings.json.corrupt-'))).toBe(true);
  });
});
