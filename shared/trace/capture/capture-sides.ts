/**
 * Which side of a capture is "this app". A capture taken on a server or a network tap has no "sent" and
 * "received", but the pane reads best as one client's view (the ladder puts it in the first lane, the
 * list's arrows say which way each message went). So the capture's "me" is the client: the sender of the
 * first REGISTER, SUBSCRIBE or PUBLISH, and its server is where that request went. Until such a request
 * appears (at most LOOKAHEAD messages) messages wait; a capture without one takes the sender of its
 * first message.
 *
 * A message is `out` when it comes from me or goes to my server, `in` when it goes to me or comes from my
 * server; one that touches neither (another client of the same capture) is `out` when its sender has my
 * IP address, else `in`. A text export of our own says the direction itself and is taken as it says.
 */
import type { TraceDirection, TraceEndpoint } from '../trace-entry';
import type { CaptureEntry, CapturedMessage } from './capture-entry';

/** Messages held at most while looking for the first REGISTER, SUBSCRIBE or PUBLISH. */
const LOOKAHEAD = 10_000;
const CLIENT_REQUEST = /^(?:REGISTER|SUBSCRIBE|PUBLISH) /;

const key = (endpoint: TraceEndpoint) => `${endpoint.address} ${endpoint.port}`;

/** A captured message, with the direction its file stated (our own text export does). */
export interface SidedMessage extends CapturedMessage {
  readonly direction?: TraceDirection;
}

/** Turns captured messages into numbered trace entries, seen from the capture's client (module comment). */
export class CaptureSides {
  private me: TraceEndpoint | null = null;
  private server: TraceEndpoint | null = null;
  private waiting: SidedMessage[] = [];
  private nextSeq = 1;
  /** One object per endpoint for all the entries (a capture repeats the same few a million times). */
  private readonly endpoints = new Map<string, TraceEndpoint>();

  /** The client the entries are seen from, once chosen. */
  get local(): TraceEndpoint | null {
    return this.me;
  }

  /** Adds the next message; returns the entries that can be numbered now, in order. */
  add(message: SidedMessage): CaptureEntry[] {
    if (this.me) return [this.entry(message)];
    this.waiting.push(message);
    if (CLIENT_REQUEST.test(message.raw)) this.choose(message);
    else if (this.waiting.length >= LOOKAHEAD) this.choose(this.waiting[0]!);
    else return [];
    return this.flush();
  }

  /** No more messages: those still waiting, seen from the first one's sender. */
  end(): CaptureEntry[] {
    if (!this.me && this.waiting.length > 0) this.choose(this.waiting[0]!);
    return this.flush();
  }

  private choose(message: SidedMessage): void {
    this.me = message.source;
    this.server = message.destination;
  }

  private flush(): CaptureEntry[] {
    const entries = this.waiting.map((message) => this.entry(message));
    this.waiting = [];
    return entries;
  }

  private entry(message: SidedMessage): CaptureEntry {
    const direction = message.direction ?? this.directionOf(message);
    const source = this.endpoint(message.source);
    const destination = this.endpoint(message.destination);
    const [local, remote] = direction === 'out' ? [source, destination] : [destination, source];
    return {
      seq: this.nextSeq++,
      frame: message.frame,
      at: message.at,
      direction,
      transport: message.transport,
      local,
      remote,
      raw: message.raw,
    };
  }

  private endpoint(endpoint: TraceEndpoint): TraceEndpoint {
    const name = key(endpoint);
    const known = this.endpoints.get(name);
    if (known) return known;
    if (this.endpoints.size >= 4096) this.endpoints.clear();
    this.endpoints.set(name, endpoint);
    return endpoint;
  }

  private directionOf({ source, destination }: CapturedMessage): TraceDirection {
    const me = key(this.me!);
    const server = key(this.server!);
    if (key(source) === me || key(destination) === server) return 'out';
    if (key(destination) === me || key(source) === server) return 'in';
    return source.address === this.me!.address ? 'out' : 'in';
  }
}
