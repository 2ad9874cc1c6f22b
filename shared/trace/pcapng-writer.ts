/**
 * Writes trace entries as a pcapng file (the IETF draft "PCAP Next Generation (pcapng) Capture File
 * Format", draft-ietf-opsawg-pcapng), so a live capture can be appended to message by message and still
 * open in Wireshark and tshark at any moment.
 *
 *   file:   Section Header Block (§4.1; byte-order magic 1a2b3c4d, version 1.0, section length unknown)
 *           Interface Description Block (§4.2; LINKTYPE_RAW, as in pcap.ts: each packet starts at its IP
 *           header, microsecond times — the default if_tsresol)
 *   entry:  one Enhanced Packet Block (§4.3) per packet pcap.ts's TracePacketizer synthesises: UDP
 *           datagrams, or TCP segments with per-connection sequence numbers for TCP, TLS, WS and WSS
 *
 * Each EPB carries epb_flags (§4.3.1) with the direction — inbound or outbound as the app saw it — and,
 * for TLS, WS and WSS, an opt_comment saying which transport the TCP payload really travelled on:
 * tshark decodes those as SIP over TCP (the text as the app saw it, decrypted and without WebSocket
 * frames) and shows the comment as `frame.comment`.
 *
 * All blocks are written little-endian; readers take the byte order from the section header.
 */
import { concatBytes, PCAP_LINKTYPE_RAW, TracePacketizer, type PcapOptions } from './pcap';
import type { TraceEntry } from './trace-entry';

/** Block types (§4.1, §4.2, §4.3). */
const SECTION_HEADER_BLOCK = 0x0a0d0d0a;
const INTERFACE_DESCRIPTION_BLOCK = 0x00000001;
const ENHANCED_PACKET_BLOCK = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes (§3.5, §4.1, §4.2, §4.3). */
const OPT_END_OF_OPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const EPB_FLAGS = 2;

/** epb_flags bits 0–1: the packet's direction (§4.3.1). */
const DIRECTION_INBOUND = 0b01;
const DIRECTION_OUTBOUND = 0b10;

const SNAPLEN = 262_144;

/** Writes a pcapng file piece by piece: `fileHeader()` once, then `blocks(entry)` per entry. */
export class PcapngWriter {
  private readonly encoder = new TextEncoder();
  private readonly packetizer: TracePacketizer;

  /** @param application the name shb_userappl records (e.g. `Presently 1.2.0`). */
  constructor(
    private readonly application: string,
    options: PcapOptions = {},
  ) {
    this.packetizer = new TracePacketizer(options);
  }

  /** The Section Header Block and the one Interface Description Block; written once, first. */
  fileHeader(): Uint8Array {
    const section = new Uint8Array(16);
    const view = new DataView(section.buffer);
    view.setUint32(0, BYTE_ORDER_MAGIC, true);
    view.setUint16(4, 1, true);
    view.setUint16(6, 0, true);
    // Section length -1: not known in advance, the file grows while it is written.
    view.setBigInt64(8, -1n, true);
    const shb = block(SECTION_HEADER_BLOCK, section, [option(SHB_USERAPPL, this.encoder.encode(this.application))]);

    const iface = new Uint8Array(8);
    const ifView = new DataView(iface.buffer);
    ifView.setUint16(0, PCAP_LINKTYPE_RAW, true);
    ifView.setUint32(4, SNAPLEN, true);
    const idb = block(INTERFACE_DESCRIPTION_BLOCK, iface, [option(IF_NAME, this.encoder.encode('presently-trace'))]);
    return concatBytes([shb, idb]);
  }

  /** The Enhanced Packet Blocks of one entry, as one chunk. */
  blocks(entry: TraceEntry): Uint8Array {
    const flags = new Uint8Array(4);
    new DataView(flags.buffer).setUint32(0, entry.direction === 'in' ? DIRECTION_INBOUND : DIRECTION_OUTBOUND, true);
    const options = [option(EPB_FLAGS, flags)];
    if (entry.transport !== 'udp' && entry.transport !== 'tcp') {
      options.push(
        option(OPT_COMMENT, this.encoder.encode(`SIP over ${entry.transport.toUpperCase()}, shown as TCP payload as the app saw it`)),
      );
    }
    return concatBytes(
      this.packetizer.packets(entry).map((packet) => {
        const fixed = new Uint8Array(20);
        const view = new DataView(fixed.buffer);
        const micros = BigInt(packet.time.seconds) * 1_000_000n + BigInt(packet.time.micros);
        view.setUint32(0, 0, true); // interface 0, the only one
        view.setUint32(4, Number(micros >> 32n), true);
        view.setUint32(8, Number(micros & 0xffffffffn), true);
        view.setUint32(12, packet.data.length, true);
        view.setUint32(16, packet.originalLength, true);
        return block(ENHANCED_PACKET_BLOCK, concatBytes([fixed, padded(packet.data)]), options);
      }),
    );
  }
}

/** One option: code, length, value padded to 32 bits (§3.5). */
function option(code: number, value: Uint8Array): Uint8Array {
  const head = new Uint8Array(4);
  const view = new DataView(head.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, value.length, true);
  return concatBytes([head, padded(value)]);
}

/** A block: type, total length, body, options ending in opt_endofopt, total length again (§3.1). */
function block(type: number, body: Uint8Array, options: readonly Uint8Array[]): Uint8Array {
  const ending = options.length > 0 ? [...options, new Uint8Array(4).fill(OPT_END_OF_OPT)] : [];
  const inner = concatBytes([body, ...ending]);
  const out = new Uint8Array(12 + inner.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, out.length, true);
  out.set(inner, 8);
  view.setUint32(out.length - 4, out.length, true);
  return out;
}

function padded(bytes: Uint8Array): Uint8Array {
  const rest = bytes.length % 4;
  if (rest === 0) return bytes;
  const out = new Uint8Array(bytes.length + 4 - rest);
  out.set(bytes);
  return out;
}
