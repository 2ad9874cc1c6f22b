/**
 * SIP on a byte stream: TCP segments put back in order per flow (RFC 9293 §3.4 sequence numbers), then
 * the flow's bytes cut into SIP messages — by Content-Length (RFC 3261 §18.3), or, after an HTTP
 * Upgrade (RFC 6455 §4), one SIP message per WebSocket message (RFC 7118 §5.2; RFC 6455 §5: masked or
 * not, fragmented or not, control frames skipped).
 *
 * Reassembly keeps the bytes of each flow's next expected sequence number onwards: a retransmitted or
 * overlapping segment gives only its new bytes, an early one waits (up to MAX_EARLY_BYTES per flow) until
 * the gap before it is filled. A capture that begins inside a connection begins inside a message: the
 * reader skips lines until one is a SIP start line.
 *
 * A flow's state goes when its connection closes: at RST at once (RFC 9293 §3.5.3), at FIN once every byte
 * before the FIN has been read (§3.6: the FIN comes after the flow's last byte). A capture of a server
 * sees connections by the hundred thousand, most never closed in the capture; at most MAX_FLOWS are
 * kept, the one quiet longest forgotten first.
 */

/** One message cut from a flow, with the transport it was framed by. */
export interface StreamMessage {
  readonly transport: 'tcp' | 'ws';
  readonly bytes: Uint8Array;
}

/** Bytes waiting after a gap, per flow, at most; a flow that needs more has lost a segment for good. */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;
/** A header section longer than this is not SIP (or the start of the message was lost). */
const MAX_HEADER_BYTES = 64 * 1024;
/** A message body longer than this is damage, not SIP. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Flows kept at once (see the module comment). */
export const MAX_FLOWS = 10_000;

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;

interface Flow {
  nextSeq: number | null;
  /** The sequence number just past the last byte before the FIN, once one was seen. */
  finSeq: number | null;
  readonly early: Map<number, Uint8Array>;
  earlyBytes: number;
  reader: StreamFramer;
}

/** TCP reassembly for every flow of a capture (a flow: one direction of one connection). */
export class TcpFlows {
  private readonly flows = new Map<string, Flow>();

  /** How many flows are kept now. */
  get size(): number {
    return this.flows.size;
  }

  /** Reads one TCP segment of flow `key` (source → destination); returns the messages it completes. */
  segment(key: string, tcp: Uint8Array): StreamMessage[] {
    if (tcp.length < 20) return [];
    const view = new DataView(tcp.buffer, tcp.byteOffset, tcp.length);
    const seq = view.getUint32(4);
    const dataOffset = (tcp[12]! >> 4) * 4;
    const flags = tcp[13]!;
    const isSyn = (flags & SYN) !== 0;
    if (dataOffset < 20 || dataOffset > tcp.length) return [];
    if ((flags & RST) !== 0) {
      // Reset: the connection is gone, with whatever it had not delivered.
      this.flows.delete(key);
      return [];
    }
    let flow = this.flows.get(key);
    if (!flow || isSyn) {
      // A SYN starts a new connection on these ports: nothing of an old one carries over.
      flow = { nextSeq: isSyn ? (seq + 1) >>> 0 : null, finSeq: null, early: new Map(), earlyBytes: 0, reader: new StreamFramer() };
    }
    // Last heard of now: to the end of the map's order, which evicts from the front.
    this.flows.delete(key);
    this.flows.set(key, flow);
    if (this.flows.size > MAX_FLOWS) this.flows.delete(this.flows.keys().next().value!);
    const data = tcp.subarray(dataOffset);
    const messages: StreamMessage[] = [];
    flow.nextSeq ??= seq;
    if ((flags & FIN) !== 0) flow.finSeq = (seq + data.length) >>> 0;
    if (data.length === 0) {
      this.closeIfFinished(key, flow);
      return messages;
    }
    const ahead = (seq - flow.nextSeq) | 0;
    if (ahead > 0) {
      if (!flow.early.has(seq) && flow.earlyBytes + data.length <= MAX_EARLY_BYTES) {
        flow.early.set(seq, data.slice());
        flow.earlyBytes += data.length;
      }
      return messages;
    }
    this.deliver(flow, seq, data, messages);
    // Segments that waited for this one.
    for (let progressed = true; progressed && flow.early.size > 0;) {
      progressed = false;
      for (const [start, bytes] of flow.early) {
        if (((start - flow.nextSeq!) | 0) > 0) continue;
        flow.early.delete(start);
        flow.earlyBytes -= bytes.length;
        this.deliver(flow, start, bytes, messages);
        progressed = true;
      }
    }
    this.closeIfFinished(key, flow);
    return messages;
  }

  /** Forgets the flow once every byte before its FIN was read. */
  private closeIfFinished(key: string, flow: Flow): void {
    if (flow.finSeq !== null && ((flow.nextSeq! - flow.finSeq) | 0) >= 0) this.flows.delete(key);
  }

  /** Passes the bytes of a segment starting at or before the flow's next sequence number that are new. */
  private deliver(flow: Flow, seq: number, data: Uint8Array, messages: StreamMessage[]): void {
    const alreadyHad = (flow.nextSeq! - seq) | 0;
    if (alreadyHad >= data.length) return;
    flow.nextSeq = (seq + data.length) >>> 0;
    messages.push(...flow.reader.push(data.subarray(alreadyHad)));
  }
}

const CR = 13;
const LF = 10;
const SIP_START_LINE = /^(?:SIP\/2\.0 \d{3}(?: |$)|[A-Za-z!%'*+.\-_`~0-9]+ \S+ SIP\/2\.0$)/;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im;
const latin1 = new TextDecoder('latin1');

/** Whether `line` (without its line end) is a SIP request or status line (RFC 3261 §7.1, §7.2). */
export function isSipStartLine(line: string): boolean {
  return SIP_START_LINE.test(line);
}

/** Cuts one flow's bytes into messages: SIP by Content-Length, or WebSocket messages after an upgrade. */
export class StreamFramer {
  private buffer: Uint8Array = new Uint8Array(0);
  private mode: 'start' | 'http' | 'sip' | 'ws' | 'other' = 'start';
  /** The WebSocket message being put together from its fragments. */
  private fragments: Uint8Array[] | null = null;

  /** Adds the flow's next bytes; returns the messages they complete. */
  push(bytes: Uint8Array): StreamMessage[] {
    if (this.mode === 'other') return [];
    this.buffer = this.buffer.length === 0 ? bytes.slice() : concatBytes(this.buffer, bytes);
    const messages: StreamMessage[] = [];
    let at = 0;
    for (;;) {
      const used = this.next(at, messages);
      if (used === 0) break;
      at += used;
    }
    this.buffer = this.buffer.slice(at);
    return messages;
  }

  /** Reads what starts at `at`: the bytes used (0: more are needed). */
  private next(at: number, messages: StreamMessage[]): number {
    const left = this.buffer.length - at;
    if (left <= 0) return 0;
    switch (this.mode) {
      case 'start': {
        if (left < 5) return 0;
        const head = latin1.decode(this.buffer.subarray(at, at + 5));
        this.mode = head.startsWith('GET ') || head === 'HTTP/' ? 'http' : 'sip';
        return this.next(at, messages);
      }
      case 'http': {
        const end = indexOfBlankLine(this.buffer, at);
        if (end < 0) return left > MAX_HEADER_BYTES ? this.giveUp() : 0;
        const header = latin1.decode(this.buffer.subarray(at, end));
        const isUpgrade = /^upgrade[ \t]*:[ \t]*websocket/im.test(header);
        const isRefusal = /^HTTP\/\S+ (?!101)/.test(header);
        this.mode = isUpgrade && !isRefusal ? 'ws' : 'other';
        return end + 4 - at;
      }
      case 'sip':
        return this.nextSip(at, messages);
      case 'ws':
        return this.nextWebSocketFrame(at, messages);
      case 'other':
        return 0;
    }
  }

  private nextSip(at: number, messages: StreamMessage[]): number {
    const bytes = this.buffer;
    // RFC 5626 §4.4.1 keep-alives (CRLF) between messages.
    if (bytes[at] === CR || bytes[at] === LF) return 1;
    const lineEnd = bytes.indexOf(LF, at);
    if (lineEnd < 0) return this.buffer.length - at > MAX_HEADER_BYTES ? this.buffer.length - at : 0;
    const line = latin1.decode(bytes.subarray(at, bytes[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd));
    // Not a start line: the capture began inside a message, or a message was lost; skip to the next line.
    if (!isSipStartLine(line)) return lineEnd + 1 - at;
    const headerEnd = indexOfBlankLine(bytes, at);
    if (headerEnd < 0) return bytes.length - at > MAX_HEADER_BYTES ? lineEnd + 1 - at : 0;
    const length = CONTENT_LENGTH.exec(latin1.decode(bytes.subarray(at, headerEnd)));
    const bodyLength = length ? Number(length[1]) : 0;
    if (bodyLength > MAX_BODY_BYTES) return lineEnd + 1 - at;
    const end = headerEnd + 4 + bodyLength;
    if (end > bytes.length) return 0;
    // A view, not a copy: the buffer is replaced, never written, once read (see push).
    messages.push({ transport: 'tcp', bytes: bytes.subarray(at, end) });
    return end - at;
  }

  private nextWebSocketFrame(at: number, messages: StreamMessage[]): number {
    const bytes = this.buffer;
    const left = bytes.length - at;
    if (left < 2) return 0;
    const isFinal = (bytes[at]! & 0x80) !== 0;
    const opcode = bytes[at]! & 0x0f;
    const isMasked = (bytes[at + 1]! & 0x80) !== 0;
    let length = bytes[at + 1]! & 0x7f;
    let headerLength = 2;
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, left);
    if (length === 126) {
      if (left < 4) return 0;
      length = view.getUint16(2);
      headerLength = 4;
    } else if (length === 127) {
      if (left < 10) return 0;
      length = view.getUint32(2) * 4294967296 + view.getUint32(6);
      headerLength = 10;
    }
    if (length > MAX_BODY_BYTES) return this.giveUp();
    const maskAt = at + headerLength;
    if (isMasked) headerLength += 4;
    if (left < headerLength + length) return 0;
    const payload = bytes.slice(at + headerLength, at + headerLength + length);
    if (isMasked) for (let i = 0; i < payload.length; i++) payload[i]! ^= bytes[maskAt + (i % 4)]!;
    // Control frames (close 8, ping 9, pong 10) may come between the fragments of a message (§5.4).
    if (opcode === 1 || opcode === 2) this.fragments = [payload];
    else if (opcode === 0 && this.fragments) this.fragments.push(payload);
    else return headerLength + length;
    if (isFinal && this.fragments) {
      const message = this.fragments.length === 1 ? this.fragments[0]! : concatBytes(...this.fragments);
      this.fragments = null;
      messages.push({ transport: 'ws', bytes: message });
    }
    return headerLength + length;
  }

  /** The flow is not something we can read: drop what it holds and anything it sends later. */
  private giveUp(): number {
    this.mode = 'other';
    return this.buffer.length;
  }
}

/** The index of the CRLF CRLF ending a header section that starts at `from`, or -1. */
function indexOfBlankLine(bytes: Uint8Array, from: number): number {
  for (let i = bytes.indexOf(CR, from); i >= 0 && i + 3 < bytes.length; i = bytes.indexOf(CR, i + 1)) {
    if (bytes[i + 1] === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return i;
  }
  return -1;
}

/** The pieces joined into one array. */
export function concatBytes(...pieces: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}
