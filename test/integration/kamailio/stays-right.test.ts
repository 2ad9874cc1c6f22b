/**
 * Presence that stays right against a real Kamailio presence server: the same steps as on the built-in
 * compositor (test/support/service/stays-right-scenario.ts) — a timed Busy's `until` reaches a watcher, a
 * once-alert fires once, and the server going away and coming back greys the buddies, then clears them.
 */
import { describe, it, onTestFinished } from 'vitest';
import { startKamailio } from '../../support/kamailio/kamailio';
import { STAYS_RIGHT_SCENARIOS, type ScenarioServer } from '../../support/service/stays-right-scenario';

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
  for (const scenario of STAYS_RIGHT_SCENARIOS) {
    it(
      scenario.title,
      async () => {
        await scenario.run(await kamailioServer());
      },
      scenario.timeoutMs,
    );
  }
});
