/**
 * The trace's live outputs, as the user's settings ask for them: every recorded SIP message appended to
 * the capture files (capture-files.ts) and mirrored to a HEP collector (hep-sender.ts), each behind its
 * own bounded queue, so a slow disk or an absent collector costs the SIP path nothing.
 *
 *   TraceRecorder ──entry──► record() ──► file queue ──► CaptureFiles   (writing / failing, dropped)
 *                                    └──► HepSender (own queue) ──► collector (sending / unreachable, dropped)
 *
 * Trouble is told to the user once per episode through `notify` (a full or failing disk; "HEP collector
 * unreachable"), and always readable in `status` for the settings dialog. Nothing here throws into the
 * caller: failures become states and counters.
 */
import path from 'node:path';
import { errorMessage } from '../../../shared/error-message';
import type { NoticeLevel } from '../../../shared/ipc/contract';
import {
  DEFAULT_HEP_MIRROR,
  DEFAULT_LIVE_CAPTURE,
  parseHepCollector,
  type HepMirrorSettings,
  type LiveCaptureSettings,
  type LiveCaptureStatus,
  type TraceCaptureStatus,
} from '../../../shared/trace/live-capture-settings';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { BoundedQueue } from './bounded-queue';
import { CAPTURES_FOLDER, CaptureFiles } from './capture-files';
import { HepSender } from './hep-sender';

/** Where the capture goes and whom to tell. */
export interface TraceCaptureOptions {
  /** The data folder; files go to its `captures/`. */
  readonly dataDir: string;
  /** Recorded in pcapng files, e.g. `Presently 1.2.0`. */
  readonly application: string;
  readonly now: () => number;
  /** Tells the user about trouble (the service's notices). */
  readonly notify: (level: NoticeLevel, text: string) => void;
  /** HEP's TCP reconnect timing (tests shorten it). */
  readonly hepBackoff?: { readonly initialMs: number; readonly maxMs: number };
}

/** Messages and bytes waiting for the disk at most. */
const FILE_QUEUE_LIMITS = { maxItems: 10_000, maxBytes: 16 * 1024 * 1024 };

const OFF_FILE: LiveCaptureStatus = { state: 'off', file: null, written: 0, dropped: 0, problem: null };

/** One run of the file capture: from turning it on (or a restart) to turning it off or changing it. */
interface FileCapture {
  readonly settings: LiveCaptureSettings;
  readonly files: CaptureFiles;
  readonly queue: BoundedQueue<TraceEntry>;
  written: number;
  problem: string | null;
  hasWarnedSlowDisk: boolean;
}

/** The live capture to files and the HEP mirror (see the module comment). */
export class TraceCapture {
  private file: FileCapture | null = null;
  private hep: { readonly settings: HepMirrorSettings; readonly sender: HepSender } | null = null;

  constructor(private readonly options: TraceCaptureOptions) {}

  /**
   * Puts the settings into effect: an output turned off stops, one turned on or changed starts afresh
   * (a new capture file; a new connection to the collector), one unchanged carries on.
   */
  configure(live: LiveCaptureSettings = DEFAULT_LIVE_CAPTURE, hep: HepMirrorSettings = DEFAULT_HEP_MIRROR): void {
    if (!sameSettings(this.file?.settings, live)) {
      void this.stopFile();
      if (live.enabled) this.file = this.startFile(live);
    }
    if (!sameSettings(this.hep?.settings, hep)) {
      this.hep?.sender.close();
      this.hep = null;
      const collector = parseHepCollector(hep.collector);
      // The service checks the settings before they are saved; a hand-edited file that is wrong stays off.
      if (hep.enabled && collector.ok) {
        const sender = new HepSender({
          transport: hep.transport,
          collector: collector.value,
          identity: { captureId: hep.captureId, authKey: hep.authKey },
          ...(this.options.hepBackoff
            ? { initialBackoffMs: this.options.hepBackoff.initialMs, maxBackoffMs: this.options.hepBackoff.maxMs }
            : {}),
          onStateChange: (state, problem) => {
            if (state === 'unreachable')
              this.options.notify(
                'warning',
                `HEP collector unreachable (${problem ?? hep.collector}); SIP messages are not mirrored until it answers.`,
              );
          },
        });
        this.hep = { settings: hep, sender };
      }
    }
  }

  /** Hands one recorded message to the outputs that are on; never waits, never throws. */
  record(entry: TraceEntry): void {
    const file = this.file;
    if (file && !file.queue.offer(entry, entry.raw.length) && !file.hasWarnedSlowDisk) {
      file.hasWarnedSlowDisk = true;
      this.options.notify('warning', 'The disk cannot keep up with the live capture: some SIP messages are missing from the capture file.');
    }
    this.hep?.sender.send(entry);
  }

  /** Both outputs' state and counters. */
  get status(): TraceCaptureStatus {
    const file = this.file;
    const hep = this.hep;
    return {
      file: file
        ? {
            state: file.problem === null ? 'writing' : 'failing',
            file: file.files.file,
            written: file.written,
            dropped: file.queue.dropped,
            problem: file.problem,
          }
        : OFF_FILE,
      hep: hep
        ? { collector: hep.settings.collector, ...hep.sender.status }
        : { state: 'off', collector: null, sent: 0, dropped: 0, problem: null },
    };
  }

  /** Resolves once everything recorded so far was written or sent (or dropped). */
  async idle(): Promise<void> {
    await Promise.all([this.file?.queue.idle(), this.hep?.sender.idle()]);
  }

  /** Writes what is queued, closes the file and the collector's socket. */
  async close(): Promise<void> {
    this.hep?.sender.close();
    this.hep = null;
    await this.stopFile();
  }

  private startFile(settings: LiveCaptureSettings): FileCapture {
    const files = new CaptureFiles({
      folder: path.join(this.options.dataDir, CAPTURES_FOLDER),
      format: settings.format,
      maxFileBytes: settings.maxFileMegabytes * 1024 * 1024,
      maxFiles: settings.maxFiles,
      application: this.options.application,
      now: this.options.now,
    });
    const capture: FileCapture = {
      settings,
      files,
      written: 0,
      problem: null,
      hasWarnedSlowDisk: false,
      queue: new BoundedQueue<TraceEntry>(
        FILE_QUEUE_LIMITS,
        async (batch) => {
          await files.write(batch);
          capture.written += batch.length;
          capture.problem = null;
        },
        (error) => {
          if (capture.problem === null) {
            this.options.notify(
              'warning',
              `The live capture could not be written (${errorMessage(error)}); SIP messages are dropped until it can.`,
            );
          }
          capture.problem = errorMessage(error);
        },
      ),
    };
    return capture;
  }

  private async stopFile(): Promise<void> {
    const capture = this.file;
    if (!capture) return;
    this.file = null;
    await capture.queue.idle();
    await capture.files.close().catch(() => undefined);
  }
}

/** Whether `b` asks for what is running now: the same values, or off when nothing runs. */
function sameSettings<T extends { readonly enabled: boolean }>(a: T | undefined, b: T): boolean {
  if (a === undefined) return !b.enabled;
  return (Object.keys(b) as (keyof T)[]).every((key) => a[key] === b[key]);
}
