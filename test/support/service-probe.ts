/**
 * Listens to a PresenceService the way a renderer does — connect, ready handshake, then events — so
 * Node tests can wait for what the window would see (an event matching a condition) instead of sleeping.
 */
import type { AppSnapshot, Channel, EventName, EventPayload } from '../../shared/ipc/contract';
import { eventChannels } from '../../shared/ipc/contract';
import type { PresenceService } from '../../electron/service/presence-service';

interface Received {
  readonly channel: Channel;
  readonly payload: unknown;
}

export class ServiceProbe {
  readonly events: Received[] = [];
  private readonly waiters = new Set<(event: Received) => void>();
  snapshot!: AppSnapshot;

  private constructor(readonly service: PresenceService) {}

  /** Connects as the renderer and completes the ready handshake. */
  static attach(service: PresenceService): ServiceProbe {
    const probe = new ServiceProbe(service);
    service.connectRenderer((channel, payload) => {
      const event = { channel, payload };
      probe.events.push(event);
      for (const waiter of [...probe.waiters]) waiter(event);
    });
    probe.snapshot = service.rendererReady();
    return probe;
  }

  /** Payloads received so far on event `name`. */
  received<E extends EventName>(name: E): EventPayload<E>[] {
    const { channel } = eventChannels[name];
    return this.events.filter((e) => e.channel === channel).map((e) => e.payload as EventPayload<E>);
  }

  /**
   * Resolves with the first payload of event `name` (already received after `since`, or arriving
   * later) that satisfies `predicate`; rejects after `timeoutMs` saying what it saw.
   */
  waitFor<E extends EventName>(
    name: E,
    predicate: (payload: EventPayload<E>) => boolean,
    options: { timeoutMs?: number; since?: number; what?: string } = {},
  ): Promise<EventPayload<E>> {
    const { channel } = eventChannels[name];
    const earlier = this.events.slice(options.since ?? 0).find((e) => e.channel === channel && predicate(e.payload as EventPayload<E>));
    if (earlier) return Promise.resolve(earlier.payload as EventPayload<E>);
    const timeoutMs = options.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const waiter = (event: Received) => {
        if (event.channel !== channel || !predicate(event.payload as EventPayload<E>)) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(event.payload as EventPayload<E>);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const seen = this.received(name).slice(-4).map((p) => JSON.stringify(p).slice(0, 400));
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what ?? name}; last ${name}:\n  ${seen.join('\n  ') || '(none)'}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** A mark for `waitFor(…, { since })`: only events after this point count. */
  mark(): number {
    return this.events.length;
  }
}
