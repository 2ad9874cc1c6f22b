/**
 * Loads capture files (pcap, pcapng, SIP text saves: shared/trace/capture/) in the background, for the
 * trace pane's capture view. Reading shares the thread with the SIP stack, so it goes in pieces:
 *
 *   open(path | dialog | upload) ──► id, name, size (the request resolves at once)
 *     file:   read READ_BYTES ──► CaptureReader ──► progress event (entries in batches of BATCH) ──► yield ──► …
 *     upload: sendCaptureBytes(piece) ──► the same, one piece per request (the page waits for each answer)
 *   end of file ──► finished: complete | damaged ("stopped being readable at byte N (packet K): …") | failed
 *   cancel(id) ──► stops before the next piece: finished cancelled, what was read stays with the page
 *
 * Nothing read is kept here: the entries go to the page as they are read, so a file of a million
 * messages costs main only the piece being read. An export from a capture reads its file again
 * (`entriesOf`); an uploaded capture has no file here, so it cannot be exported.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../shared/error-message';
import type { CaptureBytes, CaptureFinished, CaptureOpened, CaptureOpenRequest, CaptureProgress } from '../../shared/ipc/contract';
import { MAX_CAPTURE_PIECE_BYTES } from '../../shared/ipc/contract';
import { describeCaptureProblem, type CaptureEntry } from '../../shared/trace/capture/capture-entry';
import { CaptureReader } from '../../shared/trace/capture/capture-reader';
import { UserFacingError } from '../ipc/user-facing-error';
import type { OpenFileChooser } from './account-test';

/** Where the loader's events go (the service: its event outbox). */
export interface CaptureEvents {
  progress(progress: CaptureProgress): void;
  finished(finished: CaptureFinished): void;
}

export interface CaptureLoaderOptions {
  /** Asks which file to open (the app: Electron's open dialog); absent: a path must be given. */
  readonly chooser?: OpenFileChooser;
  /** Bytes read between two yields (tests make it small to see several progress events). */
  readonly readBytes?: number;
}

/** Bytes read between two yields to the event loop. */
const READ_BYTES = 1024 * 1024;
/** Most entries in one progress event. */
const BATCH = 5_000;

interface Load {
  readonly id: number;
  readonly name: string;
  readonly totalBytes: number;
  readonly reader: CaptureReader;
  bytesRead: number;
  messages: number;
  isCancelled: boolean;
  isFinished: boolean;
}

/** Opens and reads captures; several may load at once, each under its id. */
export class CaptureLoader {
  private readonly loads = new Map<number, Load>();
  /** The file of each capture opened by path, for exports. */
  private readonly files = new Map<number, string>();
  private nextId = 1;

  constructor(
    private readonly events: CaptureEvents,
    private readonly options: CaptureLoaderOptions = {},
  ) {}

  /** Opens a capture and starts reading it (see the module comment); null when the dialog was cancelled. */
  async open(request: CaptureOpenRequest): Promise<CaptureOpened | null> {
    if (request.kind === 'upload') return this.opened(this.start(path.basename(request.name), request.totalBytes));
    let file = request.path;
    if (file === null) {
      const chooser = this.options.chooser;
      if (!chooser) throw new UserFacingError('There is no file dialog here: type the full path of the capture file.');
      file = await chooser.choose({
        title: 'Open a capture',
        filters: [
          { name: 'Captures and SIP text saves', extensions: ['pcapng', 'pcap', 'cap', 'txt', 'log'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      if (file === null) return null;
    }
    if (!path.isAbsolute(file)) throw new UserFacingError(`"${file}" is not a full path to a file.`);
    const info = await stat(file).catch((error: unknown) => {
      throw new UserFacingError(`${file} cannot be opened (${errorMessage(error)}).`);
    });
    if (!info.isFile()) throw new UserFacingError(`${file} is not a file.`);
    const load = this.start(path.basename(file), info.size);
    this.files.set(load.id, file);
    void this.readFile(load, file);
    return this.opened(load);
  }

  /** Reads the next uploaded piece; refused for a capture that is not loading (cancelled, finished, unknown). */
  async receive({ id, data, isLast }: CaptureBytes): Promise<void> {
    const load = this.loads.get(id);
    if (!load || load.isFinished) throw new UserFacingError('That capture is not being loaded any more.');
    if (load.isCancelled) return this.finish(load);
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length > MAX_CAPTURE_PIECE_BYTES || load.bytesRead + bytes.length > load.totalBytes) {
      this.finish(load, 'the upload sent more bytes than the file has');
      throw new UserFacingError('The capture upload sent more bytes than it announced.');
    }
    this.read(load, bytes);
    if (isLast) this.finish(load);
    await yieldToEventLoop();
  }

  /** Every entry of capture `id`, read again from its file (for an export from the capture view). */
  async entriesOf(id: number): Promise<CaptureEntry[]> {
    const file = this.files.get(id);
    if (!file)
      throw new UserFacingError('A capture dropped on the window cannot be exported; open it with Open capture… to export from it.');
    const reader = new CaptureReader();
    const entries: CaptureEntry[] = [];
    const buffer = Buffer.alloc(this.options.readBytes ?? READ_BYTES);
    const handle = await open(file, 'r').catch((error: unknown) => {
      throw new UserFacingError(`${file} cannot be read again (${errorMessage(error)}).`);
    });
    try {
      for (let at = 0; ;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) break;
        at += bytesRead;
        entries.push(...reader.push(buffer.subarray(0, bytesRead)));
        await yieldToEventLoop();
      }
    } finally {
      await handle.close();
    }
    entries.push(...reader.end());
    return entries;
  }

  /** Stops loading `id` before its next piece. */
  cancel(id: number): void {
    const load = this.loads.get(id);
    if (load) load.isCancelled = true;
  }

  /** Stops every load (the service is stopping). */
  cancelAll(): void {
    for (const load of this.loads.values()) load.isCancelled = true;
  }

  private start(name: string, totalBytes: number): Load {
    const load: Load = {
      id: this.nextId++,
      name,
      totalBytes,
      reader: new CaptureReader(),
      bytesRead: 0,
      messages: 0,
      isCancelled: false,
      isFinished: false,
    };
    this.loads.set(load.id, load);
    return load;
  }

  private opened(load: Load): CaptureOpened {
    return { id: load.id, name: load.name, totalBytes: load.totalBytes };
  }

  private async readFile(load: Load, file: string): Promise<void> {
    const buffer = Buffer.alloc(this.options.readBytes ?? READ_BYTES);
    try {
      const handle = await open(file, 'r');
      try {
        for (;;) {
          // The first look is after the first yield, so the page has the open answer before any event.
          await yieldToEventLoop();
          if (load.isCancelled) break;
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, load.bytesRead);
          if (bytesRead === 0) break;
          this.read(load, buffer.subarray(0, bytesRead));
          if (load.reader.problem) break;
        }
      } finally {
        await handle.close();
      }
      this.finish(load);
    } catch (error) {
      this.finish(load, `the file could not be read (${errorMessage(error)})`);
    }
  }

  /** Passes one piece to the reader and sends what it read. */
  private read(load: Load, bytes: Uint8Array): void {
    load.bytesRead += bytes.length;
    this.send(load, load.reader.push(bytes));
  }

  private send(load: Load, entries: readonly CaptureEntry[]): void {
    load.messages += entries.length;
    for (let start = 0; start === 0 || start < entries.length; start += BATCH) {
      this.events.progress({
        id: load.id,
        name: load.name,
        bytesRead: load.bytesRead,
        totalBytes: load.totalBytes,
        entries: entries.slice(start, start + BATCH),
      });
    }
  }

  private finish(load: Load, failure?: string): void {
    if (load.isFinished) return;
    load.isFinished = true;
    this.loads.delete(load.id);
    const outcome = ((): Omit<CaptureFinished, 'id' | 'messages'> => {
      if (failure) return { outcome: 'failed', problem: `${load.name}: ${failure}.` };
      if (load.isCancelled) return { outcome: 'cancelled', problem: null };
      this.send(load, load.reader.end());
      const problem = load.reader.problem;
      if (!problem) return { outcome: 'complete', problem: null };
      if (problem.byte === 0) return { outcome: 'failed', problem: `${load.name} cannot be opened: ${problem.reason}.` };
      return { outcome: 'damaged', problem: `${load.name} ${describeCaptureProblem(problem)}.` };
    })();
    this.events.finished({ id: load.id, messages: load.messages, ...outcome });
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
