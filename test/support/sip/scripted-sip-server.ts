/**
 * A scripted SIP peer for tests: a real listener on 127.0.0.1 (UDP, TCP or WebSocket) whose answers
 * the test writes, request by request. It is not a SIP server: it has just enough of one to be an honest
 * peer — it answers a retransmitted request with the response it gave before (RFC 3261 §17.2.2),
 * builds responses and in-dialog NOTIFYs with the right headers, and keeps every message it saw.
 * Tests that use it say so; interoperability with a real server is tested against Kamailio.
 *
 *   const server = await ScriptedSipServer.start('tcp');
 *   server.onRequest = (request) => request.respond(200, 'OK', ['Expires: 600']);
 *   const publish = await server.waitForRequest((r) => r.method === 'PUBLISH');
 */
import dgram from 'node:dgram';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { SipStreamFramer } from '../../../electron/net/sip-stream-framer';
import { readMessageHead } from '../../../electron/sip/transport/sip-message-head';
import { canonicalHeaderName } from '../../../shared/sip/header-names';
import { splitSipMessage } from '../../../shared/sip/header-section';
import { splitCommaValues, splitNameAddr, tagOf } from '../../../shared/sip/header-values';
import { readStartLine } from '../../../shared/sip/start-line';
import type { SipTransport } from '../../../shared/sip/transport';
import { ArrivalWaits } from './wait-for';

/** The transports a scripted server listens on (no TLS: the client's TLS is tested against Kamailio and the compositor). */
export type ScriptedTransport = Exclude<SipTransport, 'tls'>;

/** Where a message came from and how to send back to it. */
export interface ScriptedFlow {
  readonly remote: string;
  /** Sends text (as UTF-8) or exact bytes. */
  send(data: string | Buffer): void;
}

export interface ScriptedMessage {
  readonly raw: string;
  readonly flow: ScriptedFlow;
  /** First value of a header (compact names understood), or undefined. */
  header(name: string): string | undefined;
  /** All values of a header. */
  headers(name: string): string[];
  readonly body: string;
}

export interface ScriptedRequest extends ScriptedMessage {
  readonly method: string;
  readonly requestUri: string;
  /** The tag our responses put on To (and a NOTIFY for a SUBSCRIBE puts on From). */
  readonly toTag: string;
  /** Answers the request (once; a retransmission of it is answered with the same text). */
  respond(statusCode: number, reason: string, extraHeaders?: readonly string[], body?: { contentType: string; content: string }): string;
}

/** What a scripted NOTIFY carries: its CSeq, the Subscription-State value, a body if any, and its event package (default presence). */
export interface NotifyOptions {
  readonly cseq: number;
  readonly event?: string;
  readonly subscriptionState: string;
  readonly body?: { contentType: string; content: string };
}

export interface ScriptedResponse extends ScriptedMessage {
  readonly statusCode: number;
  readonly cseqMethod: string;
}

/** Header fields whose comma-separated values `headers()` returns one by one (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set(['via', 'contact', 'route', 'record-route']);

function messageView(raw: string, flow: ScriptedFlow) {
  const parts = splitSipMessage(raw);
  const headers = (name: string) => {
    const key = canonicalHeaderName(name);
    const values = parts.headers.filter((field) => field.key === key).map((field) => field.value);
    return LIST_HEADERS.has(key) ? values.flatMap(splitCommaValues) : values;
  };
  return { raw, flow, headers, header: (name: string) => headers(name)[0], body: parts.body, startLine: parts.startLine };
}

let tagCounter = 0;
/** A fresh tag or branch suffix. */
export function token(prefix: string): string {
  tagCounter += 1;
  return `${prefix}${Date.now().toString(36)}${tagCounter}`;
}

export class ScriptedSipServer {
  /** Called for every new request (not for retransmissions of answered ones). */
  onRequest: (request: ScriptedRequest) => void = (request) => request.respond(501, 'Not Implemented');
  /** Whether a TCP double-CRLF keep-alive ping is answered with a CRLF pong (RFC 5626 §4.4.1). */
  answerPings = true;
  readonly requests: ScriptedRequest[] = [];
  readonly responses: ScriptedResponse[] = [];
  private readonly answered = new Map<string, string>();
  private readonly arrivals = new ArrivalWaits();
  private udp: dgram.Socket | undefined;
  private tcp: net.Server | undefined;
  private httpServer: http.Server | https.Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly webSockets = new Set<WebSocket>();
  private portValue = 0;

  private constructor(
    readonly transport: ScriptedTransport,
    private readonly options: {
      readonly offerSipSubprotocol: boolean;
      readonly host: string;
      readonly tls?: { readonly keyPem: string; readonly certPem: string };
    },
  ) {}

  /** `tls` (PEM key and certificate) is required for wss. */
  static async start(
    transport: ScriptedTransport,
    options: { port?: number; host?: string; offerSipSubprotocol?: boolean; tls?: { keyPem: string; certPem: string } } = {},
  ): Promise<ScriptedSipServer> {
    if (transport === 'wss' && !options.tls) throw new Error('A wss scripted server needs options.tls.');
    const server = new ScriptedSipServer(transport, {
      offerSipSubprotocol: options.offerSipSubprotocol ?? true,
      host: options.host ?? '127.0.0.1',
      ...(options.tls ? { tls: options.tls } : {}),
    });
    await server.listen(options.port ?? 0);
    return server;
  }

  get port(): number {
    return this.portValue;
  }

  /** The server URI a client configures. */
  get uri(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return this.transport === 'udp' ? `sip:${host}:${this.portValue}` : `sip:${host}:${this.portValue};transport=${this.transport}`;
  }

  /** Resolves with the first request (already received or to come) that matches. */
  waitForRequest(predicate: (request: ScriptedRequest) => boolean, timeoutMs = 15_000, what = 'a request'): Promise<ScriptedRequest> {
    return this.arrivals.until(
      () => this.requests.find(predicate),
      timeoutMs,
      () =>
        this.didNotSee(
          what,
          timeoutMs,
          this.requests.map((r) => r.method),
        ),
    );
  }

  /** Resolves with the first response (already received or to come) that matches. */
  waitForResponse(predicate: (response: ScriptedResponse) => boolean, timeoutMs = 15_000, what = 'a response'): Promise<ScriptedResponse> {
    return this.arrivals.until(
      () => this.responses.find(predicate),
      timeoutMs,
      () =>
        this.didNotSee(
          what,
          timeoutMs,
          this.responses.map((r) => `${r.statusCode} ${r.cseqMethod}`),
        ),
    );
  }

  /** Requests of one method, in arrival order. */
  requestsOf(method: string): ScriptedRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /**
   * Sends a NOTIFY in the dialog a SUBSCRIBE created (we are the notifier): To/From swapped, our tag
   * from the 2xx we sent, Request-URI = the subscriber's Contact.
   */
  sendNotify(subscribe: ScriptedRequest, options: NotifyOptions): string {
    const text = this.notifyText(subscribe, options);
    subscribe.flow.send(text);
    return text;
  }

  /** The NOTIFY sendNotify would send, for a test that damages it before sending it itself. */
  notifyText(subscribe: ScriptedRequest, options: NotifyOptions): string {
    const contact = splitNameAddr(subscribe.header('contact') ?? '')?.uri || subscribe.requestUri;
    const from = `${(subscribe.header('to') ?? '').replace(/;tag=[^;]*/, '')};tag=${subscribe.toTag}`;
    const lines = [
      `NOTIFY ${contact} SIP/2.0`,
      `Via: SIP/2.0/${this.transport.toUpperCase()} 127.0.0.1:${this.portValue};branch=z9hG4bK${token('n')}`,
      'Max-Forwards: 70',
      `From: ${from}`,
      `To: ${subscribe.header('from') ?? ''}`,
      `Call-ID: ${subscribe.header('call-id') ?? ''}`,
      `CSeq: ${options.cseq} NOTIFY`,
      `Contact: <sip:presence@127.0.0.1:${this.portValue}${this.transport === 'udp' ? '' : `;transport=${this.transport}`}>`,
      `Event: ${options.event ?? 'presence'}`,
      `Subscription-State: ${options.subscriptionState}`,
    ];
    if (options.body) lines.push(`Content-Type: ${options.body.contentType}`);
    const body = options.body?.content ?? '';
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    return lines.join('\r\n');
  }

  /** Stops listening and drops every connection (the server "goes away"); the port is kept for reopen(). */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    for (const ws of this.webSockets) ws.terminate();
    this.webSockets.clear();
    const closing: Promise<void>[] = [];
    if (this.udp) {
      const udp = this.udp;
      closing.push(new Promise((resolve) => udp.close(() => resolve())));
    }
    if (this.tcp) {
      const tcp = this.tcp;
      closing.push(new Promise((resolve) => tcp.close(() => resolve())));
    }
    if (this.wss) {
      const wss = this.wss;
      closing.push(new Promise((resolve) => wss.close(() => resolve())));
    }
    if (this.httpServer) {
      const server = this.httpServer;
      server.closeAllConnections();
      closing.push(new Promise((resolve) => server.close(() => resolve())));
    }
    this.udp = undefined;
    this.tcp = undefined;
    this.wss = undefined;
    this.httpServer = undefined;
    await Promise.all(closing);
    this.answered.clear();
  }

  /** Listens again on the same port. */
  reopen(): Promise<void> {
    return this.listen(this.portValue);
  }

  private async listen(port: number): Promise<void> {
    switch (this.transport) {
      case 'udp': {
        const udp = dgram.createSocket(this.options.host.includes(':') ? 'udp6' : 'udp4');
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(port, this.options.host, () => resolve());
        });
        udp.on('message', (data, rinfo) => {
          const flow: ScriptedFlow = {
            remote: `${rinfo.address}:${rinfo.port}`,
            send: (data) => udp.send(data, rinfo.port, rinfo.address),
          };
          this.receive(data.toString('utf8'), flow);
        });
        this.udp = udp;
        this.portValue = udp.address().port;
        return;
      }
      case 'tcp': {
        const tcp = net.createServer((socket) => {
          this.sockets.add(socket);
          const framer = new SipStreamFramer();
          const flow: ScriptedFlow = {
            remote: `${socket.remoteAddress}:${socket.remotePort}`,
            send: (data) => {
              if (!socket.destroyed) socket.write(data);
            },
          };
          socket.on('data', (chunk: Buffer) => {
            for (const item of framer.push(chunk)) {
              if (item.kind === 'message') this.receive(item.text, flow);
              else if (item.kind === 'ping' && this.answerPings) socket.write('\r\n'.repeat(item.count));
            }
          });
          socket.on('error', () => undefined);
          socket.on('close', () => this.sockets.delete(socket));
        });
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(port, this.options.host, () => resolve());
        });
        this.tcp = tcp;
        this.portValue = (tcp.address() as net.AddressInfo).port;
        return;
      }
      case 'ws':
      case 'wss': {
        const refuse = (_req: http.IncomingMessage, res: http.ServerResponse) => res.writeHead(426).end();
        const tls = this.options.tls;
        const server =
          this.transport === 'wss' && tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, refuse) : http.createServer(refuse);
        const wss = new WebSocketServer({
          server,
          handleProtocols: (protocols) => (this.options.offerSipSubprotocol && protocols.has('sip') ? 'sip' : false),
        });
        wss.on('connection', (ws, req) => {
          this.webSockets.add(ws);
          const flow: ScriptedFlow = {
            remote: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
            send: (data) => ws.send(data),
          };
          ws.on('message', (data: Buffer) => this.receive(data.toString('utf8'), flow));
          ws.on('close', () => this.webSockets.delete(ws));
          ws.on('error', () => undefined);
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, this.options.host, () => resolve());
        });
        this.httpServer = server;
        this.wss = wss;
        this.portValue = (server.address() as net.AddressInfo).port;
        return;
      }
    }
  }

  private receive(raw: string, flow: ScriptedFlow): void {
    const head = readMessageHead(raw);
    if (!head) return;
    const view = messageView(raw, flow);
    if (head.kind === 'response') {
      this.responses.push({ ...view, statusCode: head.statusCode, cseqMethod: head.method });
      this.arrivals.arrived();
      return;
    }
    const key = `${head.branch ?? ''}|${head.method}`;
    const previous = this.answered.get(key);
    if (previous !== undefined) {
      flow.send(previous); // a retransmission: same answer, handler not called again
      return;
    }
    if (head.method === 'ACK') return;
    let isAnswered = false;
    const existingTag = tagOf(view.header('to') ?? '');
    const startLine = readStartLine(view.startLine);
    const toTag = existingTag ?? token('s');
    const request: ScriptedRequest = {
      ...view,
      method: head.method,
      requestUri: startLine?.kind === 'request' ? startLine.requestUri : '',
      toTag,
      respond: (statusCode, reason, extraHeaders = [], body) => {
        const text = buildResponse(view, toTag, statusCode, reason, extraHeaders, body);
        if (!isAnswered && statusCode >= 200) {
          isAnswered = true;
          this.answered.set(key, text);
        }
        flow.send(text);
        return text;
      },
    };
    this.requests.push(request);
    this.arrivals.arrived();
    this.onRequest(request);
  }

  private didNotSee(what: string, timeoutMs: number, seen: readonly string[]): string {
    return `The scripted server did not see ${what} within ${timeoutMs} ms; it saw: ${seen.join(', ') || 'nothing'}`;
  }
}

/** A response to `request` (RFC 3261 §8.2.6.2): its Vias, From, To (tagged), Call-ID and CSeq. */
function buildResponse(
  request: ReturnType<typeof messageView>,
  toTag: string,
  statusCode: number,
  reason: string,
  extraHeaders: readonly string[],
  body?: { contentType: string; content: string },
): string {
  const to = request.header('to') ?? '';
  const lines = [
    `SIP/2.0 ${statusCode} ${reason}`,
    ...request.headers('via').map((via) => `Via: ${via}`),
    `From: ${request.header('from') ?? ''}`,
    `To: ${/;\s*tag=/i.test(to) || statusCode === 100 ? to : `${to};tag=${toTag}`}`,
    `Call-ID: ${request.header('call-id') ?? ''}`,
    `CSeq: ${request.header('cseq') ?? ''}`,
    ...extraHeaders,
  ];
  if (body) lines.push(`Content-Type: ${body.contentType}`);
  const content = body?.content ?? '';
  lines.push(`Content-Length: ${Buffer.byteLength(content)}`, '', content);
  return lines.join('\r\n');
}

/** Answers REGISTER with 200, echoing the Contact with the requested expiry; returns false for other methods. */
export function answerRegister(request: ScriptedRequest): boolean {
  if (request.method !== 'REGISTER') return false;
  const expires = request.header('expires') ?? '600';
  const contact = (request.header('contact') ?? '').replace(/;\s*expires=\d+/i, '');
  request.respond(200, 'OK', [`Contact: ${contact};expires=${expires}`, `Expires: ${expires}`]);
  return true;
}
