/**
 * presence-history.json: per buddy the last MAX_CHANGES_PER_BUDDY changes of its shown status and note,
 * with their times, so the details can draw a timeline and the list say "away since 14:05" or "last seen
 * available 2 h ago" — also after a restart.
 *
 * Schema 1:
 *   { "schemaVersion": 1, "buddies": [ { "aor": "sip:bob@example.com", "changes": [ { "at": 1700000000000, "status": "away", "note": "Lunch" } ] } ] }
 *
 * Bounded (MAX_CHANGES_PER_BUDDY per buddy, oldest dropped; at most MAX_BUDDIES buddies), written atomically
 * through json-file.ts, and debounced: a burst of NOTIFYs is one write, `flush()` writes at once (on quit).
 */
import path from 'node:path';
import { MAX_BUDDIES } from '../../shared/buddy/buddy';
import type { PresenceChange } from '../../shared/presence/presence-state';
import { PRESENCE_STATUSES, MAX_NOTE_LENGTH, type PresenceStatus } from '../../shared/presence/presence-status';
import * as v from '../../shared/validation';
import { nodeScheduler, type Scheduler } from '../deadline';
import { addressKey } from '../../shared/buddy/buddy';
import { DocumentFile, type DocumentFormat, type LoadResult } from './json-file';

export const PRESENCE_HISTORY_FILE_NAME = 'presence-history.json';

/** How many changes are kept per buddy. */
export const MAX_CHANGES_PER_BUDDY = 50;

/** How long after a change the file is written (more changes in between ride along). */
export const HISTORY_WRITE_DELAY_MS = 2_000;

/** Notes from other clients can be long; the history keeps what the list could show. */
const MAX_KEPT_NOTE = MAX_NOTE_LENGTH * 4;

type Timelines = ReadonlyMap<string, readonly PresenceChange[]>;

const historyShape = v.object({
  buddies: v.array(
    v.object({
      aor: v.string({ maxLength: 1024 }),
      changes: v.array(
        v.object({
          at: v.number({ integer: true, min: 0 }),
          status: v.literal(...PRESENCE_STATUSES),
          note: v.nullable(v.string({ maxLength: MAX_KEPT_NOTE })),
        }),
        { maxLength: MAX_CHANGES_PER_BUDDY },
      ),
    }),
    { maxLength: MAX_BUDDIES },
  ),
});

export const presenceHistoryFormat: DocumentFormat<Timelines> = {
  schemaVersion: 1,
  decode(raw) {
    const shape = historyShape.validate(raw);
    if (!shape.ok) return shape;
    return { ok: true, value: new Map(shape.value.buddies.map((b) => [addressKey(b.aor), b.changes] as const)) };
  },
  encode: (timelines) => ({ buddies: [...timelines].map(([aor, changes]) => ({ aor, changes })) }),
};

export interface PresenceTimelineOptions {
  readonly now: () => number;
  readonly schedule?: Scheduler;
  readonly writeDelayMs?: number;
  /** A debounced write failed (nobody awaits it): say so. */
  readonly onWriteFailed?: (error: unknown) => void;
}

/** Every buddy's recent presence changes, in memory and in the data folder. */
export class PresenceTimeline {
  private readonly timelines = new Map<string, readonly PresenceChange[]>();
  private readonly file: DocumentFile<Timelines>;
  private readonly schedule: Scheduler;
  private cancelWrite: (() => void) | null = null;

  constructor(
    dataDir: string,
    private readonly options: PresenceTimelineOptions,
  ) {
    this.file = new DocumentFile(path.join(dataDir, PRESENCE_HISTORY_FILE_NAME), presenceHistoryFormat);
    this.schedule = options.schedule ?? nodeScheduler;
  }

  async load(now?: () => number): Promise<LoadResult<Timelines>> {
    const result = await this.file.load(now);
    this.timelines.clear();
    if (result.kind === 'loaded') for (const [aor, changes] of result.value) this.timelines.set(aor, changes);
    return result;
  }

  /** The buddy now shows `status` and `note`: kept when either differs from its last change. */
  record(aor: string, status: PresenceStatus, note: string | null): void {
    const key = addressKey(aor);
    const changes = this.timelines.get(key) ?? [];
    const last = changes[changes.length - 1];
    const kept = note === null ? null : note.slice(0, MAX_KEPT_NOTE);
    if (last && last.status === status && last.note === kept) return;
    // Bounded in buddies too (the file's own limit): a new one pushes out the one first recorded.
    const [first] = this.timelines.keys();
    if (!this.timelines.has(key) && this.timelines.size >= MAX_BUDDIES && first !== undefined) this.timelines.delete(first);
    this.timelines.set(key, [...changes, { at: this.options.now(), status, note: kept }].slice(-MAX_CHANGES_PER_BUDDY));
    this.writeLater();
  }

  /** The buddy's changes, oldest first. */
  changesOf(aor: string): readonly PresenceChange[] {
    return this.timelines.get(addressKey(aor)) ?? [];
  }

  /** The buddy left the list: its history goes too. */
  forget(aor: string): void {
    if (this.timelines.delete(addressKey(aor))) this.writeLater();
  }

  /** Writes a pending change now; resolves when every write so far is on disk. */
  async flush(): Promise<void> {
    if (this.cancelWrite) {
      this.cancelWrite();
      this.cancelWrite = null;
      await this.file.save(new Map(this.timelines));
    }
    await this.file.flush();
  }

  private writeLater(): void {
    if (this.cancelWrite) return;
    this.cancelWrite = this.schedule(() => {
      this.cancelWrite = null;
      this.file.save(new Map(this.timelines)).catch((error: unknown) => this.options.onWriteFailed?.(error));
    }, this.options.writeDelayMs ?? HISTORY_WRITE_DELAY_MS);
  }
}
