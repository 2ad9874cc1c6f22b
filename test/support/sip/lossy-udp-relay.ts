/**
 * A UDP relay that loses datagrams on purpose — a scripted network, not a SIP peer. Clients send to the
 * relay's port; each client gets its own upstream socket towards the target (like a NAT binding), so the
 * server sees one distinct source per client and answers back through the relay. Each datagram, in
 * either direction, is dropped with probability `lossRate`, decided by a seeded generator so that a run
 * can be repeated. Or, for a test that needs one particular loss, `drop` decides per datagram instead.
 */
import dgram from 'node:dgram';

export interface LossyUdpRelay {
  readonly port: number;
  /** Datagrams forwarded and dropped so far, per direction. */
  readonly stats: { toServer: { forwarded: number; dropped: number }; toClient: { forwarded: number; dropped: number } };
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator, good enough to decide drops reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether to lose this datagram, travelling `direction`, the `index`-th that way (0 first). */
export type DropRule = (direction: 'toServer' | 'toClient', datagram: Buffer, index: number) => boolean;

export async function startLossyUdpRelay(options: {
  targetPort: number;
  lossRate: number;
  seed?: number;
  drop?: DropRule;
}): Promise<LossyUdpRelay> {
  const random = seededRandom(options.seed ?? 1);
  const seen = { toServer: 0, toClient: 0 };
  const isLost = (direction: 'toServer' | 'toClient', datagram: Buffer): boolean =>
    options.drop ? options.drop(direction, datagram, seen[direction]++) : random() < options.lossRate;
  const front = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', () => resolve()));
  const upstreams = new Map<string, dgram.Socket>();
  const stats = { toServer: { forwarded: 0, dropped: 0 }, toClient: { forwarded: 0, dropped: 0 } };

  front.on('message', (data, client) => {
    const key = `${client.address}:${client.port}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      const socket = dgram.createSocket('udp4');
      socket.bind(0, '127.0.0.1');
      socket.on('message', (reply) => {
        if (isLost('toClient', reply)) {
          stats.toClient.dropped += 1;
          return;
        }
        stats.toClient.forwarded += 1;
        front.send(reply, client.port, client.address);
      });
      socket.on('error', () => undefined);
      upstreams.set(key, socket);
      upstream = socket;
    }
    if (isLost('toServer', data)) {
      stats.toServer.dropped += 1;
      return;
    }
    stats.toServer.forwarded += 1;
    upstream.send(data, options.targetPort, '127.0.0.1');
  });
  front.on('error', () => undefined);

  return {
    port: front.address().port,
    stats,
    close: async () => {
      await Promise.all([...upstreams.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
