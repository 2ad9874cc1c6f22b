/**
 * System sleep and network changes at the engine: `SipClient.suspend()` takes our publication off the
 * server (a watcher sees offline), `reconnectNow()` brings the account back at once — connection,
 * registration, publication, subscriptions — without waiting for the reconnection back-off. Real
 * sockets against the built-in compositor; the watcher is another real SipClient.
 */
import { describe, expect, it } from 'vitest';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import type { SipClient } from '../../../electron/sip/sip-client';
import { startFixture, startSharedFixture } from '../../support/compositor/compositor-fixture';
import { freePort } from '../../support/net/free-port';
import { startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const ALICE = 'sip:alice@example.com';
/** A back-off far longer than any wait below: a recovery within the test cannot have come from it. */
const LONG_BACKOFF = { reconnectBase: 60_000, reconnectMax: 60_000 };

function untilBuddy(client: SipClient, predicate: (b: BuddyPresence) => boolean, what: string): Promise<BuddyPresence> {
  return waitFor(client.onBuddy.bind(client), (b) => b.aor === ALICE && predicate(b), { what, timeoutMs: 5_000 });
}

/** Alice published as available, Bob watching her and seeing it. */
async function aliceWatchedByBob(server: string) {
  const [alice, bob] = await startClients(server, ['alice', 'bob'], { timers: LONG_BACKOFF });
  expect(await alice.setPresence('available', 'At my desk')).toMatchObject({ phase: 'published' });
  const available = untilBuddy(bob, (b) => b.presence?.status === 'available', 'bob to see alice available');
  bob.watch(ALICE);
  await available;
  return { alice, bob };
}

describe('suspend and reconnect now', () => {
  it('given alice watched by bob, when alice suspends, then her publication is removed and bob sees her offline while she stays registered', async () => {
    const fixture = await startFixture();
    const { alice, bob } = await aliceWatchedByBob(fixture.server.addresses.tcp!.uri);

    const offline = untilBuddy(bob, (b) => b.presence?.status === 'offline', 'bob to see alice offline');
    expect(await alice.suspend({ timeoutMs: 2_000 })).toMatchObject({ phase: 'removed' });
    await offline;
    expect(fixture.server.counters().publicationsActive).toBe(0);
    expect(alice.accountState.phase).toBe('registered');
  });

  it('given a suspended alice whose connection died in the sleep, when she reconnects now, then she is back at once — not after the back-off — and bob sees her status again', async () => {
    const port = await freePort();
    const transports = { udpPort: null, tcpPort: port, wsPort: null } as const;
    const before = await startSharedFixture(transports);
    const { alice, bob } = await aliceWatchedByBob(before.server.addresses.tcp!.uri);
    await alice.suspend({ timeoutMs: 2_000 });

    // The sleep took the connections down: both clients fail and wait for a long back-off.
    const aliceFailed = waitFor(alice.onAccountState.bind(alice), (s) => s.phase === 'failed', {
      what: 'alice to lose the server',
      current: alice.accountState,
    });
    await before.stop();
    const failed = await aliceFailed;
    await waitFor(bob.onAccountState.bind(bob), (s) => s.phase === 'failed', { what: 'bob to lose the server', current: bob.accountState });
    await startFixture(transports);

    const resumedAt = Date.now();
    const available = untilBuddy(
      bob,
      (b) => b.presence?.status === 'available' && b.presence.note === 'At my desk',
      'bob to see alice available again',
    );
    bob.reconnectNow();
    alice.reconnectNow();
    await available;
    expect(alice.accountState.phase).toBe('registered');
    expect(alice.publication).toMatchObject({ phase: 'published', status: 'available', note: 'At my desk' });
    expect(failed.retryAt).toBeGreaterThan(resumedAt + 30_000);
    expect(Date.now()).toBeLessThan(failed.retryAt!);
  });

  it('given a status chosen while suspended, when alice reconnects now, then the new choice is published, not the one from before', async () => {
    const fixture = await startFixture();
    const { alice, bob } = await aliceWatchedByBob(fixture.server.addresses.tcp!.uri);
    await alice.suspend({ timeoutMs: 2_000 });
    await alice.setPresence('busy', 'In a call');

    alice.reconnectNow();
    await waitFor(alice.onAccountState.bind(alice), (s) => s.phase === 'registered', { what: 'alice to register again' });
    await untilBuddy(bob, (b) => b.presence?.status === 'busy', 'bob to see alice busy');
    await waitFor(alice.onPublication.bind(alice), (p) => p.phase === 'published', {
      what: 'the publication to settle',
      current: alice.publication,
    });
    expect(alice.publication).toMatchObject({ status: 'busy', note: 'In a call' });
  });
});
