/**
 * "Who can see you" in the service (electron/service/watcher-desk.ts) on the built-in compositor with a users file:
 * a pending watcher appears in the watchers state, decideWatcher writes the rules over XCAP and the watcher becomes
 * active; without an XCAP root, or for an address nobody asked from, the request fails with a sentence.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS, type AccountForm } from '../../../shared/account/account-settings';
import { startCompositor, userEntry, type RunningCompositor } from '../../../electron/compositor';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { freePort } from '../../support/net/free-port';
import { ServiceProbe } from '../../support/service-probe';
import { startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const DOMAIN = 'example.com';
const ALICE = `sip:alice@${DOMAIN}`;
const BOB = `sip:bob@${DOMAIN}`;
const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };

let dataDir: string;
let compositor: RunningCompositor;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-watchers-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  compositor = await startCompositor({
    host: '127.0.0.1',
    udpPort: 0,
    tcpPort: 0,
    wsPort: 0,
    domains: [DOMAIN],
    authentication: { realm: DOMAIN, users: Object.entries(PASSWORDS).map(([user, password]) => userEntry(DOMAIN, user, password)) },
  });
  onTestFinished(() => compositor.stop());
});

async function signedInAlice(
  overrides: Partial<AccountForm>,
): Promise<{ readonly service: PresenceService; readonly probe: ServiceProbe }> {
  const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  await service.start();
  const probe = ServiceProbe.attach(service);
  expect(probe.snapshot.watchers.availability).toBe('off');
  await service.saveAccount({
    ...DEFAULT_ACCOUNT_SETTINGS,
    aor: ALICE,
    password: PASSWORDS.alice,
    server: compositor.addresses.tcp!.uri,
    ...overrides,
  });
  await probe.waitFor('onWatchersChanged', (w) => w.availability === 'listening', { what: 'watcher information listening' });
  return { service, probe };
}

async function bobAsks(): Promise<void> {
  const [bob] = await startClients(compositor.addresses.udp!.uri, ['bob'], { domain: DOMAIN, passwords: PASSWORDS });
  const pending = waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'pending', { what: 'bob pending' });
  bob.watch(ALICE);
  await pending;
}

describe('watchers in the service', () => {
  it('given bob asks to watch, when alice allows him, then the state lists him pending, then active with her rule', async () => {
    const { service, probe } = await signedInAlice({ xcapRoot: compositor.xcapRoot! });
    await bobAsks();
    const asking = await probe.waitFor('onWatchersChanged', (w) => w.watchers.some((x) => x.uri === BOB && x.status === 'pending'));
    expect(asking.canDecide).toBe(true);

    const decided = await service.decideWatcher({ uri: BOB, decision: 'allow' });
    expect(decided.rules).toEqual([{ uri: BOB, handling: 'allow' }]);
    const active = await probe.waitFor('onWatchersChanged', (w) => w.watchers.some((x) => x.uri === BOB && x.status === 'active'));
    expect(active.rulesProblem).toBeNull();
  });

  it('given no XCAP root, when alice answers bob, then it fails saying the server offers no way to answer from here', async () => {
    const { service, probe } = await signedInAlice({});
    await bobAsks();
    const asking = await probe.waitFor('onWatchersChanged', (w) => w.watchers.some((x) => x.uri === BOB));
    expect(asking.canDecide).toBe(false);
    await expect(service.decideWatcher({ uri: BOB, decision: 'allow' })).rejects.toThrow(
      /^This server offers no way to answer watchers from Presently: add its XCAP root/,
    );
  });

  it('given nobody asked, when alice answers an address, then it fails naming it and writes nothing', async () => {
    const { service, probe } = await signedInAlice({ xcapRoot: compositor.xcapRoot! });
    await expect(service.decideWatcher({ uri: 'sip:mallory@example.com', decision: 'allow' })).rejects.toThrow(
      'sip:mallory@example.com is not among the people who asked to see your presence.',
    );
    expect(probe.received('onWatchersChanged').at(-1)?.rules).toEqual([]);
  });

  it('given an XCAP root where nothing listens, when alice answers bob, then it fails saying so and the state keeps the reason', async () => {
    const closed = await freePort();
    const { service, probe } = await signedInAlice({ xcapRoot: `http://127.0.0.1:${closed}/xcap-root` });
    await bobAsks();
    await probe.waitFor('onWatchersChanged', (w) => w.watchers.some((x) => x.uri === BOB));
    await expect(service.decideWatcher({ uri: BOB, decision: 'block' })).rejects.toThrow(
      /^Could not reach the presence server's rules at http:\/\/127\.0\.0\.1:\d+: /,
    );
    expect(probe.received('onWatchersChanged').at(-1)?.rulesProblem).toMatch(/^Could not reach the presence server's rules/);
  });
});
