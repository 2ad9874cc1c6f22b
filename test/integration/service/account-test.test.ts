/**
 * "Test connection": the service registers once with the form's account by a throwaway client against
 * the real built-in compositor on 127.0.0.1, and against a port where nothing listens; nothing is saved
 * and the running offline demo (its own real compositor) carries on. Nothing is mocked.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS, type AccountForm } from '../../../shared/account/account-settings';
import { startCompositorDemo } from '../../../electron/service/demo/compositor-demo';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { freePort } from '../../support/net/free-port';
import { ServiceProbe } from '../../support/service-probe';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-account-test-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
});

async function demoService(): Promise<{ service: PresenceService; probe: ServiceProbe }> {
  const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined, startDemo: () => startCompositorDemo() });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  await service.start();
  const probe = ServiceProbe.attach(service);
  await probe.waitFor('onAccountStateChanged', (state) => state.phase === 'registered', { what: 'the demo to register' });
  return { service, probe };
}

const form = (server: string): AccountForm => ({ ...DEFAULT_ACCOUNT_SETTINGS, aor: 'sip:alice@example.test', server });

describe('testing an account', () => {
  it('given the built-in compositor, then the test reports the registration with the server and its time, and the demo runs on', async () => {
    const compositor = (await startFixture()).server;
    const { service, probe } = await demoService();
    const demoServer = service.demoEnvironment!.server;
    const before = probe.received('onAccountStateChanged').length;

    const result = await service.testAccount(form(compositor.addresses.tcp!.uri));

    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/^Registered with Presently’s built-in server \S+ in \d+ ms\.$/);
    // The demo's session carries on: same world, still registered with it.
    expect(service.demoEnvironment?.server).toBe(demoServer);
    for (const state of probe.received('onAccountStateChanged').slice(before))
      expect(state).toMatchObject({ phase: 'registered', server: demoServer });
    expect(probe.received('onSessionChanged')).toEqual([]);
  });

  it('given a port where nothing listens, then the test reports the problem in a sentence and nothing is saved', async () => {
    const { service, probe } = await demoService();
    const port = await freePort();

    const result = await service.testAccount(form(`sip:127.0.0.1:${port};transport=tcp`));

    expect(result.ok).toBe(false);
    expect(result.message.length).toBeGreaterThan(10);
    expect(result.message).not.toMatch(/^Registered/);
    expect(service.demoEnvironment).not.toBeNull();
    expect(probe.received('onSessionChanged')).toEqual([]);
  });

  it('given an invalid form, then the test is refused with the field rules', async () => {
    const { service } = await demoService();
    await expect(service.testAccount(form('sip:x;transport=carrier-pigeon'))).rejects.toThrow();
  });
});
