/**
 * Reads SIP text saves: sngrep's "save as txt" and our own text export (shared/trace/trace-format.ts),
 * which has sngrep's layout with the transport, direction and sequence number added to each heading:
 *
 *   2024/05/01 14:03:07.123456 192.0.2.1:5060 -> 192.0.2.2:5060[ UDP sent #12]
 *   <the message exactly as on the wire>
 *   <blank line>
 *
 * Times are local, as both write them. Read piece by piece like the packet files; a file whose first
 * line is no heading is not such a save, and one that ends before its last message's Content-Length is
 * reported as cut short (the part read is kept).
 */
import { isSipTransport, type SipTransport } from '../../sip/transport';
import type { TraceEndpoint } from '../trace-entry';
import type { CaptureProblem } from './capture-entry';
import type { SidedMessage } from './capture-sides';

const HEADING =
  /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6}) (\S+) -> (\S+)(?: (UDP|TCP|TLS|WS|WSS) (sent|received) #\d+)?\r?$/;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im;

/** Whether the first line of `head` is a text save's heading. */
export function isTextCapture(head: string): boolean {
  return HEADING.test(head.split('\n', 1)[0] ?? '');
}

/** `192.0.2.1:5060`, `[2001:db8::1]:5060` or sngrep's `2001:db8::1:5060`. */
function endpointOf(text: string): TraceEndpoint | null {
  const match = /^\[?(.+?)\]?:(\d+)$/.exec(text);
  return match ? { address: match[1]!, port: Number(match[2]) } : null;
}

interface OpenMessage {
  readonly heading: RegExpExecArray;
  readonly lines: string[];
}

/** Reads a text save pushed in pieces (see the module comment). */
export class TextCaptureReader {
  private readonly decoder = new TextDecoder('utf-8');
  private rest = '';
  private open: OpenMessage | null = null;
  private count = 0;
  private bytes = 0;
  private lineNumber = 0;
  private failed: CaptureProblem | null = null;

  /** Why reading stopped before the end of the file, or null. */
  get problem(): CaptureProblem | null {
    return this.failed;
  }

  /** Adds the next bytes of the file; returns the messages they complete. */
  push(chunk: Uint8Array): SidedMessage[] {
    if (this.failed) return [];
    this.bytes += chunk.length;
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    const messages: SidedMessage[] = [];
    for (const line of lines) this.line(line, messages);
    return messages;
  }

  /** The file ended: the last message, and whether it was cut short. */
  end(): SidedMessage[] {
    if (this.failed) return [];
    const messages: SidedMessage[] = [];
    const last = this.rest + this.decoder.decode();
    if (last !== '') this.line(last, messages, true);
    const open = this.open;
    if (open) {
      const message = this.finish(open);
      messages.push(message);
      const headerEnd = message.raw.indexOf('\r\n\r\n');
      const declared = CONTENT_LENGTH.exec(headerEnd < 0 ? message.raw : message.raw.slice(0, headerEnd));
      const bodyBytes = headerEnd < 0 ? -1 : new TextEncoder().encode(message.raw.slice(headerEnd + 4)).length;
      if (headerEnd < 0 || (declared && bodyBytes < Number(declared[1]))) {
        this.failed = { byte: this.bytes, packet: this.count, reason: `the file ends inside message ${this.count}` };
      }
    }
    this.open = null;
    return messages;
  }

  private line(line: string, messages: SidedMessage[], isLast = false): void {
    this.lineNumber++;
    const heading = HEADING.exec(line);
    if (heading) {
      if (this.open) messages.push(this.finish(this.open));
      this.count++;
      this.open = { heading, lines: [] };
    } else if (this.open) {
      this.open.lines.push(isLast ? line : `${line}\n`);
    } else if (line.trim() !== '') {
      this.failed = { byte: 0, packet: 1, reason: `line ${this.lineNumber} is not a message heading (date time source -> destination)` };
    }
  }

  private finish({ heading, lines }: OpenMessage): SidedMessage {
    const [, year, month, day, hour, minute, second, micros, source, destination, transport, direction] = heading;
    // Each message is followed by a blank line: "\n\n" after the raw text.
    let raw = lines.join('');
    raw = raw.endsWith('\n\n') ? raw.slice(0, -2) : raw.endsWith('\n') ? raw.slice(0, -1) : raw;
    const at =
      new Date(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)).getTime() +
      Number(micros) / 1000;
    const lower = transport?.toLowerCase() ?? 'udp';
    return {
      frame: this.count,
      at,
      transport: (isSipTransport(lower) ? lower : 'udp') satisfies SipTransport,
      source: endpointOf(source!) ?? { address: source!, port: 0 },
      destination: endpointOf(destination!) ?? { address: destination!, port: 0 },
      raw,
      ...(direction ? { direction: direction === 'sent' ? ('out' as const) : ('in' as const) } : {}),
    };
  }
}
