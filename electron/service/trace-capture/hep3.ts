/**
 * Encodes a trace entry as one HEP version 3 packet, as SIP servers and sngrep send them to Homer
 * (sipcapture.org's "HEP3 Network Protocol Specification"):
 *
 *   "HEP3" │ total length (u16) │ chunks…      every number big-endian
 *   chunk:   vendor id (u16, 0 = generic) │ type (u16) │ length incl. these 6 bytes (u16) │ value
 *
 *   type  1 IP family (u8: 2 IPv4, 10 IPv6)     7 source port (u16)          11 protocol type (u8: 1 = SIP)
 *         2 IP protocol (u8: 17 UDP, 6 TCP)     8 destination port (u16)     12 capture agent ID (u32)
 *         3/4 IPv4 source/destination           9 time, seconds (u32)        14 auth key (text; only when set)
 *         5/6 IPv6 source/destination          10 time, microseconds (u32)   15 payload: the SIP message
 *
 * Addresses are the entry's own, paired into one family as in the pcap export (shared/trace/pcap.ts).
 * TLS, WS and WSS travel over TCP, so they are sent as TCP with the message as the app saw it. The
 * message is credential-masked like an export: a collector is a place the support team reads.
 * A packet's length is one u16, so a message too large for one packet is not encoded (null).
 */
import { maskCredentials } from '../../../shared/trace/credential-mask';
import { ipPair } from '../../../shared/trace/pcap';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { entryEndpoints } from '../../../shared/trace/trace-format';

/** HEP3 chunk types (generic vendor). */
export const HEP_CHUNK = {
  ipFamily: 1,
  ipProtocol: 2,
  ipv4Source: 3,
  ipv4Destination: 4,
  ipv6Source: 5,
  ipv6Destination: 6,
  sourcePort: 7,
  destinationPort: 8,
  timeSeconds: 9,
  timeMicros: 10,
  protocolType: 11,
  captureId: 12,
  authKey: 14,
  payload: 15,
} as const;

/** Protocol type 1: the payload is SIP. */
export const HEP_PROTOCOL_SIP = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const HEADER_LENGTH = 6;
const CHUNK_HEADER_LENGTH = 6;
const MAX_PACKET_LENGTH = 0xffff;

/** What every packet of one sender carries besides the message. */
export interface HepIdentity {
  readonly captureId: number;
  /** Empty: no auth key chunk. */
  readonly authKey: string;
}

const encoder = new TextEncoder();

/** One HEP3 packet of `entry` (see the module comment), or null when the message is too large for one. */
export function encodeHep3(entry: TraceEntry, identity: HepIdentity): Uint8Array | null {
  const { source, destination } = entryEndpoints(entry);
  const [src, dst] = ipPair(source.address, destination.address);
  const isV4 = src.length === 4;
  const micros = Math.round(entry.at * 1000);
  const chunks: Uint8Array[] = [
    u8Chunk(HEP_CHUNK.ipFamily, isV4 ? AF_INET : AF_INET6),
    u8Chunk(HEP_CHUNK.ipProtocol, entry.transport === 'udp' ? IPPROTO_UDP : IPPROTO_TCP),
    chunk(isV4 ? HEP_CHUNK.ipv4Source : HEP_CHUNK.ipv6Source, src),
    chunk(isV4 ? HEP_CHUNK.ipv4Destination : HEP_CHUNK.ipv6Destination, dst),
    u16Chunk(HEP_CHUNK.sourcePort, source.port),
    u16Chunk(HEP_CHUNK.destinationPort, destination.port),
    u32Chunk(HEP_CHUNK.timeSeconds, Math.floor(micros / 1_000_000)),
    u32Chunk(HEP_CHUNK.timeMicros, micros % 1_000_000),
    u8Chunk(HEP_CHUNK.protocolType, HEP_PROTOCOL_SIP),
    u32Chunk(HEP_CHUNK.captureId, identity.captureId),
  ];
  if (identity.authKey !== '') chunks.push(chunk(HEP_CHUNK.authKey, encoder.encode(identity.authKey)));
  const payload = encoder.encode(maskCredentials(entry.raw));
  let length = HEADER_LENGTH + CHUNK_HEADER_LENGTH + payload.length;
  for (const c of chunks) length += c.length;
  if (length > MAX_PACKET_LENGTH) return null;
  chunks.push(chunk(HEP_CHUNK.payload, payload));

  const packet = new Uint8Array(length);
  packet.set(encoder.encode('HEP3'), 0);
  new DataView(packet.buffer).setUint16(4, length);
  let offset = HEADER_LENGTH;
  for (const c of chunks) {
    packet.set(c, offset);
    offset += c.length;
  }
  return packet;
}

function chunk(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(CHUNK_HEADER_LENGTH + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0); // generic vendor
  view.setUint16(2, type);
  view.setUint16(4, out.length);
  out.set(value, CHUNK_HEADER_LENGTH);
  return out;
}

function u8Chunk(type: number, value: number): Uint8Array {
  return chunk(type, Uint8Array.of(value));
}

function u16Chunk(type: number, value: number): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value & 0xffff);
  return chunk(type, bytes);
}

function u32Chunk(type: number, value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0);
  return chunk(type, bytes);
}
