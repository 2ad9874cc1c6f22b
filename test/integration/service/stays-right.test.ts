/**
 * Presence that stays right, over real SIP with the built-in compositor on 127.0.0.1 as the server: a timed
 * Busy publishes its end, a colleague's availability alert fires once, and stopping the server greys the
 * buddies until it is back. The steps are shared with Kamailio's run (test/support/service/stays-right-scenario.ts).
 */
import { describe, it, onTestFinished } from 'vitest';
import { startCompositor, type RunningCompositor } from '../../../electron/compositor';
import { STAYS_RIGHT_SCENARIOS, type ScenarioServer } from '../../support/service/stays-right-scenario';

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
  for (const scenario of STAYS_RIGHT_SCENARIOS) {
    it(
      scenario.title,
      async () => {
        await scenario.run(await compositorServer());
      },
      scenario.timeoutMs,
    );
  }
});
