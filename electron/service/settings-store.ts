/**
 * settings.json: the SIP account (without its password), the status and note the user chose last
 * (so a restart publishes them again), and the recent notes the status picker offers.
 *
 * Schema 1:
 *   { "schemaVersion": 1,
 *     "account": AccountSettings | null,
 *     "presence": { "status": ChosenStatus, "note": string, "until"?: number, "before"?: { "status", "note" } },
 *     "recentNotes": string[],
 *     "preferences"?: { "keepRunningInTray"?: boolean, "startAtLogin"?: boolean, "traceToFile"?: boolean,
 *                       "liveCapture"?: LiveCaptureSettings, "hepMirror"?: HepMirrorSettings },
 *     "hasExplainedTray"?: boolean }
 *   (both came later: absent ones are the defaults, so older files read unchanged)
 *
 * A timed status keeps its end (`until`, ms since the epoch) and the status to return to (`before`) in
 * `presence`, so a restart in between still ends it on time (or at once, when the end passed meanwhile).
 *
 * `preferences` are the user's choices (the contract's AppPreferences); `hasExplainedTray` is the app's
 * own note that the one-time "still running in the tray" notice was shown. Files written while these
 * were kept together as `"desktop": { "keepRunningInTray", "hasExplainedTray" }` still load; the next
 * save writes the fields above instead.
 */
import path from 'node:path';
import { EXPIRES_RANGE, checkAccountForm, describeAccountErrors, type AccountSettings } from '../../shared/account/account-settings';
import { DEFAULT_PREFERENCES, preferencesChange, type AppPreferences } from '../../shared/ipc/contract';
import { CHOSEN_STATUSES, MAX_NOTE_LENGTH, type ChosenStatus } from '../../shared/presence/presence-status';
import * as v from '../../shared/validation';
import { DocumentFile, type DocumentFormat, type LoadResult } from './json-file';

export const SETTINGS_FILE_NAME = 'settings.json';

/** How many recent notes the picker offers. */
export const MAX_RECENT_NOTES = 5;

/** A status and note the user chose. */
export interface StatusChoice {
  readonly status: ChosenStatus;
  readonly note: string;
}

/** The saved choice; a timed one with its end and the choice it returns to. */
export interface SavedPresence extends StatusChoice {
  readonly until?: number;
  readonly before?: StatusChoice;
}

export interface Settings {
  readonly account: AccountSettings | null;
  readonly presence: SavedPresence;
  readonly recentNotes: readonly string[];
  /** Absent until first changed (the defaults apply); read them through `SettingsStore.preferences`. */
  readonly preferences?: AppPreferences;
  /** The one-time notice that closing the window keeps Presently running was shown (absent: not yet). */
  readonly hasExplainedTray?: boolean;
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
  xcapRoot: v.optional(text(1024)),
  presenceListUri: v.optional(text(1024)),
  register: v.boolean,
  publish: v.boolean,
  registerExpires: seconds,
  publishExpires: seconds,
  subscribeExpires: seconds,
});

const settingsShape = v.object({
  account: v.nullable(accountShape),
  presence: v.object({
    status: v.literal(...CHOSEN_STATUSES),
    note: text(MAX_NOTE_LENGTH),
    until: v.optional(v.number({ integer: true, min: 0 })),
    before: v.optional(v.object({ status: v.literal(...CHOSEN_STATUSES), note: text(MAX_NOTE_LENGTH) })),
  }),
  recentNotes: v.array(text(MAX_NOTE_LENGTH), { maxLength: MAX_RECENT_NOTES }),
  preferences: v.optional(preferencesChange()),
  hasExplainedTray: v.optional(v.boolean),
  // The older spelling (see the module comment): read, never written.
  desktop: v.optional(v.object({ keepRunningInTray: v.boolean, hasExplainedTray: v.boolean })),
});

export const settingsFormat: DocumentFormat<Settings> = {
  schemaVersion: 1,
  decode(raw) {
    const shape = settingsShape.validate(raw);
    if (!shape.ok) return shape;
    const { account, presence, recentNotes, desktop, ...stored } = shape.value;
    // The older spelling counts only where the newer one is absent (an absent optional field is not copied).
    const preferences = desktop ? { keepRunningInTray: desktop.keepRunningInTray, ...stored.preferences } : stored.preferences;
    const hasExplainedTray = stored.hasExplainedTray ?? desktop?.hasExplainedTray;
    const rest = {
      presence,
      recentNotes,
      ...(preferences === undefined ? {} : { preferences: { ...DEFAULT_PREFERENCES, ...preferences } }),
      ...(hasExplainedTray === undefined ? {} : { hasExplainedTray }),
    };
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

  /** Records the chosen status and note (a timed one with its end and return); a non-empty note moves to the front of the recent notes. */
  async setPresence(status: ChosenStatus, note: string, timed?: { readonly until: number; readonly before?: StatusChoice }): Promise<void> {
    const recentNotes = note === '' ? this.current.recentNotes : withRecentNote(this.current.recentNotes, note);
    const presence: SavedPresence = timed
      ? { status, note, until: timed.until, ...(timed.before ? { before: timed.before } : {}) }
      : { status, note };
    await this.update({ ...this.current, presence, recentNotes });
  }

  /** Records the status a timed one returned to, leaving the recent notes as they are (the user typed nothing). */
  async restorePresence(presence: StatusChoice): Promise<void> {
    await this.update({ ...this.current, presence: { status: presence.status, note: presence.note } });
  }

  /** The preferences, the defaults filled in. */
  get preferences(): AppPreferences {
    return { ...DEFAULT_PREFERENCES, ...this.current.preferences };
  }

  /** Changes the given preferences, keeping the others. */
  async setPreferences(change: Partial<AppPreferences>): Promise<void> {
    await this.update({ ...this.current, preferences: { ...this.preferences, ...change } });
  }

  /** Whether the one-time "still running in the tray" notice was shown. */
  get hasExplainedTray(): boolean {
    return this.current.hasExplainedTray ?? false;
  }

  /** Records that the "still running in the tray" notice was shown, so it is not shown again. */
  async markTrayExplained(): Promise<void> {
    await this.update({ ...this.current, hasExplainedTray: true });
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
