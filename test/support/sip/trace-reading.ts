/**
 * Reading SIP messages out of trace entries in tests: start line, headers by name, body.
 */
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { readMessageHead } from '../../../electron/sip/transport/sip-message-head';
import { findHeader, splitSipMessage } from '../../../shared/sip/header-section';

export interface TracedMessage {
  readonly direction: 'in' | 'out';
  readonly startLine: string;
  /** Request method, or the CSeq method of a response. */
  readonly method: string;
  /** 0 for requests. */
  readonly statusCode: number;
  readonly branch: string | null;
  header(name: string): string | undefined;
  readonly body: string;
  readonly raw: string;
}

export function readTraced(entry: UnnumberedTraceEntry): TracedMessage | null {
  const head = readMessageHead(entry.raw);
  if (!head) return null;
  const parts = splitSipMessage(entry.raw);
  return {
    direction: entry.direction,
    startLine: parts.startLine,
    method: head.method,
    statusCode: head.statusCode,
    branch: head.branch,
    header: (name) => findHeader(parts, name),
    body: parts.body,
    raw: entry.raw,
  };
}

/** Sent requests of a method, with the final response each got (matched by branch), in order. */
export function exchanges(
  entries: readonly UnnumberedTraceEntry[],
  method: string,
): { request: TracedMessage; response: TracedMessage | undefined }[] {
  const messages = entries.map(readTraced).filter((m): m is TracedMessage => m !== null);
  const requests = messages.filter((m) => m.direction === 'out' && m.statusCode === 0 && m.method === method);
  const seen = new Set<string>();
  const unique = requests.filter((r) => {
    // Retransmissions carry the same branch: one exchange each.
    const key = r.branch ?? r.raw;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.map((request) => ({
    request,
    response: messages.find((m) => m.direction === 'in' && m.statusCode >= 200 && m.method === method && m.branch === request.branch),
  }));
}
