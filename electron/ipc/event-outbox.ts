/**
 * Holds main → renderer events until the renderer has said it is ready, then delivers them in order.
 *
 * A window that is still loading has no listeners yet; an event sent then would be lost. The renderer
 * attaches its listeners, calls `rendererReady()`, and the outbox flushes what accumulated. When the
 * window reloads (or a test harness attaches a new page) the host calls `detach()` and queuing resumes.
 */
import { eventChannels, type Channel, type EventName, type EventPayload } from '../../shared/ipc/contract';

/** Where delivered events go: `webContents.send` in Electron, `page.evaluate` in the test harness. */
export type EventSink = (channel: Channel, payload: unknown) => void;

/** Queued events beyond this many are dropped oldest-first; the snapshot at ready covers the state. */
const MAX_QUEUED_EVENTS = 10_000;

export class EventOutbox {
  private sink: EventSink | null = null;
  private queue: { channel: Channel; payload: unknown }[] = [];
  private dropped = 0;

  /** Sends `payload` on event `name` now, or when the renderer becomes ready. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    const { channel } = eventChannels[name];
    if (this.sink) {
      this.sink(channel, payload);
      return;
    }
    this.queue.push({ channel, payload });
    if (this.queue.length > MAX_QUEUED_EVENTS) {
      this.queue.shift();
      this.dropped++;
    }
  }

  /** The renderer is listening: deliver the queue, then send directly. */
  attach(sink: EventSink): void {
    this.sink = sink;
    const pending = this.queue;
    this.queue = [];
    for (const { channel, payload } of pending) sink(channel, payload);
  }

  /** The renderer went away (reload, closed window): queue again. */
  detach(): void {
    this.sink = null;
  }

  /** Events dropped because the queue was full while nobody listened. */
  get droppedCount(): number {
    return this.dropped;
  }
}
