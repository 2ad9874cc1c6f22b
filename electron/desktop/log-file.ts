/**
 * The app's log file, `<data folder>/logs/presently.log`: connection steps, failures and notices, one
 * line each, and — only while the user has "trace to file" on — whole SIP messages. For support: a
 * user sends the folder and we see what happened without asking them to reproduce it.
 *
 * Never credentials: every line passes the trace's credential mask (shared/trace/credential-mask.ts:
 * Authorization / Proxy-Authorization digest responses and other schemes' credentials), and objects
 * logged as detail have their password-like fields replaced before they are written.
 *
 * Rotation keeps the folder small: when the next line would take the file past `maxBytes`, the files
 * move up one name, oldest first so that no rename overwrites a file not yet moved —
 *   delete presently.log.4, presently.log.3 → .4, … presently.log → .1 —
 * and writing goes on in a new presently.log; at most `maxFiles` files exist. Each rename is atomic, so
 * a crash mid-rotation loses at most the oldest file. Writes are queued and appended in order; logging
 * never throws or waits (a failing disk is reported once on stderr).
 *
 * Room: electron/desktop/, not the service — the service and the engine only call the logger functions
 * they are given (PresenceServiceOptions.log, SipClientOptions.logger), and the shell composes them
 * with this file; so nothing below the shell depends on where or whether lines are written.
 */
import { appendFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { MASK, maskCredentials, maskCredentialValue } from '../../shared/trace/credential-mask';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';

/** The log's folder inside the data folder, and the current file's name. */
export const LOG_FOLDER = 'logs';
export const LOG_FILE_NAME = 'presently.log';

/** Defaults: rotate at about 1 MB, keep 5 files (the current one and 4 older). */
export const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;
export const DEFAULT_MAX_LOG_FILES = 5;

/** How serious a line is. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogFileOptions {
  /** The folder the files go in (the app: `<data folder>/logs`). */
  readonly folder: string;
  readonly maxBytes?: number;
  readonly maxFiles?: number;
  readonly now?: () => number;
}

/** Object fields whose values are never written, whatever they hold. */
const SECRET_FIELD = /pass(word|phrase)?|secret|token|authorization|credential/i;

/** A header line (`Authorization: Digest …`) inside a free-text message, e.g. an error quoting a request. */
const CREDENTIAL_LINE = /((?:proxy-)?authorization)(\s*:\s*)([^\r\n]*)/gi;

/** `text` with every credential masked: SIP messages by their headers, other text line by line. */
export function maskForLog(text: string): string {
  const masked = maskCredentials(text);
  return masked.replace(
    CREDENTIAL_LINE,
    (_all, name: string, colon: string, value: string) => `${name}${colon}${maskCredentialValue(value)}`,
  );
}

/** `detail` as JSON with password-like fields replaced by the mask, and its strings masked too. */
export function describeDetail(detail: unknown): string {
  if (detail instanceof Error) return maskForLog(detail.stack ?? `${detail.name}: ${detail.message}`);
  if (typeof detail === 'string') return maskForLog(detail);
  let json: string | undefined;
  try {
    json = JSON.stringify(detail, (key, value: unknown) => (key !== '' && SECRET_FIELD.test(key) ? MASK : value));
  } catch {
    json = undefined;
  }
  return maskForLog(json ?? String(detail));
}

/** The rotating log file (see the module comment). */
export class LogFile {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly now: () => number;
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();
  private isDraining = false;
  /** Bytes in the current file; read from disk before the first write. */
  private size: number | undefined;
  private hasReportedFailure = false;

  constructor(private readonly options: LogFileOptions) {
    this.file = path.join(options.folder, LOG_FILE_NAME);
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_LOG_BYTES;
    this.maxFiles = Math.max(1, options.maxFiles ?? DEFAULT_MAX_LOG_FILES);
    this.now = options.now ?? Date.now;
  }

  /** Appends one line: time, level, message, and the detail if given — all masked. */
  write(level: LogLevel, message: string, detail?: unknown): void {
    const suffix = detail === undefined ? '' : ` ${describeDetail(detail)}`;
    this.enqueue(`${new Date(this.now()).toISOString()} ${level.toUpperCase().padEnd(5)} ${maskForLog(message)}${suffix}`);
  }

  /** Appends a whole SIP message (for "trace to file"), credentials masked, indented under one header line. */
  writeSipMessage(entry: UnnumberedTraceEntry): void {
    const arrow = entry.direction === 'out' ? '→' : '←';
    const head = `${new Date(entry.at).toISOString()} SIP   ${arrow} ${entry.transport.toUpperCase()} ${entry.local.address}:${entry.local.port} ${arrow} ${entry.remote.address}:${entry.remote.port}`;
    const body = maskForLog(entry.raw)
      .replace(/\r\n/g, '\n')
      .replace(/\n+$/, '')
      .split('\n')
      .map((line) => `    ${line}`)
      .join('\n');
    this.enqueue(`${head}\n${body}`);
  }

  /** Resolves when every line written so far is on disk. */
  async flush(): Promise<void> {
    while (this.isDraining || this.pending.length > 0) {
      if (!this.isDraining) this.drainSoon();
      await this.writing;
    }
  }

  /** The file names from newest to oldest: presently.log, presently.log.1, … */
  fileNames(): string[] {
    return Array.from({ length: this.maxFiles }, (_, index) => (index === 0 ? this.file : `${this.file}.${index}`));
  }

  private enqueue(line: string): void {
    this.pending.push(`${line}\n`);
    if (!this.isDraining) this.drainSoon();
  }

  private drainSoon(): void {
    this.isDraining = true;
    this.writing = this.drain()
      .catch((error: unknown) => {
        if (!this.hasReportedFailure) console.error(`[log] writing ${this.file} failed; later lines may be lost`, error);
        this.hasReportedFailure = true;
        this.size = undefined;
      })
      .finally(() => {
        this.isDraining = false;
        // Lines written between the last loop check and here would otherwise wait for the next write.
        if (this.pending.length > 0) this.drainSoon();
      });
  }

  /** Appends the queued lines in order, rotating before a line that would not fit. */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const lines = this.pending.splice(0);
      if (this.size === undefined) this.size = await this.currentSize();
      let chunk = '';
      let chunkBytes = 0;
      for (const line of lines) {
        const bytes = Buffer.byteLength(line);
        if (this.size + chunkBytes + bytes > this.maxBytes && this.size + chunkBytes > 0) {
          await this.append(chunk, chunkBytes);
          await this.rotate();
          chunk = '';
          chunkBytes = 0;
        }
        chunk += line;
        chunkBytes += bytes;
      }
      await this.append(chunk, chunkBytes);
    }
  }

  private async currentSize(): Promise<number> {
    await mkdir(this.options.folder, { recursive: true });
    try {
      return (await stat(this.file)).size;
    } catch {
      return 0;
    }
  }

  private async append(chunk: string, bytes: number): Promise<void> {
    if (bytes === 0) return;
    await appendFile(this.file, chunk, { encoding: 'utf8', mode: 0o600 });
    this.size = (this.size ?? 0) + bytes;
  }

  /** Moves every file up one name, oldest first (see the module comment); the current file is then new. */
  private async rotate(): Promise<void> {
    const names = this.fileNames();
    await rm(names[names.length - 1] as string, { force: true });
    for (let index = names.length - 2; index >= 0; index--) {
      await rename(names[index] as string, names[index + 1] as string).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      });
    }
    this.size = 0;
  }
}
