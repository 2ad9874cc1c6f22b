/**
 * "Presence that stays right" over real SIP, the same steps against any presence server: the service
 * (with the real engine) as Alice, real SipClients as Bob and a watcher, and a recording notifier in place
 * of the desktop's system notifications (the only fake: no desktop here). Used by the built-in compositor's
 * and Kamailio's integration tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { connectBuddyAlerts } from '../../../electron/desktop/buddy-alerts';
import type { DesktopNotification } from '../../../electron/desktop/desktop-notifier';
import type { ActivitySource } from '../../../electron/service/auto-status-controller';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import type { SipTimers } from '../../../electron/sip/sip-client-types';
import { ServiceProbe } from '../service-probe';
import { startClients } from '../sip/sip-clients';
import { FAST_TIMERS } from '../sip/test-account';
import { waitFor } from '../sip/wait-for';

/** The server under test: where to reach it, its domain, and how to take it away and bring it back. */
export interface ScenarioServer {
  /** The URI the service's account uses (e.g. its TCP listener). */
  readonly accountServer: string;
  /** The URI the peers use. */
  readonly peerServer: string;
  readonly domain: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The server's disappearance noticed within about a second. */
const QUICK_LOSS_DETECTION: Partial<SipTimers> = { ...FAST_TIMERS, keepAliveInterval: 200, keepAliveTimeout: 1_000 };

/** A screen lock the test works by hand (the desktop's idle time and lock cannot exist here); never idle. */
export class FakeScreenLock implements ActivitySource {
  private readonly listeners = new Map<string, () => void>();
  on(event: 'lock-screen' | 'unlock-screen', listener: () => void): () => void {
    this.listeners.set(event, listener);
    return () => this.listeners.delete(event);
  }
  getSystemIdleTime(): number {
    return 0;
  }
  fire(event: 'lock-screen' | 'unlock-screen'): void {
    this.listeners.get(event)?.();
  }
}

/** Alice's service signed in on `server`, with a probe as its window and a recording notifier for its alerts. */
export async function startAlice(server: ScenarioServer, activity?: ActivitySource) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'presently-stays-right-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  const service = new PresenceService({
    host: nodeHostInfo(),
    dataDir,
    log: () => undefined,
    sipOptions: { timers: QUICK_LOSS_DETECTION },
    ...(activity ? { activity } : {}),
  });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  const notifications: DesktopNotification[] = [];
  onTestFinished(connectBuddyAlerts(service, { show: (notification) => notifications.push(notification) }));
  await service.start();
  const probe = ServiceProbe.attach(service);
  await service.saveAccount({
    ...DEFAULT_ACCOUNT_SETTINGS,
    displayName: 'Alice',
    aor: `sip:alice@${server.domain}`,
    server: server.accountServer,
  });
  await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'registered', { what: 'alice registered' });
  return { service, probe, notifications };
}

/** Step 1: a timed Busy carries RFC 4480 `until`, and a watcher sees when it ends. */
export async function timedBusyIsSeenWithItsEnd(server: ScenarioServer): Promise<void> {
  const { service } = await startAlice(server);
  const [watcher] = await startClients(server.peerServer, ['watcher'], { domain: server.domain });
  const alice = `sip:alice@${server.domain}`;
  watcher.watch(alice);
  const until = Date.now() + 60 * 60_000;
  const self = await service.setStatus({ status: 'busy', note: 'Focus', until });
  expect(self).toMatchObject({ status: 'busy', note: 'Focus', until, publication: { phase: 'published' } });
  const seen = await waitFor(watcher.onBuddy.bind(watcher), (b) => b.aor === alice && b.presence?.status === 'busy', {
    current: watcher.buddies.find((b) => b.aor === alice),
    what: 'the watcher to see busy',
  });
  expect(seen.presence?.until).toBe(new Date(until).toISOString());
}

/** Step 2: Bob with a once-alert turns Available (twice): the notifier gets exactly one alert, which shows Bob. */
export async function colleagueAvailableAlertsOnce(server: ScenarioServer): Promise<void> {
  const { service, probe, notifications } = await startAlice(server);
  const [bob] = await startClients(server.peerServer, ['bob'], { domain: server.domain });
  const bobAor = `sip:bob@${server.domain}`;
  await service.addBuddy({ aor: bobAor, displayName: 'Bob', group: '' });
  expect(await service.setBuddyAlert({ aor: bobAor, alert: 'once' })).toMatchObject({ aor: bobAor, alert: 'once' });
  const bobShows = async (status: 'away' | 'available') => {
    const since = probe.events.length;
    expect(await bob.setPresence(status, '')).toMatchObject({ phase: 'published' });
    await probe.waitForBuddy((p) => p.aor === bobAor && p.presence?.status === status && !p.stale, {
      since,
      what: `Bob ${status}`,
    });
  };
  await bobShows('away');
  await bobShows('available');
  await probe.waitFor('onBuddiesChanged', (list) => list.some((b) => b.aor === bobAor && b.alert === undefined), {
    what: 'the once-alert off',
  });
  await bobShows('away');
  await bobShows('available');
  expect(notifications).toEqual([
    {
      title: 'Bob is available',
      body: 'Click to show them in the buddy list.',
      onClick: { kind: 'buddy', aor: bobAor },
      suppressWhileDoNotDisturb: false,
    },
  ]);
  // Before Bob's first PUBLISH the server may have said offline: the history starts with what it said.
  const history = await service.buddyHistory({ aor: bobAor });
  expect(history.map((c) => c.status).slice(-4)).toEqual(['away', 'available', 'away', 'available']);
}

/** Step 3: the server stops — Bob greys with the reason; it comes back — Bob is current again after a NOTIFY. */
export async function serverLossMarksBuddiesStale(server: ScenarioServer): Promise<void> {
  const { service, probe } = await startAlice(server);
  const [bob] = await startClients(server.peerServer, ['bob'], { domain: server.domain, timers: QUICK_LOSS_DETECTION });
  const bobAor = `sip:bob@${server.domain}`;
  await service.addBuddy({ aor: bobAor, displayName: 'Bob', group: '' });
  expect(await bob.setPresence('available', 'Here')).toMatchObject({ phase: 'published' });
  const current = (p: BuddyPresence) => p.aor === bobAor && p.presence?.status === 'available' && p.stale === undefined;
  const before = await probe.waitForBuddy(current, { what: 'Bob available' });

  const since = probe.events.length;
  await server.stop();
  // A server that stops cleanly ends the subscription first (terminated), then the connection goes.
  const stale = await probe.waitForBuddy((p) => p.aor === bobAor && p.stale?.reason === 'connection-lost', {
    since,
    what: 'Bob marked stale for the lost connection',
    timeoutMs: 10_000,
  });
  // Never a stale green: once Bob was first marked stale, every later word on him said he was not current (before
  // that, a NOTIFY the server sent while it was stopping is still current news).
  const afterStop = probe.buddyPresences(since).filter((p) => p.aor === bobAor);
  const whileDown = afterStop.slice(afterStop.findIndex((p) => p.stale !== undefined));
  expect(whileDown.length).toBeGreaterThan(0);
  expect(whileDown.every((p) => p.stale !== undefined)).toBe(true);
  // As of the last NOTIFY (a refresh may have come after the one awaited above).
  expect(stale.stale?.asOf).toBeGreaterThanOrEqual(before.changedAt ?? Number.POSITIVE_INFINITY);
  expect(stale.presence?.status).toBe('available');

  const back = probe.events.length;
  await server.start();
  // The first NOTIFY after the reconnection makes Bob current again, whatever it says (the restarted server
  // lost Bob's publication, so it may say offline until Bob publishes again).
  await probe.waitForBuddy((p) => p.aor === bobAor && p.presence !== null && p.stale === undefined, {
    since: back,
    what: 'Bob current again',
    timeoutMs: 20_000,
  });
  await bob.setPresence('available', 'Here');
  await probe.waitForBuddy(current, { since: back, what: 'Bob available and current', timeoutMs: 20_000 });
}

/**
 * Step 4: Alice Available locks her screen: the watcher sees Away, published without the manual class (so it
 * cannot beat a status picked on another device); unlocked, Available again, marked manual.
 */
export async function lockedScreenPublishesUnmarkedAway(server: ScenarioServer): Promise<void> {
  const lock = new FakeScreenLock();
  const { service, probe } = await startAlice(server, lock);
  const [watcher] = await startClients(server.peerServer, ['watcher'], { domain: server.domain });
  const alice = `sip:alice@${server.domain}`;
  watcher.watch(alice);
  await service.setStatus({ status: 'available', note: 'Desk' });
  const sees = (status: string) =>
    waitFor(watcher.onBuddy.bind(watcher), (b) => b.aor === alice && b.presence?.status === status, {
      current: watcher.buddies.find((b) => b.aor === alice),
      what: `the watcher to see ${status}`,
    });
  await sees('available');
  lock.fire('lock-screen');
  expect((await sees('away')).presence?.note).toBe('Desk');
  const isPersonPublish = (e: { direction: string; raw: string }) =>
    e.direction === 'out' && e.raw.startsWith('PUBLISH ') && e.raw.includes('<dm:person');
  const publishes = () =>
    probe
      .received('onTraceBatch')
      .flatMap((batch) => batch.entries)
      .filter(isPersonPublish);
  await probe.waitFor('onTraceBatch', (batch) => batch.entries.some((e) => isPersonPublish(e) && e.raw.includes('<rpid:away/>')), {
    what: 'the PUBLISH of the automatic Away in the trace',
  });
  const awayPublish = publishes().find((e) => e.raw.includes('<rpid:away/>'));
  expect(awayPublish?.raw).not.toContain('<rpid:class>');
  const sinceUnlock = probe.events.length;
  lock.fire('unlock-screen');
  await sees('available');
  await probe.waitFor(
    'onTraceBatch',
    (batch) =>
      batch.entries.some((e) => isPersonPublish(e) && !e.raw.includes('<rpid:away/>') && e.raw.includes('<rpid:class>manual</rpid:class>')),
    { since: sinceUnlock, what: 'the PUBLISH of Available, marked manual' },
  );
}

/** Every step with its test title and time limit, so the compositor's run and Kamailio's run are the same list. */
export const STAYS_RIGHT_SCENARIOS: readonly {
  readonly title: string;
  readonly run: (server: ScenarioServer) => Promise<void>;
  readonly timeoutMs: number;
}[] = [
  {
    title: 'given a timed Busy, then the PUBLISH carries RFC 4480 until and a watcher sees the end time',
    run: timedBusyIsSeenWithItsEnd,
    timeoutMs: 40_000,
  },
  {
    title: 'given a once-alert on Bob, when Bob turns Available twice, then the notifier receives exactly one alert',
    run: colleagueAvailableAlertsOnce,
    timeoutMs: 40_000,
  },
  {
    title: 'given the server stops and comes back, then Bob is marked stale for the lost connection, then current again',
    run: serverLossMarksBuddiesStale,
    timeoutMs: 60_000,
  },
  {
    title:
      'given Available and the screen locked, then watchers see Away published without the manual class; unlocked, Available marked manual',
    run: lockedScreenPublishesUnmarkedAway,
    timeoutMs: 40_000,
  },
];
