/**
 * Splits a SIP byte stream (TCP, TLS) into whole messages — RFC 3261 §18.3: on a stream transport the
 * Content-Length header is mandatory and says where the body ends. Also recognises the RFC 5626 §4.4.1
 * keep-alives between messages: a double CRLF "ping" (answer with a single CRLF) and a single CRLF "pong".
 *
 * Used by the client transports (electron/sip/) and by the compositor's listeners. Works on bytes, not
 * characters: Content-Length counts bytes. A stream that breaks the rules cannot be re-synchronised, so
 * after an error the framer stays failed and the caller closes the connection (a server may answer
 * 400 or 513 first, using `headerText`).
 */
import { forEachHeaderField } from '../../shared/sip/header-section';

/** What the framer found in the stream, in order. */
export type FramedItem =
  | { readonly kind: 'message'; readonly bytes: Buffer; readonly text: string }
  /** `count` keep-alives of one kind in a row (a flood of them is one item, not one per ping). */
  | { readonly kind: 'ping'; readonly count: number }
  | { readonly kind: 'pong'; readonly count: number }
  | {
      readonly kind: 'error';
      readonly reason: FramingErrorReason;
      /** Human-readable detail for a log line or a reason phrase. */
      readonly detail: string;
      /** The offending message's header section, when it was complete. */
      readonly headerText?: string;
    };

export type FramingErrorReason = 'headers-too-large' | 'body-too-large' | 'missing-content-length' | 'bad-content-length';

export interface SipStreamFramerOptions {
  /**
   * Read every CRLF between messages as a pong, without waiting to see whether a second CRLF makes it a
   * ping. For clients: RFC 5626 §4.4.1 lets only the client send pings, so a client never needs to tell
   * them apart, and waiting would hide the pong until the next message arrives (default false).
   */
  readonly crlfIsPong?: boolean;
  /** Largest header section accepted, in bytes (default 64 KiB). */
  readonly maxHeaderBytes?: number;
  /** Largest body accepted, in bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** The head of the message being received, kept until its body is complete. */
interface PendingHead {
  readonly headerEnd: number;
  /** Header section, blank line and body: the message's whole length in bytes. */
  readonly total: number;
}

/**
 * Frames one stream. Linear in the bytes received, however they are chunked: received bytes go into a
 * buffer that grows by doubling (not a `Buffer.concat` per chunk), the search for the blank line resumes
 * where the last one stopped, and a message's head is read once, not again for every chunk of its body.
 */
export class SipStreamFramer {
  /** Received bytes live in `store[start, end)`. */
  private store: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** Where the next search for the blank line begins, relative to `start`. */
  private scanFrom = 0;
  private head: PendingHead | null = null;
  private failed = false;
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private readonly crlfIsPong: boolean;

  constructor(options: SipStreamFramerOptions = {}) {
    this.crlfIsPong = options.crlfIsPong ?? false;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 64 * 1024;
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  }

  /** True once the stream broke the framing rules; nothing more will be returned. */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** Bytes received but not yet part of a complete message. */
  get pendingBytes(): number {
    return this.end - this.start;
  }

  /** Feeds received bytes; returns the items completed by them. */
  push(chunk: Buffer): FramedItem[] {
    if (this.failed) return [];
    this.append(chunk);
    const items: FramedItem[] = [];
    for (;;) {
      const item = this.next();
      if (item === null) break;
      items.push(item);
      if (item.kind === 'error') {
        this.failed = true;
        this.store = Buffer.alloc(0);
        this.start = this.end = 0;
        break;
      }
    }
    return items;
  }

  private get buffer(): Buffer {
    return this.store.subarray(this.start, this.end);
  }

  private append(chunk: Buffer): void {
    const held = this.end - this.start;
    if (this.end + chunk.length > this.store.length) {
      // Move what is held to the front of a buffer with room; doubling keeps the copying linear.
      const capacity = Math.max(held + chunk.length, Math.min(this.store.length * 2, held * 2 + chunk.length), 4096);
      const grown = capacity > this.store.length ? Buffer.allocUnsafe(capacity) : this.store;
      this.store.copy(grown, 0, this.start, this.end);
      this.store = grown;
      this.start = 0;
      this.end = held;
    }
    chunk.copy(this.store, this.end);
    this.end += chunk.length;
  }

  /** Consumes `count` bytes from the front; returns a copy (the store is reused for later bytes). */
  private take(count: number): Buffer {
    const bytes = Buffer.from(this.store.subarray(this.start, this.start + count));
    this.start += count;
    if (this.start === this.end) this.start = this.end = 0;
    this.scanFrom = 0;
    this.head = null;
    return bytes;
  }

  private skip(count: number): void {
    this.start += count;
    if (this.start === this.end) this.start = this.end = 0;
  }

  private next(): FramedItem | null {
    if (this.head === null) {
      const keepAlive = this.takeKeepAlives();
      if (keepAlive !== undefined) return keepAlive;
      const found = this.readHead();
      if (found === null || 'kind' in found) return found;
      this.head = found;
    }
    if (this.pendingBytes < this.head.total) return null;
    const bytes = this.take(this.head.total);
    return { kind: 'message', bytes, text: bytes.toString('utf8') };
  }

  /** Finds and checks the header section of the next message: its head, an error, or null to wait. */
  private readHead(): PendingHead | FramedItem | null {
    const buffer = this.buffer;
    const headerEnd = buffer.indexOf(HEADER_END, this.scanFrom);
    if (headerEnd === -1) {
      // The blank line may straddle this chunk and the next: resume three bytes back.
      this.scanFrom = Math.max(0, buffer.length - (HEADER_END.length - 1));
      return buffer.length > this.maxHeaderBytes
        ? { kind: 'error', reason: 'headers-too-large', detail: `no end of headers within ${this.maxHeaderBytes} bytes` }
        : null;
    }
    if (headerEnd > this.maxHeaderBytes) {
      return { kind: 'error', reason: 'headers-too-large', detail: `header section of ${headerEnd} bytes` };
    }

    const headerText = buffer.subarray(0, headerEnd).toString('utf8');
    const lengths = contentLengths(headerText);
    if (lengths.length === 0) {
      return { kind: 'error', reason: 'missing-content-length', detail: 'Content-Length is required on stream transports', headerText };
    }
    const distinct = new Set(lengths);
    const [declared] = distinct;
    if (distinct.size > 1 || declared === undefined || !/^\d{1,10}$/.test(declared)) {
      return { kind: 'error', reason: 'bad-content-length', detail: `Content-Length ${lengths.join(', ')}`, headerText };
    }
    const bodyLength = Number(declared);
    if (bodyLength > this.maxBodyBytes) {
      return { kind: 'error', reason: 'body-too-large', detail: `body of ${bodyLength} bytes exceeds ${this.maxBodyBytes}`, headerText };
    }
    return { headerEnd, total: headerEnd + HEADER_END.length + bodyLength };
  }

  /**
   * The run of keep-alives of one kind at the start of the buffer as one item, `null` to wait for more
   * bytes, `undefined` if there is none. A megabyte of CRLFs is one loop over its bytes.
   */
  private takeKeepAlives(): FramedItem | null | undefined {
    const kind = this.peekKeepAlive();
    if (kind === null || kind === undefined) return kind;
    let count = 0;
    while (this.peekKeepAlive() === kind) {
      this.skip(kind === 'ping' ? 4 : 2);
      count++;
    }
    return { kind, count };
  }

  /** Which keep-alive starts the buffer, `null` to wait for more bytes, `undefined` if none. */
  private peekKeepAlive(): 'ping' | 'pong' | null | undefined {
    // Reads the bytes in place: no subarray, no closure, no allocation per keep-alive.
    const store = this.store;
    const first = this.start;
    const held = this.end - first;
    if (held < 2 || store[first] !== 0x0d || store[first + 1] !== 0x0a) return held === 1 && store[first] === 0x0d ? null : undefined;
    if (this.crlfIsPong) return 'pong';
    // "\r\n" alone may be a pong or the first half of a ping; wait unless the next byte decides it.
    if (held < 4) return held === 2 || store[first + 2] === 0x0d ? null : 'pong';
    return store[first + 2] === 0x0d && store[first + 3] === 0x0a ? 'ping' : 'pong';
  }
}

/** The values of every Content-Length (or compact `l`) header field, in order, read by the shared lenient reader. */
function contentLengths(headerText: string): string[] {
  const values: string[] = [];
  forEachHeaderField(headerText, (key, value) => {
    if (key === 'content-length') values.push(value);
  });
  return values;
}
