/**
 * The automatic status as the service drives it: a fake idle/lock source (the desktop cannot exist here)
 * and a hand-driven clock.
 */
import { describe, expect, it } from 'vitest';
import { AutoStatusController, IDLE_POLL_MS, type ActivitySource } from '../../../../electron/service/auto-status-controller';
import type { ShownPresence } from '../../../../shared/presence/auto-status';
import { ManualScheduler } from '../../../support/manual-scheduler';

class FakeActivity implements ActivitySource {
  idleSeconds = 0;
  private readonly listeners = new Map<string, Set<() => void>>();
  on(event: 'lock-screen' | 'unlock-screen', listener: () => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener);
    return () => set.delete(listener);
  }
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
  fire(event: 'lock-screen' | 'unlock-screen'): void {
    for (const listener of this.listeners.get(event) ?? []) listener();
  }
  get listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }
}

const MINUTE = 60_000;

function setUp(options: { idleAwayMinutes?: number; until?: number } = {}) {
  const clock = { now: 100 * MINUTE };
  const scheduler = new ManualScheduler(clock);
  const activity = new FakeActivity();
  const changes: ShownPresence[] = [];
  const controller = new AutoStatusController(
    { status: 'available', note: 'Desk', at: 0, ...(options.until === undefined ? {} : { until: options.until }) },
    {
      activity,
      now: () => clock.now,
      schedule: scheduler.schedule,
      idleAwayMinutes: () => options.idleAwayMinutes ?? 10,
      onChange: (shown) => changes.push(shown),
    },
  );
  return { clock, scheduler, activity, changes, controller };
}

describe('automatic status controller', () => {
  it('given 10 minutes idle, when the poll reads it, then Away since the last input; input again, then Available', async () => {
    const { clock, scheduler, activity, changes, controller } = setUp();
    controller.start();
    activity.idleSeconds = 9 * 60;
    await scheduler.advance(IDLE_POLL_MS);
    expect(changes).toEqual([]);
    activity.idleSeconds = 10 * 60;
    await scheduler.advance(IDLE_POLL_MS);
    expect(changes).toEqual([
      { status: 'away', note: 'Desk', isManual: false, automatic: { reason: 'idle', since: clock.now - 10 * MINUTE } },
    ]);
    activity.idleSeconds = 11 * 60;
    await scheduler.advance(IDLE_POLL_MS);
    expect(changes).toHaveLength(1);
    activity.idleSeconds = 0;
    await scheduler.advance(IDLE_POLL_MS);
    expect(changes[1]).toEqual({ status: 'available', note: 'Desk', isManual: true });
  });

  it('given the idle threshold off (0), then idle never sets Away; the lock still does', async () => {
    const { scheduler, activity, changes, controller } = setUp({ idleAwayMinutes: 0 });
    controller.start();
    activity.idleSeconds = 3600;
    await scheduler.advance(IDLE_POLL_MS * 4);
    expect(changes).toEqual([]);
    activity.fire('lock-screen');
    expect(changes.map((c) => c.automatic?.reason)).toEqual(['locked']);
    activity.idleSeconds = 0;
    activity.fire('unlock-screen');
    expect(changes[1]).toEqual({ status: 'available', note: 'Desk', isManual: true });
  });

  it('given a manual Do Not Disturb, then neither idle nor lock override it', async () => {
    const { scheduler, activity, changes, controller } = setUp();
    controller.start();
    controller.choose({ status: 'do-not-disturb', note: '' });
    activity.idleSeconds = 3600;
    activity.fire('lock-screen');
    await scheduler.advance(IDLE_POLL_MS);
    expect(changes).toEqual([]);
    expect(controller.shown).toEqual({ status: 'do-not-disturb', note: '', isManual: true });
  });

  it('given an automatic Away, when the user picks Available by hand, then it ends and is not back on the next poll of the same episode', async () => {
    const { clock, scheduler, activity, controller } = setUp();
    controller.start();
    activity.idleSeconds = 20 * 60;
    await scheduler.advance(IDLE_POLL_MS);
    expect(controller.shown.automatic?.reason).toBe('idle');
    clock.now += 1;
    expect(controller.choose({ status: 'available', note: 'Back' })).toEqual({ status: 'available', note: 'Back', isManual: true });
    await scheduler.advance(IDLE_POLL_MS);
    expect(controller.shown.automatic).toBeUndefined();
  });

  it('given Busy for 30 minutes, then at its end Available and the note return and onChange says so', async () => {
    const { clock, scheduler, changes, controller } = setUp({ idleAwayMinutes: 0 });
    controller.start();
    controller.choose({ status: 'busy', note: 'Focus', until: clock.now + 30 * MINUTE });
    await scheduler.advance(30 * MINUTE - 1);
    expect(controller.shown.status).toBe('busy');
    await scheduler.advance(1);
    expect(changes).toEqual([{ status: 'available', note: 'Desk', isManual: true }]);
    expect(controller.state.manual).toMatchObject({ status: 'available', note: 'Desk' });
  });

  it('given a timed status whose end passed while the app was closed, when started, then it ends at once', () => {
    const { controller, changes, clock } = setUp({ idleAwayMinutes: 0 });
    controller.reset({ status: 'busy', note: '', until: clock.now - MINUTE, at: 0 }, { status: 'away', note: 'Gone', at: 0 });
    controller.start();
    expect(changes).toEqual([{ status: 'away', note: 'Gone', isManual: true }]);
  });

  it('given stop, then no timer and no listener is left', async () => {
    const { scheduler, activity, controller, clock } = setUp();
    controller.start();
    controller.choose({ status: 'busy', note: '', until: clock.now + MINUTE });
    controller.stop();
    expect(scheduler.pending).toBe(0);
    expect(activity.listenerCount).toBe(0);
  });
});
