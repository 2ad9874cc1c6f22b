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

/** What the framer found in the stream, in order. */
export type FramedItem =
  | { readonly kind: 'message'; readonly bytes: Buffer; readonly text: string }
  | { readonly kind: 'ping' }
  | { readonly kind: 'pong' }
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

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(.*?)[ \t]*$/gim;

export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
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
    return this.buffer.length;
  }

  /** Feeds received bytes; returns the items completed by them. */
  push(chunk: Buffer): FramedItem[] {
    if (this.failed) return [];
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const items: FramedItem[] = [];
    for (;;) {
      const item = this.next();
      if (item === null) break;
      items.push(item);
      if (item.kind === 'error') {
        this.failed = true;
        this.buffer = Buffer.alloc(0);
        break;
      }
    }
    return items;
  }

  private next(): FramedItem | null {
    const keepAlive = this.takeKeepAlive();
    if (keepAlive !== undefined) return keepAlive;

    const headerEnd = this.buffer.indexOf(HEADER_END);
    if (headerEnd === -1) {
      return this.buffer.length > this.maxHeaderBytes
        ? { kind: 'error', reason: 'headers-too-large', detail: `no end of headers within ${this.maxHeaderBytes} bytes` }
        : null;
    }
    if (headerEnd > this.maxHeaderBytes) {
      return { kind: 'error', reason: 'headers-too-large', detail: `header section of ${headerEnd} bytes` };
    }

    const headerText = this.buffer.subarray(0, headerEnd).toString('utf8');
    const lengths = [...headerText.matchAll(CONTENT_LENGTH)].map((m) => m[1] ?? '');
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

    const total = headerEnd + HEADER_END.length + bodyLength;
    if (this.buffer.length < total) return null;
    const bytes = this.buffer.subarray(0, total);
    this.buffer = this.buffer.subarray(total);
    return { kind: 'message', bytes, text: bytes.toString('utf8') };
  }

  /** A keep-alive at the start of the buffer, `null` to wait for more bytes, `undefined` if none. */
  private takeKeepAlive(): FramedItem | null | undefined {
    if (!this.buffer.subarray(0, 2).equals(CRLF)) return this.buffer.length === 1 && this.buffer[0] === 0x0d ? null : undefined;
    if (this.crlfIsPong) {
      this.buffer = this.buffer.subarray(2);
      return { kind: 'pong' };
    }
    if (this.buffer.length < 4) {
      // "\r\n" alone may be a pong or the first half of a ping; wait unless the next byte decides it.
      if (this.buffer.length === 2 || this.buffer[2] === 0x0d) return null;
      this.buffer = this.buffer.subarray(2);
      return { kind: 'pong' };
    }
    if (this.buffer.subarray(0, 4).equals(HEADER_END)) {
      this.buffer = this.buffer.subarray(4);
      return { kind: 'ping' };
    }
    this.buffer = this.buffer.subarray(2);
    return { kind: 'pong' };
  }
}
