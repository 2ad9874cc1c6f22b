/**
 * Presence that stays right against a real Kamailio presence server: the same steps as on the built-in
 * compositor (test/support/service/stays-right-scenario.ts) — a timed Busy's `until` reaches a watcher, a
 * once-alert fires once, and the server going away and coming back greys the buddies, then clears them.
 */
import { describe, it, onTestFinished } from 'vitest';
import { startKamailio } from '../../support/kamailio/kamailio';
import {
  colleagueAvailableAlertsOnce,
  lockedScreenPublishesUnmarkedAway,
  serverLossMarksBuddiesStale,
  timedBusyIsSeenWithItsEnd,
  type ScenarioServer,
} from '../../support/service/stays-right-scenario';

async function kamailioServer(): Promise<ScenarioServer> {
  const kamailio = await startKamailio({ transports: ['udp', 'tcp'] });
  onTestFinished(() => kamailio.stop());
  return {
    accountServer: kamailio.serverUri('tcp'),
    peerServer: kamailio.serverUri('udp'),
    domain: 'example.com',
    stop: () => kamailio.stopProcess(),
    start: () => kamailio.startProcess(),
  };
}

describe('presence that stays right, on Kamailio', () => {
  it('given a timed Busy, then the PUBLISH carries RFC 4480 until and a watcher sees the end time', async () => {
    await timedBusyIsSeenWithItsEnd(await kamailioServer());
  }, 40_000);

  it('given a once-alert on Bob, when Bob turns Available twice, then the notifier receives exactly one alert', async () => {
    await colleagueAvailableAlertsOnce(await kamailioServer());
  }, 40_000);

  it('given the server stops and comes back, then Bob is marked stale for the lost connection, then current again', async () => {
    await serverLossMarksBuddiesStale(await kamailioServer());
  }, 60_000);

  it('given Available and the screen locked, then watchers see Away published without the manual class; unlocked, Available marked manual', async () => {
    await lockedScreenPublishesUnmarkedAway(await kamailioServer());
  }, 40_000);
});
