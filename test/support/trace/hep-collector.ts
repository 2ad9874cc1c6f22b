/**
 * A HEP v3 collector on 127.0.0.1 for the HEP mirror's tests: it receives packets over UDP, or over TCP
 * where packets follow one another and each one's length field frames it, and decodes every packet's
 * chunks with a decoder written from the HEP3 specification independently of the encoder under test
 * (electron/service/trace-capture/hep3.ts), so the tests assert what actually arrived.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** One decoded HEP3 packet: the generic chunks we know, the rest by type. */
export interface HepPacket {
  readonly family: number;
  readonly protocol: number;
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly seconds: number;
  readonly micros: number;
  readonly protocolType: number;
  readonly captureId: number;
  readonly authKey: string | null;
  readonly payload: string;
}

/** Decodes one HEP3 packet (throws on anything malformed: a test should see it). */
export function decodeHep3(packet: Uint8Array): HepPacket {
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (new TextDecoder().decode(packet.subarray(0, 4)) !== 'HEP3') throw new Error('not a HEP3 packet');
  const total = view.getUint16(4);
  if (total !== packet.length) throw new Error(`length field ${total}, packet ${packet.length}`);
  const chunks = new Map<number, Uint8Array>();
  for (let offset = 6; offset < total;) {
    const vendor = view.getUint16(offset);
    const type = view.getUint16(offset + 2);
    const length = view.getUint16(offset + 4);
    if (length < 6 || offset + length > total) throw new Error(`chunk ${type} of length ${length} at ${offset} overruns the packet`);
    if (vendor === 0) chunks.set(type, packet.subarray(offset + 6, offset + length));
    offset += length;
  }
  const need = (type: number): DataView => {
    const value = chunks.get(type);
    if (!value) throw new Error(`chunk ${type} missing`);
    return new DataView(value.buffer, value.byteOffset, value.byteLength);
  };
  const ip = (type: number): string => {
    const bytes = chunks.get(type)!;
    if (bytes.length === 4) return Array.from(bytes).join('.');
    return Array.from({ length: 8 }, (_, i) => ((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!).toString(16)).join(':');
  };
  const family = need(1).getUint8(0);
  const text = (type: number) => (chunks.has(type) ? new TextDecoder().decode(chunks.get(type)) : null);
  return {
    family,
    protocol: need(2).getUint8(0),
    source: ip(family === 2 ? 3 : 5),
    destination: ip(family === 2 ? 4 : 6),
    sourcePort: need(7).getUint16(0),
    destinationPort: need(8).getUint16(0),
    seconds: need(9).getUint32(0),
    micros: need(10).getUint32(0),
    protocolType: need(11).getUint8(0),
    captureId: need(12).getUint32(0),
    authKey: text(14),
    payload: text(15) ?? '',
  };
}

/** A listening collector and what it received. */
export interface HepCollector {
  readonly port: number;
  readonly packets: HepPacket[];
  close(): Promise<void>;
}

/** A UDP collector on 127.0.0.1 (port 0: any free one). */
export async function startUdpCollector(port = 0): Promise<HepCollector> {
  const socket = dgram.createSocket('udp4');
  const packets: HepPacket[] = [];
  socket.on('message', (message) => packets.push(decodeHep3(message)));
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    packets,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A TCP collector on 127.0.0.1 (port 0: any free one); `connections` counts the connections accepted. */
export async function startTcpCollector(port = 0): Promise<HepCollector & { readonly connections: () => number }> {
  const packets: HepPacket[] = [];
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (data) => {
      buffered = Buffer.concat([buffered, data]);
      while (buffered.length >= 6) {
        const length = buffered.readUInt16BE(4);
        if (buffered.length < length) break;
        packets.push(decodeHep3(buffered.subarray(0, length)));
        buffered = buffered.subarray(length);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    packets,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
