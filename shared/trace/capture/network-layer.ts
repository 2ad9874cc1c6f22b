/**
 * From a captured frame to the transport layer: the link-layer header of each link type we read, then
 * IPv4 (RFC 791, fragments reassembled) or IPv6 (RFC 8200 §4: extension headers skipped, fragments
 * reassembled), giving the UDP or TCP payload with its addresses.
 *
 * Link types (LINKTYPE_* numbers, as tcpdump.org lists them):
 *   1 Ethernet (IEEE 802.3; 802.1Q / 802.1ad VLAN tags, any depth)   113 Linux cooked v1 (SLL)
 *   276 Linux cooked v2 (SLL2)   0 BSD null (address family in the capturing host's byte order)
 *   108 OpenBSD loopback (family in network byte order)   101 / 12 / 14 raw IP   228 IPv4   229 IPv6
 *
 * A frame of another link type, another network or transport protocol, or too short to hold its headers
 * is not SIP traffic we can read: it gives null and reading goes on with the next packet.
 */

/** A UDP or TCP payload with its IP addresses (IPv6 written without brackets, RFC 5952 form). */
export interface IpPayload {
  readonly source: string;
  readonly destination: string;
  /** IANA protocol number: 6 TCP, 17 UDP. */
  readonly protocol: number;
  readonly bytes: Uint8Array;
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100]);
/** Fragmented datagrams waiting for their other pieces, at most; the oldest is forgotten first. */
const MAX_PENDING_DATAGRAMS = 1024;
/** Reassembled datagrams are at most this large (the IPv4 and IPv6 length fields allow no more). */
const MAX_DATAGRAM = 65_535;

interface Fragment {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

interface PendingDatagram {
  readonly fragments: Fragment[];
  /** Known once the last fragment (More Fragments clear) arrived. */
  total: number | null;
}

/** Decodes frames to IP payloads, keeping fragments until their datagram is whole. */
export class NetworkLayer {
  private readonly pending = new Map<string, PendingDatagram>();
  /** The upper-layer protocol each fragmented IPv6 datagram's first fragment named. */
  private readonly protocols = new Map<string, number>();

  /** The transport payload of one frame of `linkType`, or null (not IP, not whole yet, or unreadable). */
  decode(linkType: number, frame: Uint8Array): IpPayload | null {
    const ip = ipPacketOf(linkType, frame);
    if (!ip || ip.length < 1) return null;
    const version = ip[0]! >> 4;
    if (version === 4) return this.ipv4(ip);
    if (version === 6) return this.ipv6(ip);
    return null;
  }

  private ipv4(ip: Uint8Array): IpPayload | null {
    if (ip.length < 20) return null;
    const view = new DataView(ip.buffer, ip.byteOffset, ip.length);
    const headerLength = (ip[0]! & 0x0f) * 4;
    // The total length trims the padding a short Ethernet frame carries.
    const totalLength = Math.min(view.getUint16(2), ip.length);
    if (headerLength < 20 || totalLength < headerLength) return null;
    const flagsAndOffset = view.getUint16(6);
    const moreFragments = (flagsAndOffset & 0x2000) !== 0;
    const offset = (flagsAndOffset & 0x1fff) * 8;
    const protocol = ip[9]!;
    const source = ipv4Text(ip, 12);
    const destination = ipv4Text(ip, 16);
    const bytes = ip.subarray(headerLength, totalLength);
    if (!moreFragments && offset === 0) return { source, destination, protocol, bytes };
    const whole = this.reassemble(`4 ${source} ${destination} ${protocol} ${view.getUint16(4)}`, offset, moreFragments, bytes);
    return whole ? { source, destination, protocol, bytes: whole } : null;
  }

  private ipv6(ip: Uint8Array): IpPayload | null {
    if (ip.length < 40) return null;
    const view = new DataView(ip.buffer, ip.byteOffset, ip.length);
    const end = Math.min(40 + view.getUint16(4), ip.length);
    const source = ipv6Text(ip, 8);
    const destination = ipv6Text(ip, 24);
    let next = ip[6]!;
    let at = 40;
    let fragment: { offset: number; more: boolean; id: number } | null = null;
    // Extension headers (RFC 8200 §4.1), in whatever order and number they come.
    for (;;) {
      if (next === 0 || next === 43 || next === 60 || next === 135 || next === 139 || next === 140) {
        if (at + 8 > end) return null;
        const following = ip[at]!;
        at += (ip[at + 1]! + 1) * 8;
        next = following;
      } else if (next === 44) {
        // Fragment header (§4.5): next header, reserved, offset (13 bits) · 2 reserved · M, identification.
        if (at + 8 > end) return null;
        const field = view.getUint16(at + 2);
        fragment = { offset: field & 0xfff8, more: (field & 1) === 1, id: view.getUint32(at + 4) };
        next = ip[at]!;
        at += 8;
      } else if (next === 51) {
        // Authentication Header (RFC 4302 §2.2): its length counts 4-octet units, minus 2.
        if (at + 8 > end) return null;
        const following = ip[at]!;
        at += (ip[at + 1]! + 2) * 4;
        next = following;
      } else break;
    }
    if (at > end) return null;
    const bytes = ip.subarray(at, end);
    if (!fragment || (!fragment.more && fragment.offset === 0)) return { source, destination, protocol: next, bytes };
    // Only the first fragment names the upper-layer protocol reliably; the key leaves it out (§4.5).
    const key = `6 ${source} ${destination} ${fragment.id}`;
    const whole = this.reassemble(key, fragment.offset, fragment.more, bytes, next);
    if (!whole) return null;
    const protocol = this.protocols.get(key) ?? next;
    this.protocols.delete(key);
    return { source, destination, protocol, bytes: whole };
  }

  /** Adds one fragment; returns the datagram's payload once every piece from 0 to the end is here. */
  private reassemble(key: string, offset: number, more: boolean, bytes: Uint8Array, protocol?: number): Uint8Array | null {
    let datagram = this.pending.get(key);
    if (!datagram) {
      if (this.pending.size >= MAX_PENDING_DATAGRAMS) this.forget(this.pending.keys().next().value!);
      datagram = { fragments: [], total: null };
      this.pending.set(key, datagram);
    }
    if (offset === 0 && protocol !== undefined) this.protocols.set(key, protocol);
    if (offset + bytes.length > MAX_DATAGRAM) {
      this.forget(key);
      return null;
    }
    datagram.fragments.push({ offset, bytes: bytes.slice() });
    if (!more) datagram.total = offset + bytes.length;
    if (datagram.total === null) return null;
    const whole = new Uint8Array(datagram.total);
    let covered = 0;
    for (const piece of [...datagram.fragments].sort((a, b) => a.offset - b.offset)) {
      if (piece.offset > covered) return null;
      whole.set(piece.bytes.subarray(0, Math.max(0, datagram.total - piece.offset)), piece.offset);
      covered = Math.max(covered, piece.offset + piece.bytes.length);
    }
    if (covered < datagram.total) return null;
    this.pending.delete(key);
    return whole;
  }

  private forget(key: string): void {
    this.pending.delete(key);
    this.protocols.delete(key);
  }
}

/** The IP packet inside a frame of `linkType`, or null. */
export function ipPacketOf(linkType: number, frame: Uint8Array): Uint8Array | null {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  switch (linkType) {
    case 1: {
      let at = 12;
      if (frame.length < 14) return null;
      let type = view.getUint16(at);
      while (VLAN_TAGS.has(type)) {
        at += 4;
        if (frame.length < at + 2) return null;
        type = view.getUint16(at);
      }
      return byEthertype(type, frame.subarray(at + 2));
    }
    case 113:
      return frame.length < 16 ? null : byEthertype(view.getUint16(14), frame.subarray(16));
    case 276:
      return frame.length < 20 ? null : byEthertype(view.getUint16(0), frame.subarray(20));
    case 0: {
      if (frame.length < 4) return null;
      // The family is in the capturing host's byte order: whichever reading is small is the right one.
      const little = view.getUint32(0, true);
      return byAddressFamily(little <= 0xffff ? little : view.getUint32(0, false), frame.subarray(4));
    }
    case 108:
      return frame.length < 4 ? null : byAddressFamily(view.getUint32(0, false), frame.subarray(4));
    case 101:
    case 12:
    case 14:
    case 228:
    case 229:
      return frame;
    default:
      return null;
  }
}

function byEthertype(type: number, rest: Uint8Array): Uint8Array | null {
  return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? rest : null;
}

/** AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD), 30 (macOS) or 10 (Linux). */
function byAddressFamily(family: number, rest: Uint8Array): Uint8Array | null {
  return [2, 10, 24, 28, 30].includes(family) ? rest : null;
}

function ipv4Text(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

/** RFC 5952 §4: lower case, leading zeros dropped, the longest run (of two or more) of zero groups as `::`. */
export function ipv6Text(bytes: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[at + i * 2]! << 8) | bytes[at + i * 2 + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
