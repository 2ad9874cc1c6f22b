/**
 * settings.json: the SIP account (without its password), the status and note the user chose last
 * (so a restart publishes them again), and the recent notes the status picker offers.
 *
 * Schema 1:
 *   { "schemaVersion": 1,
 *     "account": AccountSettings | null,
 *     "presence": { "status": ChosenStatus, "note": string },
 *     "recentNotes": string[],
 *     "desktop"?: { "keepRunningInTray": boolean, "hasExplainedTray": boolean } }
 *
 * `desktop` was added after the first files were written; absent means DEFAULT_DESKTOP_SETTINGS.
 */
import path from 'node:path';
import {
  EXPIRES_RANGE,
  checkAccountForm,
  describeAccountErrors,
  type AccountSettings,
} from '../../shared/account/account-settings';
import { CHOSEN_STATUSES, MAX_NOTE_LENGTH, type ChosenStatus } from '../../shared/presence/presence-status';
import * as v from '../../shared/validation';
import { DocumentFile, type DocumentFormat, type LoadResult } from './json-file';

export const SETTINGS_FILE_NAME = 'settings.json';

/** How many recent notes the picker offers. */
export const MAX_RECENT_NOTES = 5;

/** How the desktop app behaves around its window (see electron/desktop/close-policy.ts). */
export interface DesktopSettings {
  /** Closing the window keeps Presently running in the tray. */
  readonly keepRunningInTray: boolean;
  /** The user has been told once that closing the window keeps Presently running, and how to quit. */
  readonly hasExplainedTray: boolean;
}

/** Closing to the tray is on until the user turns it off; the explanation is still due. */
export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { keepRunningInTray: true, hasExplainedTray: false };

export interface Settings {
  readonly account: AccountSettings | null;
  readonly presence: { readonly status: ChosenStatus; readonly note: string };
  readonly recentNotes: readonly string[];
  /** Absent until the user or the app first changes one (older files have none). */
  readonly desktop?: DesktopSettings;
}

export const DEFAULT_SETTINGS: Settings = {
  account: null,
  presence: { status: 'available', note: '' },
  recentNotes: [],
};

const text = (maxLength: number) => v.string({ maxLength });
const seconds = v.number({ integer: true, min: EXPIRES_RANGE.min, max: EXPIRES_RANGE.max });

const accountShape = v.object({
  displayName: text(1024),
  aor: text(1024),
  authUser: text(1024),
  server: text(1024),
  outboundProxy: text(1024),
  wsPath: text(1024),
  // Added after the first files were written; absent means "system CAs only".
  tlsCaFile: v.optional(text(1024)),
  register: v.boolean,
  publish: v.boolean,
  registerExpires: seconds,
  publishExpires: seconds,
  subscribeExpires: seconds,
});

const settingsShape = v.object({
  account: v.nullable(accountShape),
  presence: v.object({ status: v.literal(...CHOSEN_STATUSES), note: text(MAX_NOTE_LENGTH) }),
  recentNotes: v.array(text(MAX_NOTE_LENGTH), { maxLength: MAX_RECENT_NOTES }),
  desktop: v.optional(v.object({ keepRunningInTray: v.boolean, hasExplainedTray: v.boolean })),
});

export const settingsFormat: DocumentFormat<Settings> = {
  schemaVersion: 1,
  decode(raw) {
    const shape = settingsShape.validate(raw);
    if (!shape.ok) return shape;
    const { account, presence, recentNotes, desktop } = shape.value;
    const rest = { presence, recentNotes, ...(desktop ? { desktop } : {}) };
    if (account === null) return { ok: true, value: { account: null, ...rest } };
    // A hand-edited file must meet the same rules as the form.
    const checked = checkAccountForm(account);
    if (!checked.ok) return { ok: false, error: `account: ${describeAccountErrors(checked.errors)}` };
    const { password: _none, ...settings } = checked.value;
    return { ok: true, value: { account: settings, ...rest } };
  },
  encode: (settings) => ({ ...settings }),
};

/** The settings in memory, saved on every change. */
export class SettingsStore {
  private current: Settings = DEFAULT_SETTINGS;
  private readonly file: DocumentFile<Settings>;

  constructor(dataDir: string) {
    this.file = new DocumentFile(path.join(dataDir, SETTINGS_FILE_NAME), settingsFormat);
  }

  get path(): string {
    return this.file.file;
  }

  /** Reads the file; a missing or set-aside one leaves the defaults. Tell the user about a set-aside one. */
  async load(now?: () => number): Promise<LoadResult<Settings>> {
    const result = await this.file.load(now);
    this.current = result.kind === 'loaded' ? result.value : DEFAULT_SETTINGS;
    return result;
  }

  get settings(): Settings {
    return this.current;
  }

  async setAccount(account: AccountSettings | null): Promise<void> {
    await this.update({ ...this.current, account });
  }

  /** Records the chosen status and note; a non-empty note moves to the front of the recent notes. */
  async setPresence(status: ChosenStatus, note: string): Promise<void> {
    const recentNotes = note === '' ? this.current.recentNotes : withRecentNote(this.current.recentNotes, note);
    await this.update({ ...this.current, presence: { status, note }, recentNotes });
  }

  /** The desktop settings in force: the saved ones, or the defaults. */
  get desktop(): DesktopSettings {
    return this.current.desktop ?? DEFAULT_DESKTOP_SETTINGS;
  }

  /** Changes some desktop settings, keeping the others. */
  async setDesktop(change: Partial<DesktopSettings>): Promise<void> {
    await this.update({ ...this.current, desktop: { ...this.desktop, ...change } });
  }

  async forgetRecentNote(note: string): Promise<void> {
    await this.update({ ...this.current, recentNotes: this.current.recentNotes.filter((n) => n !== note) });
  }

  /** Resolves when every change so far is on disk. */
  flush(): Promise<void> {
    return this.file.flush();
  }

  private async update(next: Settings): Promise<void> {
    this.current = next;
    await this.file.save(next);
  }
}

/** `note` first, without duplicates, at most MAX_RECENT_NOTES. */
export function withRecentNote(recent: readonly string[], note: string): string[] {
  return [note, ...recent.filter((n) => n !== note)].slice(0, MAX_RECENT_NOTES);
}
