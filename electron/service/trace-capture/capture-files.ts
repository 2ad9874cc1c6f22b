/**
 * The live capture's files in the data folder's `captures/`: each message appended as it is recorded,
 * as sngrep-style text (shared/trace/trace-format.ts) or pcapng (shared/trace/pcapng-writer.ts),
 * credentials masked as in an export.
 *
 *   presently-capture-20261202T013500.123Z-00.pcapng   ← oldest (deleted when a new file would exceed maxFiles)
 *   presently-capture-20261202T020114.870Z-00.pcapng
 *   presently-capture-20261202T024410.005Z-00.pcapng   ← being written
 *
 * Rotation: a file that would grow past `maxFileBytes` is closed and a new one started; every start of
 * the capture (turning it on, a restart of the app) starts a new file too, so one run never appends to
 * another's file (a pcapng's TCP streams and section header belong to one writer). Names sort by the
 * UTC time they were opened, so "oldest" is the first by name; files of either format count together.
 *
 * Writes are appends through one open file handle; callers serialise them (the BoundedQueue's drain
 * loop). A failed open or write throws — the caller counts what was lost — and the next write tries a
 * fresh file.
 */
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { LiveCaptureFormat } from '../../../shared/trace/live-capture-settings';
import { PcapngWriter } from '../../../shared/trace/pcapng-writer';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { formatTraceTextEntry } from '../../../shared/trace/trace-format';

/** The data folder's subfolder the capture files go to. */
export const CAPTURES_FOLDER = 'captures';

/** Names of the files this module writes (and so may delete). */
const CAPTURE_FILE_NAME = /^presently-capture-\d{8}T\d{6}\.\d{3}Z-\d{2}\.(?:pcapng|txt)$/;

/** Where and how the capture is written. */
export interface CaptureFilesOptions {
  /** The `captures/` folder (created when missing). */
  readonly folder: string;
  readonly format: LiveCaptureFormat;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /** Recorded in each pcapng's section header (shb_userappl). */
  readonly application: string;
  readonly now: () => number;
}

/** The open capture file. */
interface OpenFile {
  readonly path: string;
  readonly handle: FileHandle;
  /** Encodes entries for this file (a pcapng writer keeps per-file TCP state). */
  readonly encode: (entry: TraceEntry) => Uint8Array;
  size: number;
  /** The size of the file's header alone: a file this size holds no message yet. */
  readonly headerSize: number;
}

/** Appends entries to rotating capture files (see the module comment). */
export class CaptureFiles {
  private current: OpenFile | null = null;
  private readonly encoder = new TextEncoder();

  constructor(private readonly options: CaptureFilesOptions) {}

  /** The file being written, or null before the first write and after a failure. */
  get file(): string | null {
    return this.current?.path ?? null;
  }

  /** Appends `entries` in order, rotating where a file would grow past its bound. */
  async write(entries: readonly TraceEntry[]): Promise<void> {
    const chunks: Uint8Array[] = [];
    let pending = 0;
    for (const entry of entries) {
      let file = this.current ?? (await this.startFile());
      let bytes = file.encode(entry);
      if (file.size + pending + bytes.length > this.options.maxFileBytes && file.size + pending > file.headerSize) {
        await this.append(file, chunks.splice(0));
        pending = 0;
        file = await this.startFile();
        bytes = file.encode(entry);
      }
      chunks.push(bytes);
      pending += bytes.length;
    }
    if (this.current && chunks.length > 0) await this.append(this.current, chunks);
  }

  /** Closes the open file (the next write starts a new one). */
  async close(): Promise<void> {
    const file = this.current;
    this.current = null;
    await file?.handle.close();
  }

  private async append(file: OpenFile, chunks: readonly Uint8Array[]): Promise<void> {
    if (chunks.length === 0) return;
    try {
      const { bytesWritten } = await file.handle.write(Buffer.concat(chunks));
      file.size += bytesWritten;
    } catch (error) {
      // A file that lost part of a write may end mid-record: the next write starts afresh.
      if (this.current === file) this.current = null;
      await file.handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** Closes the current file, deletes the oldest beyond maxFiles − 1, and opens a new one with its header. */
  private async startFile(): Promise<OpenFile> {
    await this.close();
    const { folder, format } = this.options;
    await mkdir(folder, { recursive: true });
    const existing = (await readdir(folder)).filter((name) => CAPTURE_FILE_NAME.test(name)).sort();
    const excess = existing.length - (this.options.maxFiles - 1);
    for (const name of existing.slice(0, Math.max(0, excess))) await rm(path.join(folder, name), { force: true });

    const extension = format === 'pcapng' ? 'pcapng' : 'txt';
    const stamp = new Date(this.options.now()).toISOString().replace(/[-:]/g, '');
    let handle: FileHandle | null = null;
    let file = '';
    // Files opened within one millisecond (a tiny maxFileBytes, a quick restart) differ in the counter,
    // which keeps them in order by name.
    for (let attempt = 0; handle === null; attempt++) {
      file = path.join(folder, `presently-capture-${stamp}-${String(attempt).padStart(2, '0')}.${extension}`);
      handle = await open(file, 'wx').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EEXIST' && attempt < 99) return null;
        throw error;
      });
    }

    let encode: (entry: TraceEntry) => Uint8Array;
    let header: Uint8Array = new Uint8Array(0);
    if (format === 'pcapng') {
      const writer = new PcapngWriter(this.options.application);
      header = writer.fileHeader();
      encode = (entry) => writer.blocks(entry);
    } else {
      encode = (entry) => this.encoder.encode(formatTraceTextEntry(entry));
    }
    const opened: OpenFile = { path: file, handle, encode, size: 0, headerSize: header.length };
    this.current = opened;
    if (header.length > 0) await this.append(opened, [header]);
    return opened;
  }
}
