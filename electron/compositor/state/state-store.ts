/**
 * The compositor's state on disk (`presently compositor --state FILE`): publications (RFC 3903 §6 event state
 * with its entity-tag and absolute expiry), watcher dialogs (RFC 6665 §4.2 / RFC 3261 §12: everything a NOTIFY
 * needs), registrar bindings (RFC 3261 §10.3) and presence rules (RFC 5025 documents, by owner) — so that a restart,
 * even after `kill -9`, forgets nothing that was acknowledged (docs/compositor-team.md §6). The file itself, its
 * schema and why SQLite: state-database.ts.
 *
 * Group commit: the writes of every request handled in one turn of the event loop go into one transaction at the end
 * of that turn (`setImmediate`), and the responses waiting for it are sent after it — under load a turn handles every
 * datagram the kernel queued meanwhile, so one fsync serves them all without a fixed waiting window. The transaction
 * runs on a writer thread when `writerThread` is given (state-writer-thread.ts says why), else on this thread. With
 * the thread, one commit is in flight at a time: what is written meanwhile waits and goes in the next one, so the
 * transactions grow with the load instead of queueing one per turn behind each other's fsyncs.
 */
import { closeSync, lstatSync, openSync } from 'node:fs';
import type { RulesStorage } from '../authorization/rules-book';
import {
  encodeWrites,
  StateDatabase,
  StateFileError,
  type OwnerDocumentKind,
  type SavedDocument,
  type StateSync,
  type StateTable,
  type StateWrite,
} from './state-database';
import { InlineStateWriter, ThreadStateWriter, asError, type CommitOutcome, type StateWriter } from './state-writer-thread';

export { STATE_SCHEMA_VERSION, StateFileError, type StateTable } from './state-database';

/** One stored row of soft state. */
export interface StateRow {
  readonly id: string;
  readonly aorKey: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** The object as it was saved (JSON-parsed). */
  readonly data: unknown;
}

/** Settings of `openStateStore`. */
export interface StateStoreOptions {
  /** FULL (the default) or NORMAL; see state-database.ts. */
  readonly synchronous?: StateSync;
  /**
   * The state writer thread's entry (state-writer-worker: the bundled .cjs beside the CLI, or a bootstrap that loads
   * the TypeScript); absent: commits run on the compositor's thread.
   */
  readonly writerThread?: string | URL;
}

/**
 * Opens (or creates, mode 0600) a state file. Throws a `StateFileError` when the file is readable or writable by
 * others, is not ours, is not a state file, was written by a newer schema, or is in use by another compositor.
 */
export async function openStateStore(file: string, options: StateStoreOptions = {}): Promise<CompositorStateStore> {
  checkPermissions(file);
  const synchronous = options.synchronous ?? 'full';
  const writer =
    options.writerThread === undefined
      ? new InlineStateWriter(await StateDatabase.open(file, synchronous))
      : await ThreadStateWriter.open(options.writerThread, file, synchronous);
  return new CompositorStateStore(writer, file);
}

/** The state file with group commit. Made by `openStateStore`. */
export class CompositorStateStore {
  /** The presence rules on this file (the rules book's storage). */
  readonly rules: RulesStorage;
  /** The owners' buddy lists (RFC 4826 resource-lists documents) on this file (the list book's storage). */
  readonly resourceLists: RulesStorage;
  /** Writes not yet handed to the writer, by `table\nid`: the newest write of a row wins (null: delete). */
  private readonly pending = new Map<string, { table: StateTable; row: StateRow | null; id: string }>();
  /** Callbacks for the writes pending now. */
  private waiters: Array<(error: Error | null) => void> = [];
  private isFlushScheduled = false;
  /** A commit handed to the writer has not answered yet (only ever true with the writer thread). */
  private isCommitInFlight = false;
  private isClosed = false;
  /** Transactions committed, rows written by them, and the milliseconds they took (for the bench and tests). */
  commits = 0;
  rowsWritten = 0;
  commitMs = 0;

  constructor(
    private readonly writer: StateWriter,
    readonly file: string,
  ) {
    this.rules = this.documentStorage('rules');
    this.resourceLists = this.documentStorage('resource-lists');
  }

  /** The storage of one kind of owner document on this file. */
  private documentStorage(kind: OwnerDocumentKind): RulesStorage {
    return {
      load: () => new Map(this.writer.loadDocuments(kind)),
      save: (ownerAorKey, xml) => {
        // Rare and answered synchronously by the XCAP handler: committed at once, with whatever is pending.
        const outcome: { error: Error | null } = { error: null };
        this.settleInFlight();
        this.handOver([kind, ownerAorKey, xml], (error) => (outcome.error = error));
        this.settleInFlight();
        if (outcome.error !== null) throw outcome.error;
      },
    };
  }

  /** Every stored row of a table; rows whose JSON cannot be read are left out and counted in `unreadable`. */
  load(table: StateTable): { rows: StateRow[]; unreadable: number } {
    const rows: StateRow[] = [];
    let unreadable = 0;
    for (const row of this.writer.load(table)) {
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
      this.writer.afterOutstanding(done);
      return;
    }
    this.waiters.push(done);
    this.scheduleFlush();
  }

  /** Commits what is pending now and waits for every commit, running the waiting callbacks (a stop calls it). */
  flush(): void {
    this.settleInFlight();
    this.handOver(null, null);
    this.settleInFlight();
  }

  /** Commits what is pending and closes the file; harmless twice. */
  close(): void {
    if (this.isClosed) return;
    this.flush();
    this.isClosed = true;
    this.writer.close();
  }

  private write(table: StateTable, id: string, row: StateRow | null): void {
    if (this.isClosed) return;
    this.pending.set(`${table}\n${id}`, { table, id, row });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.isFlushScheduled) return;
    this.isFlushScheduled = true;
    setImmediate(() => this.handOver(null, null));
  }

  /**
   * Hands the pending writes (and a document) to the writer as one transaction; the callbacks waiting for them run
   * after it, with `last` after them. With nothing to write, they run after whatever was handed over before.
   */
  private handOver(document: SavedDocument | null, last: ((error: Error | null) => void) | null): void {
    this.isFlushScheduled = false;
    if (last !== null) this.waiters.push(last);
    // Handed over when the commit in flight answers (a document waits for it first, see `documentStorage`).
    if (this.isCommitInFlight) return;
    const waiters = this.waiters;
    this.waiters = [];
    if ((this.pending.size === 0 && document === null) || this.isClosed) {
      if (waiters.length > 0) this.writer.afterOutstanding((error) => runAll(waiters, error));
      return;
    }
    let encoded: string;
    try {
      encoded = encodeWrites([...this.pending.values()].map(toWrite));
    } catch (error) {
      // A row that cannot be written as JSON: nothing of this turn is kept, and its requests are told so.
      this.pending.clear();
      runAll(waiters, asError(error));
      return;
    }
    this.pending.clear();
    this.isCommitInFlight = true;
    this.writer.commit(encoded, document, (outcome: CommitOutcome) => {
      this.isCommitInFlight = false;
      if (outcome.error === null) {
        this.commits++;
        this.rowsWritten += outcome.rows;
        this.commitMs += outcome.ms;
      }
      runAll(waiters, outcome.error);
      if (this.pending.size > 0 || this.waiters.length > 0) this.handOver(null, null);
    });
  }

  /** Blocks until no commit is in flight, including those handed over when one answers. */
  private settleInFlight(): void {
    while (this.isCommitInFlight) this.writer.settle();
  }
}

function runAll(callbacks: ReadonlyArray<(error: Error | null) => void>, error: Error | null): void {
  for (const done of callbacks) done(error);
}

function toWrite({ table, id, row }: { table: StateTable; row: StateRow | null; id: string }): StateWrite {
  return row === null
    ? { table, id, aorKey: '', expiresAt: 0, json: null }
    : { table, id, aorKey: row.aorKey, expiresAt: row.expiresAt, json: JSON.stringify(row.data) };
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
