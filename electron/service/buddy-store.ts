/**
 * buddies.json: the user's buddy list, in the order buddies were added. One entry per AOR.
 *
 * Schema 1:
 *   { "schemaVersion": 1, "buddies": [ { "aor": "sip:bob@example.com", "displayName": "Bob", "group": "Team" } ] }
 *
 * Every change is checked with the same rules as the form (shared/buddy/buddy.ts) before it is kept,
 * and nothing is kept in memory that did not reach the disk: a failed save leaves the list as it was.
 */
import path from 'node:path';
import { MAX_BUDDIES, checkBuddyForm, type Buddy, type BuddyForm } from '../../shared/buddy/buddy';
import { errorMessage } from '../../shared/error-message';
import * as v from '../../shared/validation';
import { UserFacingError } from '../ipc/user-facing-error';
import { DocumentFile, type DocumentFormat, type LoadResult } from './json-file';

export const BUDDIES_FILE_NAME = 'buddies.json';

const buddiesShape = v.object({
  buddies: v.array(
    v.object({ aor: v.string({ maxLength: 1024 }), displayName: v.string({ maxLength: 1024 }), group: v.string({ maxLength: 1024 }) }),
    { maxLength: MAX_BUDDIES },
  ),
});

export const buddiesFormat: DocumentFormat<readonly Buddy[]> = {
  schemaVersion: 1,
  decode(raw) {
    const shape = buddiesShape.validate(raw);
    if (!shape.ok) return shape;
    const seen = new Set<string>();
    const buddies: Buddy[] = [];
    for (const [index, entry] of shape.value.buddies.entries()) {
      const checked = checkBuddyForm(entry);
      if (!checked.ok) return { ok: false, error: `buddies[${index}]: ${Object.values(checked.errors).join(' ')}` };
      if (seen.has(checked.value.aor)) return { ok: false, error: `buddies[${index}]: ${checked.value.aor} is listed twice` };
      seen.add(checked.value.aor);
      buddies.push(checked.value);
    }
    return { ok: true, value: buddies };
  },
  encode: (buddies) => ({ buddies }),
};

/** The buddy list in memory, saved on every change. Errors are `UserFacingError`s with readable reasons. */
export class BuddyStore {
  private current: readonly Buddy[] = [];
  private readonly file: DocumentFile<readonly Buddy[]>;
  /** Changes run one at a time, each seeing the list the previous one left. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = new DocumentFile(path.join(dataDir, BUDDIES_FILE_NAME), buddiesFormat);
  }

  get path(): string {
    return this.file.file;
  }

  async load(now?: () => number): Promise<LoadResult<readonly Buddy[]>> {
    const result = await this.file.load(now);
    this.current = result.kind === 'loaded' ? result.value : [];
    return result;
  }

  get buddies(): readonly Buddy[] {
    return this.current;
  }

  find(aor: string): Buddy | undefined {
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
      const buddy = checked(form);
      if (buddy.aor !== aor && this.find(buddy.aor)) throw new UserFacingError(`${buddy.aor} is already in your buddy list.`);
      await this.replace(this.current.map((b, i) => (i === index ? buddy : b)));
      return buddy;
    });
  }

  remove(aor: string): Promise<Buddy> {
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
  private async replace(next: readonly Buddy[]): Promise<void> {
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
