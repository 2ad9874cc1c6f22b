/**
 * Crafted capture bytes for the reader tests: IP packets from our own pcap writer (real IPv4/IPv6, UDP
 * and TCP headers with checksums), wrapped in each link-layer header and file format by hand, byte by
 * byte as the formats define them.
 */
import { PcapWriter } from '../../../../../shared/trace/pcap';
import type { TraceEntry } from '../../../../../shared/trace/trace-entry';

/** One packet to put in a file: its time (ms), link type and bytes. */
export interface CraftedPacket {
  readonly at: number;
  readonly linkType: number;
  readonly data: Uint8Array;
}

/** The raw IP packets (LINKTYPE_RAW) our writer makes of `entries`, with their times. */
export function ipPackets(entries: readonly TraceEntry[]): CraftedPacket[] {
  const writer = new PcapWriter({ includeCredentials: true });
  return entries.flatMap((entry) => {
    const records = writer.records(entry);
    const packets: CraftedPacket[] = [];
    for (let i = 1; i < records.length; i += 2) packets.push({ at: entry.at, linkType: 101, data: records[i]! });
    return packets;
  });
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function bytesOf(length: number, fill: (view: DataView) => void): Uint8Array {
  const out = new Uint8Array(length);
  fill(new DataView(out.buffer));
  return out;
}

const ethertypeOf = (ip: Uint8Array) => (ip[0]! >> 4 === 6 ? 0x86dd : 0x0800);

/** Ethernet II with the given VLAN tags (802.1ad outer 0x88a8 first, then 802.1Q 0x8100). */
export function ethernet(ip: Uint8Array, vlanTypes: readonly number[] = []): Uint8Array {
  const header = bytesOf(12 + vlanTypes.length * 4 + 2, (view) => {
    for (let i = 0; i < 12; i++) view.setUint8(i, i + 1);
    vlanTypes.forEach((type, i) => {
      view.setUint16(12 + i * 4, type);
      view.setUint16(14 + i * 4, 100 + i);
    });
    view.setUint16(12 + vlanTypes.length * 4, ethertypeOf(ip));
  });
  return concat(header, ip);
}

/** Linux cooked capture v1: packet type, ARPHRD, address length, 8 address bytes, protocol. */
export function sll(ip: Uint8Array): Uint8Array {
  return concat(
    bytesOf(16, (view) => {
      view.setUint16(0, 4);
      view.setUint16(2, 772);
      view.setUint16(4, 6);
      view.setUint16(14, ethertypeOf(ip));
    }),
    ip,
  );
}

/** Linux cooked capture v2: protocol, reserved, interface index, ARPHRD, packet type, address length, 8 address bytes. */
export function sll2(ip: Uint8Array): Uint8Array {
  return concat(
    bytesOf(20, (view) => {
      view.setUint16(0, ethertypeOf(ip));
      view.setUint32(4, 1);
      view.setUint16(8, 772);
      view.setUint8(10, 4);
      view.setUint8(11, 6);
    }),
    ip,
  );
}

/** BSD null (link type 0): the address family in the capturing host's byte order. */
export function bsdNull(ip: Uint8Array, littleEndian: boolean, ipv6Family = 30): Uint8Array {
  return concat(
    bytesOf(4, (view) => view.setUint32(0, ip[0]! >> 4 === 6 ? ipv6Family : 2, littleEndian)),
    ip,
  );
}

/** OpenBSD loopback (link type 108): the family in network byte order. */
export function bsdLoop(ip: Uint8Array): Uint8Array {
  return concat(
    bytesOf(4, (view) => view.setUint32(0, ip[0]! >> 4 === 6 ? 24 : 2)),
    ip,
  );
}

/** A classic pcap file: byte order and time resolution as asked; the first packet's link type for the file. */
export function pcapFile(packets: readonly CraftedPacket[], options: { littleEndian?: boolean; nanos?: boolean } = {}): Uint8Array {
  const le = options.littleEndian ?? true;
  const units = options.nanos ? 1_000_000 : 1000;
  const header = bytesOf(24, (view) => {
    view.setUint32(0, options.nanos ? 0xa1b23c4d : 0xa1b2c3d4, le);
    view.setUint16(4, 2, le);
    view.setUint16(6, 4, le);
    view.setUint32(16, 262_144, le);
    view.setUint32(20, packets[0]?.linkType ?? 1, le);
  });
  const records = packets.map((packet) => {
    const seconds = Math.floor(packet.at / 1000);
    const fraction = Math.round((packet.at - seconds * 1000) * units);
    return concat(
      bytesOf(16, (view) => {
        view.setUint32(0, seconds, le);
        view.setUint32(4, fraction, le);
        view.setUint32(8, packet.data.length, le);
        view.setUint32(12, packet.data.length, le);
      }),
      packet.data,
    );
  });
  return concat(header, ...records);
}

/** One pcapng block: type, total length, body padded to 32 bits, total length again. */
function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const padded = Math.ceil(body.length / 4) * 4;
  const total = 12 + padded;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, total, le);
  out.set(body, 8);
  view.setUint32(total - 4, total, le);
  return out;
}

/** A pcapng interface: its link type and `if_tsresol` (the option's byte: 6 = µs, 9 = ns, 0x80|n = 2^-n s). */
export interface CraftedInterface {
  readonly linkType: number;
  readonly tsresol?: number;
}

/**
 * A pcapng file: one section (SHB) with the interfaces, then each packet as an Enhanced Packet Block on
 * the interface whose link type it has — or, with `simple`, as a Simple Packet Block (interface 0).
 * A Name Resolution Block is put in the middle, to be skipped.
 */
export function pcapngFile(
  interfaces: readonly CraftedInterface[],
  packets: readonly (CraftedPacket & { simple?: boolean })[],
  options: { littleEndian?: boolean } = {},
): Uint8Array {
  const le = options.littleEndian ?? true;
  const shb = block(
    0x0a0d0d0a,
    bytesOf(16, (view) => {
      view.setUint32(0, 0x1a2b3c4d, le);
      view.setUint16(4, 1, le);
      view.setUint16(6, 0, le);
      view.setInt32(8, -1, le);
      view.setInt32(12, -1, le);
    }),
    le,
  );
  const idbs = interfaces.map((iface) =>
    block(
      1,
      bytesOf(iface.tsresol === undefined ? 8 : 20, (view) => {
        view.setUint16(0, iface.linkType, le);
        view.setUint32(4, 262_144, le);
        if (iface.tsresol !== undefined) {
          view.setUint16(8, 9, le);
          view.setUint16(10, 1, le);
          view.setUint8(12, iface.tsresol);
          // opt_endofopt at 16
        }
      }),
      le,
    ),
  );
  const nrb = block(4, new Uint8Array(4), le);
  const unitsPerMs = (iface: CraftedInterface) => {
    const r = iface.tsresol ?? 6;
    return (r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r) / 1000;
  };
  const blocks = packets.map((packet, i) => {
    if (packet.simple) {
      return block(
        3,
        concat(
          bytesOf(4, (view) => view.setUint32(0, packet.data.length, le)),
          packet.data,
        ),
        le,
      );
    }
    const id = interfaces.findIndex((iface) => iface.linkType === packet.linkType);
    const units = BigInt(Math.round(packet.at * unitsPerMs(interfaces[id]!)));
    const epb = concat(
      bytesOf(20, (view) => {
        view.setUint32(0, id, le);
        view.setUint32(4, Number(units >> 32n), le);
        view.setUint32(8, Number(units & 0xffffffffn), le);
        view.setUint32(12, packet.data.length, le);
        view.setUint32(16, packet.data.length, le);
      }),
      packet.data,
    );
    return i === 1 ? concat(nrb, block(6, epb, le)) : block(6, epb, le);
  });
  return concat(shb, ...idbs, ...blocks);
}

const encoder = new TextEncoder();
const ip4 = (text: string) => Uint8Array.from(text.split('.').map(Number));

/** An IPv4 header (RFC 791) before `payload`; checksum left zero (the reader does not check it). */
export function ipv4(
  source: string,
  destination: string,
  protocol: number,
  payload: Uint8Array,
  fragment?: { id: number; offset: number; more: boolean },
): Uint8Array {
  const header = bytesOf(20, (view) => {
    view.setUint8(0, 0x45);
    view.setUint16(2, 20 + payload.length);
    view.setUint16(4, fragment?.id ?? 1);
    view.setUint16(6, (fragment?.more ? 0x2000 : 0) | ((fragment?.offset ?? 0) / 8));
    view.setUint8(8, 64);
    view.setUint8(9, protocol);
  });
  header.set(ip4(source), 12);
  header.set(ip4(destination), 16);
  return concat(header, payload);
}

/** A UDP header (RFC 768) before the text. */
export function udp(sourcePort: number, destinationPort: number, text: string | Uint8Array): Uint8Array {
  const payload = typeof text === 'string' ? encoder.encode(text) : text;
  return concat(
    bytesOf(8, (view) => {
      view.setUint16(0, sourcePort);
      view.setUint16(2, destinationPort);
      view.setUint16(4, 8 + payload.length);
    }),
    payload,
  );
}

/** A TCP header (RFC 9293 §3.1) with sequence number `seq` before the bytes; `syn` sets the SYN flag. */
export function tcp(sourcePort: number, destinationPort: number, seq: number, bytes: string | Uint8Array, syn = false): Uint8Array {
  const payload = typeof bytes === 'string' ? encoder.encode(bytes) : bytes;
  return concat(
    bytesOf(20, (view) => {
      view.setUint16(0, sourcePort);
      view.setUint16(2, destinationPort);
      view.setUint32(4, seq >>> 0);
      view.setUint8(12, 0x50);
      view.setUint8(13, syn ? 0x02 : 0x18);
      view.setUint16(14, 65_535);
    }),
    payload,
  );
}

/**
 * An IPv6 packet (RFC 8200) from 2001:db8::1 to 2001:db8::2 with a hop-by-hop options header and a
 * destination options header before the upper layer, and optionally a fragment header.
 */
export function ipv6WithExtensions(
  protocol: number,
  payload: Uint8Array,
  fragment?: { id: number; offset: number; more: boolean },
): Uint8Array {
  const hopByHop = bytesOf(8, (view) => {
    view.setUint8(0, 60);
    view.setUint8(1, 0);
    view.setUint8(2, 1); // PadN
    view.setUint8(3, 4);
  });
  const destinationOptions = bytesOf(16, (view) => {
    view.setUint8(0, fragment ? 44 : protocol);
    view.setUint8(1, 1);
    view.setUint8(2, 1);
    view.setUint8(3, 12);
  });
  const fragmentHeader = fragment
    ? bytesOf(8, (view) => {
        view.setUint8(0, protocol);
        view.setUint16(2, fragment.offset | (fragment.more ? 1 : 0));
        view.setUint32(4, fragment.id);
      })
    : new Uint8Array(0);
  const rest = concat(hopByHop, destinationOptions, fragmentHeader, payload);
  const header = bytesOf(40, (view) => {
    view.setUint32(0, 0x60000000);
    view.setUint16(4, rest.length);
    view.setUint8(6, 0);
    view.setUint8(7, 64);
    view.setUint16(8, 0x2001);
    view.setUint16(10, 0x0db8);
    view.setUint16(22, 1);
    view.setUint16(24, 0x2001);
    view.setUint16(26, 0x0db8);
    view.setUint16(38, 2);
  });
  return concat(header, rest);
}

/** A WebSocket frame (RFC 6455 §5.2): FIN, opcode, masked with `mask` when given. */
export function wsFrame(
  opcode: number,
  text: string | Uint8Array,
  options: { final?: boolean; mask?: readonly number[] } = {},
): Uint8Array {
  const payload = (typeof text === 'string' ? encoder.encode(text) : text).slice();
  const extended = payload.length > 65_535 ? 8 : payload.length > 125 ? 2 : 0;
  const head = new Uint8Array(2 + extended + (options.mask ? 4 : 0));
  const view = new DataView(head.buffer);
  head[0] = ((options.final ?? true) ? 0x80 : 0) | opcode;
  head[1] = (options.mask ? 0x80 : 0) | (extended === 8 ? 127 : extended === 2 ? 126 : payload.length);
  if (extended === 2) view.setUint16(2, payload.length);
  if (extended === 8) view.setUint32(6, payload.length);
  if (options.mask) {
    head.set(options.mask, 2 + extended);
    for (let i = 0; i < payload.length; i++) payload[i]! ^= options.mask[i % 4]!;
  }
  return concat(head, payload);
}

/** Raw-IP packets (link type 101), 1 ms apart from `startAt`. */
export function rawPackets(ips: readonly Uint8Array[], startAt = Date.UTC(2024, 4, 1, 12)): CraftedPacket[] {
  return ips.map((data, i) => ({ at: startAt + i, linkType: 101, data }));
}
