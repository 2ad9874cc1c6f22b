/**
 * Opens a capture file of any kind we read, pushed in pieces: pcap or pcapng (packet-file.ts → the
 * network layer → UDP datagrams, or TCP flows framed as SIP or WebSocket), or a SIP text save
 * (text-capture.ts). Gives numbered trace entries in capture order, seen from the capture's client
 * (capture-sides.ts), and where a damaged file stopped being readable.
 *
 * Each UDP datagram holds one SIP message (RFC 3261 §18.1.1); datagrams that are not SIP (DNS, RTP,
 * keep-alives) and TLS, which cannot be read without its keys, are passed over.
 */
import type { CaptureEntry, CaptureProblem, CapturedMessage } from './capture-entry';
import { CaptureSides, type SidedMessage } from './capture-sides';
import { NetworkLayer } from './network-layer';
import { isPacketFile, PacketFileReader, type Packet } from './packet-file';
import { isSipStartLine, TcpFlows } from './stream-layer';
import { isTextCapture, TextCaptureReader } from './text-capture';

const UDP = 17;
const TCP = 6;
/** Bytes looked at to tell the kind of file. */
const SNIFF_BYTES = 512;

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Reads one capture file pushed in pieces (see the module comment). */
export class CaptureReader {
  private head: Uint8Array = new Uint8Array(0);
  private source: PacketSource | TextCaptureReader | null = null;
  private readonly sides = new CaptureSides();
  private notCapture: CaptureProblem | null = null;

  /** Why reading stopped before the end of the file, or null. */
  get problem(): CaptureProblem | null {
    return this.notCapture ?? this.source?.problem ?? null;
  }

  /** Adds the next bytes of the file; returns the entries they complete. */
  push(chunk: Uint8Array): CaptureEntry[] {
    if (this.notCapture) return [];
    if (!this.source) {
      // Joined into a copy: the caller may reuse its chunk.
      this.head = joined(this.head, chunk);
      if (this.head.length < SNIFF_BYTES) return [];
      return this.start();
    }
    return this.sided(this.source.push(chunk));
  }

  /** The file ended: the entries still held. */
  end(): CaptureEntry[] {
    const entries = this.source || this.notCapture ? [] : this.start();
    if (this.source) entries.push(...this.sided(this.source.end()));
    return [...entries, ...this.sides.end()];
  }

  private start(): CaptureEntry[] {
    const head = this.head;
    this.head = new Uint8Array(0);
    if (isPacketFile(head)) this.source = new PacketSource();
    else if (isTextCapture(latin1.decode(head.subarray(0, SNIFF_BYTES)))) this.source = new TextCaptureReader();
    else {
      this.notCapture = {
        byte: 0,
        packet: 1,
        reason: head.length === 0 ? 'the file is empty' : 'this is neither a pcap or pcapng file nor a SIP text save',
      };
      return [];
    }
    return this.sided(this.source.push(head));
  }

  private sided(messages: readonly SidedMessage[]): CaptureEntry[] {
    return messages.flatMap((message) => this.sides.add(message));
  }
}

/** Packets of a pcap or pcapng file, turned into SIP messages. */
class PacketSource {
  private readonly file = new PacketFileReader();
  private readonly network = new NetworkLayer();
  private readonly tcp = new TcpFlows();

  get problem(): CaptureProblem | null {
    return this.file.problem;
  }

  push(chunk: Uint8Array): CapturedMessage[] {
    return this.file.push(chunk).flatMap((packet) => this.messagesOf(packet));
  }

  end(): CapturedMessage[] {
    this.file.end();
    return [];
  }

  private messagesOf(packet: Packet): CapturedMessage[] {
    const ip = this.network.decode(packet.linkType, packet.data);
    if (!ip || ip.bytes.length < 8) return [];
    const view = new DataView(ip.bytes.buffer, ip.bytes.byteOffset, ip.bytes.length);
    const source = { address: ip.source, port: view.getUint16(0) };
    const destination = { address: ip.destination, port: view.getUint16(2) };
    const base = { frame: packet.number, at: packet.at, source, destination };
    if (ip.protocol === UDP) {
      const payload = ip.bytes.subarray(8, Math.max(8, Math.min(view.getUint16(4), ip.bytes.length)));
      const firstLine = latin1.decode(payload.subarray(0, Math.min(payload.length, 256))).split('\r\n', 1)[0]!;
      return isSipStartLine(firstLine) ? [{ ...base, transport: 'udp', raw: utf8.decode(payload) }] : [];
    }
    if (ip.protocol === TCP) {
      const flow = `${ip.source} ${source.port} ${ip.destination} ${destination.port}`;
      return this.tcp
        .segment(flow, ip.bytes)
        .map((message) => ({ ...base, transport: message.transport, raw: utf8.decode(message.bytes) }));
    }
    return [];
  }
}

function joined(a: Uint8Array, b: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(a.length + b.length);
  bytes.set(a);
  bytes.set(b, a.length);
  return bytes;
}
