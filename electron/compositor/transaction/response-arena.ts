/**
 * Storage for the responses the server transaction table keeps for Timer J (RFC 3261 §17.2.2: 64·T1 =
 * 32 s over UDP — at 10,000 requests/s that is 320,000 responses). Kept as JavaScript strings they were
 * the largest population of the heap the garbage collector walks; here they are bytes in a ring of large
 * off-heap chunks, and the table keeps only a number (the position) per response.
 *
 * All UDP transactions live equally long, so a chunk whose last write is older than that lifetime holds
 * only expired responses: `releaseWrittenBefore(time)` frees such chunks. (Not by position: a deferred
 * reply is stored a little later than transactions that arrived after it.)
 *
 *   position = absolute byte offset since start; chunk = position / CHUNK_BYTES
 *   record   = [length: uint16 little-endian][bytes] (longer responses are not stored: see `store`)
 */

const CHUNK_BYTES = 4 * 1024 * 1024;
const LENGTH_BYTES = 2;
const MAX_RECORD = 0xffff;

export class ResponseArena {
  private readonly chunks = new Map<number, { readonly bytes: Buffer; lastWrite: number }>();
  /** Next free absolute position. */
  private head = 0;

  /** Bytes held by live chunks (for tests and diagnostics). */
  get heldBytes(): number {
    return this.chunks.size * CHUNK_BYTES;
  }

  /**
   * Stores a response; returns its position, or -1 when it is too long for a record (65,535 bytes — the
   * caller then keeps the string itself; SIP responses that large are rare).
   */
  store(response: string, now: number): number {
    const length = Buffer.byteLength(response);
    if (length > MAX_RECORD) return -1;
    let chunkIndex = Math.floor(this.head / CHUNK_BYTES);
    let offset = this.head - chunkIndex * CHUNK_BYTES;
    if (offset + LENGTH_BYTES + length > CHUNK_BYTES) {
      chunkIndex++;
      offset = 0;
      this.head = chunkIndex * CHUNK_BYTES;
    }
    let chunk = this.chunks.get(chunkIndex);
    if (chunk === undefined) {
      // allocUnsafeSlow: a chunk of its own, outside Node's shared pool, so freeing it really frees it.
      chunk = { bytes: Buffer.allocUnsafeSlow(CHUNK_BYTES), lastWrite: now };
      this.chunks.set(chunkIndex, chunk);
    }
    chunk.lastWrite = now;
    chunk.bytes.writeUInt16LE(length, offset);
    chunk.bytes.write(response, offset + LENGTH_BYTES, length, 'utf8');
    const position = this.head;
    this.head += LENGTH_BYTES + length;
    return position;
  }

  /** The bytes stored at `position` (a view, valid until released), or null when already released. */
  read(position: number): Buffer | null {
    const chunkIndex = Math.floor(position / CHUNK_BYTES);
    const chunk = this.chunks.get(chunkIndex);
    if (chunk === undefined) return null;
    const offset = position - chunkIndex * CHUNK_BYTES;
    const length = chunk.bytes.readUInt16LE(offset);
    return chunk.bytes.subarray(offset + LENGTH_BYTES, offset + LENGTH_BYTES + length);
  }

  /** Frees every chunk last written before `time`, except the one being filled. */
  releaseWrittenBefore(time: number): void {
    const current = Math.floor(this.head / CHUNK_BYTES);
    for (const [index, chunk] of this.chunks) if (index !== current && chunk.lastWrite < time) this.chunks.delete(index);
  }

  clear(): void {
    this.chunks.clear();
  }
}
