/**
 * Listens to a PresenceService the way a renderer does — connect, ready handshake, then events — so
 * Node tests can wait for what the window would see (an event matching a condition) instead of sleeping.
 */
import type { AppSnapshot, Channel, EventName, EventPayload } from '../../shared/ipc/contract';
import { eventChannels } from '../../shared/ipc/contract';
import type { PresenceService } from '../../electron/service/presence-service';
import type { BuddyPresence } from '../../shared/presence/presence-state';
import { ArrivalWaits } from './sip/wait-for';

interface Received {
  readonly channel: Channel;
  readonly payload: unknown;
}

export class ServiceProbe {
  readonly events: Received[] = [];
  private readonly arrivals = new ArrivalWaits();
  snapshot!: AppSnapshot;

  private constructor(readonly service: PresenceService) {}

  /** Connects as the renderer and completes the ready handshake. */
  static attach(service: PresenceService): ServiceProbe {
    const probe = new ServiceProbe(service);
    service.attachRenderer((channel, payload) => {
      probe.events.push({ channel, payload });
      probe.arrivals.arrived();
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
    const timeoutMs = options.timeoutMs ?? 15_000;
    // Events are only appended: each look checks just those that came since the last one.
    let looked = options.since ?? 0;
    const find = () => {
      const match = this.events.slice(looked).find((e) => e.channel === channel && predicate(e.payload as EventPayload<E>));
      looked = this.events.length;
      return match?.payload as EventPayload<E> | undefined;
    };
    return this.arrivals.until(find, timeoutMs, () => {
      const seen = this.received(name)
        .slice(-4)
        .map((p) => JSON.stringify(p).slice(0, 400));
      return `Timed out after ${timeoutMs} ms waiting for ${options.what ?? name}; last ${name}:\n  ${seen.join('\n  ') || '(none)'}`;
    });
  }

  /** Every buddy presence change received (after `since`), taken out of their batches in order. */
  buddyPresences(since = 0): BuddyPresence[] {
    const { channel } = eventChannels.onBuddyPresenceBatch;
    return this.events.slice(since).flatMap((e) => (e.channel === channel ? (e.payload as readonly BuddyPresence[]) : []));
  }

  /** Like `waitFor` on the presence batches, resolving with the first buddy's change in them that satisfies `predicate`. */
  async waitForBuddy(
    predicate: (presence: BuddyPresence) => boolean,
    options: { timeoutMs?: number; since?: number; what?: string } = {},
  ): Promise<BuddyPresence> {
    const batch = await this.waitFor('onBuddyPresenceBatch', (changes) => changes.some(predicate), options);
    return batch.find(predicate)!;
  }

  /** A mark for `waitFor(…, { since })`: only events after this point count. */
  mark(): number {
    return this.events.length;
  }
}
