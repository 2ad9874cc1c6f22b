/**
 * Versioned JSON documents in the app's data folder, written so that a crash or power cut at any
 * moment leaves either the old file or the new one — never a half-written one — and read so that a
 * damaged file is set aside for the user (and support) to look at instead of being overwritten.
 *
 * Write: temporary file in the same folder → write → fsync → rename over the target → fsync the folder
 * (POSIX rename is atomic within a file system; the folder fsync makes the rename itself durable).
 * Writes to one file are serialised: the last save requested is the last one on disk.
 *
 * Read:
 *
 *   missing ──────────────────────────────────► { kind: 'missing' }        (first start)
 *   unreadable JSON / wrong shape / newer schema ─► rename to NAME.corrupt-<time>, { kind: 'set-aside' }
 *   older schema ─► migrate ─► { kind: 'loaded' }
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../shared/error-message';

/** Every file we write has this envelope; `schemaVersion` says how to read the rest. */
export interface VersionedDocument {
  readonly schemaVersion: number;
}

/** How to read one kind of document. */
export interface DocumentFormat<T> {
  /** The version this build writes. */
  readonly schemaVersion: number;
  /** Checks a parsed document of the current version; returns the value or why it is unusable. */
  decode(raw: unknown): { ok: true; value: T } | { ok: false; error: string };
  /** Brings a document of an older version up to the current one (absent: older versions are unreadable). */
  migrate?(raw: unknown, fromVersion: number): unknown;
  /** The document to write for `value` (without the version; it is added). */
  encode(value: T): object;
}

export type LoadResult<T> =
  | { readonly kind: 'missing' }
  | { readonly kind: 'loaded'; readonly value: T }
  | { readonly kind: 'set-aside'; readonly reason: string; readonly movedTo: string };

/** Reads `file` in `format`; a damaged file is renamed aside, never deleted or overwritten. */
export async function loadDocument<T>(file: string, format: DocumentFormat<T>, now: () => number = Date.now): Promise<LoadResult<T>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw error;
  }

  const problem = readProblem(text, format);
  if (problem.ok) return { kind: 'loaded', value: problem.value };
  const movedTo = await setAside(file, now());
  return { kind: 'set-aside', reason: problem.error, movedTo };
}

function readProblem<T>(text: string, format: DocumentFormat<T>): { ok: true; value: T } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `it is not valid JSON (${errorMessage(error)})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: 'it is not a JSON object' };
  const version = (raw as { schemaVersion?: unknown }).schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, error: 'it has no schema version' };
  }
  if (version > format.schemaVersion) {
    return { ok: false, error: `it was written by a newer Presently (schema ${version}; this one reads up to ${format.schemaVersion})` };
  }
  let current: unknown = raw;
  if (version < format.schemaVersion) {
    if (!format.migrate) return { ok: false, error: `schema ${version} is too old to read` };
    current = format.migrate(raw, version);
    if (typeof current !== 'object' || current === null) return { ok: false, error: `schema ${version} could not be migrated` };
  }
  const { schemaVersion: _version, ...body } = current as VersionedDocument;
  const decoded = format.decode(body);
  return decoded.ok ? decoded : { ok: false, error: `its content is not valid (${decoded.error})` };
}

/** Renames `file` to `file.corrupt-<ISO time>` (adding a counter if that exists) and returns the new path. */
async function setAside(file: string, at: number): Promise<string> {
  const stamp = new Date(at).toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; attempt < 1000; attempt++) {
    const target = `${file}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    // Check, then rename: only this process writes in its data folder (single-instance lock).
    if (await exists(target)) continue;
    await rename(file, target);
    return target;
  }
  throw new Error(`could not find a free name to set ${file} aside`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Writes `value` as `file` atomically (see the module comment). */
export async function writeDocumentAtomically<T>(file: string, format: DocumentFormat<T>, value: T): Promise<void> {
  await writeTextAtomically(file, `${JSON.stringify({ schemaVersion: format.schemaVersion, ...format.encode(value) }, null, 2)}\n`);
}

/** Writes `text` as `file` (mode `mode` when new) atomically: temporary file, fsync, rename, folder fsync. */
export async function writeTextAtomically(file: string, text: string, mode = 0o600): Promise<void> {
  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

/** Makes a rename durable. Windows cannot open a folder for fsync; there the rename is already journaled. */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * One document kept in memory and saved on every change, writes serialised so that they land in the
 * order they were asked for and a failed write is reported to its caller without blocking the next.
 */
export class DocumentFile<T> {
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly format: DocumentFormat<T>,
  ) {}

  load(now?: () => number): Promise<LoadResult<T>> {
    return loadDocument(this.file, this.format, now);
  }

  /** Saves `value`; resolves when it is on disk. */
  save(value: T): Promise<void> {
    const next = this.writing.then(() => writeDocumentAtomically(this.file, this.format, value));
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every save requested so far has finished. */
  flush(): Promise<void> {
    return this.writing;
  }
}
