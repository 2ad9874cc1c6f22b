/**
 * Writes trace entries as a classic libpcap file that Wireshark and tshark open and decode as SIP.
 *
 * The trace tap sees SIP messages, not packets, so the framing is synthesised from what it recorded:
 *
 *   file:   pcap global header (magic a1b2c3d4, v2.4, microsecond times, link type 101 = LINKTYPE_RAW:
 *           each record starts at the IP header, so IPv4 and IPv6 mix in one file)
 *   record: time of the entry │ IPv4 (RFC 791) or IPv6 (RFC 8200) header with the entry's real local
 *           and remote addresses │ UDP (RFC 768) or TCP (RFC 9293) header with the real ports │ the
 *           message as UTF-8
 *
 * - UDP entries become one datagram each. TCP, TLS, WS and WSS entries become TCP segments carrying
 *   the SIP text as the app saw it — decrypted and without WebSocket framing, which is the point of
 *   tracing inside the client; sequence and acknowledgement numbers follow each connection's bytes, so
 *   Wireshark's reassembly and analysis work. No handshake is invented.
 * - Checksums are computed (IPv4 header, UDP, TCP; over IPv6 they are mandatory).
 * - An address that is not an IP literal is written as the unspecified address (0.0.0.0 or ::);
 *   IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) are written as IPv4 when the other side is IPv4 too.
 * - A message too large for one IP packet is split into several TCP segments; a UDP datagram cannot
 *   have been that large, but one that claims to be is written truncated (incl_len < orig_len).
 */
import type { TraceEntry } from './trace-entry';
import { entryEndpoints } from './trace-format';
import { maskCredentials } from './credential-mask';

export interface PcapOptions {
  /** Write Authorization / Proxy-Authorization credentials as they were (default: masked). */
  readonly includeCredentials?: boolean;
}

/** LINKTYPE_RAW: the packet begins with an IPv4 or IPv6 header. */
export const PCAP_LINKTYPE_RAW = 101;
const SNAPLEN = 262_144;
/** The most TCP payload put in one segment (keeps IPv4 total length under 65,535). */
const MAX_SEGMENT = 65_000;
/** The most a UDP datagram can carry over IPv4 (65,535 − 20 − 8). */
const MAX_UDP_PAYLOAD = 65_507;

/** The pcap file of `entries`, in the order given. */
export function writePcap(entries: readonly TraceEntry[], options: PcapOptions = {}): Uint8Array {
  const writer = new PcapWriter(options);
  const chunks: Uint8Array[] = [writer.fileHeader()];
  for (const entry of entries) chunks.push(...writer.records(entry));
  return concatBytes(chunks);
}

/**
 * Writes a pcap file piece by piece — the file header, then the records of each entry — so that a
 * large export can be written in slices without holding the whole file or blocking for long.
 */
export class PcapWriter {
  private readonly packetizer: TracePacketizer;

  constructor(options: PcapOptions = {}) {
    this.packetizer = new TracePacketizer(options);
  }

  /** The 24-byte global header; written once, first. */
  fileHeader(): Uint8Array {
    return globalHeader();
  }

  /** The records (record header + packet, alternating) of one entry. */
  records(entry: TraceEntry): Uint8Array[] {
    return this.packetizer
      .packets(entry)
      .flatMap((packet) => [recordHeader(packet.time, packet.data.length, packet.originalLength), packet.data]);
  }
}

/** A capture time split as pcap and pcapng keep it: whole seconds and the microseconds after them. */
export interface PacketTime {
  readonly seconds: number;
  readonly micros: number;
}

/** One synthesised IP packet (LINKTYPE_RAW) of a trace entry. */
export interface TracePacket {
  readonly time: PacketTime;
  /** The packet from its IP header on; a UDP datagram too large for IP is cut (see `originalLength`). */
  readonly data: Uint8Array;
  /** The length the packet had before any cut. */
  readonly originalLength: number;
}

/**
 * Turns trace entries into the IP packets the module comment describes, for any capture file format.
 * It remembers each TCP connection's byte counts between entries, so one instance serves one file.
 */
export class TracePacketizer {
  private readonly encoder = new TextEncoder();
  private readonly flows = new Map<string, number>();
  private ipId = 1;

  constructor(private readonly options: PcapOptions = {}) {}

  /** The packets of one entry: one for UDP, one per MAX_SEGMENT bytes for a stream. */
  packets(entry: TraceEntry): TracePacket[] {
    const raw = this.options.includeCredentials ? entry.raw : maskCredentials(entry.raw);
    const payload = this.encoder.encode(raw);
    const { source, destination } = entryEndpoints(entry);
    const [src, dst] = ipPair(source.address, destination.address);
    const time = splitTime(entry.at);

    if (entry.transport === 'udp') {
      const carried = payload.length > MAX_UDP_PAYLOAD ? payload.subarray(0, MAX_UDP_PAYLOAD) : payload;
      const packet = udpPacket(src, dst, source.port, destination.port, carried, payload.length, this.ipId++);
      return [{ time, data: packet, originalLength: packet.length + (payload.length - carried.length) }];
    }

    // A stream: consecutive segments per direction, each acknowledging what the other side sent.
    const forward = `${formatKey(src)}:${source.port}>${formatKey(dst)}:${destination.port}`;
    const backward = `${formatKey(dst)}:${destination.port}>${formatKey(src)}:${source.port}`;
    const out: TracePacket[] = [];
    let offset = 0;
    do {
      const part = payload.subarray(offset, Math.min(payload.length, offset + MAX_SEGMENT));
      const seq = this.flows.get(forward) ?? 1;
      const ack = this.flows.get(backward) ?? 1;
      const packet = tcpPacket(src, dst, source.port, destination.port, seq, ack, part, this.ipId++);
      this.flows.set(forward, (seq + part.length) >>> 0);
      out.push({ time, data: packet, originalLength: packet.length });
      offset += MAX_SEGMENT;
    } while (offset < payload.length);
    return out;
  }
}

// ── Addresses ─────────────────────────────────────────────────────────────────────────────────────

/** An IP address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/** Both addresses of a packet in one family (parsed as `parseIp` does). */
export function ipPair(a: string, b: string): [IpBytes, IpBytes] {
  let x = parseIp(a);
  let y = parseIp(b);
  // Unmap IPv4-mapped IPv6 where that makes both IPv4; otherwise map IPv4 into IPv6.
  const unmappedX = x.length === 16 ? unmapV4(x) : x;
  const unmappedY = y.length === 16 ? unmapV4(y) : y;
  if (unmappedX.length === 4 && unmappedY.length === 4) return [unmappedX, unmappedY];
  if (x.length === 4) x = mapV4(x);
  if (y.length === 4) y = mapV4(y);
  return [x, y];
}

function unmapV4(ip: IpBytes): IpBytes {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return ip;
  if (ip[10] !== 0xff || ip[11] !== 0xff) return ip;
  return ip.slice(12);
}

function mapV4(ip: IpBytes): IpBytes {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip, 12);
  return out;
}

/** Parses an IPv4 or IPv6 literal (zone index ignored); anything else gives 0.0.0.0. */
export function parseIp(text: string): IpBytes {
  const address = text
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const v4 = parseV4(address);
  if (v4) return v4;
  return parseV6(address) ?? new Uint8Array(4);
}

function parseV4(text: string): IpBytes | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    out[i] = Number(part);
  }
  return out;
}

function parseV6(text: string): IpBytes | null {
  if (!text.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (item.includes('.')) {
        // An embedded IPv4 address ends the address (`::ffff:192.0.2.1`).
        const v4 = i === items.length - 1 ? parseV4(item) : null;
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(item)) return null;
        out.push(parseInt(item, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((group, i) => {
    out[i * 2] = group >> 8;
    out[i * 2 + 1] = group & 0xff;
  });
  return out;
}

function formatKey(ip: IpBytes): string {
  return Array.from(ip).join('.');
}

// ── Headers ───────────────────────────────────────────────────────────────────────────────────────

function globalHeader(): Uint8Array {
  const out = new Uint8Array(24);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true); // thiszone: times are UTC
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, SNAPLEN, true);
  view.setUint32(20, PCAP_LINKTYPE_RAW, true);
  return out;
}

function splitTime(at: number): PacketTime {
  const micros = Math.round(at * 1000);
  return { seconds: Math.floor(micros / 1_000_000), micros: micros % 1_000_000 };
}

function recordHeader(time: PacketTime, included: number, original: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, time.seconds >>> 0, true);
  view.setUint32(4, time.micros, true);
  view.setUint32(8, included, true);
  view.setUint32(12, original, true);
  return out;
}

/**
 * Allocates a packet with room for the IP header, `transportLength` bytes of transport header and the
 * payload, writes the IP header, and returns the packet and where the transport header starts.
 */
function ipPacket(
  src: IpBytes,
  dst: IpBytes,
  protocol: 6 | 17,
  transportLength: number,
  payload: Uint8Array,
  id: number,
): { packet: Uint8Array; at: number } {
  const ipLength = src.length === 4 ? 20 : 40;
  const packet = new Uint8Array(ipLength + transportLength + payload.length);
  const view = new DataView(packet.buffer);
  if (src.length === 4) {
    view.setUint8(0, 0x45); // version 4, 5-word header
    view.setUint16(2, Math.min(0xffff, packet.length));
    view.setUint16(4, id & 0xffff);
    view.setUint16(6, 0x4000); // don't fragment
    view.setUint8(8, 64); // TTL
    view.setUint8(9, protocol);
    packet.set(src, 12);
    packet.set(dst, 16);
    view.setUint16(10, finishChecksum(sum16(packet.subarray(0, 20), 0)));
  } else {
    view.setUint32(0, 0x60000000); // version 6, no traffic class or flow label
    view.setUint16(4, Math.min(0xffff, transportLength + payload.length));
    view.setUint8(6, protocol);
    view.setUint8(7, 64); // hop limit
    packet.set(src, 8);
    packet.set(dst, 24);
  }
  packet.set(payload, ipLength + transportLength);
  return { packet, at: ipLength };
}

/** RFC 768 / RFC 9293 §3.1 pseudo-header sum for IPv4 or IPv6 (RFC 8200 §8.1). */
function pseudoHeaderSum(src: IpBytes, dst: IpBytes, protocol: number, length: number): number {
  let sum = sum16(src, 0);
  sum = sum16(dst, sum);
  if (src.length === 4) return sum + protocol + length;
  return sum + (length >>> 16) + (length & 0xffff) + protocol;
}

function udpPacket(
  src: IpBytes,
  dst: IpBytes,
  sourcePort: number,
  destinationPort: number,
  payload: Uint8Array,
  claimed: number,
  id: number,
): Uint8Array {
  const { packet, at } = ipPacket(src, dst, 17, 8, payload, id);
  const view = new DataView(packet.buffer, at);
  view.setUint16(0, sourcePort & 0xffff);
  view.setUint16(2, destinationPort & 0xffff);
  view.setUint16(4, Math.min(0xffff, 8 + claimed));
  if (claimed === payload.length) {
    const segment = packet.subarray(at);
    const checksum = finishChecksum(sum16(segment, pseudoHeaderSum(src, dst, 17, segment.length)));
    // A computed 0 is sent as all ones (RFC 768); 0 would mean "no checksum".
    view.setUint16(6, checksum === 0 ? 0xffff : checksum);
  }
  return packet;
}

function tcpPacket(
  src: IpBytes,
  dst: IpBytes,
  sourcePort: number,
  destinationPort: number,
  seq: number,
  ack: number,
  payload: Uint8Array,
  id: number,
): Uint8Array {
  const { packet, at } = ipPacket(src, dst, 6, 20, payload, id);
  const view = new DataView(packet.buffer, at);
  view.setUint16(0, sourcePort & 0xffff);
  view.setUint16(2, destinationPort & 0xffff);
  view.setUint32(4, seq >>> 0);
  view.setUint32(8, ack >>> 0);
  view.setUint8(12, 5 << 4); // data offset: 5 words
  view.setUint8(13, 0x18); // PSH, ACK
  view.setUint16(14, 65_535); // window
  const segment = packet.subarray(at);
  view.setUint16(16, finishChecksum(sum16(segment, pseudoHeaderSum(src, dst, 6, segment.length))));
  return packet;
}

/** Adds the big-endian 16-bit words of `bytes` to `initial` (RFC 1071), without folding. */
function sum16(bytes: Uint8Array, initial: number): number {
  let sum = initial;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length & 1) sum += bytes[bytes.length - 1]! << 8;
  return sum;
}

function finishChecksum(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return ~folded & 0xffff;
}

/** The chunks one after the other, in one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
