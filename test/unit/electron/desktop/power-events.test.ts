import { describe, expect, it } from 'vitest';
import {
  connectPowerEvents,
  type PowerEventName,
  type PowerEvents,
  type SleepAwareService,
} from '../../../../electron/desktop/power-events';

/** PowerEvents whose events the test fires. */
class FakePowerEvents implements PowerEvents {
  private readonly listeners = new Map<PowerEventName, Set<() => void>>();
  idleSeconds = 0;
  on(event: PowerEventName, listener: () => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
  fire(event: PowerEventName): void {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
  get listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

function setUp(suspend: () => Promise<void> = async () => undefined) {
  const events = new FakePowerEvents();
  const calls: string[] = [];
  const service: SleepAwareService = {
    systemSuspended: () => {
      calls.push('suspended');
      return suspend();
    },
    systemResumed: () => calls.push('resumed'),
    networkChanged: () => calls.push('network'),
  };
  const log: string[] = [];
  const disconnect = connectPowerEvents(events, service, (line) => log.push(line));
  return { events, calls, log, disconnect };
}

describe('power events → presence service', () => {
  it('given the computer sleeps and wakes, then the service is told to suspend and to resume, in that order', () => {
    const { events, calls } = setUp();
    events.fire('suspend');
    events.fire('resume');
    expect(calls).toEqual(['suspended', 'resumed']);
  });

  it('given a network change while awake, then the service reconnects; while asleep, then it is ignored until waking', () => {
    const { events, calls, log } = setUp();
    events.fire('network-change');
    events.fire('suspend');
    events.fire('network-change');
    events.fire('resume');
    events.fire('network-change');
    expect(calls).toEqual(['network', 'suspended', 'resumed', 'network']);
    expect(log).toContain('network change while asleep: ignored until the computer wakes');
  });

  it('given the screen is locked and unlocked, then both are logged with the idle time and the service is left alone', () => {
    const { events, calls, log } = setUp();
    events.idleSeconds = 42;
    events.fire('lock-screen');
    events.fire('unlock-screen');
    expect(calls).toEqual([]);
    expect(log).toEqual(['screen locked (idle 42 s)', 'screen unlocked']);
  });

  it('given preparing for sleep fails, then the failure is logged, not thrown', async () => {
    const { events, log } = setUp(() => Promise.reject(new Error('socket gone')));
    events.fire('suspend');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['preparing for sleep failed: Error: socket gone']);
  });

  it('given it is disconnected, then no listener is left and events reach nobody', () => {
    const { events, calls, disconnect } = setUp();
    disconnect();
    events.fire('resume');
    expect(events.listenerCount).toBe(0);
    expect(calls).toEqual([]);
  });
});
