/**
 * How a trace record reads in the list and the ladder: colour classes by method and response class,
 * and the short texts of the columns. Pure functions, so the list's rows stay cheap.
 */
import { responseClass, type TraceSummary } from '../../../shared/trace/trace-summary';
import { formatEndpoint } from '../../../shared/trace/trace-format';
import type { TraceEntry } from '../../../shared/trace/trace-entry';

/** Methods with a colour of their own; the rest share one. */
const COLOURED_METHODS = new Set(['REGISTER', 'PUBLISH', 'SUBSCRIBE', 'NOTIFY', 'OPTIONS', 'MESSAGE', 'INVITE', 'BYE']);

/** `tone-method-publish`, `tone-status-2xx`, `tone-keep-alive`. */
export function toneClass(summary: Pick<TraceSummary, 'kind' | 'method' | 'statusCode'>): string {
  if (summary.kind === 'response') return `tone-status-${responseClass(summary.statusCode) ?? 'other'}`;
  if (summary.kind === 'request') return `tone-method-${COLOURED_METHODS.has(summary.method) ? summary.method.toLowerCase() : 'other'}`;
  return `tone-${summary.kind}`;
}

/** `127.0.0.1:40000 → 192.0.2.1:5060` for a sent message, `… ← …` for a received one: local first. */
export function addressesText(entry: TraceEntry): string {
  return `${formatEndpoint(entry.local)} ${entry.direction === 'out' ? '→' : '←'} ${formatEndpoint(entry.remote)}`;
}

/** `sip:alice@x → sip:bob@x`, or '' when neither is known. */
export function fromToText(summary: TraceSummary): string {
  if (!summary.from && !summary.to) return '';
  return `${summary.from || '?'} → ${summary.to || '?'}`;
}

/** `1.2 kB` style sizes, bytes below 1,000. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** `9:58`, `1:02:03`: what is left until `expiresAt`, or how long since. */
export function countdownText(expiresAt: number, now: number): string {
  const seconds = Math.round(Math.abs(expiresAt - now) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const clock = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return expiresAt >= now ? `expires in ${clock}` : `expired ${clock} ago`;
}
