/**
 * Where the state file's commits run: on the compositor's own thread, or on a writer thread
 * (state-writer-worker.ts) so that SQLite's work and the fsync of each group commit happen beside the event loop
 * instead of inside it. Measured with `npm run bench:compositor -- --only persistence` (6,000 initial PUBLISH/s,
 * synchronous=FULL, sipp on the same two cores): committing on the compositor's thread took 1.46 ms per commit, 4.4 s
 * of every 10 s, and 49–55 % of the PUBLISHes were answered within 10 ms; on this thread 68–82 %. Once new rows
 * append to the file's index (message/ids.ts: entity-tags that sort by time) a commit costs half as much and the two
 * are close (90 % and 91 %); the thread still keeps a slow disk's fsync out of the event loop.
 *
 * Both keep the store's promises (state-store.ts): a commit's callback runs only after its transaction is on the disk,
 * callbacks run in the order their commits were handed over, and `settle` (a stop, a saved rule) blocks until every
 * commit handed over is done. The thread is driven over a MessagePort; the few calls that must answer synchronously
 * (reading the file at start, a saved rule, the final commit, closing) wait on a shared counter with `Atomics.wait`
 * and take the answer with `receiveMessageOnPort`.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  type StateDatabase,
  StateFileError,
  type EncodedWrites,
  type OwnerDocumentKind,
  type SavedDocument,
  type StateSync,
  type StateTable,
  type StoredRow,
} from './state-database';

/** What a commit did: its error (nothing of it was kept), the rows it wrote and the milliseconds it took. */
export interface CommitOutcome {
  readonly error: Error | null;
  readonly rows: number;
  readonly ms: number;
}

/** The store's view of where commits run. */
export interface StateWriter {
  /** Commits the writes (and the document) in one transaction; `done` runs after it, in hand-over order. */
  commit(writes: EncodedWrites, document: SavedDocument | null, done: (outcome: CommitOutcome) => void): void;
  /** Runs `done` once every commit handed over so far is done, with the last one's error; at once when none is. */
  afterOutstanding(done: (error: Error | null) => void): void;
  /** Blocks until every commit handed over is done and its callback has run. */
  settle(): void;
  load(table: StateTable): StoredRow[];
  loadDocuments(kind: OwnerDocumentKind): Array<[string, string]>;
  close(): void;
}

/** Commits on the caller's thread: each `commit` runs its transaction before it returns. */
export class InlineStateWriter implements StateWriter {
  constructor(private readonly db: StateDatabase) {}

  commit(writes: EncodedWrites, document: SavedDocument | null, done: (outcome: CommitOutcome) => void): void {
    const started = performance.now();
    let rows = 0;
    let error: Error | null = null;
    try {
      rows = this.db.commit(writes, document);
    } catch (failure) {
      error = asError(failure);
    }
    done({ error, rows, ms: performance.now() - started });
  }

  afterOutstanding(done: (error: Error | null) => void): void {
    done(null);
  }

  settle(): void {}

  load(table: StateTable): StoredRow[] {
    return this.db.load(table);
  }

  loadDocuments(kind: OwnerDocumentKind): Array<[string, string]> {
    return this.db.loadDocuments(kind);
  }

  close(): void {
    this.db.close();
  }
}

/** What the writer thread is started with (`workerData`). */
export interface WriterThreadData {
  readonly file: string;
  readonly synchronous: StateSync;
  readonly port: MessagePort;
  /** One Int32: the sequence number of the last request answered. */
  readonly answered: SharedArrayBuffer;
}

/** Requests to the writer thread; each is answered once, in order. Sequence 1 is the thread's opening of the file. */
export type WriterRequest =
  | { readonly kind: 'commit'; readonly seq: number; readonly writes: EncodedWrites; readonly document: SavedDocument | null }
  | { readonly kind: 'load'; readonly seq: number; readonly table: StateTable }
  | { readonly kind: 'load-documents'; readonly seq: number; readonly documents: OwnerDocumentKind }
  | { readonly kind: 'close'; readonly seq: number };

export type WriterReply =
  | { readonly seq: number; readonly ok: true; readonly rows?: number; readonly ms?: number; readonly result?: unknown }
  | { readonly seq: number; readonly ok: false; readonly message: string; readonly isStateFileError: boolean };

/** The sequence number of the thread's answer to opening the file. */
export const OPEN_SEQ = 1;
/** How long a synchronous call waits for the thread (opening the file includes starting the thread). */
const SYNC_TIMEOUT_MS = 60_000;

/** Commits on a writer thread; `commit` returns at once and `done` runs when the thread has committed. */
export class ThreadStateWriter implements StateWriter {
  private readonly port: MessagePort;
  private readonly answered: Int32Array;
  private nextSeq = OPEN_SEQ + 1;
  private answeredUpTo = 0;
  /** The newest commit handed over; answers come in order, so while it is outstanding it is the last one. */
  private lastCommitSeq = 0;
  /** Callbacks of commits handed over and not yet answered, by sequence number (in order). */
  private readonly outstanding = new Map<number, Array<(outcome: CommitOutcome) => void>>();
  private readonly syncReplies = new Map<number, WriterReply>();
  /** Set when the thread is gone: every later commit fails with it. */
  private failure: Error | null = null;
  /** While opening: called at the thread's first answer, or when it is gone. */
  private onFirstAnswer: (() => void) | null = null;

  private constructor(
    private readonly worker: Worker,
    port: MessagePort,
    answered: SharedArrayBuffer,
  ) {
    this.port = port;
    this.answered = new Int32Array(answered);
    port.on('message', (reply: WriterReply) => this.onReply(reply));
    worker.on('error', (error) => this.onThreadGone(new Error(`the state writer thread failed: ${error.message}`)));
    worker.on('exit', (code) => this.onThreadGone(new Error(`the state writer thread exited (code ${code})`)));
  }

  /**
   * Starts the thread (`workerFile`: state-writer-worker, bundled or through a loader) and opens the file on it. Waits
   * without blocking, so that a thread that cannot start is reported at once (its error event needs the event loop).
   */
  static async open(workerFile: string | URL, file: string, synchronous: StateSync): Promise<ThreadStateWriter> {
    const { port1, port2 } = new MessageChannel();
    const answered = new SharedArrayBuffer(4);
    const data: WriterThreadData = { file, synchronous, port: port2, answered };
    // No inherited Node options: the thread needs none, and some (a parent's --input-type) stop a worker's start.
    const worker = new Worker(workerFile, { workerData: data, transferList: [port2], execArgv: [] });
    const writer = new ThreadStateWriter(worker, port1, answered);
    await new Promise<void>((resolve) => (writer.onFirstAnswer = resolve));
    try {
      writer.call(OPEN_SEQ);
    } catch (error) {
      void worker.terminate();
      throw error;
    }
    // From now on neither keeps the process alive by itself: the compositor's sockets do, and `close` ends the thread.
    worker.unref();
    port1.unref();
    return writer;
  }

  commit(writes: EncodedWrites, document: SavedDocument | null, done: (outcome: CommitOutcome) => void): void {
    if (this.failure !== null) {
      done({ error: this.failure, rows: 0, ms: 0 });
      return;
    }
    const seq = this.nextSeq++;
    this.lastCommitSeq = seq;
    this.outstanding.set(seq, [done]);
    this.port.postMessage({ kind: 'commit', seq, writes, document } satisfies WriterRequest);
  }

  afterOutstanding(done: (error: Error | null) => void): void {
    const last = this.outstanding.get(this.lastCommitSeq);
    if (last === undefined) done(this.failure);
    else last.push((outcome) => done(outcome.error));
  }

  settle(): void {
    if (this.outstanding.has(this.lastCommitSeq) && this.failure === null) this.waitFor(this.lastCommitSeq);
  }

  load(table: StateTable): StoredRow[] {
    return this.request({ kind: 'load', seq: this.nextSeq++, table }) as StoredRow[];
  }

  loadDocuments(kind: OwnerDocumentKind): Array<[string, string]> {
    return this.request({ kind: 'load-documents', seq: this.nextSeq++, documents: kind }) as Array<[string, string]>;
  }

  close(): void {
    if (this.failure === null) this.request({ kind: 'close', seq: this.nextSeq++ });
    this.failure ??= new Error('the state file is closed');
    void this.worker.terminate();
  }

  /** Sends a request and blocks for its answer. */
  private request(request: WriterRequest): unknown {
    if (this.failure !== null) throw this.failure;
    this.port.postMessage(request);
    return this.call(request.seq);
  }

  /** Blocks for the answer to `seq` and returns its result, or throws its error. */
  private call(seq: number): unknown {
    this.waitFor(seq);
    const reply = this.syncReplies.get(seq);
    this.syncReplies.delete(seq);
    if (reply === undefined) throw this.failure ?? new Error('the state writer thread gave no answer');
    if (!reply.ok) throw reply.isStateFileError ? new StateFileError(reply.message) : new Error(reply.message);
    return reply.result;
  }

  /** Blocks until the thread has answered `seq` (and everything before it), running the callbacks of what it answered. */
  private waitFor(seq: number): void {
    for (;;) {
      for (let received = receiveMessageOnPort(this.port); received !== undefined; received = receiveMessageOnPort(this.port)) {
        this.onReply(received.message as WriterReply);
      }
      if (this.answeredUpTo >= seq || this.failure !== null) return;
      const seen = Atomics.load(this.answered, 0);
      if (seen < seq && Atomics.wait(this.answered, 0, seen, SYNC_TIMEOUT_MS) === 'timed-out') {
        this.onThreadGone(new Error(`the state writer thread did not answer within ${SYNC_TIMEOUT_MS / 1000} s`));
        void this.worker.terminate();
        return;
      }
    }
  }

  private onReply(reply: WriterReply): void {
    this.answeredUpTo = Math.max(this.answeredUpTo, reply.seq);
    this.takeFirstAnswer();
    const callbacks = this.outstanding.get(reply.seq);
    if (callbacks === undefined) {
      this.syncReplies.set(reply.seq, reply);
      return;
    }
    this.outstanding.delete(reply.seq);
    const outcome: CommitOutcome = reply.ok
      ? { error: null, rows: reply.rows ?? 0, ms: reply.ms ?? 0 }
      : { error: new Error(reply.message), rows: 0, ms: 0 };
    for (const done of callbacks) done(outcome);
  }

  private takeFirstAnswer(): void {
    const resolve = this.onFirstAnswer;
    this.onFirstAnswer = null;
    resolve?.();
  }

  /** The thread is gone: what waits for it fails, and so does every later commit. */
  private onThreadGone(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.takeFirstAnswer();
    const waiting = [...this.outstanding.values()];
    this.outstanding.clear();
    for (const callbacks of waiting) for (const done of callbacks) done({ error, rows: 0, ms: 0 });
  }
}

export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
