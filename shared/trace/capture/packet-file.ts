/**
 * Reads the packets of a capture file piece by piece, so a file of any size is read with bounded memory:
 *
 * - pcap (the libpcap format, draft-ietf-opsawg-pcap §4–5): either byte order, microsecond (magic
 *   a1b2c3d4) or nanosecond (a1b23c4d) times, one link type for the file;
 * - pcapng (draft-ietf-opsawg-pcapng §4): sections (SHB, each with its own byte order), interfaces (IDB:
 *   link type, `if_tsresol`, `if_tsoffset` per interface), Enhanced, Simple and the obsolete Packet
 *   Blocks; every other block is skipped.
 *
 * Bytes are pushed as they are read; each complete record becomes a `Packet`. A record that cannot be
 * read (a length that does not fit, a file that ends inside a packet) stops reading: the packets before
 * it are kept and `problem` says where and why.
 */
import type { CaptureProblem } from './capture-entry';

/** One captured packet, as the link layer gave it. */
export interface Packet {
  /** 1-based number in the file. */
  readonly number: number;
  /** Capture time in milliseconds since the epoch (a Simple Packet Block has none: the previous packet's). */
  readonly at: number;
  /** LINKTYPE_* of the packet's interface. */
  readonly linkType: number;
  /** The captured bytes (maybe fewer than were on the wire). */
  readonly data: Uint8Array;
}

const PCAP_MICROS = 0xa1b2c3d4;
const PCAP_NANOS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
const PCAPNG_IDB = 1;
const PCAPNG_PB = 2;
const PCAPNG_SPB = 3;
const PCAPNG_EPB = 6;
/** Larger records are not packets but damage (pcapng allows large blocks; no real packet is near this). */
const MAX_RECORD = 16 * 1024 * 1024;

/** Whether these first bytes start a pcap or pcapng file. */
export function isPacketFile(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const view = new DataView(head.buffer, head.byteOffset, 4);
  const be = view.getUint32(0, false);
  const le = view.getUint32(0, true);
  return be === PCAPNG_SHB || [PCAP_MICROS, PCAP_NANOS].includes(be) || [PCAP_MICROS, PCAP_NANOS].includes(le);
}

interface PcapngInterface {
  readonly linkType: number;
  readonly snapLength: number;
  /** Timestamp units per millisecond. */
  readonly unitsPerMs: number;
  /** `if_tsoffset`, in milliseconds. */
  readonly offsetMs: number;
}

/** Reads a pcap or pcapng file pushed in pieces (see the module comment). */
export class PacketFileReader {
  private pending: Uint8Array = new Uint8Array(0);
  /** File offset of `pending[0]`. */
  private offset = 0;
  private format: 'unknown' | 'pcap' | 'pcapng' = 'unknown';
  private littleEndian = false;
  private pcapLinkType = 0;
  private pcapUnitsPerMs = 1000;
  private interfaces: PcapngInterface[] = [];
  private packetCount = 0;
  private lastAt = 0;
  private failed: CaptureProblem | null = null;

  /** Why reading stopped before the end of the file, or null. */
  get problem(): CaptureProblem | null {
    return this.failed;
  }

  /** Bytes read so far. */
  get bytesRead(): number {
    return this.offset + this.pending.length;
  }

  /** Adds the next bytes of the file; returns the packets they complete. */
  push(chunk: Uint8Array): Packet[] {
    if (this.failed) return [];
    this.pending = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const packets: Packet[] = [];
    let at = 0;
    for (;;) {
      const used = this.readRecord(this.pending, at, packets);
      if (used === 0 || this.failed) break;
      at += used;
    }
    // A copy: the caller may reuse its chunk (a Node Buffer's own slice() would share it).
    this.pending = copyOf(this.pending, at, this.pending.length);
    this.offset += at;
    return packets;
  }

  /** The file ended: anything left over is a record cut short. */
  end(): void {
    if (this.failed || this.pending.length === 0) return;
    if (this.format === 'unknown') this.fail(0, 'this is not a pcap or pcapng file (it is too short)');
    else
      this.fail(
        0,
        `the file ends inside ${this.format === 'pcap' ? 'a packet record' : 'a block'} (${this.pending.length} bytes left over)`,
      );
  }

  private fail(at: number, reason: string): void {
    this.failed = { byte: this.offset + at, packet: this.packetCount + 1, reason };
  }

  /** Reads one record at `at`: the bytes used (0: it is not complete yet, or reading failed). */
  private readRecord(bytes: Uint8Array, at: number, packets: Packet[]): number {
    const left = bytes.length - at;
    if (this.format === 'unknown') {
      if (left < 4) return 0;
      const view = new DataView(bytes.buffer, bytes.byteOffset + at, left);
      if (view.getUint32(0, false) === PCAPNG_SHB) {
        this.format = 'pcapng';
        return this.readPcapngBlock(bytes, at, packets);
      }
      if (left < 24) return 0;
      const magicBe = view.getUint32(0, false);
      const magicLe = view.getUint32(0, true);
      const magic = [PCAP_MICROS, PCAP_NANOS].includes(magicBe) ? magicBe : magicLe;
      if (magic !== PCAP_MICROS && magic !== PCAP_NANOS) {
        this.fail(at, 'this is not a pcap or pcapng file (unknown magic number)');
        return 0;
      }
      this.format = 'pcap';
      this.littleEndian = magic === magicLe;
      this.pcapUnitsPerMs = magic === PCAP_NANOS ? 1_000_000 : 1000;
      // The link type is the low 16 bits; the high bits may carry FCS information (§5.8).
      this.pcapLinkType = view.getUint32(20, this.littleEndian) & 0xffff;
      return 24;
    }
    return this.format === 'pcap' ? this.readPcapRecord(bytes, at, packets) : this.readPcapngBlock(bytes, at, packets);
  }

  private readPcapRecord(bytes: Uint8Array, at: number, packets: Packet[]): number {
    if (bytes.length - at < 16) return 0;
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, 16);
    const seconds = view.getUint32(0, this.littleEndian);
    const fraction = view.getUint32(4, this.littleEndian);
    const captured = view.getUint32(8, this.littleEndian);
    if (captured > MAX_RECORD) {
      this.fail(at, `a packet record claims ${captured.toLocaleString('en-US')} captured bytes, more than any packet`);
      return 0;
    }
    if (bytes.length - at < 16 + captured) return 0;
    this.packetCount++;
    const time = seconds * 1000 + fraction / this.pcapUnitsPerMs;
    this.lastAt = time;
    packets.push({ number: this.packetCount, at: time, linkType: this.pcapLinkType, data: copyOf(bytes, at + 16, at + 16 + captured) });
    return 16 + captured;
  }

  private readPcapngBlock(bytes: Uint8Array, at: number, packets: Packet[]): number {
    const left = bytes.length - at;
    if (left < 12) return 0;
    const head = new DataView(bytes.buffer, bytes.byteOffset + at, left);
    let type = head.getUint32(0, this.littleEndian);
    if (head.getUint32(0, false) === PCAPNG_SHB) {
      // A new section: its byte-order magic decides how everything in it is read (§4.1).
      const magic = head.getUint32(8, false);
      if (magic !== PCAPNG_BYTE_ORDER && magic !== 0x4d3c2b1a) {
        this.fail(at, 'a section header block has no valid byte-order magic');
        return 0;
      }
      this.littleEndian = magic !== PCAPNG_BYTE_ORDER;
      type = PCAPNG_SHB;
    }
    const length = head.getUint32(4, this.littleEndian);
    if (length < 12 || length % 4 !== 0 || length > MAX_RECORD) {
      this.fail(at, `a block claims a length of ${length.toLocaleString('en-US')} bytes`);
      return 0;
    }
    if (left < length) return 0;
    if (head.getUint32(length - 4, this.littleEndian) !== length) {
      this.fail(at, 'a block’s trailing length does not match its leading one');
      return 0;
    }
    const body = new DataView(bytes.buffer, bytes.byteOffset + at + 8, length - 12);
    const bodyAt = at + 8;
    switch (type) {
      case PCAPNG_SHB:
        this.interfaces = [];
        break;
      case PCAPNG_IDB:
        if (body.byteLength < 8) return this.failBlock(at, 'an interface description block is too short');
        this.interfaces.push(readInterface(body, this.littleEndian));
        break;
      case PCAPNG_EPB:
      case PCAPNG_PB: {
        if (body.byteLength < 20) return this.failBlock(at, 'a packet block is too short');
        const isEnhanced = type === PCAPNG_EPB;
        const interfaceId = isEnhanced ? body.getUint32(0, this.littleEndian) : body.getUint16(0, this.littleEndian);
        const iface = this.interfaces[interfaceId];
        if (!iface) return this.failBlock(at, `a packet names interface ${interfaceId}, which no interface block described`);
        const captured = body.getUint32(12, this.littleEndian);
        if (20 + captured > body.byteLength) return this.failBlock(at, 'a packet block claims more captured bytes than it holds');
        const units = body.getUint32(4, this.littleEndian) * 4294967296 + body.getUint32(8, this.littleEndian);
        const time = units / iface.unitsPerMs + iface.offsetMs;
        this.lastAt = time;
        this.packetCount++;
        packets.push({
          number: this.packetCount,
          at: time,
          linkType: iface.linkType,
          data: copyOf(bytes, bodyAt + 20, bodyAt + 20 + captured),
        });
        break;
      }
      case PCAPNG_SPB: {
        const iface = this.interfaces[0];
        if (!iface) return this.failBlock(at, 'a simple packet block comes before any interface block');
        if (body.byteLength < 4) return this.failBlock(at, 'a simple packet block is too short');
        const original = body.getUint32(0, this.littleEndian);
        const captured = Math.min(original, body.byteLength - 4, iface.snapLength || Infinity);
        this.packetCount++;
        packets.push({
          number: this.packetCount,
          at: this.lastAt,
          linkType: iface.linkType,
          data: copyOf(bytes, bodyAt + 4, bodyAt + 4 + captured),
        });
        break;
      }
      default:
        break;
    }
    return length;
  }

  private failBlock(at: number, reason: string): number {
    this.fail(at, reason);
    return 0;
  }
}

/** An IDB's link type, snap length and time options (§4.2: `if_tsresol` = 9, `if_tsoffset` = 14). */
function readInterface(body: DataView, littleEndian: boolean): PcapngInterface {
  let unitsPerMs = 1000;
  let offsetMs = 0;
  let at = 8;
  while (at + 4 <= body.byteLength) {
    const code = body.getUint16(at, littleEndian);
    const length = body.getUint16(at + 2, littleEndian);
    if (code === 0 || at + 4 + length > body.byteLength) break;
    if (code === 9 && length >= 1) {
      const resolution = body.getUint8(at + 4);
      // High bit clear: 10^-n seconds; set: 2^-n seconds.
      const perSecond = resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution;
      unitsPerMs = perSecond / 1000;
    } else if (code === 14 && length >= 8) {
      // A 64-bit integer in the section's byte order.
      const [high, low] = littleEndian ? [at + 8, at + 4] : [at + 4, at + 8];
      offsetMs = (body.getUint32(high, littleEndian) * 4294967296 + body.getUint32(low, littleEndian)) * 1000;
    }
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return { linkType: body.getUint16(0, littleEndian), snapLength: body.getUint32(4, littleEndian), unitsPerMs, offsetMs };
}

/** A copy of bytes[start, end) that shares nothing with the caller's chunk (a Node Buffer's slice() would). */
function copyOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(bytes.subarray(start, end));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
