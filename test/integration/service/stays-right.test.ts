/**
 * Presence that stays right, over real SIP with the built-in compositor on 127.0.0.1 as the server: a timed
 * Busy publishes its end, a colleague's availability alert fires once, and stopping the server greys the
 * buddies until it is back. The steps are shared with Kamailio's run (test/support/service/stays-right-scenario.ts).
 */
import { describe, it, onTestFinished } from 'vitest';
import { startCompositor, type RunningCompositor } from '../../../electron/compositor';
import {
  colleagueAvailableAlertsOnce,
  lockedScreenPublishesUnmarkedAway,
  serverLossMarksBuddiesStale,
  timedBusyIsSeenWithItsEnd,
  type ScenarioServer,
} from '../../support/service/stays-right-scenario';

const DOMAIN = 'example.test';

/** A compositor that can be stopped and started again on the same ports (its memory wiped, as a restarted server's is). */
async function compositorServer(): Promise<ScenarioServer> {
  let running: RunningCompositor | null = await startCompositor({ domains: [DOMAIN], log: () => undefined });
  const { udp, tcp } = running.addresses;
  if (!udp || !tcp) throw new Error('the compositor needs UDP and TCP here');
  onTestFinished(() => running?.stop());
  return {
    accountServer: tcp.uri,
    peerServer: udp.uri,
    domain: DOMAIN,
    stop: async () => {
      await running?.stop();
      running = null;
    },
    start: async () => {
      running = await startCompositor({ domains: [DOMAIN], udpPort: udp.port, tcpPort: tcp.port, log: () => undefined });
    },
  };
}

describe('presence that stays right, on the built-in compositor', () => {
  it('given a timed Busy, then the PUBLISH carries RFC 4480 until and a watcher sees the end time', async () => {
    await timedBusyIsSeenWithItsEnd(await compositorServer());
  });

  it('given a once-alert on Bob, when Bob turns Available twice, then the notifier receives exactly one alert', async () => {
    await colleagueAvailableAlertsOnce(await compositorServer());
  });

  it('given the server stops, then Bob is marked stale for the lost connection; when it is back, then Bob is current again', async () => {
    await serverLossMarksBuddiesStale(await compositorServer());
  }, 40_000);

  it('given Available and the screen locked, then watchers see Away published without the manual class; unlocked, Available marked manual', async () => {
    await lockedScreenPublishesUnmarkedAway(await compositorServer());
  }, 40_000);
});
