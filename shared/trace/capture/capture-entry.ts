/**
 * What reading a capture file yields: SIP messages in capture order as trace entries (numbered from 1,
 * with the packet they completed in), and, for a damaged file, where and why reading stopped.
 */
import type { TraceEndpoint, TraceEntry } from '../trace-entry';
import type { SipTransport } from '../../sip/transport';

/** One SIP message found in a capture, before the side that is "this app" is chosen. */
export interface CapturedMessage {
  /** The packet (1-based, as Wireshark numbers frames) whose bytes completed the message; for text files, the message's number. */
  readonly frame: number;
  /** Capture time in milliseconds since the epoch. */
  readonly at: number;
  readonly transport: SipTransport;
  readonly source: TraceEndpoint;
  readonly destination: TraceEndpoint;
  readonly raw: string;
}

/** A trace entry read from a capture: `seq` counts messages in capture order, `frame` says which packet. */
export interface CaptureEntry extends TraceEntry {
  readonly frame: number;
}

/** Where a damaged capture stopped being readable. */
export interface CaptureProblem {
  /** Offset in the file of the first byte that could not be read. */
  readonly byte: number;
  /** The packet (1-based) being read there. */
  readonly packet: number;
  readonly reason: string;
}

/** "stopped being readable at byte 1,234 (packet 7): the file ends inside a packet" */
export function describeCaptureProblem(problem: CaptureProblem): string {
  return `stopped being readable at byte ${problem.byte.toLocaleString('en-US')} (packet ${problem.packet.toLocaleString('en-US')}): ${problem.reason}`;
}
