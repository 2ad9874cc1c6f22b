/**
 * How trace entries are written as text: addresses, times, and the text export — the same layout as
 * sngrep's "save as txt" (a line `date time source -> destination`, the raw message, a blank line),
 * with the transport, direction and sequence number added at the end of that line.
 */
import type { TraceEndpoint, TraceEntry } from './trace-entry';
import { maskCredentials } from './credential-mask';

/** Which clock times are written in. */
export type TraceTimeZone = 'local' | 'utc';

/** `127.0.0.1:5060`, `[2001:db8::1]:5060`. */
export function formatEndpoint(endpoint: TraceEndpoint): string {
  return endpoint.address.includes(':') ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `14:03:07.123` — the list's time column (milliseconds). */
export function formatClockMs(at: number, zone: TraceTimeZone = 'local'): string {
  const date = new Date(Math.floor(at));
  const [h, m, s] =
    zone === 'utc'
      ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      : [date.getHours(), date.getMinutes(), date.getSeconds()];
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(Math.floor(at) % 1000, 3)}`;
}

/** `2024/05/01 14:03:07.123456` — sngrep's date and time, with microseconds. */
export function formatDateTimeMicros(at: number, zone: TraceTimeZone = 'local'): string {
  // Whole microseconds first: (at - floor(at)) * 1000 would turn .9 into 899.99….
  const totalMicros = Math.round(at * 1000);
  const micros = totalMicros % 1_000_000;
  const date = new Date(Math.floor(totalMicros / 1000));
  const parts =
    zone === 'utc'
      ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  return `${y}/${pad(mo)}/${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}.${pad(micros, 6)}`;
}

/** Sender and receiver of an entry. */
export function entryEndpoints(entry: TraceEntry): { source: TraceEndpoint; destination: TraceEndpoint } {
  return entry.direction === 'out'
    ? { source: entry.local, destination: entry.remote }
    : { source: entry.remote, destination: entry.local };
}

export interface TextExportOptions {
  /** Write Authorization / Proxy-Authorization credentials as they were (default: masked). */
  readonly includeCredentials?: boolean;
  readonly timeZone?: TraceTimeZone;
}

/** The heading line of one message in the text export. */
export function textExportHeading(entry: TraceEntry, zone: TraceTimeZone = 'local'): string {
  const { source, destination } = entryEndpoints(entry);
  return `${formatDateTimeMicros(entry.at, zone)} ${formatEndpoint(source)} -> ${formatEndpoint(destination)} ${entry.transport.toUpperCase()} ${entry.direction === 'out' ? 'sent' : 'received'} #${entry.seq}`;
}

/**
 * The text export of `entries`, in the order given: for each, the heading line, the message exactly as
 * on the wire (CRLFs kept) — credentials masked unless asked otherwise — and a blank line.
 */
export function formatTraceText(entries: readonly TraceEntry[], options: TextExportOptions = {}): string {
  return entries.map((entry) => formatTraceTextEntry(entry, options)).join('');
}

/** One entry of the text export (so a large export can be written in slices). */
export function formatTraceTextEntry(entry: TraceEntry, options: TextExportOptions = {}): string {
  const raw = options.includeCredentials ? entry.raw : maskCredentials(entry.raw);
  return `${textExportHeading(entry, options.timeZone ?? 'local')}\n${raw}\n\n`;
}

/** A span of time for the timing columns and the ladder's gaps: `0.4 ms`, `12 ms`, `1.204 s`, `2 min 05 s`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (abs < 10) return `${sign}${abs.toFixed(1)} ms`;
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const seconds = Math.round(abs / 1000);
  return `${sign}${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
}
