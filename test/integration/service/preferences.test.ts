/**
 * The service's preferences: applied (start at login) before they are saved, kept on failure, sent to
 * the window, remembered across restarts; "trace to file" passes SIP messages on only while it is on.
 * A real service; for the trace, signed in to the built-in compositor.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import type { AppPreferences } from '../../../shared/ipc/contract';
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { nodeHostInfo, PresenceService, type PresenceServiceOptions } from '../../../electron/service/presence-service';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { ServiceProbe } from '../../support/service-probe';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-preferences-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
});

async function startedService(options: Partial<PresenceServiceOptions> = {}): Promise<PresenceService> {
  const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined, ...options });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  await service.start();
  return service;
}

describe('preferences', () => {
  it('given a first start, then start at login and trace to file are off and keep running in the tray is on; when one is changed, then it is applied, sent to the window and still there after a restart', async () => {
    const applied: AppPreferences[] = [];
    const service = await startedService({ applyPreferences: async (p) => void applied.push(p) });
    const probe = ServiceProbe.attach(service);
    expect(probe.snapshot.preferences).toEqual({ keepRunningInTray: true, startAtLogin: false, traceToFile: false });

    expect(await service.setPreferences({ startAtLogin: true })).toEqual({
      keepRunningInTray: true,
      startAtLogin: true,
      traceToFile: false,
    });
    expect(applied).toEqual([{ keepRunningInTray: true, startAtLogin: true, traceToFile: false }]);
    await probe.waitFor('onPreferencesChanged', (p) => p.startAtLogin, { what: 'the change' });
    await service.stop();

    const again = await startedService();
    expect(again.preferences).toEqual({ keepRunningInTray: true, startAtLogin: true, traceToFile: false });
  });

  it('given applying fails (the autostart folder cannot be written), then the user reads why and nothing is saved', async () => {
    const service = await startedService({ applyPreferences: () => Promise.reject(new Error('EACCES: permission denied')) });
    await expect(service.setPreferences({ startAtLogin: true })).rejects.toThrow(
      /could not be applied \(EACCES: permission denied\); nothing was changed/,
    );
    expect(service.preferences.startAtLogin).toBe(false);
  });

  it('given trace to file off, then no SIP message is passed on; turned on, then every message is', async () => {
    const compositor = (await startFixture()).server;
    const traced: UnnumberedTraceEntry[] = [];
    const service = await startedService({ traceToFile: (entry) => traced.push(entry) });
    const probe = ServiceProbe.attach(service);
    await service.saveAccount({ ...DEFAULT_ACCOUNT_SETTINGS, aor: 'sip:alice@example.com', server: compositor.addresses.tcp!.uri });
    await probe.waitFor('onAccountStateChanged', (s) => s.phase === 'registered', { what: 'registration' });
    await service.setStatus({ status: 'busy', note: 'first' });
    expect(traced).toEqual([]);

    await service.setPreferences({ traceToFile: true });
    await service.setStatus({ status: 'away', note: 'second' });
    expect(traced.some((e) => e.direction === 'out' && e.raw.startsWith('PUBLISH ') && e.raw.includes('second'))).toBe(true);
    expect(traced.some((e) => e.direction === 'in' && e.raw.startsWith('SIP/2.0 200'))).toBe(true);
  });
});
