/**
 * How much SIP trace the app keeps, in main (the recorder) and in the window (the trace pane's buffer)
 * alike, so both hold the same newest messages. Bounded by count and by size: 100,000 small OPTIONS
 * weigh a few MB, but 100,000 NOTIFYs of a large resource list would weigh gigabytes — a peer that sends
 * big messages must not be able to grow the app's memory without bound. The oldest go first.
 */

/** Entries kept at most. */
export const TRACE_CAPACITY = 100_000;

/** Total message text kept at most, in UTF-16 code units (≈ bytes for SIP's mostly-ASCII text). */
export const TRACE_MAX_CHARS = 64 * 1024 * 1024;

/** The size a trace entry counts for against `TRACE_MAX_CHARS` (its text; cheap, no encoding). */
export function traceEntryWeight(raw: string): number {
  return raw.length;
}
