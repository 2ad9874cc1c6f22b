/**
 * The `compositor-udp|tcp|ws` targets: a real compositor on 127.0.0.1 (free ports, as the compositor tests
 * start it) receiving damaged requests over real sockets. After every input a valid OPTIONS (RFC 3261
 * §11) must be answered 200 within the deadline, else the input hung the server. What the server
 * answered to the input is read from its log callback (one entry per answered or dropped message), which
 * also reports internal errors — a crash here, since the compositor catches them to keep serving.
 *
 * Delivery per transport: UDP sends the input and then the probe from one socket (datagrams from one
 * socket are read in order); TCP gives each input a connection of its own, half-closes it and waits until
 * the server has closed it too (so a Content-Length lie cannot swallow the next input, and a saved input
 * replays alone), then probes on a long-lived connection; WebSocket sends the input and the probe as
 * binary frames on one connection (RFC 7118 §5: either frame type carries SIP), reconnecting if the server
 * closed it.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { startCompositor, type CompositorLogEntry, type CompositorTransport, type RunningCompositor } from '../../../electron/compositor';
import { mutateOrKeep, mutateSip } from '../mutators';
import type { Prng } from '../prng';
import { compositorSeeds, withFreshIdentifiers } from '../seeds';
import { MAX_UDP_PAYLOAD, type Failure, type FuzzInput, type FuzzTarget, type InputResult, type TargetName } from './target';

/** The probe's AOR: no seed uses it, so its log entries are told apart from the input's. */
const PROBE_AOR = 'sip:fuzz-probe@127.0.0.1';
/** A 500 the RFC asks for: an out-of-order CSeq (RFC 3261 §10.3 step 7 for REGISTER, §12.2.2 in a dialog). */
const CSEQ_OUT_OF_ORDER = /→ 500 [^(]*\(CSeq out of order\)/;

export type FuzzedTransport = Extract<CompositorTransport, 'udp' | 'tcp' | 'ws'>;

export interface CompositorTargetOptions {
  /** How long the probe may take before the input counts as a hang (default 2 s). */
  readonly deadlineMs?: number;
}

/** Reads the log entries made while one input was processed into histogram keys and failures. */
function judge(entries: readonly CompositorLogEntry[]): { outcomes: string[]; failures: Failure[] } {
  const outcomes: string[] = [];
  const failures: Failure[] = [];
  for (const entry of entries) {
    if (entry.aor === PROBE_AOR) continue;
    if (entry.kind === 'event') {
      if (entry.what === 'internal-error') {
        outcomes.push('internal-error');
        failures.push({ kind: 'crash', detail: entry.line });
      } else if (entry.what === 'dropped') outcomes.push('dropped');
      continue;
    }
    if (entry.status === 500 && CSEQ_OUT_OF_ORDER.test(entry.line)) outcomes.push('expected-500');
    else {
      outcomes.push(String(entry.status));
      if (entry.status === 500) failures.push({ kind: 'status-500', detail: entry.line });
    }
  }
  if (outcomes.length === 0) outcomes.push('silent');
  return { outcomes, failures };
}

/** Collects what a socket receives and resolves with the status of the answer to one branch (null: none in time). */
class ResponseWaiter {
  private text = '';
  private pending: { branch: string; resolve: (status: number | null) => void; timer: NodeJS.Timeout } | undefined;

  feed(chunk: Buffer): void {
    this.text += chunk.toString('latin1');
    if (this.text.length > 1_000_000) this.text = this.text.slice(-100_000);
    this.check();
  }

  wait(branch: string, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        resolve(null);
      }, timeoutMs);
      this.pending = { branch, resolve, timer };
      this.check();
    });
  }

  /** Gives up the current wait (its promise is left unresolved; the caller no longer awaits it). */
  cancel(): void {
    if (this.pending !== undefined) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }

  private check(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    const at = this.text.indexOf(`branch=${pending.branch}`);
    if (at === -1 || this.text.indexOf('\r\n\r\n', at) === -1) return;
    const start = this.text.lastIndexOf('SIP/2.0 ', at);
    const status = start === -1 ? 0 : Number(this.text.slice(start + 8, start + 11));
    this.text = this.text.slice(this.text.indexOf('\r\n\r\n', at) + 4);
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.resolve(status);
  }
}

let probeCounter = 0;

/** A valid OPTIONS from `sentBy`; its branch identifies the answer. */
function probe(transport: FuzzedTransport, sentBy: string): { text: string; branch: string } {
  probeCounter += 1;
  const branch = `z9hG4bK-probe-${probeCounter}`;
  const text =
    `OPTIONS ${PROBE_AOR} SIP/2.0\r\nVia: SIP/2.0/${transport.toUpperCase()} ${sentBy};branch=${branch};rport\r\nMax-Forwards: 70\r\n` +
    `From: <${PROBE_AOR}>;tag=probe\r\nTo: <${PROBE_AOR}>\r\nCall-ID: probe-${probeCounter}@fuzz\r\nCSeq: ${probeCounter} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
  return { text, branch };
}

/** One way of getting bytes to the compositor and a probe answered. */
interface Delivery {
  /** Sends the input, then a probe; resolves with the probe's status (null: no answer in time). */
  deliver(bytes: Buffer, deadlineMs: number): Promise<number | null>;
  close(): Promise<void>;
}

async function udpDelivery(port: number): Promise<Delivery> {
  const socket: UdpSocket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const waiter = new ResponseWaiter();
  socket.on('message', (data) => waiter.feed(data));
  socket.on('error', () => undefined);
  const sentBy = `127.0.0.1:${socket.address().port}`;
  return {
    deliver(bytes, deadlineMs) {
      socket.send(bytes.subarray(0, MAX_UDP_PAYLOAD), port, '127.0.0.1');
      const { text, branch } = probe('udp', sentBy);
      socket.send(text, port, '127.0.0.1');
      return waiter.wait(branch, deadlineMs);
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function openTcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function tcpDelivery(port: number): Promise<Delivery> {
  let control: Socket | undefined;
  const waiter = new ResponseWaiter();
  const controlSocket = async (): Promise<Socket> => {
    if (control !== undefined && !control.destroyed) return control;
    const socket = await openTcp(port);
    socket.on('data', (chunk: Buffer) => waiter.feed(chunk));
    socket.on('error', () => undefined);
    control = socket;
    return socket;
  };
  return {
    async deliver(bytes, deadlineMs) {
      const startedAt = performance.now();
      const input = await openTcp(port).catch(() => null);
      if (input !== null) {
        input.on('error', () => undefined);
        input.on('data', () => undefined); // answers are read from the log; keep the socket flowing
        // The server closes its side after our FIN (no half-open connections), once it has read everything.
        const closed = new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), deadlineMs);
          input.once('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
        input.end(bytes);
        const didClose = await closed;
        // RST instead of FIN: a million connections must not each leave a TIME_WAIT behind.
        if (!didClose) input.resetAndDestroy();
      }
      const socket = await controlSocket().catch(() => null);
      if (socket === null) return null;
      const { text, branch } = probe('tcp', `${socket.localAddress ?? '127.0.0.1'}:${socket.localPort ?? 0}`);
      socket.write(text);
      return waiter.wait(branch, Math.max(1, deadlineMs - (performance.now() - startedAt)));
    },
    close: async () => {
      control?.destroy();
    },
  };
}

async function wsDelivery(port: number): Promise<Delivery> {
  let socket: WebSocket | undefined;
  const waiter = new ResponseWaiter();
  const open = async (): Promise<WebSocket> => {
    if (socket !== undefined && socket.readyState === WebSocket.OPEN) return socket;
    // An all-zero masking key (RFC 6455 §5.3 lets the client pick any) makes `ws` skip masking: the time an
    // input takes is then the server's, not the fuzzer's own XOR over a 3 MB frame.
    const fresh = new WebSocket(`ws://127.0.0.1:${port}`, 'sip', { generateMask: (mask: Buffer) => mask.fill(0) });
    await new Promise<void>((resolve, reject) => {
      fresh.once('open', () => resolve());
      fresh.once('error', reject);
    });
    fresh.on('message', (data: Buffer) => waiter.feed(Buffer.from(data)));
    fresh.on('error', () => undefined);
    socket = fresh;
    return fresh;
  };
  return {
    async deliver(bytes, deadlineMs) {
      const startedAt = performance.now();
      const ws = await open().catch(() => null);
      if (ws === null) return null;
      ws.send(bytes, { binary: true });
      // The server closes the connection on a frame over its size limit (1009, decided from the frame header),
      // possibly after the probe went out on it: then the probe goes again on a new connection.
      for (;;) {
        const live = await open().catch(() => null);
        if (live === null) return null;
        const remainingMs = deadlineMs - (performance.now() - startedAt);
        if (remainingMs <= 0) return null;
        const { text, branch } = probe('ws', 'fuzz.invalid');
        let onClose: () => void = () => undefined;
        const closed = new Promise<'closed'>((resolve) => {
          onClose = () => resolve('closed');
          live.once('close', onClose);
        });
        live.send(Buffer.from(text), { binary: true });
        const outcome = await Promise.race([waiter.wait(branch, remainingMs), closed]);
        live.off('close', onClose);
        if (outcome !== 'closed') return outcome;
        waiter.cancel();
      }
    },
    close: async () => {
      socket?.terminate();
    },
  };
}

const DELIVERIES: Record<FuzzedTransport, (port: number) => Promise<Delivery>> = { udp: udpDelivery, tcp: tcpDelivery, ws: wsDelivery };

/** A compositor target over one transport. */
export function compositorTarget(transport: FuzzedTransport, options: CompositorTargetOptions = {}): FuzzTarget {
  const deadlineMs = options.deadlineMs ?? 2000;
  let server: RunningCompositor | undefined;
  let delivery: Delivery | undefined;
  let entries: CompositorLogEntry[] = [];

  const start = async (): Promise<void> => {
    server = await startCompositor({
      host: '127.0.0.1',
      udpPort: transport === 'udp' ? 0 : null,
      tcpPort: transport === 'tcp' ? 0 : null,
      wsPort: transport === 'ws' ? 0 : null,
      // Short lifetimes keep a million inputs from piling up state: publications, bindings and the UDP
      // response cache (Timer J = 64·T1) all expire within seconds.
      minExpires: 1,
      maxExpires: 5,
      defaultExpires: 5,
      timers: { t1Ms: 20, t2Ms: 160, t4Ms: 200 },
      log: (entry) => entries.push(entry),
    });
    const port = server.addresses[transport]?.port;
    if (port === undefined) throw new Error(`the compositor did not listen on ${transport}`);
    delivery = await DELIVERIES[transport](port);
  };
  const stop = async (): Promise<void> => {
    await delivery?.close();
    await server?.stop();
    delivery = undefined;
    server = undefined;
  };

  return {
    name: `compositor-${transport}` as TargetName,
    generate(rng: Prng): FuzzInput {
      const seed = rng.pick(compositorSeeds());
      const text = withFreshIdentifiers(seed.text, rng);
      const mutation = mutateOrKeep(text, rng, mutateSip);
      const bytes = Buffer.from(mutation.text, 'latin1');
      return { bytes: transport === 'udp' ? bytes.subarray(0, MAX_UDP_PAYLOAD) : bytes, seedName: seed.name, mutators: mutation.applied };
    },
    start,
    async run(bytes: Buffer): Promise<InputResult> {
      if (delivery === undefined) throw new Error('compositor target not started');
      entries = [];
      const startedAt = performance.now();
      const status = await delivery.deliver(bytes, deadlineMs);
      const ms = performance.now() - startedAt;
      const { outcomes, failures } = judge(entries);
      if (status === null) failures.push({ kind: 'hang', detail: `no answer to the OPTIONS probe within ${deadlineMs} ms` });
      else if (status !== 200) failures.push({ kind: 'hang', detail: `the OPTIONS probe was answered ${status}, not 200` });
      return { ms, outcomes, failures };
    },
    async restart() {
      await stop();
      await start();
    },
    stop,
  };
}
