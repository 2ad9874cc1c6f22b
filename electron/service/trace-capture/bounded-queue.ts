/**
 * The queue between the SIP path and a slow consumer (a disk, a network collector): `offer` never waits
 * and never throws, so recording a message costs the SIP stack a push; one drain loop hands everything
 * queued to the consumer in a batch, waits for it, and repeats. When the consumer falls behind and the
 * queue reaches its bound (items or bytes), new items are dropped and counted — memory stays bounded and
 * the counter tells the user what is missing.
 *
 *   offer ──► [items ≤ maxItems, bytes ≤ maxBytes] ──batch──► consume (awaited, one at a time)
 *        └──► full: dropped++
 */

/** Bounds of a `BoundedQueue`. */
export interface QueueLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
}

/** A bounded, dropping queue with one async consumer (see the module comment). */
export class BoundedQueue<T> {
  private items: T[] = [];
  private bytes = 0;
  private droppedCount = 0;
  private draining: Promise<void> | null = null;

  /**
   * @param consume takes one batch, oldest first; it should deal with its own failures — a rejection is
   *   passed to `onConsumeFailed` and counts the batch as dropped.
   */
  constructor(
    private readonly limits: QueueLimits,
    private readonly consume: (batch: T[]) => Promise<void>,
    private readonly onConsumeFailed: (error: unknown) => void = () => undefined,
  ) {}

  /** Items dropped so far: the queue was full, or the consumer failed on them. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Items waiting for the consumer. */
  get length(): number {
    return this.items.length;
  }

  /** Queues `item`, of `size` bytes; false (and counted) when the queue is full. */
  offer(item: T, size: number): boolean {
    if (this.items.length >= this.limits.maxItems || (this.bytes + size > this.limits.maxBytes && this.items.length > 0)) {
      this.droppedCount++;
      return false;
    }
    this.items.push(item);
    this.bytes += size;
    this.draining ??= this.drain();
    return true;
  }

  /** Counts `count` items the consumer had to drop itself. */
  countDropped(count: number): void {
    this.droppedCount += count;
  }

  /** Resolves once everything queued so far has been consumed. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    // Let the caller's turn finish first: the SIP stack's work comes before the disk's.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.items.length > 0) {
      const batch = this.items;
      this.items = [];
      this.bytes = 0;
      try {
        await this.consume(batch);
      } catch (error) {
        this.droppedCount += batch.length;
        this.onConsumeFailed(error);
      }
    }
    this.draining = null;
  }
}
