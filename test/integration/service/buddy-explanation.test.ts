/**
 * "Why is this buddy offline?" through the PresenceService against real SIP: the built-in compositor on 127.0.0.1,
 * serving one domain (so it answers 404 for any other), the real engine as the service's user agent, and a real
 * SipClient as a buddy who publishes. Nothing is mocked; the history comes from the engine's states and the trace tap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import { summarizeSipMessage } from '../../../shared/trace/trace-summary';
import type { RunningCompositor } from '../../../electron/compositor';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { UserFacingError } from '../../../electron/ipc/user-facing-error';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { ServiceProbe } from '../../support/service-probe';
import { startClients } from '../../support/sip/sip-clients';

const DOMAIN = 'example.test';
const ME = `sip:alice@${DOMAIN}`;
const STRANGER = 'sip:carol@elsewhere.test';
const NOBODY = `sip:nobody@${DOMAIN}`;
const BOB = `sip:bob@${DOMAIN}`;

let dataDir: string;
let compositor: RunningCompositor;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-explain-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  compositor = (await startFixture({ domains: [DOMAIN] })).server;
});

async function startedService(): Promise<{ service: PresenceService; probe: ServiceProbe }> {
  const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  await service.start();
  await service.saveAccount({ ...DEFAULT_ACCOUNT_SETTINGS, displayName: 'Alice', aor: ME, server: compositor.addresses.tcp!.uri });
  const probe = ServiceProbe.attach(service);
  await probe.waitFor('onAccountStateChanged', (state) => state.phase === 'registered', { what: 'registration' });
  return { service, probe };
}

/** The Call-IDs of the presence SUBSCRIBEs the service sent to `aor`, from its trace. */
function subscribeCallIds(probe: ServiceProbe, aor: string): string[] {
  return probe
    .received('onTraceBatch')
    .flatMap((batch) => batch.entries)
    .filter((entry) => entry.direction === 'out')
    .map((entry) => summarizeSipMessage(entry.raw))
    .filter((summary) => summary.method === 'SUBSCRIBE' && summary.kind === 'request' && summary.to === aor)
    .map((summary) => summary.callId);
}

describe('explaining a buddy from its subscription history', () => {
  it('given an address the server does not serve, then the explanation is the 404 refusal, naming the attempt’s Call-ID', async () => {
    const { service, probe } = await startedService();
    await service.addBuddy({ aor: STRANGER, displayName: 'Carol', group: '' });
    await probe.waitForBuddy((b) => b.aor === STRANGER && b.subscription.phase === 'error', { what: 'the 404' });

    const explanation = service.explainBuddy({ aor: STRANGER });
    expect(explanation.cause).toBe('refused');
    // The reason phrase is the server's, as on the wire.
    expect(explanation.headline).toMatch(new RegExp(`^The server does not know ${STRANGER} \\(404 Not Found\\b`));
    expect(explanation.retryAt).toBeGreaterThan(Date.now());
    await probe.waitFor('onTraceBatch', () => subscribeCallIds(probe, STRANGER).length > 0, { what: 'the SUBSCRIBE in the trace' });
    expect(subscribeCallIds(probe, STRANGER)).toContain(explanation.callId);
  });

  it('given an address nobody publishes for, then no device of theirs publishes; once the buddy publishes, presence arrives', async () => {
    const { service, probe } = await startedService();
    await service.addBuddy({ aor: NOBODY, displayName: 'Nobody', group: '' });
    await service.addBuddy({ aor: BOB, displayName: 'Bob', group: '' });
    await probe.waitForBuddy((b) => b.aor === NOBODY && b.subscription.phase === 'active', { what: 'active' });

    expect(service.explainBuddy({ aor: NOBODY })).toMatchObject({
      cause: 'no-publication',
      headline: "No device of Nobody's is publishing presence",
      callId: expect.any(String),
    });

    const [bob] = await startClients(compositor.addresses.udp!.uri, ['bob'], { domain: DOMAIN });
    await bob!.setPresence('busy', 'In the lab');
    await probe.waitForBuddy((b) => b.aor === BOB && b.presence?.status === 'busy', { what: 'Bob busy' });
    expect(service.explainBuddy({ aor: BOB })).toMatchObject({ cause: 'online', headline: 'Bob is busy' });
  });

  it('given an address not in the buddy list, then it is refused with a reason', async () => {
    const { service } = await startedService();
    expect(() => service.explainBuddy({ aor: 'sip:who@example.test' })).toThrow(UserFacingError);
  });
});
