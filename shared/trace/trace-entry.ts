/**
 * One SIP message as the trace tap saw it at the transport: sent or received, with addresses, time and
 * the exact text. Recorded by the SIP engine (electron/sip/), shown by the trace pane, exported as text
 * and pcap. Plain data: it crosses IPC in batches.
 */
import type { SipTransport } from '../sip/transport';

/** `out`: this app sent it; `in`: this app received it. */
export type TraceDirection = 'in' | 'out';

/** An IP endpoint. IPv6 addresses are written without brackets. */
export interface TraceEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface TraceEntry {
  /** Strictly increasing per app run, starting at 1: the order messages crossed the transport. */
  readonly seq: number;
  /** Wall-clock time in milliseconds since the epoch (fractional part allowed), for display and pcap. */
  readonly at: number;
  readonly direction: TraceDirection;
  /** The transport the message travelled on. */
  readonly transport: SipTransport;
  readonly local: TraceEndpoint;
  readonly remote: TraceEndpoint;
  /** The whole message exactly as on the wire (start line, headers, blank line, body), as UTF-8 text. */
  readonly raw: string;
}

/** A trace entry before the recorder numbers it. */
export type UnnumberedTraceEntry = Omit<TraceEntry, 'seq'>;
