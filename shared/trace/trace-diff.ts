/**
 * What changed between two state-carrying messages of one story — a NOTIFY and the previous NOTIFY of
 * its dialog (RFC 6665 §4.2.2: each NOTIFY carries the full state, so consecutive ones say what moved),
 * a PUBLISH and the previous one of its entity-tag chain (RFC 3903 §4.2) — in two forms:
 *
 * - `presenceChanges`: the difference of what the buddy list makes of each document (the PIDF
 *   summariser's status, note, activities, devices and `until`), in words; `bodyChanges` the same for two
 *   decoded bodies, member by member for two resource list NOTIFYs (RFC 4662: a partial one names only the
 *   members that changed);
 * - `lineDiff`: a line diff of the bodies (longest common subsequence), bounded in cost so that two big
 *   unrelated bodies cost a fixed budget, not the product of their lengths.
 *
 * And `previousInChain`, which finds that previous message in a TraceGroup.
 */
import { PRESENCE_STATUS_LABELS } from '../presence/presence-status';
import type { DevicePresence, PresenceSummary } from '../presence/presence-state';
import type { DecodedBody } from './decoded-body';
import type { TraceGroup } from './trace-groups';
import type { TraceRecord } from './trace-summary';

/** One line of a line diff: kept, only in the newer text, or only in the older. */
export interface DiffLine {
  readonly kind: 'same' | 'added' | 'removed';
  readonly text: string;
}

export interface LineDiff {
  readonly lines: readonly DiffLine[];
  /**
   * The changed middle was too big to align within the budget, so it reads as all removed then all
   * added: correct, but not the shortest diff.
   */
  readonly isApproximate: boolean;
}

/** The most cells of the LCS table one diff may fill (a 500 × 500-line change). */
export const LINE_DIFF_MAX_CELLS = 250_000;

/**
 * The line diff of `before` → `after`. Lines common to both ends are matched first (free); the rest is
 * aligned by LCS when its table fits `maxCells`, else given as removed-then-added.
 */
export function lineDiff(before: string, after: string, maxCells = LINE_DIFF_MAX_CELLS): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const lines: DiffLine[] = a.slice(0, head).map((text) => ({ kind: 'same', text }));
  const oldMiddle = a.slice(head, a.length - tail);
  const newMiddle = b.slice(head, b.length - tail);
  const isApproximate = oldMiddle.length * newMiddle.length > maxCells;
  if (isApproximate) {
    for (const text of oldMiddle) lines.push({ kind: 'removed', text });
    for (const text of newMiddle) lines.push({ kind: 'added', text });
  } else {
    lines.push(...alignByLcs(oldMiddle, newMiddle));
  }
  for (const text of a.slice(a.length - tail)) lines.push({ kind: 'same', text });
  return { lines, isApproximate };
}

function splitLines(text: string): string[] {
  return text === '' ? [] : text.split(/\r?\n/);
}

/** The classic LCS table, filled from the end so the walk from the start reads it forwards. */
function alignByLcs(a: readonly string[], b: readonly string[]): DiffLine[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j] ? table[(i + 1) * width + j + 1]! + 1 : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) {
      out.push({ kind: 'removed', text: a[i++]! });
    } else {
      out.push({ kind: 'added', text: b[j++]! });
    }
  }
  while (i < a.length) out.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) out.push({ kind: 'added', text: b[j++]! });
  return out;
}

/** One readable change between two presence summaries. */
export interface PresenceChange {
  readonly field: 'status' | 'note' | 'activities' | 'device added' | 'device removed' | 'device' | 'until';
  /** e.g. `Available → Busy`, `"In the lab" → none`, `added busy; removed away`. */
  readonly text: string;
  /** In a resource list NOTIFY: the member (its RLMI resource URI) whose presence changed. */
  readonly member?: string;
}

/**
 * What changed between two decoded bodies as the buddy list sees it: two presence documents compared whole; two
 * list NOTIFYs member by member, for each member the newer one carries a presence part of (a member the older one
 * did not carry counts as new: every field it has). Null when the bodies are not both presence, nor both lists.
 */
export function bodyChanges(before: DecodedBody, after: DecodedBody): PresenceChange[] | null {
  if (before.kind === 'presence' && after.kind === 'presence') return presenceChanges(before.summary, after.summary);
  if (before.kind !== 'multipart' || after.kind !== 'multipart') return null;
  const earlier = new Map<string, PresenceSummary>();
  for (const part of before.parts)
    if (part.resource !== null && part.decoded.kind === 'presence') earlier.set(part.resource, part.decoded.summary);
  const changes: PresenceChange[] = [];
  for (const part of after.parts) {
    if (part.resource === null || part.decoded.kind !== 'presence') continue;
    const previous = earlier.get(part.resource) ?? EMPTY_SUMMARY;
    for (const change of presenceChanges(previous, part.decoded.summary)) changes.push({ ...change, member: part.resource });
  }
  return changes;
}

/** What a member shows before any presence of it arrived. */
const EMPTY_SUMMARY: PresenceSummary = { status: 'unknown', note: null, activities: [], devices: [] };

/** What changed from `before` to `after` as the buddy list sees it; empty when nothing did. */
export function presenceChanges(before: PresenceSummary, after: PresenceSummary): PresenceChange[] {
  const changes: PresenceChange[] = [];
  if (before.status !== after.status) {
    changes.push({ field: 'status', text: `${PRESENCE_STATUS_LABELS[before.status]} → ${PRESENCE_STATUS_LABELS[after.status]}` });
  }
  if (before.note !== after.note) changes.push({ field: 'note', text: `${quoted(before.note)} → ${quoted(after.note)}` });
  const added = after.activities.filter((activity) => !before.activities.includes(activity));
  const removed = before.activities.filter((activity) => !after.activities.includes(activity));
  if (added.length > 0 || removed.length > 0) {
    const parts = [added.length > 0 ? `added ${added.join(', ')}` : '', removed.length > 0 ? `removed ${removed.join(', ')}` : ''];
    changes.push({ field: 'activities', text: parts.filter(Boolean).join('; ') });
  }
  const oldDevices = new Map(before.devices.map((device) => [device.id, device]));
  const newDevices = new Map(after.devices.map((device) => [device.id, device]));
  for (const device of after.devices) {
    const old = oldDevices.get(device.id);
    if (!old) changes.push({ field: 'device added', text: deviceText(device) });
    else if (old.status !== device.status || old.note !== device.note) {
      changes.push({ field: 'device', text: `${deviceName(device)}: ${deviceStateText(old)} → ${deviceStateText(device)}` });
    }
  }
  for (const device of before.devices) if (!newDevices.has(device.id)) changes.push({ field: 'device removed', text: deviceText(device) });
  if (before.until !== after.until) changes.push({ field: 'until', text: `${before.until ?? 'none'} → ${after.until ?? 'none'}` });
  return changes;
}

function quoted(note: string | null): string {
  return note === null ? 'none' : `“${note}”`;
}

function deviceName(device: DevicePresence): string {
  return device.label ?? device.id;
}

function deviceStateText(device: DevicePresence): string {
  return `${PRESENCE_STATUS_LABELS[device.status]}${device.note ? ` (${quoted(device.note)})` : ''}`;
}

function deviceText(device: DevicePresence): string {
  return `${deviceName(device)}, ${deviceStateText(device)}`;
}

/**
 * The message `record` follows in its story: for a NOTIFY, the previous NOTIFY with a body of its group
 * (the subscription's dialog), for a PUBLISH the previous PUBLISH with a body of its entity-tag chain;
 * sent the same way, and not a copy of `record` sent again. Undefined for other messages, or when the
 * trace no longer holds one.
 */
export function previousInChain(
  group: TraceGroup,
  record: TraceRecord,
  recordOf: (seq: number) => TraceRecord | undefined,
): TraceRecord | undefined {
  const { summary, entry } = record;
  if (summary.kind !== 'request' || (summary.method !== 'NOTIFY' && summary.method !== 'PUBLISH')) return undefined;
  for (let i = group.seqs.indexOf(entry.seq) - 1; i >= 0; i--) {
    const earlier = recordOf(group.seqs[i]!);
    if (!earlier || earlier.summary.kind !== 'request' || earlier.summary.method !== summary.method) continue;
    if (earlier.entry.direction !== entry.direction || earlier.summary.bodySize === 0) continue;
    // Same branch: the same request sent again, not an earlier state.
    if (earlier.summary.branch === summary.branch) continue;
    return earlier;
  }
  return undefined;
}
