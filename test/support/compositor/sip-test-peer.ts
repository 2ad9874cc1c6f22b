/**
 * A scripted SIP peer for the compositor's tests: a real socket on 127.0.0.1 (UDP, TCP or WebSocket) that
 * sends requests we write out in full (so tests control every header, including broken ones), waits for
 * the responses and for the NOTIFYs the compositor sends, and answers those NOTIFYs (200 by default, or
 * whatever a test scripts — 481, silence). It is a test peer, not a user agent: no retransmission timers
 * unless a test sends twice itself.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { SipStreamFramer } from '../../../electron/net/sip-stream-framer';
import { parseSipMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../electron/compositor/message/sip-message';
import { commaValueEnd, parseVia, readParam } from '../../../shared/sip/header-values';
import type { SipTransport } from '../../../shared/sip/transport';

/** The transports the compositor listens on, and so the ones a test peer speaks. */
export type PeerTransport = SipTransport;

export interface Target {
  readonly host: string;
  readonly port: number;
}

/** How the peer answers NOTIFYs: a status, or `null` to stay silent (to make the server's Timer F fire). */
export type NotifyAnswer = number | null;

export interface RequestSpec {
  readonly method: string;
  readonly uri: string;
  readonly from: string;
  readonly to: string;
  readonly callId?: string;
  readonly cseq?: number;
  /** Extra header lines, in order, e.g. [['Event', 'presence'], ['Expires', '600']]. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  readonly body?: string;
  readonly contentType?: string;
  /** Leave out the Content-Length header (UDP allows it). */
  readonly omitContentLength?: boolean;
  /** A Content-Length to declare instead of the true one. */
  readonly contentLength?: number;
  readonly branch?: string;
  /** Extra Via parameters (default `;rport`). */
  readonly viaParams?: string;
}

export interface BuiltRequest {
  readonly text: string;
  readonly branch: string;
  readonly callId: string;
  readonly cseq: number;
}

type Received = { readonly message: SipMessage; readonly raw: string; readonly at: number };
type Waiter = { readonly match: (r: Received) => boolean; readonly resolve: (r: Received) => void };

let counter = 0;
function token(): string {
  return randomBytes(6).toString('hex') + (++counter).toString(36);
}

export class SipTestPeer {
  /** Every message received, in order (responses and requests). */
  readonly received: Received[] = [];
  /** Single-CRLF keep-alive pongs received (RFC 5626 §4.4.1), on stream transports. */
  keepAlivePongs = 0;
  /** The status used to answer NOTIFYs; change it at any time. */
  notifyAnswer: NotifyAnswer = 200;
  private readonly waiters: Waiter[] = [];
  private consumed = new WeakSet<Received>();
  private closed = false;

  private constructor(
    readonly transport: PeerTransport,
    readonly localAddress: string,
    readonly localPort: number,
    private readonly target: Target,
    private readonly write: (text: string | Buffer, to?: Target) => void,
    private readonly closeSocket: () => Promise<void>,
  ) {}

  /** A UDP peer on 127.0.0.1 (any free port) that talks to `target`. */
  static async udp(target: Target): Promise<SipTestPeer> {
    const socket: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const peer = new SipTestPeer(
      'udp',
      '127.0.0.1',
      port,
      target,
      (text, to) => socket.send(typeof text === 'string' ? Buffer.from(text) : text, (to ?? target).port, (to ?? target).host),
      () => new Promise((resolve) => socket.close(() => resolve())),
    );
    socket.on('message', (data, remote) => peer.onData(data, { host: remote.address, port: remote.port }));
    return peer;
  }

  /** A TCP peer connected to `target`. */
  static async tcp(target: Target): Promise<SipTestPeer> {
    const socket: TcpSocket = connect(target.port, target.host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return SipTestPeer.overStream('tcp', socket, target);
  }

  /** A TLS peer connected to `target`, trusting only `ca` (the test's own certificate). */
  static async tls(target: Target, ca: string, servername = 'localhost'): Promise<SipTestPeer> {
    const socket = connectTls({ host: target.host, port: target.port, ca, servername });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return SipTestPeer.overStream('tls', socket, target);
  }

  private static overStream(transport: 'tcp' | 'tls', socket: TcpSocket, target: Target): SipTestPeer {
    const framer = new SipStreamFramer({ maxBodyBytes: 4 * 1024 * 1024 });
    const peer = new SipTestPeer(
      transport,
      socket.localAddress ?? '127.0.0.1',
      socket.localPort ?? 0,
      target,
      (text) => {
        if (!socket.destroyed) socket.write(text);
      },
      () =>
        new Promise((resolve) => {
          if (socket.destroyed) return resolve();
          socket.once('close', () => resolve());
          socket.destroy();
        }),
    );
    socket.on('data', (chunk: Buffer) => {
      // A lone CRLF is a pong; the shared framer holds it back (it could be half a ping), so count it here.
      if (chunk.length === 2 && chunk[0] === 13 && chunk[1] === 10) peer.keepAlivePongs++;
      for (const item of framer.push(chunk)) if (item.kind === 'message') peer.onData(item.bytes, target);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      peer.closed = true;
    });
    return peer;
  }

  /** A WebSocket peer (subprotocol `sip`, RFC 7118) connected to `ws://host:port`. */
  static ws(target: Target, protocol = 'sip'): Promise<SipTestPeer> {
    return SipTestPeer.overWebSocket(target, protocol);
  }

  /** A secure WebSocket peer (WSS) connected to `wss://host:port`, trusting only `ca`. */
  static wss(target: Target, ca: string): Promise<SipTestPeer> {
    return SipTestPeer.overWebSocket(target, 'sip', ca);
  }

  private static async overWebSocket(target: Target, protocol: string, ca?: string): Promise<SipTestPeer> {
    const socket =
      ca === undefined
        ? new WebSocket(`ws://${target.host}:${target.port}`, protocol)
        : new WebSocket(`wss://${target.host}:${target.port}`, protocol, { ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const raw = socket as unknown as { _socket?: { localPort?: number } };
    const peer = new SipTestPeer(
      ca === undefined ? 'ws' : 'wss',
      '127.0.0.1',
      raw._socket?.localPort ?? 0,
      target,
      (text) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(text);
      },
      () =>
        new Promise((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.terminate();
        }),
    );
    socket.on('message', (data: Buffer) => peer.onData(Buffer.from(data), target));
    socket.on('close', (code: number) => {
      peer.closed = true;
      peer.wsCloseCode = code;
    });
    return peer;
  }

  /** The close code the server's WebSocket close frame carried (RFC 6455 §7.4), once closed. */
  wsCloseCode: number | null = null;

  /** True once the server closed a TCP/WS connection. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Our address as it goes in Via and Contact. */
  get hostPort(): string {
    return `${this.localAddress}:${this.localPort}`;
  }

  /** A Contact URI that reaches this peer. */
  get contactUri(): string {
    return `sip:peer@${this.hostPort}${this.transport === 'udp' ? '' : `;transport=${this.transport}`}`;
  }

  /** Writes a request out in full (see RequestSpec). */
  build(spec: RequestSpec): BuiltRequest {
    const branch = spec.branch ?? `z9hG4bK-${token()}`;
    const callId = spec.callId ?? `${token()}@test`;
    const cseq = spec.cseq ?? 1;
    const body = spec.body ?? '';
    let text = `${spec.method} ${spec.uri} SIP/2.0\r\n`;
    text += `Via: SIP/2.0/${this.transport.toUpperCase()} ${this.hostPort};branch=${branch}${spec.viaParams ?? ';rport'}\r\n`;
    text += 'Max-Forwards: 70\r\n';
    text += `From: ${spec.from}\r\n`;
    text += `To: ${spec.to}\r\n`;
    text += `Call-ID: ${callId}\r\n`;
    text += `CSeq: ${cseq} ${spec.method}\r\n`;
    for (const [name, value] of spec.headers ?? []) text += `${name}: ${value}\r\n`;
    if (body.length > 0 && spec.contentType !== undefined) text += `Content-Type: ${spec.contentType}\r\n`;
    if (spec.omitContentLength !== true) text += `Content-Length: ${spec.contentLength ?? Buffer.byteLength(body)}\r\n`;
    text += '\r\n' + body;
    return { text, branch, callId, cseq };
  }

  /** Sends a request and resolves with its final response (provisional ones are skipped). */
  async request(spec: RequestSpec, timeoutMs = 5000): Promise<SipResponse & { readonly raw: string }> {
    const built = this.build(spec);
    this.sendRaw(built.text);
    return this.responseTo(built.branch, timeoutMs);
  }

  /** Waits for the final response whose top Via carries `branch`. */
  async responseTo(branch: string, timeoutMs = 5000): Promise<SipResponse & { readonly raw: string }> {
    const got = await this.waitFor(
      (r) => r.message.kind === 'response' && r.message.status >= 200 && (r.message.headers.get('via') ?? '').includes(`branch=${branch}`),
      timeoutMs,
      `a final response to branch ${branch}`,
    );
    return Object.assign(got.message as SipResponse, { raw: got.raw });
  }

  /** Sends raw bytes (a hand-made or broken message); over UDP optionally to another address. */
  sendRaw(text: string | Buffer, to?: Target): void {
    this.write(text, to);
  }

  /** Waits for the next request (by default a NOTIFY) not yet taken by an earlier wait. */
  async nextRequest(method = 'NOTIFY', timeoutMs = 5000): Promise<SipRequest & { readonly raw: string; readonly at: number }> {
    const got = await this.waitFor((r) => r.message.kind === 'request' && r.message.method === method, timeoutMs, `a ${method}`);
    return Object.assign(got.message as SipRequest, { raw: got.raw, at: got.at });
  }

  /** Resolves when no unconsumed request of `method` arrives within `ms` (for "nothing more was sent"). */
  async expectNoRequest(method: string, ms: number): Promise<void> {
    const found = await Promise.race([
      this.waitFor((r) => r.message.kind === 'request' && r.message.method === method, ms, '').then(
        () => true,
        () => false,
      ),
    ]);
    if (found) throw new Error(`unexpected ${method} received`);
  }

  /** Answers a received request with `status`, copying the headers RFC 3261 §8.2.6 requires. */
  respond(request: SipRequest, status: number, reason = 'Answer', extraHeaders: ReadonlyArray<readonly [string, string]> = []): void {
    const h = request.headers;
    let text = `SIP/2.0 ${status} ${reason}\r\n`;
    for (const via of h.getAll('via')) text += `Via: ${via}\r\n`;
    text += `From: ${h.get('from')}\r\nTo: ${h.get('to')}\r\nCall-ID: ${h.get('call-id')}\r\nCSeq: ${h.get('cseq')}\r\n`;
    for (const [name, value] of extraHeaders) text += `${name}: ${value}\r\n`;
    text += 'Content-Length: 0\r\n\r\n';
    const viaLine = h.get('via') ?? '';
    const topVia = viaLine.slice(0, commaValueEnd(viaLine));
    const via = parseVia(topVia);
    const rport = readParam(topVia, 'rport');
    // Responses go back where the Via says (RFC 3261 §18.2.2); over TCP/WS the connection is the target. With an
    // empty rport the sender asked for its source address and port (RFC 3581 §4): the server we talk to, whatever
    // host its Via advertises (a name this machine may not resolve).
    const to =
      this.transport === 'udp' && via !== null && via.port !== null && !(via.hasRport && !rport)
        ? { host: via.host, port: rport ? Number(rport) : via.port }
        : undefined;
    this.write(text, to);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.closeSocket();
  }

  private onData(data: Buffer, _from: Target): void {
    const parsed = parseSipMessage(data, this.transport === 'udp' || this.transport === 'ws' || this.transport === 'wss');
    if (!parsed.ok) return;
    const received: Received = { message: parsed.message, raw: data.toString('utf8'), at: performance.now() };
    this.received.push(received);
    const message = parsed.message;
    if (message.kind === 'request' && message.method === 'NOTIFY' && this.notifyAnswer !== null) {
      this.respond(message, this.notifyAnswer, this.notifyAnswer === 200 ? 'OK' : 'Scripted');
    }
    for (let i = 0; i < this.waiters.length; i++) {
      const waiter = this.waiters[i] as Waiter;
      if (!this.consumed.has(received) && waiter.match(received)) {
        this.consumed.add(received);
        this.waiters.splice(i, 1);
        waiter.resolve(received);
        break;
      }
    }
  }

  private waitFor(match: (r: Received) => boolean, timeoutMs: number, what: string): Promise<Received> {
    const already = this.received.find((r) => !this.consumed.has(r) && match(r));
    if (already !== undefined) {
      this.consumed.add(already);
      return Promise.resolve(already);
    }
    return new Promise<Received>((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** A PIDF document with one tuple, for publishing in tests (the codec's builder is for our own status model). */
export function pidf(
  entity: string,
  tuples: ReadonlyArray<{ id: string; basic: 'open' | 'closed'; note?: string; timestamp?: string }>,
  extra = '',
): string {
  const tupleXml = tuples
    .map(
      (t) =>
        `  <tuple id="${t.id}">\n    <status><basic>${t.basic}</basic></status>\n` +
        (t.note === undefined ? '' : `    <note>${t.note}</note>\n`) +
        (t.timestamp === undefined ? '' : `    <timestamp>${t.timestamp}</timestamp>\n`) +
        '  </tuple>\n',
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${entity}">\n${tupleXml}${extra}</presence>\n`;
}
