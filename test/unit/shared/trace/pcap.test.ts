import { describe, expect, it } from 'vitest';
import { MASK } from '../../../../shared/trace/credential-mask';
import { parseIp, PCAP_LINKTYPE_RAW, writePcap } from '../../../../shared/trace/pcap';
import type { TraceEntry } from '../../../../shared/trace/trace-entry';
import { AUTH_RESPONSE, presenceSession } from './sip-fixtures';

/** A small, independent reader of what writePcap produces: enough to check every field we set. */
function readPcap(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = {
    magic: view.getUint32(0, true),
    major: view.getUint16(4, true),
    minor: view.getUint16(6, true),
    linktype: view.getUint32(20, true),
  };
  const packets: { seconds: number; micros: number; included: number; original: number; data: Uint8Array }[] = [];
  for (let offset = 24; offset < bytes.length;) {
    const included = view.getUint32(offset + 8, true);
    packets.push({
      seconds: view.getUint32(offset, true),
      micros: view.getUint32(offset + 4, true),
      included,
      original: view.getUint32(offset + 12, true),
      data: bytes.subarray(offset + 16, offset + 16 + included),
    });
    offset += 16 + included;
  }
  return { header, packets };
}

/** RFC 1071 sum of 16-bit words, folded; 0xffff over data including its checksum means "correct". */
function onesComplementSum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; i += 2) sum += (part[i]! << 8) | (part[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

function ipv4(data: Uint8Array) {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerLength = (data[0]! & 0x0f) * 4;
  return {
    version: data[0]! >> 4,
    totalLength: view.getUint16(2),
    protocol: data[9]!,
    src: [...data.subarray(12, 16)].join('.'),
    dst: [...data.subarray(16, 20)].join('.'),
    headerOk: onesComplementSum(data.subarray(0, headerLength)) === 0xffff,
    transport: data.subarray(headerLength),
    pseudo: (length: number) => {
      const p = new Uint8Array(12);
      p.set(data.subarray(12, 20), 0);
      p[9] = data[9]!;
      p[10] = length >> 8;
      p[11] = length & 0xff;
      return p;
    },
  };
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('writePcap', () => {
  it('given TCP entries, then a pcap of raw IPv4 + TCP segments with real addresses, times, correct checksums and masked credentials', () => {
    const session = presenceSession()
      .slice(0, 4)
      .map((e) => ({ ...e, remote: { address: '192.0.2.10', port: 5060 } }));
    const { header, packets } = readPcap(writePcap(session));
    expect(header).toEqual({ magic: 0xa1b2c3d4, major: 2, minor: 4, linktype: PCAP_LINKTYPE_RAW });
    expect(packets).toHaveLength(4);

    const expectedSeq = { out: 1, in: 1 };
    packets.forEach((packet, i) => {
      const entry = session[i]!;
      expect(packet.seconds * 1000 + packet.micros / 1000).toBeCloseTo(entry.at, 3);
      expect(packet.included).toBe(packet.original);
      const ip = ipv4(packet.data);
      expect(ip).toMatchObject({ version: 4, protocol: 6, totalLength: packet.data.length, headerOk: true });
      expect([ip.src, ip.dst]).toEqual(entry.direction === 'out' ? ['127.0.0.1', '192.0.2.10'] : ['192.0.2.10', '127.0.0.1']);
      const tcp = new DataView(ip.transport.buffer, ip.transport.byteOffset, ip.transport.byteLength);
      const ports = [tcp.getUint16(0), tcp.getUint16(2)];
      expect(ports).toEqual(entry.direction === 'out' ? [40000, 5060] : [5060, 40000]);
      expect(tcp.getUint32(4)).toBe(expectedSeq[entry.direction]);
      expect(tcp.getUint32(8)).toBe(expectedSeq[entry.direction === 'out' ? 'in' : 'out']);
      expect(onesComplementSum(ip.pseudo(ip.transport.length), ip.transport)).toBe(0xffff);
      const payload = decode(ip.transport.subarray(20));
      expect(payload).toBe(entry.raw.replace(`response="${AUTH_RESPONSE}"`, `response="${MASK}"`));
      expectedSeq[entry.direction] += new TextEncoder().encode(payload).length;
    });
  });

  it('given includeCredentials, then the Authorization header is written as sent', () => {
    const { packets } = readPcap(writePcap(presenceSession().slice(2, 3), { includeCredentials: true }));
    expect(decode(packets[0]!.data)).toContain(AUTH_RESPONSE);
  });

  it('given UDP over IPv6, then an IPv6 header and a UDP datagram with a valid checksum', () => {
    const entry: TraceEntry = {
      ...presenceSession()[0]!,
      transport: 'udp',
      local: { address: '2001:db8::1', port: 5062 },
      remote: { address: 'fe80::2%eth0', port: 5060 },
    };
    const { packets } = readPcap(writePcap([entry]));
    const data = packets[0]!.data;
    expect(data[0]! >> 4).toBe(6);
    expect(data[6]).toBe(17);
    expect([...data.subarray(8, 24)]).toEqual([...parseIp('2001:db8::1')]);
    expect([...data.subarray(24, 40)]).toEqual([...parseIp('fe80::2')]);
    const udp = data.subarray(40);
    const view = new DataView(udp.buffer, udp.byteOffset, udp.byteLength);
    expect([view.getUint16(0), view.getUint16(2), view.getUint16(4)]).toEqual([5062, 5060, udp.length]);
    const pseudo = new Uint8Array(40);
    pseudo.set(data.subarray(8, 40), 0);
    new DataView(pseudo.buffer).setUint32(32, udp.length);
    pseudo[39] = 17;
    expect(onesComplementSum(pseudo, udp)).toBe(0xffff);
    expect(decode(udp.subarray(8))).toBe(entry.raw);
  });

  it('given a mapped IPv4 local and an IPv4 remote, then the packet is IPv4; an unreadable address becomes 0.0.0.0', () => {
    const base = presenceSession()[0]!;
    const { packets } = readPcap(
      writePcap([
        { ...base, local: { address: '::ffff:192.0.2.7', port: 1 }, remote: { address: '192.0.2.8', port: 2 } },
        { ...base, local: { address: 'not-an-ip', port: 1 }, remote: { address: '192.0.2.8', port: 2 } },
      ]),
    );
    expect(ipv4(packets[0]!.data)).toMatchObject({ version: 4, src: '192.0.2.7', dst: '192.0.2.8' });
    expect(ipv4(packets[1]!.data)).toMatchObject({ version: 4, src: '0.0.0.0' });
  });

  it('given a message larger than one IP packet, then it is split into TCP segments that add up to it', () => {
    const base = presenceSession()[4]!;
    const big = { ...base, raw: `${base.raw}${'x'.repeat(150_000)}` };
    const { packets } = readPcap(writePcap([big]));
    expect(packets.length).toBe(3);
    const payload = packets.map((p) => decode(ipv4(p.data).transport.subarray(20))).join('');
    expect(payload).toBe(big.raw);
    for (const p of packets) expect(ipv4(p.data).totalLength).toBe(p.data.length);
  });

  it('parses IPv6 literals in their usual forms and rejects nonsense', () => {
    expect([...parseIp('::1')]).toEqual([...new Array(15).fill(0), 1]);
    expect([...parseIp('::ffff:10.1.2.3')].slice(10)).toEqual([0xff, 0xff, 10, 1, 2, 3]);
    expect([...parseIp('[2001:db8:0:0:0:0:0:1]')]).toEqual([...parseIp('2001:db8::1')]);
    expect([...parseIp('1:2:3:4:5:6:7:8:9')]).toEqual([0, 0, 0, 0]);
    expect([...parseIp('256.1.1.1')]).toEqual([0, 0, 0, 0]);
  });
});
