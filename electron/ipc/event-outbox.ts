/**
 * The two ways main → renderer events travel, as the contract types them (shared/ipc/contract.ts):
 *
 * - **Notices** (`emit`) are held until the renderer has said it is ready, then delivered in order. A
 *   window that is still loading has no listeners yet; a notice sent then would be lost.
 * - **State events** (`emitState`) go out only once the renderer's snapshot has been taken
 *   (`snapshotTaken`). Before that they are dropped: the snapshot covers their state, and delivering them
 *   after it would overwrite newer state with older. Once the snapshot is taken they share the notices'
 *   queue, so everything newer than the snapshot arrives after it, in order.
 *
 * The renderer attaches its listeners and calls `rendererReady()`; the service takes the snapshot and
 * attaches the outbox after its reply has gone out. When the window reloads (or a test harness attaches a
 * new page) the host calls `detach()`: notices queue again and state events wait for the next snapshot.
 *
 * Main-process views of the same state (the tray) `observeState`: they get every state event as it is
 * emitted, whether or not a renderer is attached.
 */
import {
  eventChannels,
  type Channel,
  type EventName,
  type EventPayload,
  type NoticeEventName,
  type StateEventName,
} from '../../shared/ipc/contract';

/** Where delivered events go: `webContents.send` in Electron, `page.evaluate` in the test harness. */
export type EventSink = (channel: Channel, payload: unknown) => void;

/** One state event as emitted, for main-process observers. */
export type StateChange = { readonly [E in StateEventName]: { readonly name: E; readonly payload: EventPayload<E> } }[StateEventName];

/** Queued events beyond this many are dropped oldest-first; the snapshot at ready covers the state. */
const MAX_QUEUED_EVENTS = 10_000;

/** Holds and delivers main → renderer events: notices queued until ready, state events only after the snapshot. */
export class EventOutbox {
  private sink: EventSink | null = null;
  private queue: { channel: Channel; payload: unknown }[] = [];
  private dropped = 0;
  /** The renderer's snapshot has been taken: state changes from now on are newer than it. */
  private hasSnapshot = false;
  private readonly stateObservers = new Set<(change: StateChange) => void>();

  /** Sends notice `name` now, or when the renderer becomes ready. */
  emit<E extends NoticeEventName>(name: E, payload: EventPayload<E>): void {
    this.enqueue(name, payload);
  }

  /** Sends state event `name` if the renderer has its snapshot; before that, the snapshot covers it. */
  emitState<E extends StateEventName>(name: E, payload: EventPayload<E>): void {
    for (const observer of this.stateObservers) observer({ name, payload } as StateChange);
    if (this.hasSnapshot) this.enqueue(name, payload);
  }

  /** Calls `observer` with every state event from now on, renderer or not; returns its unsubscribe. */
  observeState(observer: (change: StateChange) => void): () => void {
    this.stateObservers.add(observer);
    return () => this.stateObservers.delete(observer);
  }

  /** The renderer's snapshot was just taken: state events from now on go out, after what is queued. */
  snapshotTaken(): void {
    this.hasSnapshot = true;
  }

  /** The renderer is listening: deliver the queue, then send directly. */
  attach(sink: EventSink): void {
    this.sink = sink;
    const pending = this.queue;
    this.queue = [];
    for (const { channel, payload } of pending) sink(channel, payload);
  }

  /** The renderer went away (reload, closed window): queue notices again, hold state until the next snapshot. */
  detach(): void {
    this.sink = null;
    this.hasSnapshot = false;
  }

  /** Events dropped because the queue was full while nobody listened. */
  get droppedCount(): number {
    return this.dropped;
  }

  private enqueue<E extends EventName>(name: E, payload: EventPayload<E>): void {
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
}
