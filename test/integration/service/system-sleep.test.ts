/**
 * The PresenceService when the computer sleeps and wakes: a real service signed in to the built-in
 * compositor, a real SipClient watching it. Before sleep watchers see us offline; after waking (or a
 * network change) the account is back with our status at once, though the engine's back-off is a minute.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import type { SipClient } from '../../../electron/sip/sip-client';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { ServiceProbe } from '../../support/service-probe';
import { startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const ME = 'sip:alice@example.com';

function untilMe(watcher: SipClient, predicate: (b: BuddyPresence) => boolean, what: string): Promise<BuddyPresence> {
  return waitFor(watcher.onBuddy.bind(watcher), (b) => b.aor === ME && predicate(b), { what, timeoutMs: 5_000 });
}

/** A service signed in as alice, published as away with a note, and a watcher that sees it. */
async function signedInAndWatched() {
  const compositor = (await startFixture()).server;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'presently-sleep-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  const service = new PresenceService({
    host: nodeHostInfo(),
    dataDir,
    log: () => undefined,
    sipOptions: { timers: { reconnectBase: 60_000, reconnectMax: 60_000 } },
  });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  await service.start();
  const probe = ServiceProbe.attach(service);
  await service.saveAccount({ ...DEFAULT_ACCOUNT_SETTINGS, aor: ME, server: compositor.addresses.tcp!.uri });
  await probe.waitFor('onAccountStateChanged', (s) => s.phase === 'registered', { what: 'registration' });
  await service.setStatus({ status: 'away', note: 'Lunch' });
  const [watcher] = await startClients(compositor.addresses.udp!.uri, ['watcher']);
  const away = untilMe(watcher, (b) => b.presence?.status === 'away', 'the watcher to see away');
  watcher.watch(ME);
  await away;
  return { service, probe, watcher, compositor };
}

describe('presence service across system sleep', () => {
  it('given a published status, when the computer suspends, then watchers see offline; when it resumes, then they see the status again', async () => {
    const { service, probe, watcher, compositor } = await signedInAndWatched();

    const offline = untilMe(watcher, (b) => b.presence?.status === 'offline', 'offline before sleep');
    await service.systemSuspended();
    await offline;
    expect(compositor.counters().publicationsActive).toBe(0);

    const mark = probe.mark();
    const back = untilMe(watcher, (b) => b.presence?.status === 'away' && b.presence.note === 'Lunch', 'away again after waking');
    service.systemResumed();
    await probe.waitFor('onAccountStateChanged', (s) => s.phase === 'registered', { since: mark, what: 'registration after waking' });
    await back;
  });

  it('given a running account, when the network changes, then it reconnects and registers again at once', async () => {
    const { service, probe } = await signedInAndWatched();
    const mark = probe.mark();
    service.networkChanged();
    await probe.waitFor('onAccountStateChanged', (s) => s.phase === 'connecting', {
      since: mark,
      what: 'a new connection',
      timeoutMs: 1_000,
    });
    await probe.waitFor('onAccountStateChanged', (s) => s.phase === 'registered', {
      since: mark,
      what: 'registration after the change',
      timeoutMs: 3_000,
    });
  });
});
