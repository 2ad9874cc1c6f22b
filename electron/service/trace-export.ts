/**
 * Writes part of the recorded SIP trace to a file the user chooses: sngrep-style text or pcap
 * (shared/trace/trace-format.ts, shared/trace/pcap.ts), with credentials masked unless asked otherwise.
 *
 *   request ──► pick entries (all after the pane's last clear, or the listed ones)
 *           ──► none? "There are no SIP messages to export." (nothing asked, nothing written)
 *           ──► ask where (SaveFileChooser: Electron's save dialog; a temp path in tests) ── cancelled ──► saved: false
 *           ──► write a temporary file beside the target in slices of SLICE entries, yielding to
 *               the event loop between slices (the SIP stack shares this thread) ──► rename over the target
 *
 * A failed write leaves no partial file behind and is answered with a readable reason.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../../shared/error-message';
import type { TraceExportRequest, TraceExportResult } from '../../shared/ipc/contract';
import { PcapWriter } from '../../shared/trace/pcap';
import type { TraceEntry } from '../../shared/trace/trace-entry';
import { formatTraceTextEntry } from '../../shared/trace/trace-format';
import { UserFacingError } from '../ipc/user-facing-error';

/** What a save dialog is asked. */
export interface SaveFileRequest {
  readonly title: string;
  /** A file name (no folder) to start from, e.g. `presently-trace-20240501-120000.pcap`. */
  readonly defaultName: string;
  readonly filters: readonly { readonly name: string; readonly extensions: readonly string[] }[];
}

/** Asks the user where to save a file: the absolute path, or null when they cancel. */
export interface SaveFileChooser {
  choose(request: SaveFileRequest): Promise<string | null>;
}

/** Entries written between two yields to the event loop. */
const SLICE = 2_000;

/** Picks the entries a request names, oldest first, from everything the recorder keeps. */
function selectTraceEntries(kept: readonly TraceEntry[], scope: TraceExportRequest['scope']): TraceEntry[] {
  if (scope.kind === 'all') return kept.filter((e) => e.seq > scope.afterSeq);
  const wanted = new Set(scope.seqs);
  return kept.filter((e) => wanted.has(e.seq));
}

/** The file name offered in the save dialog. */
function defaultExportName(format: TraceExportRequest['format'], now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
  return `presently-trace-${stamp}.${format === 'pcap' ? 'pcap' : 'txt'}`;
}

/** Runs one export (see the module comment). */
export async function exportTrace(
  kept: readonly TraceEntry[],
  request: TraceExportRequest,
  chooser: SaveFileChooser | undefined,
  now: number,
): Promise<TraceExportResult> {
  const entries = selectTraceEntries(kept, request.scope);
  if (entries.length === 0) {
    throw new UserFacingError(
      request.scope.kind === 'messages'
        ? 'None of those SIP messages is kept any more (the oldest are dropped after 100,000); nothing was exported.'
        : 'There are no SIP messages to export.',
    );
  }
  if (!chooser) throw new UserFacingError('Saving files is not available in this version of Presently.');

  const target = await chooser.choose({
    title: request.format === 'pcap' ? 'Export SIP trace as pcap' : 'Export SIP trace as text',
    defaultName: defaultExportName(request.format, now),
    filters:
      request.format === 'pcap' ? [{ name: 'Packet capture', extensions: ['pcap'] }] : [{ name: 'Text', extensions: ['txt', 'log'] }],
  });
  if (target === null) return { saved: false, path: null, messages: 0, bytes: 0 };
  if (!path.isAbsolute(target)) throw new UserFacingError(`The trace was not saved: "${target}" is not a full path to a file.`);

  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString('hex')}.partial`);
  let bytes = 0;
  try {
    const file = await open(temporary, 'wx');
    try {
      const options = { includeCredentials: request.includeCredentials };
      const pcap = request.format === 'pcap' ? new PcapWriter(options) : null;
      if (pcap) bytes += (await file.write(pcap.fileHeader())).bytesWritten;
      for (let start = 0; start < entries.length; start += SLICE) {
        const slice = entries.slice(start, start + SLICE);
        if (pcap) {
          bytes += (await file.write(Buffer.concat(slice.flatMap((entry) => pcap.records(entry))))).bytesWritten;
        } else {
          const text = Buffer.from(slice.map((entry) => formatTraceTextEntry(entry, options)).join(''), 'utf8');
          bytes += (await file.write(text)).bytesWritten;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new UserFacingError(`The trace could not be saved to ${target} (${errorMessage(error)}).`);
  }
  return { saved: true, path: target, messages: entries.length, bytes };
}
