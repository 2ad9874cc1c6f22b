/**
 * Timed statuses and the automatic Away through the PresenceService: a hand-driven clock and scheduler,
 * the settings in a real data folder, and a fake idle/lock source (no desktop exists here). No account is
 * configured, so nothing is published; what the window is told and what reaches the disk is what counts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { ActivitySource } from '../../../electron/service/auto-status-controller';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { ManualScheduler } from '../../support/manual-scheduler';
import { ServiceProbe } from '../../support/service-probe';

const MINUTE = 60_000;

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-timed-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
});

function newService(clock: { now: number }, activity?: ActivitySource) {
  const scheduler = new ManualScheduler(clock);
  const service = new PresenceService({
    host: nodeHostInfo(),
    dataDir,
    log: () => undefined,
    now: () => clock.now,
    schedule: scheduler.schedule,
    ...(activity ? { activity } : {}),
  });
  onTestFinished(() => service.stop({ timeoutMs: 1_000 }));
  return { service, scheduler };
}

describe('timed statuses through the service', () => {
  it('given Busy for 30 minutes over Available, when the time comes, then Available and its note return and are saved', async () => {
    const clock = { now: 1_000 * MINUTE };
    const { service, scheduler } = newService(clock);
    await service.start();
    const probe = ServiceProbe.attach(service);
    await service.setStatus({ status: 'available', note: 'Desk' });
    const until = clock.now + 30 * MINUTE;
    expect(await service.setStatus({ status: 'busy', note: 'Focus', until })).toMatchObject({ status: 'busy', note: 'Focus', until });
    const since = probe.events.length;
    await scheduler.advance(30 * MINUTE - 1);
    expect(probe.events.length).toBe(since);
    await scheduler.advance(1);
    const back = await probe.waitFor('onSelfPresenceChanged', (self) => self.status === 'available', { since, what: 'Available again' });
    expect(back).toMatchObject({ status: 'available', note: 'Desk' });
    expect(back).not.toHaveProperty('until');
    await service.stop({ timeoutMs: 1_000 });
    const saved = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8'));
    expect(saved.presence).toEqual({ status: 'available', note: 'Desk' });
  });

  it('given a timed status, when the app restarts after its end, then the status before is shown at once', async () => {
    const clock = { now: 1_000 * MINUTE };
    const first = newService(clock).service;
    await first.start();
    await first.setStatus({ status: 'away', note: 'Lunch' });
    await first.setStatus({ status: 'in-a-meeting', note: 'Standup', until: clock.now + 15 * MINUTE });
    await first.stop({ timeoutMs: 1_000 });

    clock.now += 5 * MINUTE;
    const during = newService(clock).service;
    await during.start();
    expect(ServiceProbe.attach(during).snapshot.self).toMatchObject({ status: 'in-a-meeting', note: 'Standup' });
    await during.stop({ timeoutMs: 1_000 });

    clock.now += 60 * MINUTE;
    const after = newService(clock).service;
    await after.start();
    expect(ServiceProbe.attach(after).snapshot.self).toMatchObject({ status: 'away', note: 'Lunch' });
  });

  it('given an end time already passed, then the choice is refused with a reason', async () => {
    const clock = { now: 1_000 * MINUTE };
    const { service } = newService(clock);
    await service.start();
    await expect(service.setStatus({ status: 'busy', note: '', until: clock.now - 1 })).rejects.toThrow(/already passed/);
  });

  it('given Available and the screen locked, then the window is told Away — automatic, locked — and back when unlocked', async () => {
    const clock = { now: 1_000 * MINUTE };
    const listeners = new Map<string, () => void>();
    const activity: ActivitySource = {
      on: (event, listener) => {
        listeners.set(event, listener);
        return () => listeners.delete(event);
      },
      getSystemIdleTime: () => 0,
    };
    const { service } = newService(clock, activity);
    await service.start();
    const probe = ServiceProbe.attach(service);
    await service.setStatus({ status: 'available', note: 'Desk' });
    clock.now += MINUTE;
    const since = probe.events.length;
    listeners.get('lock-screen')?.();
    const away = await probe.waitFor('onSelfPresenceChanged', (self) => self.automatic !== undefined, { what: 'automatic Away' });
    expect(away).toMatchObject({ status: 'away', note: 'Desk', automatic: { reason: 'locked', since: clock.now } });
    listeners.get('unlock-screen')?.();
    const back = await probe.waitFor('onSelfPresenceChanged', (self) => self.status === 'available', { since: since + 1, what: 'back' });
    expect(back).not.toHaveProperty('automatic');
  });
});
