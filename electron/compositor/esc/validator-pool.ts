/**
 * A pool of worker threads that validate PUBLISH bodies (PIDF parsing is the most expensive step of an
 * initial PUBLISH — about two thirds of its CPU time — and Node runs the rest on one thread). Opt-in via
 * `CompositorOptions.bodyValidation`; without it the ESC validates inline.
 *
 * Jobs are batched: all jobs queued in one turn of the event loop go to a worker in one message, and each
 * worker answers a batch with one message. When every worker has `maxPending` jobs outstanding, `submit`
 * returns false and the caller validates inline — the main thread then helps instead of letting a queue
 * (and the clients' retransmissions) grow. A worker that fails is not restarted: its outstanding jobs and
 * every later one are validated inline, and `onFailure` says so once.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * The validator threads a server starts with when not told: one on a machine with more than two cores, none (bodies
 * validated inline) on two or fewer. On two cores the thread competes with the main thread and whatever else runs
 * there, and costs more than it saves: measured with `npm run bench:compositor -- --only publish --variants
 * compositor-threaded,compositor-inline` (sipp on the same two cores, 6,000 PUBLISH/s, three runs each), one thread
 * answered 84–86 % within 10 ms with 1.1 s of GC pauses per 10 s, inline 89–97 % with 0.52–0.57 s.
 */
export function defaultValidatorThreads(cores: number = availableParallelism()): number {
  return cores > 2 ? 1 : 0;
}

/**
 * A batch of jobs as one string: per job `id SEP contentType SEP body`, jobs separated by RS. One flat
 * string crosses the thread boundary as a plain copy; an array of tuples costs a structured clone per
 * element (measured: postMessage was 20 µs per PUBLISH that way). The separators are control characters
 * XML 1.0 does not allow, so no valid body contains one; input that does is never sent (see `submit`).
 */
export const FIELD_SEPARATOR = '\u0001';
export const JOB_SEPARATOR = '\u0002';

// eslint-disable-next-line no-control-regex
const SEPARATORS = /[\u0001\u0002]/;

/** Per outcome `id SEP 1|0 SEP entity-or-code SEP message`, outcomes separated by RS. */
export type OutcomeBatch = string;

/** What the ESC learns about a body validated elsewhere. */
export type ValidationResult =
  { readonly ok: true; readonly entity: string } | { readonly ok: false; readonly code: string; readonly message: string };

export interface ValidatorPoolOptions {
  /** The worker script: pidf-validator-worker (a bundled .cjs, or the .ts with a TypeScript loader in execArgv). */
  readonly workerFile: string | URL;
  /** Worker threads (default 1: the machines this runs on often have two cores, one for the main thread). */
  readonly threads?: number;
  /** Node options for the workers, e.g. ['--import', 'tsx'] when `workerFile` is TypeScript. */
  readonly execArgv?: readonly string[];
  /** Outstanding jobs per worker before `submit` declines (default 512). */
  readonly maxPending?: number;
  /** A worker failed; validation continues inline. */
  readonly onFailure?: (message: string) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  /** Encoded jobs waiting for the next flush. */
  batch: string[];
  pending: number;
  isAlive: boolean;
}

type Callback = (result: ValidationResult | null) => void;

export class ValidatorPool {
  private readonly workers: PoolWorker[] = [];
  private readonly callbacks = new Map<number, { callback: Callback; worker: PoolWorker }>();
  private readonly maxPending: number;
  private nextId = 1;
  private nextWorker = 0;
  private isFlushScheduled = false;
  private isClosed = false;
  /** Bodies a worker has answered for. */
  validatedCount = 0;

  constructor(private readonly options: ValidatorPoolOptions) {
    this.maxPending = options.maxPending ?? 512;
    const threads = Math.max(1, options.threads ?? 1);
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(options.workerFile, { execArgv: [...(options.execArgv ?? [])] });
      const entry: PoolWorker = { worker, batch: [], pending: 0, isAlive: true };
      worker.on('message', (outcomes: OutcomeBatch) => this.onOutcomes(entry, outcomes));
      worker.on('error', (error) => this.onWorkerFailure(entry, `body validator thread failed: ${error.message}`));
      worker.on('exit', (code) => {
        if (!this.isClosed) this.onWorkerFailure(entry, `body validator thread exited (code ${code})`);
      });
      this.workers.push(entry);
    }
  }

  /** True while at least one worker can take jobs. */
  get isUsable(): boolean {
    return !this.isClosed && this.workers.some((w) => w.isAlive);
  }

  /**
   * Queues a body for validation; `callback` gets the result, or null if the worker died (validate inline
   * then). Returns false, without calling back, when every worker is saturated or dead.
   */
  submit(body: string, contentType: string, callback: Callback): boolean {
    // A separator inside the data could forge a job boundary and answer another client's job: such input
    // (never valid XML) is left to inline validation, which refuses it.
    if (SEPARATORS.test(body) || SEPARATORS.test(contentType)) return false;
    const worker = this.pickWorker();
    if (worker === null) return false;
    const id = this.nextId++;
    worker.batch.push(id + FIELD_SEPARATOR + contentType + FIELD_SEPARATOR + body);
    worker.pending++;
    this.callbacks.set(id, { callback, worker });
    if (!this.isFlushScheduled) {
      this.isFlushScheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  /** Terminates the workers; outstanding callbacks are dropped (the server is stopping). */
  async close(): Promise<void> {
    this.isClosed = true;
    this.callbacks.clear();
    await Promise.allSettled(this.workers.map((w) => w.worker.terminate()));
  }

  private pickWorker(): PoolWorker | null {
    if (this.isClosed) return null;
    for (let tries = 0; tries < this.workers.length; tries++) {
      const candidate = this.workers[this.nextWorker++ % this.workers.length] as PoolWorker;
      if (candidate.isAlive && candidate.pending < this.maxPending) return candidate;
    }
    return null;
  }

  private flush(): void {
    this.isFlushScheduled = false;
    for (const entry of this.workers) {
      if (entry.batch.length === 0 || !entry.isAlive) continue;
      entry.worker.postMessage(entry.batch.join(JOB_SEPARATOR));
      entry.batch = [];
    }
  }

  private onOutcomes(entry: PoolWorker, batch: OutcomeBatch): void {
    for (const outcome of batch.split(JOB_SEPARATOR)) {
      const [idText, okText, entityOrCode = '', message = ''] = outcome.split(FIELD_SEPARATOR);
      const id = Number(idText);
      const ok = okText === '1';
      const waiting = this.callbacks.get(id);
      if (waiting === undefined) continue;
      this.callbacks.delete(id);
      entry.pending--;
      this.validatedCount++;
      waiting.callback(ok ? { ok: true, entity: entityOrCode } : { ok: false, code: entityOrCode, message });
    }
  }

  private onWorkerFailure(entry: PoolWorker, message: string): void {
    if (!entry.isAlive) return;
    entry.isAlive = false;
    entry.batch.length = 0;
    this.options.onFailure?.(message);
    for (const [id, waiting] of [...this.callbacks]) {
      if (waiting.worker !== entry) continue;
      this.callbacks.delete(id);
      waiting.callback(null);
    }
  }
}
