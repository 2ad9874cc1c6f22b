/**
 * The state file itself: opening it (schema, pragmas, the sentences for a file that cannot be used), reading it back,
 * and committing a batch of writes in one transaction. Used where the writes happen — on the compositor's thread, or
 * on the state writer thread (state-writer-worker.ts) — so that both run the same code; state-store.ts decides which.
 *
 * Why Node's built-in `node:sqlite` and not a library: it needs no native build and adds no dependency — the Node we
 * ship already has it. It is imported lazily, so that a compositor without `--state` never loads it and never prints
 * its experimental-feature warning.
 *
 * Each row is its key columns plus the whole object as JSON, so that a new field of a publication or a
 * watcher (a watcher's pending/active status, say) is kept without a schema change.
 *
 * Durability: WAL with `synchronous=FULL`, so a commit is on the disk (fsync of the log) before any 200 that depends
 * on it goes out. NORMAL would survive `kill -9` as well (the log is in the kernel's cache) but not a power cut, and a
 * presence server that says 200 and then forgets is what this file exists to prevent.
 */
import type * as Sqlite from 'node:sqlite';
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/**
 * The schema this code writes; a file with a higher `user_version` came from a newer Presently. 2 added the
 * resource_lists table (the owners' buddy lists, RFC 4826); a file of schema 1 gets it when opened.
 */
export const STATE_SCHEMA_VERSION = 2;

/** The owners' XCAP documents kept beside the soft state, one per owner each: presence rules and buddy lists. */
export type OwnerDocumentKind = 'rules' | 'resource-lists';
/** A document to save with a commit: its kind, its owner's AOR key, the XML as written. */
export type SavedDocument = readonly [kind: OwnerDocumentKind, ownerKey: string, xml: string];
/** The table of each kind of document. */
const DOCUMENT_TABLES: Readonly<Record<OwnerDocumentKind, string>> = { rules: 'rules', 'resource-lists': 'resource_lists' };

/** The tables of soft state; each row: id, the AOR it belongs to, absolute expiry (ms), the object as JSON. */
export type StateTable = 'publications' | 'subscriptions' | 'bindings';
export const STATE_TABLES: readonly StateTable[] = ['publications', 'subscriptions', 'bindings'];

/** A state file that cannot be used: the sentence says why and what to do. */
export class StateFileError extends Error {
  override readonly name = 'StateFileError';
}

/** How commits reach the disk: FULL (the default) or NORMAL; see the module comment. */
export type StateSync = 'full' | 'normal';

/** A row as the file holds it: its JSON not yet parsed. */
export interface StoredRow {
  readonly id: string;
  readonly aor_key: string;
  readonly expires_at: number;
  readonly data: string;
}

/**
 * A batch of writes as one string, so it crosses to the writer thread as a plain copy rather than a structured clone
 * per row: per write its key fields as a JSON array `[table, id, aorKey, expiresAt]`, FIELD_SEPARATOR, then the row's
 * JSON (empty for a delete); writes separated by WRITE_SEPARATOR. JSON escapes every control character, so neither
 * separator can occur inside a field.
 */
export type EncodedWrites = string;
const FIELD_SEPARATOR = '\u0001';
const WRITE_SEPARATOR = '\u0002';

/** One write of a batch: the row's JSON, or null to delete the row. */
export interface StateWrite {
  readonly table: StateTable;
  readonly id: string;
  readonly aorKey: string;
  readonly expiresAt: number;
  readonly json: string | null;
}

export function encodeWrites(writes: readonly StateWrite[]): EncodedWrites {
  return writes
    .map((write) => JSON.stringify([write.table, write.id, write.aorKey, write.expiresAt]) + FIELD_SEPARATOR + (write.json ?? ''))
    .join(WRITE_SEPARATOR);
}

function decodeWrites(encoded: EncodedWrites): StateWrite[] {
  if (encoded === '') return [];
  return encoded.split(WRITE_SEPARATOR).map((text) => {
    const split = text.indexOf(FIELD_SEPARATOR);
    const [table, id, aorKey, expiresAt] = JSON.parse(text.slice(0, split)) as [StateTable, string, string, number];
    const json = text.slice(split + 1);
    return { table, id, aorKey, expiresAt, json: json === '' ? null : json };
  });
}

const SCHEMA = `
  CREATE TABLE publications (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE subscriptions (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE bindings (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
  CREATE TABLE rules (owner_key TEXT PRIMARY KEY, xml TEXT NOT NULL);
  CREATE TABLE resource_lists (owner_key TEXT PRIMARY KEY, xml TEXT NOT NULL);
  PRAGMA user_version = ${STATE_SCHEMA_VERSION};
`;
/** From schema 1: what it lacks. */
const UPGRADE_FROM_1 = `
  CREATE TABLE resource_lists (owner_key TEXT PRIMARY KEY, xml TEXT NOT NULL);
  PRAGMA user_version = 2;
`;
/**
 * Files made before 2026-12 also indexed each table's aor_key. Nothing reads by it (the file is read whole at start),
 * and every write paid for it, so they are dropped; the tables are unchanged.
 */
const UNUSED_INDEXES = ['publications_aor', 'subscriptions_aor', 'bindings_aor'];

/** An open state file. Throws `StateFileError`s with a sentence for the user. */
export class StateDatabase {
  private readonly upserts = new Map<StateTable, StatementSync>();
  private readonly deletes = new Map<StateTable, StatementSync>();
  private readonly saveDocument = new Map<OwnerDocumentKind, StatementSync>();

  private constructor(
    private readonly db: DatabaseSync,
    file: string,
    synchronous: StateSync,
  ) {
    // EXCLUSIVE: a second compositor on the same file fails at once instead of interleaving writes; the lock is
    // the kernel's, so it goes with the process, `kill -9` included.
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
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
      } else if (version === 1) {
        db.exec(UPGRADE_FROM_1);
      }
      for (const index of UNUSED_INDEXES) db.exec(`DROP INDEX IF EXISTS ${index}`);
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
    for (const table of STATE_TABLES) {
      this.upserts.set(table, db.prepare(`INSERT OR REPLACE INTO ${table} (id, aor_key, expires_at, data) VALUES (?, ?, ?, ?)`));
      this.deletes.set(table, db.prepare(`DELETE FROM ${table} WHERE id = ?`));
    }
    for (const [kind, table] of Object.entries(DOCUMENT_TABLES) as Array<[OwnerDocumentKind, string]>) {
      this.saveDocument.set(kind, db.prepare(`INSERT OR REPLACE INTO ${table} (owner_key, xml) VALUES (?, ?)`));
    }
  }

  /** Opens (or creates) the file; the caller has checked who may read it. */
  static async open(file: string, synchronous: StateSync): Promise<StateDatabase> {
    const { DatabaseSync } = await importSqliteQuietly();
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(file);
    } catch (error) {
      throw new StateFileError(`--state ${file}: cannot open it (${(error as Error).message})`, { cause: error });
    }
    try {
      return new StateDatabase(db, file, synchronous);
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

  /** Every row of a table, as stored. */
  load(table: StateTable): StoredRow[] {
    return this.db.prepare(`SELECT id, aor_key, expires_at, data FROM ${table}`).all() as unknown as StoredRow[];
  }

  /** Every owner's document of a kind (presence rules, buddy lists), by owner key. */
  loadDocuments(kind: OwnerDocumentKind): Array<[string, string]> {
    const rows = this.db.prepare(`SELECT owner_key, xml FROM ${DOCUMENT_TABLES[kind]}`).all() as Array<{ owner_key: string; xml: string }>;
    return rows.map((row) => [row.owner_key, row.xml]);
  }

  /**
   * One transaction: the writes, then the document if given. On failure nothing of it is kept. Returns the rows written.
   */
  commit(encoded: EncodedWrites, document: SavedDocument | null): number {
    const writes = decodeWrites(encoded);
    this.db.exec('BEGIN');
    try {
      for (const { table, id, aorKey, expiresAt, json } of writes) {
        if (json === null) (this.deletes.get(table) as StatementSync).run(id);
        else (this.upserts.get(table) as StatementSync).run(id, aorKey, expiresAt, json);
      }
      if (document !== null) (this.saveDocument.get(document[0]) as StatementSync).run(document[1], document[2]);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
    return writes.length;
  }

  close(): void {
    this.db.close();
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
