/**
 * The compositor's state on disk (`presently compositor --state FILE`): publications (RFC 3903 §6 event state
 * with its entity-tag and absolute expiry), watcher dialogs (RFC 6665 §4.2 / RFC 3261 §12: everything a NOTIFY
 * needs), registrar bindings (RFC 3261 §10.3) and presence rules (RFC 5025 documents, by owner) — so that a restart,
 * even after `kill -9`, forgets nothing that was acknowledged (docs/compositor-team.md §6).
 *
 * Why Node's built-in `node:sqlite` and not a library: it needs no native build and adds no dependency — the Node we
 * ship already has it. It is imported lazily (`openStateStore`), so that a compositor without `--state` never loads
 * it and never prints its experimental-feature warning.
 *
 * Each row is its key columns (indexed) plus the whole object as JSON, so that a new field of a publication or a
 * watcher (a watcher's pending/active status, say) is kept without a schema change.
 *
 * Durability: WAL with `synchronous=FULL`, so a commit is on the disk (fsync of the log) before any 200 that depends
 * on it goes out. NORMAL would survive `kill -9` as well (the log is in the kernel's cache) but not a power cut,
 * and a presence server that says 200 and then forgets is what this file exists to prevent; group commit makes
 * the extra fsync cheap. Group commit: the writes of every request handled in one turn of the event loop go into
 * one transaction at the end of that turn (`setImmediate`), and the responses waiting for it are sent after it —
 * under load a turn handles every datagram the kernel queued meanwhile, so one fsync serves them all without a
 * fixed waiting window.
 */
import { closeSync, lstatSync, openSync } from 'node:fs';
import type * as Sqlite from 'node:sqlite';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { RulesStorage } from '../authorization/rules-book';

/** The schema this code writes; a file with a higher `user_version` came from a newer Presently. */
export const STATE_SCHEMA_VERSION = 1;

/** The tables of soft state; each row: id, the AOR it belongs to, absolute expiry (ms), the object as JSON. */
export type StateTable = 'publications' | 'subscriptions' | 'bindings';
const STATE_TABLES: readonly StateTable[] = ['publications', 'subscriptions', 'bindings'];

/** One stored row of soft state. */
export interface StateRow {
  readonly id: string;
  readonly aorKey: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** The object as it was saved (JSON-parsed). */
  readonly data: unknown;
}

/** A state file that cannot be used: the sentence says why and what to do. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** Settings of `openStateStore`. */
export interface StateStoreOptions {
  /** FULL (the default) or NORMAL; see the module comment. */
  readonly synchronous?: 'full' | 'normal';
}

const SCHEMA = `
  CREATE TABLE publications (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX publications_aor ON publications (aor_key);
  CREATE TABLE subscriptions (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX subscriptions_aor ON subscriptions (aor_key);
  CREATE TABLE bindings (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE INDEX bindings_aor ON bindings (aor_key);
  CREATE TABLE rules (owner_key TEXT PRIMARY KEY, xml TEXT NOT NULL);
  PRAGMA user_version = ${STATE_SCHEMA_VERSION};
`;

/**
 * Opens (or creates, mode 0600) a state file. Throws a `StateFileError` when the file is readable or writable by
 * others, is not ours, is not a state file, was written by a newer schema, or is in use by another compositor.
 */
export async function openStateStore(file: string, options: StateStoreOptions = {}): Promise<CompositorStateStore> {
  checkPermissions(file);
  const { DatabaseSync } = await importSqliteQuietly();
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file);
  } catch (error) {
    throw new StateFileError(`--state ${file}: cannot open it (${(error as Error).message})`, { cause: error });
  }
  try {
    return new CompositorStateStore(db, file, options);
  } catch (error) {
    db.close();
    if (error instanceof StateFileError) throw error;
    const message = (error as Error).message;
    if (/not a database|file is encrypted/i.test(message))
      throw new StateFileError(`--state ${file} is not a Presently state file (SQLite says: ${message}); give another file`, {
        cause: error,
      });
    if (/locked|busy/i.test(message))
      throw new StateFileError(`--state ${file} is in use by another compositor; stop it first or give another file`, { cause: error });
    throw new StateFileError(`--state ${file}: ${message}`, { cause: error });
  }
}

/** The state file on SQLite, with group commit. Made by `openStateStore`. */
export class CompositorStateStore {
  /** The presence rules on this file (the rules book's storage). */
  readonly rules: RulesStorage;
  private readonly upserts = new Map<StateTable, StatementSync>();
  private readonly deletes = new Map<StateTable, StatementSync>();
  /** Writes not yet committed, by `table\nid`: the newest write of a row wins (null: delete). */
  private readonly pending = new Map<string, { table: StateTable; row: StateRow | null; id: string }>();
  private waiters: Array<(error: Error | null) => void> = [];
  private isFlushScheduled = false;
  private isClosed = false;
  /** Transactions committed, rows written by them, and the milliseconds they took (for the bench and tests). */
  commits = 0;
  rowsWritten = 0;
  commitMs = 0;

  constructor(
    private readonly db: DatabaseSync,
    readonly file: string,
    options: StateStoreOptions,
  ) {
    // EXCLUSIVE: a second compositor on the same file fails at once instead of interleaving writes; the lock is
    // the kernel's, so it goes with the process, `kill -9` included.
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    db.exec('BEGIN IMMEDIATE');
    try {
      const version = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
      if (version > STATE_SCHEMA_VERSION) {
        throw new StateFileError(
          `--state ${file} was written by a newer Presently (state schema ${version}; this version reads up to ${STATE_SCHEMA_VERSION}): run that version, or give another file`,
        );
      }
      if (version === 0) {
        const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
        if (Number(tables.n) !== 0) throw new StateFileError(`--state ${file} is an SQLite database of something else; give another file`);
        db.exec(SCHEMA);
      }
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    for (const table of STATE_TABLES) {
      this.upserts.set(table, db.prepare(`INSERT OR REPLACE INTO ${table} (id, aor_key, expires_at, data) VALUES (?, ?, ?, ?)`));
      this.deletes.set(table, db.prepare(`DELETE FROM ${table} WHERE id = ?`));
    }
    const saveRule = db.prepare('INSERT OR REPLACE INTO rules (owner_key, xml) VALUES (?, ?)');
    this.rules = {
      load: () => {
        const rows = db.prepare('SELECT owner_key, xml FROM rules').all() as Array<{ owner_key: string; xml: string }>;
        return new Map(rows.map((row) => [row.owner_key, row.xml]));
      },
      save: (ownerAorKey, presRulesXml) => {
        // Rare and answered synchronously by the XCAP handler: committed at once, with whatever is pending.
        this.transaction(() => saveRule.run(ownerAorKey, presRulesXml));
      },
    };
  }

  /** Every stored row of a table; rows whose JSON cannot be read are left out and counted in `unreadable`. */
  load(table: StateTable): { rows: StateRow[]; unreadable: number } {
    const raw = this.db.prepare(`SELECT id, aor_key, expires_at, data FROM ${table}`).all() as Array<{
      id: string;
      aor_key: string;
      expires_at: number;
      data: string;
    }>;
    const rows: StateRow[] = [];
    let unreadable = 0;
    for (const row of raw) {
      try {
        rows.push({ id: row.id, aorKey: row.aor_key, expiresAt: Number(row.expires_at), data: JSON.parse(row.data) });
      } catch {
        unreadable++;
      }
    }
    return { rows, unreadable };
  }

  /** Saves (replaces) a row in the next commit. */
  put(table: StateTable, row: StateRow): void {
    this.write(table, row.id, row);
  }

  /** Deletes a row in the next commit. */
  remove(table: StateTable, id: string): void {
    this.write(table, id, null);
  }

  /**
   * Runs `done` once everything written so far is committed (with the commit's error, if it failed) — at once when
   * nothing is waiting. Callbacks run in the order they were given.
   */
  afterCommit(done: (error: Error | null) => void): void {
    if (this.pending.size === 0 && this.waiters.length === 0) {
      done(null);
      return;
    }
    this.waiters.push(done);
    this.scheduleFlush();
  }

  /** Commits what is pending now and runs the waiting callbacks (also called by the end-of-turn timer). */
  flush(): void {
    this.isFlushScheduled = false;
    let failure: Error | null = null;
    if (this.pending.size > 0 && !this.isClosed) {
      try {
        this.transaction(() => undefined);
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
      }
    }
    const waiters = this.waiters;
    this.waiters = [];
    for (const done of waiters) done(failure);
  }

  /** Commits what is pending and closes the file; harmless twice. */
  close(): void {
    if (this.isClosed) return;
    this.flush();
    this.isClosed = true;
    this.db.close();
  }

  private write(table: StateTable, id: string, row: StateRow | null): void {
    if (this.isClosed) return;
    this.pending.set(`${table}\n${id}`, { table, id, row });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** One transaction: the pending writes, then `extra`. On failure nothing of it is kept and the writes are lost. */
  private transaction(extra: () => unknown): void {
    const started = performance.now();
    const writes = [...this.pending.values()];
    this.pending.clear();
    this.db.exec('BEGIN');
    try {
      for (const { table, id, row } of writes) {
        if (row === null) (this.deletes.get(table) as StatementSync).run(id);
        else (this.upserts.get(table) as StatementSync).run(row.id, row.aorKey, row.expiresAt, JSON.stringify(row.data));
      }
      extra();
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    this.commits++;
    this.rowsWritten += writes.length;
    this.commitMs += performance.now() - started;
  }
}

/**
 * The file must be ours and closed to others: it holds every user's presence, who watches whom and where their
 * devices are. A missing file is created here with mode 0600, before SQLite creates it with the umask's mode; the
 * WAL files SQLite adds take the database file's mode.
 */
function checkPermissions(file: string): void {
  let stat;
  try {
    stat = lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new StateFileError(`--state ${file}: ${(error as Error).message}`);
    try {
      closeSync(openSync(file, 'wx', 0o600));
    } catch (created) {
      throw new StateFileError(`--state ${file}: cannot create it (${(created as Error).message})`, { cause: created });
    }
    return;
  }
  if (!stat.isFile()) throw new StateFileError(`--state ${file} is not a regular file`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid)
    throw new StateFileError(`--state ${file} belongs to another user (uid ${stat.uid}); give a file of your own`);
  if ((stat.mode & 0o077) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(3, '0');
    throw new StateFileError(
      `--state ${file} can be read or written by other users (mode ${mode}); it holds everyone's presence: chmod 600 ${file}`,
    );
  }
}

/**
 * `import('node:sqlite')` without the "SQLite is an experimental feature" warning on stderr (Node 22 prints it at the
 * first import): the command's stderr is for what the user needs to act on.
 */
async function importSqliteQuietly(): Promise<typeof Sqlite> {
  const original = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' && String(warning).includes('SQLite')) return;
    (original as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await import('node:sqlite');
  } finally {
    process.emitWarning = original;
  }
}
