/**
 * buddies.json: the user's buddy list, in the order buddies were added. One entry per AOR.
 *
 * Schema 2:
 *   { "schemaVersion": 2, "buddies": [ { "aor": "sip:bob@example.com", "displayName": "Bob", "group": "Team", "alert"?: "once" } ] }
 *   `alert` is the buddy's "tell me when available" (absent: off). Schema 1 was the same without `alert`;
 *   such a file migrates as it is (every buddy kept, no alert set) and is written as schema 2 at the next change.
 *
 * Every change is checked with the same rules as the form (shared/buddy/buddy.ts) before it is kept,
 * and nothing is kept in memory that did not reach the disk: a failed save leaves the list as it was.
 */
import path from 'node:path';
import { MAX_BUDDIES, checkBuddyForm, type Buddy, type BuddyAlert, type BuddyForm } from '../../shared/buddy/buddy';
import { errorMessage } from '../../shared/error-message';
import * as v from '../../shared/validation';
import { UserFacingError } from '../ipc/user-facing-error';
import { DocumentFile, type DocumentFormat, type LoadResult } from './json-file';

export const BUDDIES_FILE_NAME = 'buddies.json';

/** A buddy as saved: the form's fields and its availability alert (absent: off). */
export interface SavedBuddy extends Buddy {
  readonly alert?: Exclude<BuddyAlert, 'off'>;
}

const buddiesShape = v.object({
  buddies: v.array(
    v.object({
      aor: v.string({ maxLength: 1024 }),
      displayName: v.string({ maxLength: 1024 }),
      group: v.string({ maxLength: 1024 }),
      alert: v.optional(v.literal('once', 'every-time')),
    }),
    { maxLength: MAX_BUDDIES },
  ),
});

export const buddiesFormat: DocumentFormat<readonly SavedBuddy[]> = {
  schemaVersion: 2,
  decode(raw) {
    const shape = buddiesShape.validate(raw);
    if (!shape.ok) return shape;
    const seen = new Set<string>();
    const buddies: SavedBuddy[] = [];
    for (const [index, { alert, ...entry }] of shape.value.buddies.entries()) {
      const checked = checkBuddyForm(entry);
      if (!checked.ok) return { ok: false, error: `buddies[${index}]: ${Object.values(checked.errors).join(' ')}` };
      if (seen.has(checked.value.aor)) return { ok: false, error: `buddies[${index}]: ${checked.value.aor} is listed twice` };
      seen.add(checked.value.aor);
      buddies.push(alert === undefined ? checked.value : { ...checked.value, alert });
    }
    return { ok: true, value: buddies };
  },
  // Schema 1 is schema 2 without alerts: nothing to change.
  migrate: (raw) => raw,
  encode: (buddies) => ({ buddies }),
};

/** The buddy list in memory, saved on every change. Errors are `UserFacingError`s with readable reasons. */
export class BuddyStore {
  private current: readonly SavedBuddy[] = [];
  private readonly file: DocumentFile<readonly SavedBuddy[]>;
  /** Changes run one at a time, each seeing the list the previous one left. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = new DocumentFile(path.join(dataDir, BUDDIES_FILE_NAME), buddiesFormat);
  }

  get path(): string {
    return this.file.file;
  }

  async load(now?: () => number): Promise<LoadResult<readonly SavedBuddy[]>> {
    const result = await this.file.load(now);
    this.current = result.kind === 'loaded' ? result.value : [];
    return result;
  }

  get buddies(): readonly SavedBuddy[] {
    return this.current;
  }

  find(aor: string): SavedBuddy | undefined {
    return this.current.find((b) => b.aor === aor);
  }

  /** Adds a buddy after checking the form; a bad address or a duplicate saves nothing. */
  add(form: BuddyForm): Promise<Buddy> {
    return this.serialised(async () => {
      const buddy = checked(form);
      if (this.find(buddy.aor)) throw new UserFacingError(`${buddy.aor} is already in your buddy list.`);
      if (this.current.length >= MAX_BUDDIES) throw new UserFacingError(`The buddy list is full (${MAX_BUDDIES} buddies).`);
      await this.replace([...this.current, buddy]);
      return buddy;
    });
  }

  /** Replaces the buddy at `aor` with `form` (which may change the address). */
  update(aor: string, form: BuddyForm): Promise<Buddy> {
    return this.serialised(async () => {
      const index = this.current.findIndex((b) => b.aor === aor);
      if (index < 0) throw new UserFacingError(`${aor} is not in your buddy list.`);
      const edited = checked(form);
      if (edited.aor !== aor && this.find(edited.aor)) throw new UserFacingError(`${edited.aor} is already in your buddy list.`);
      // The form does not carry the alert: editing name, group or address keeps it.
      const alert = this.current[index]?.alert;
      const buddy: SavedBuddy = alert === undefined ? edited : { ...edited, alert };
      await this.replace(this.current.map((b, i) => (i === index ? buddy : b)));
      return buddy;
    });
  }

  /** Sets the buddy's availability alert ('off' removes it). */
  setAlert(aor: string, alert: BuddyAlert): Promise<SavedBuddy> {
    return this.serialised(async () => {
      const index = this.current.findIndex((b) => b.aor === aor);
      const existing = this.current[index];
      if (!existing) throw new UserFacingError(`${aor} is not in your buddy list.`);
      const { alert: _old, ...buddy } = existing;
      const next: SavedBuddy = alert === 'off' ? buddy : { ...buddy, alert };
      await this.replace(this.current.map((b, i) => (i === index ? next : b)));
      return next;
    });
  }

  remove(aor: string): Promise<SavedBuddy> {
    return this.serialised(async () => {
      const buddy = this.find(aor);
      if (!buddy) throw new UserFacingError(`${aor} is not in your buddy list.`);
      await this.replace(this.current.filter((b) => b !== buddy));
      return buddy;
    });
  }

  /** Resolves when every change so far has finished (saved or failed). */
  async flush(): Promise<void> {
    await this.changes.catch(() => undefined);
    await this.file.flush();
  }

  private serialised<T>(change: () => Promise<T>): Promise<T> {
    const next = this.changes.catch(() => undefined).then(change);
    this.changes = next;
    return next;
  }

  /** Saves first, then keeps: the list in memory is always what is on disk. */
  private async replace(next: readonly SavedBuddy[]): Promise<void> {
    try {
      await this.file.save(next);
    } catch (error) {
      throw new UserFacingError(`The buddy list could not be saved (${errorMessage(error)}); nothing was changed.`);
    }
    this.current = next;
  }
}

function checked(form: BuddyForm): Buddy {
  const result = checkBuddyForm(form);
  if (!result.ok) throw new UserFacingError(Object.values(result.errors).join(' '));
  return result.value;
}
