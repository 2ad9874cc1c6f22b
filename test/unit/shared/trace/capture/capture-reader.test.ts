/**
 * The capture readers on crafted bytes: every container variant, link type, IP and TCP / WebSocket
 * framing edge case, the text saves, damaged files, and the choice of "me". Packets come from our own
 * pcap writer where a whole session is needed, and are built by hand (capture-bytes.ts) where an edge
 * case is the point.
 */
import { describe, expect, it } from 'vitest';
import { describeCaptureProblem, type CaptureEntry } from '../../../../../shared/trace/capture/capture-entry';
import { CaptureReader } from '../../../../../shared/trace/capture/capture-reader';
import { ipPacketOf, ipv6Text } from '../../../../../shared/trace/capture/network-layer';
import type { TraceEntry } from '../../../../../shared/trace/trace-entry';
import { formatTraceText } from '../../../../../shared/trace/trace-format';
import { presenceSession, request, response } from '../sip-fixtures';
import {
  bsdLoop,
  bsdNull,
  concat,
  ethernet,
  ipPackets,
  ipv4,
  ipv6WithExtensions,
  pcapFile,
  pcapngFile,
  rawPackets,
  sll,
  sll2,
  tcp,
  udp,
  wsFrame,
  type CraftedPacket,
} from './capture-bytes';

/** Reads `file` pushed in pieces of `chunk` bytes. */
function read(file: Uint8Array, chunk = 65_536): { entries: CaptureEntry[]; reader: CaptureReader } {
  const reader = new CaptureReader();
  const entries: CaptureEntry[] = [];
  for (let at = 0; at < file.length; at += chunk) entries.push(...reader.push(file.subarray(at, at + chunk)));
  entries.push(...reader.end());
  return { entries, reader };
}

/** What a session's entries say, as the reader can give it back. */
const essentials = (list: readonly TraceEntry[]) =>
  list.map((e) => ({ direction: e.direction, transport: e.transport, local: e.local, remote: e.remote, raw: e.raw }));

const sipSession = () => presenceSession().filter((e) => e.raw.trim() !== '');
const register = (callId = 'r1') => request({ method: 'REGISTER', uri: 'sip:example.com', callId, cseq: 1, headers: ['Expires: 600'] });
const ok = (callId = 'r1', method = 'REGISTER') => response({ code: 200, reason: 'OK', method, callId, cseq: 1 });
const A = '192.0.2.10';
const S = '192.0.2.1';

describe('pcap files', () => {
  for (const littleEndian of [true, false]) {
    for (const nanos of [false, true]) {
      it(`given a session written ${littleEndian ? 'little' : 'big'}-endian with ${nanos ? 'nano' : 'micro'}second times, then every SIP message comes back in order with its time`, () => {
        const session = sipSession().map((e, i) => ({ ...e, at: e.at + i * 0.001 + 0.000_123 }));
        const { entries, reader } = read(pcapFile(ipPackets(session), { littleEndian, nanos }));
        expect(reader.problem).toBeNull();
        expect(essentials(entries)).toEqual(essentials(session));
        expect(entries.map((e) => e.seq)).toEqual(session.map((_, i) => i + 1));
        entries.forEach((entry, i) => expect(Math.abs(entry.at - session[i]!.at)).toBeLessThan(nanos ? 1e-5 : 1e-3));
      });
    }
  }

  it('given the file pushed one byte at a time, then the same entries come out', () => {
    const file = pcapFile(ipPackets(sipSession()));
    expect(read(file, 1).entries).toEqual(read(file).entries);
  });
});

describe('pcapng files', () => {
  it('given two interfaces with their own link type and time resolution, an NRB and a big-endian section, then each packet is read with its interface', () => {
    const at = Date.UTC(2024, 4, 1, 12, 0, 0) + 0.5;
    const packets: CraftedPacket[] = [
      { at, linkType: 1, data: ethernet(ipv4(A, S, 17, udp(5070, 5060, register()))) },
      { at: at + 1.25, linkType: 276, data: sll2(ipv4(S, A, 17, udp(5060, 5070, ok()))) },
    ];
    for (const littleEndian of [true, false]) {
      const file = pcapngFile(
        [
          { linkType: 1, tsresol: 9 },
          { linkType: 276, tsresol: 0x80 | 20 },
        ],
        packets,
        { littleEndian },
      );
      const { entries, reader } = read(file, 7);
      expect(reader.problem).toBeNull();
      expect(entries.map((e) => [e.frame, e.direction, e.raw])).toEqual([
        [1, 'out', register()],
        [2, 'in', ok()],
      ]);
      expect(entries[0]!.at).toBeCloseTo(at, 4);
      expect(entries[1]!.at).toBeCloseTo(at + 1.25, 2);
    }
  });

  it('given a Simple Packet Block, then it is read on interface 0 with the previous packet’s time', () => {
    const at = Date.UTC(2024, 4, 1, 12);
    const file = pcapngFile(
      [{ linkType: 101 }],
      [
        { at, linkType: 101, data: ipv4(A, S, 17, udp(5070, 5060, register())) },
        { at: 0, linkType: 101, data: ipv4(S, A, 17, udp(5060, 5070, ok())), simple: true },
      ],
    );
    const { entries } = read(file);
    expect(entries.map((e) => [e.frame, e.at, e.direction])).toEqual([
      [1, at, 'out'],
      [2, at, 'in'],
    ]);
  });
});

describe('link types', () => {
  const ip = ipv4(A, S, 17, udp(5070, 5060, register()));
  const ip6 = ipv6WithExtensions(17, udp(5070, 5060, register()));
  const cases: [string, number, Uint8Array, Uint8Array][] = [
    ['Ethernet', 1, ethernet(ip), ip],
    ['Ethernet with 802.1ad + 802.1Q tags', 1, ethernet(ip6, [0x88a8, 0x8100]), ip6],
    ['Linux cooked v1', 113, sll(ip), ip],
    ['Linux cooked v2', 276, sll2(ip6), ip6],
    ['BSD null, little-endian host', 0, bsdNull(ip, true), ip],
    ['BSD null, big-endian host, IPv6 (FreeBSD 28)', 0, bsdNull(ip6, false, 28), ip6],
    ['OpenBSD loopback', 108, bsdLoop(ip6), ip6],
    ['raw IP', 101, ip, ip],
    ['IPv4 link type', 228, ip, ip],
    ['IPv6 link type', 229, ip6, ip6],
  ];
  for (const [name, linkType, frame, inner] of cases) {
    it(`given ${name}, then the IP packet inside is found and its SIP message read`, () => {
      expect(ipPacketOf(linkType, frame)).toEqual(inner);
      const { entries } = read(pcapFile([{ at: 1000, linkType, data: frame }]));
      expect(entries.map((e) => e.raw)).toEqual([register()]);
    });
  }

  it('given ARP on Ethernet and an unknown link type, then nothing is read from them and reading goes on', () => {
    const arp = concat(new Uint8Array(12), Uint8Array.of(0x08, 0x06), new Uint8Array(28));
    expect(ipPacketOf(1, arp)).toBeNull();
    expect(ipPacketOf(147, ip)).toBeNull();
    const file = pcapngFile(
      [{ linkType: 1 }, { linkType: 147 }],
      [
        { at: 1, linkType: 1, data: arp },
        { at: 2, linkType: 147, data: ip },
        { at: 3, linkType: 1, data: ethernet(ip) },
      ],
    );
    expect(read(file).entries.map((e) => e.frame)).toEqual([3]);
  });
});

describe('IP', () => {
  it('writes IPv6 addresses in RFC 5952 form', () => {
    const bytes = (groups: number[]) => Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
    expect(ipv6Text(bytes([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), 0)).toBe('2001:db8::1:0:0:1');
    expect(ipv6Text(bytes([0, 0, 0, 0, 0, 0, 0, 1]), 0)).toBe('::1');
    expect(ipv6Text(bytes([0x2001, 0xdb8, 1, 2, 3, 4, 5, 6]), 0)).toBe('2001:db8:1:2:3:4:5:6');
    expect(ipv6Text(bytes([0x2001, 0, 1, 1, 1, 1, 1, 1]), 0)).toBe('2001:0:1:1:1:1:1:1');
  });

  it('given an IPv4 datagram in three fragments arriving out of order, then it is reassembled into one message at the last fragment', () => {
    const datagram = udp(5070, 5060, request({ method: 'PUBLISH', callId: 'p1', cseq: 1, body: 'x'.repeat(3000) }));
    const pieces = [datagram.subarray(0, 1480), datagram.subarray(1480, 2960), datagram.subarray(2960)];
    const frag = (i: number) => ipv4(A, S, 17, pieces[i]!, { id: 77, offset: i * 1480, more: i < 2 });
    const { entries } = read(pcapFile(rawPackets([frag(2), frag(0), frag(1)])));
    expect(entries.map((e) => [e.frame, e.raw.length])).toEqual([[3, datagram.length - 8]]);
    expect(entries[0]!.raw.startsWith('PUBLISH ')).toBe(true);
  });

  it('given IPv6 with hop-by-hop and destination options and two fragments, then the message is read with its addresses', () => {
    const datagram = udp(5070, 5060, register());
    const first = ipv6WithExtensions(17, datagram.subarray(0, 200), { id: 9, offset: 0, more: true });
    const second = ipv6WithExtensions(17, datagram.subarray(200), { id: 9, offset: 200, more: false });
    const { entries } = read(pcapFile(rawPackets([first, second])));
    expect(entries.map((e) => [e.frame, e.local, e.remote, e.raw])).toEqual([
      [2, { address: '2001:db8::1', port: 5070 }, { address: '2001:db8::2', port: 5060 }, register()],
    ]);
  });

  it('given UDP that is not SIP and CRLF keep-alives, then they are passed over', () => {
    const { entries } = read(
      pcapFile(
        rawPackets([
          ipv4(A, S, 17, udp(5353, 5353, 'not sip')),
          ipv4(A, S, 17, udp(5070, 5060, '\r\n\r\n')),
          ipv4(A, S, 17, udp(5070, 5060, register())),
        ]),
      ),
    );
    expect(entries.map((e) => e.frame)).toEqual([3]);
  });
});

describe('SIP over TCP', () => {
  const segment = (seq: number, text: string, fromClient = true, syn = false) =>
    fromClient ? ipv4(A, S, 6, tcp(40000, 5060, seq, text, syn)) : ipv4(S, A, 6, tcp(5060, 40000, seq, text, syn));

  it('given segments out of order, retransmitted and overlapping, then each message is read once, when its last byte arrives in order', () => {
    const one = register('a');
    const two = register('b');
    const stream = one + two;
    const cut1 = 50;
    const cut2 = one.length + 20;
    const base = 1000;
    const packets = [
      segment(base, '', true, true), // SYN: the stream starts at base + 1
      segment(base + 1, stream.slice(0, cut1)),
      segment(base + 1 + cut2, stream.slice(cut2)), // early
      segment(base + 1, stream.slice(0, cut1)), // retransmission
      segment(base + 1 + cut1 - 10, stream.slice(cut1 - 10, cut2)), // overlaps what was had, fills the gap
    ];
    const { entries } = read(pcapFile(rawPackets(packets)));
    expect(entries.map((e) => [e.frame, e.raw])).toEqual([
      [5, one],
      [5, two],
    ]);
  });

  it('given several messages in one segment and one across three, with a body framed by Content-Length, then each is cut exactly', () => {
    const publish = request({ method: 'PUBLISH', callId: 'p', cseq: 1, body: '<presence>\r\n\r\nnot the end</presence>' });
    const stream = register('a') + '\r\n\r\n' + ok('a') + publish;
    const end = stream.length;
    const packets = [segment(1, stream.slice(0, 300)), segment(301, stream.slice(300, end - 10)), segment(end - 9, stream.slice(end - 10))];
    const { entries } = read(pcapFile(rawPackets(packets)));
    expect(entries.map((e) => e.raw)).toEqual([register('a'), ok('a'), publish]);
    // The REGISTER fits in the first segment; the keep-alive and the 200 complete in the second.
    expect(entries.map((e) => e.frame)).toEqual([1, 2, 3]);
  });

  it('given a capture that starts inside a message, then reading resumes at the next start line; a sequence number wrap is followed', () => {
    const stream = register('a').slice(40) + register('b');
    const seq = 0xffff_fff0;
    const packets = [segment(seq, stream.slice(0, 30)), segment((seq + 30) >>> 0, stream.slice(30))];
    expect(read(pcapFile(rawPackets(packets))).entries.map((e) => e.raw)).toEqual([register('b')]);
  });

  it('given both directions of one connection, then they are reassembled apart and seen from the client', () => {
    const packets = [segment(1, register()), segment(7, ok(), false)];
    expect(read(pcapFile(rawPackets(packets))).entries.map((e) => [e.direction, e.transport, e.local.port])).toEqual([
      ['out', 'tcp', 40000],
      ['in', 'tcp', 40000],
    ]);
  });
});

describe('SIP over WebSocket', () => {
  const upgrade = 'GET / HTTP/1.1\r\nHost: 192.0.2.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n';
  const accepted = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Protocol: sip\r\n\r\n';

  it('given the HTTP upgrade then masked, unmasked, fragmented (a ping between) and 16-bit-length frames, then one SIP message per WebSocket message', () => {
    const mask = [0x12, 0x34, 0x56, 0x78];
    const publish = request({ method: 'PUBLISH', callId: 'p', cseq: 1, body: 'x'.repeat(400) });
    const client = concat(
      new TextEncoder().encode(upgrade),
      wsFrame(1, register(), { mask }),
      wsFrame(1, publish.slice(0, 100), { mask, final: false }),
      wsFrame(9, 'ping', { mask }),
      wsFrame(0, publish.slice(100), { mask }),
    );
    const server = concat(new TextEncoder().encode(accepted), wsFrame(1, ok()), wsFrame(2, ok('p', 'PUBLISH')));
    const packets = rawPackets([
      ipv4(A, S, 6, tcp(40000, 443, 1, client.subarray(0, 150))),
      ipv4(S, A, 6, tcp(443, 40000, 1, server)),
      ipv4(A, S, 6, tcp(40000, 443, 151, client.subarray(150))),
    ]);
    const { entries } = read(pcapFile(packets));
    expect(entries.map((e) => [e.frame, e.transport, e.direction, e.raw])).toEqual([
      [2, 'ws', 'in', ok()],
      [2, 'ws', 'in', ok('p', 'PUBLISH')],
      [3, 'ws', 'out', register()],
      [3, 'ws', 'out', publish],
    ]);
  });

  it('given a refused upgrade, then nothing on that connection is read as SIP', () => {
    const packets = rawPackets([
      ipv4(A, S, 6, tcp(40000, 80, 1, upgrade)),
      ipv4(S, A, 6, tcp(80, 40000, 1, 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n' + register())),
    ]);
    expect(read(pcapFile(packets)).entries).toEqual([]);
  });
});

describe('text saves', () => {
  it('given our own text export, then every message comes back with its direction, transport, addresses and time', () => {
    const session = presenceSession().map((e, i) => ({
      ...e,
      at: e.at + i * 0.001,
      transport: i % 2 ? ('udp' as const) : ('tcp' as const),
    }));
    const file = new TextEncoder().encode(formatTraceText(session, { includeCredentials: true }));
    const { entries, reader } = read(file, 100);
    expect(reader.problem).toBeNull();
    expect(essentials(entries)).toEqual(essentials(session));
    entries.forEach((entry, i) => expect(entry.at).toBeCloseTo(session[i]!.at, 3));
  });

  it('given sngrep’s text save (no direction), then the REGISTER’s sender is this side; IPv6 endpoints with or without brackets', () => {
    const text = [
      `2024/05/01 14:03:07.123456 [2001:db8::2]:5060 -> 2001:db8::1:5070\n${ok('x', 'OPTIONS')}\n\n`,
      `2024/05/01 14:03:07.200000 2001:db8::1:5070 -> [2001:db8::2]:5060\n${register()}\n\n`,
    ].join('');
    const { entries } = read(new TextEncoder().encode(text));
    expect(entries.map((e) => [e.direction, e.local, e.remote, e.transport])).toEqual([
      ['in', { address: '2001:db8::1', port: 5070 }, { address: '2001:db8::2', port: 5060 }, 'udp'],
      ['out', { address: '2001:db8::1', port: 5070 }, { address: '2001:db8::2', port: 5060 }, 'udp'],
    ]);
    expect(entries[1]!.at).toBe(new Date(2024, 4, 1, 14, 3, 7).getTime() + 200);
  });

  it('given a text save cut inside its last body, then what was read is kept and the cut is reported', () => {
    const publish = request({ method: 'PUBLISH', callId: 'p', cseq: 1, body: 'y'.repeat(100) });
    const text = `2024/05/01 14:03:07.123456 192.0.2.10:5070 -> 192.0.2.1:5060\n${register()}\n\n2024/05/01 14:03:08.000000 192.0.2.10:5070 -> 192.0.2.1:5060\n${publish.slice(0, -30)}`;
    const file = new TextEncoder().encode(text);
    const { entries, reader } = read(file);
    expect(entries).toHaveLength(2);
    expect(reader.problem).toEqual({ byte: file.length, packet: 2, reason: 'the file ends inside message 2' });
  });
});

describe('damaged files', () => {
  it('given a pcap cut inside its third packet, then two messages are read and reading stopped at that record', () => {
    const packets = rawPackets([
      ipv4(A, S, 17, udp(5070, 5060, register('a'))),
      ipv4(S, A, 17, udp(5060, 5070, ok('a'))),
      ipv4(A, S, 17, udp(5070, 5060, register('b'))),
    ]);
    const file = pcapFile(packets);
    const thirdAt = file.length - 16 - packets[2]!.data.length;
    const { entries, reader } = read(file.subarray(0, file.length - 5));
    expect(entries.map((e) => e.raw)).toEqual([register('a'), ok('a')]);
    expect(reader.problem).toEqual({
      byte: thirdAt,
      packet: 3,
      reason: 'the file ends inside a packet record (' + (16 + packets[2]!.data.length - 5) + ' bytes left over)',
    });
    expect(describeCaptureProblem(reader.problem!)).toBe(`stopped being readable at byte ${thirdAt} (packet 3): ${reader.problem!.reason}`);
  });

  it('given a pcapng block with a broken length, then the packets before it are read and reading stops there', () => {
    const file = pcapngFile(
      [{ linkType: 101 }],
      rawPackets([ipv4(A, S, 17, udp(5070, 5060, register())), ipv4(S, A, 17, udp(5060, 5070, ok()))]),
    );
    const damaged = file.slice();
    // The last EPB: its total length at its second word.
    const lastLength = new DataView(damaged.buffer).getUint32(damaged.length - 4, true);
    const lastAt = damaged.length - lastLength;
    new DataView(damaged.buffer).setUint32(lastAt + 4, 7, true);
    const { entries, reader } = read(damaged);
    expect(entries.map((e) => e.raw)).toEqual([register()]);
    expect(reader.problem).toEqual({ byte: lastAt, packet: 2, reason: 'a block claims a length of 7 bytes' });
  });

  it('given a file that is no capture, then nothing is read and it says so', () => {
    const { entries, reader } = read(new TextEncoder().encode('hello\n'.repeat(200)));
    expect(entries).toEqual([]);
    expect(reader.problem).toEqual({ byte: 0, packet: 1, reason: 'this is neither a pcap or pcapng file nor a SIP text save' });
  });
});

describe('the capture’s "me"', () => {
  it('given the server speaking first, then the side that sends the first REGISTER is still "me", and another client is seen by address', () => {
    const other = '192.0.2.99';
    const packets = rawPackets([
      ipv4(S, A, 17, udp(5060, 5070, request({ method: 'OPTIONS', callId: 'o', cseq: 1 }))),
      ipv4(A, S, 17, udp(5070, 5060, register())),
      ipv4(other, S, 17, udp(5080, 5060, register('z'))),
      ipv4(S, other, 17, udp(5060, 5080, ok('z'))),
    ]);
    const { entries } = read(pcapFile(packets));
    expect(entries.map((e) => [e.seq, e.direction, e.local.address])).toEqual([
      [1, 'in', A],
      [2, 'out', A],
      [3, 'out', other],
      [4, 'in', other],
    ]);
  });
});

describe('pieces the caller reuses', () => {
  it('given every piece read into the same Node Buffer (as a file is read), then nothing read earlier changes', () => {
    const file = pcapFile(ipPackets(sipSession()));
    const reader = new CaptureReader();
    const piece = Buffer.alloc(100);
    const entries: CaptureEntry[] = [];
    for (let at = 0; at < file.length; at += piece.length) {
      const length = Math.min(piece.length, file.length - at);
      piece.set(file.subarray(at, at + length));
      entries.push(...reader.push(piece.subarray(0, length)));
    }
    entries.push(...reader.end());
    expect(reader.problem).toBeNull();
    expect(entries).toEqual(read(file).entries);
  });
});
