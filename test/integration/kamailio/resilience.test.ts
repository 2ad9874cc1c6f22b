/**
 * The engine when the network or the server misbehaves, against a real Kamailio presence server:
 * - UDP through a relay that drops 30 % of the datagrams each way (a scripted network, see
 *   test/support/sip/lossy-udp-relay.ts): retransmissions on both sides still get every change across;
 * - the server going away and coming back with its memory wiped: the engine notices, reports it,
 *   reconnects with back-off, registers again, publishes again (412 → afresh) and subscribes again,
 *   paced, and the watcher sees the presence again.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { startKamailio } from '../../support/kamailio/kamailio';
import { startLossyUdpRelay } from '../../support/sip/lossy-udp-relay';
import { createClients } from '../../support/sip/sip-clients';
import { exchanges, readTraced } from '../../support/sip/trace-reading';
import { waitFor } from '../../support/sip/wait-for';

/** The server's disappearance noticed within about a second (keep-alives every 200 ms), and re-subscriptions paced far enough apart to measure. */
const QUICK_LOSS_DETECTION = { keepAliveInterval: 200, keepAliveTimeout: 1_000 };

describe('resilience against a real presence server (Kamailio)', () => {
  it('given UDP through a relay that drops 30 % of the datagrams each way, when alice publishes, modifies and removes, then bob still sees busy, then away, then offline', async () => {
    const kamailio = await startKamailio({ transports: ['udp'], fixContacts: true });
    onTestFinished(() => kamailio.stop());
    const relay = await startLossyUdpRelay({ targetPort: kamailio.ports.udp ?? 0, lossRate: 0.3, seed: 20_240_611 });
    onTestFinished(() => relay.close());
    const [alice, bob] = createClients(`sip:127.0.0.1:${relay.port}`, ['alice', 'bob'], { account: { subscribeExpires: 20 } });
    const aliceTrace: UnnumberedTraceEntry[] = [];
    alice.onTrace((entry) => aliceTrace.push(entry));

    // Registration may need several attempts: the engine keeps trying with back-off on its own.
    await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'registered', {
      current: await alice.start(),
      timeoutMs: 40_000,
      what: 'alice registered',
    });
    await waitFor(bob.onAccountState.bind(bob), (c) => c.phase === 'registered', {
      current: await bob.start(),
      timeoutMs: 40_000,
      what: 'bob registered',
    });
    bob.watch('sip:alice@example.com');

    const steps = [
      { status: 'busy', note: 'On a customer call' },
      { status: 'away', note: 'Back in 10' },
    ] as const;
    for (const step of steps) {
      const published = await alice.setPresence(step.status, step.note);
      // A publication that timed out is retried by the engine; wait for it to land.
      if (published.phase !== 'published') {
        await waitFor(alice.onPublication.bind(alice), (p) => p.phase === 'published' && p.status === step.status, {
          current: alice.publication,
          timeoutMs: 40_000,
          what: `${step.status} published`,
        });
      }
      await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === step.status && b.presence.note === step.note, {
        current: bob.buddies[0],
        timeoutMs: 40_000,
        what: `${step.status} at bob`,
      });
    }
    const removed = await alice.clearPresence();
    expect(['removed', 'failed']).toContain(removed.phase);
    await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'offline', {
      current: bob.buddies[0],
      timeoutMs: 40_000,
      what: 'offline at bob',
    });

    // The network really lost datagrams, and the engine really retransmitted.
    const { toServer, toClient } = relay.stats;
    expect(toServer.dropped).toBeGreaterThan(0);
    expect(toClient.dropped).toBeGreaterThan(0);
    // About 30 % each way (a seeded generator, so the run is repeatable).
    expect(toServer.dropped / (toServer.dropped + toServer.forwarded)).toBeGreaterThan(0.15);
    expect(toClient.dropped / (toClient.dropped + toClient.forwarded)).toBeGreaterThan(0.15);
    const sentBranches = aliceTrace
      .map(readTraced)
      .filter((m) => m?.direction === 'out' && m.statusCode === 0)
      .map((m) => m?.branch);
    expect(sentBranches.length).toBeGreaterThan(new Set(sentBranches).size);
  }, 180_000);

  for (const transport of ['udp', 'tcp', 'ws'] as const) {
    it(`given ${transport}, when the server goes away and comes back with its memory wiped, then registration, publication and subscriptions are restored and paced`, async () => {
      const kamailio = await startKamailio({ transports: ['udp', 'tcp', 'ws'] });
      onTestFinished(() => kamailio.stop());
      const [alice, bob] = createClients(kamailio.serverUri(transport), ['alice', 'bob'], {
        timers: QUICK_LOSS_DETECTION,
        // One SUBSCRIBE in flight at a time, so that the pacing after the restart shows on the wire.
        subscribePacing: { initialWindow: 1, maxWindow: 1 },
      });
      const aliceTrace: UnnumberedTraceEntry[] = [];
      const bobTrace: UnnumberedTraceEntry[] = [];
      alice.onTrace((entry) => aliceTrace.push(entry));
      bob.onTrace((entry) => bobTrace.push(entry));
      expect(await alice.start()).toMatchObject({ phase: 'registered' });
      expect(await bob.start()).toMatchObject({ phase: 'registered' });
      const buddies = ['sip:alice@example.com', 'sip:carol@example.com', 'sip:dave@example.com'];
      for (const aor of buddies) bob.watch(aor);
      expect(await alice.setPresence('busy', 'Quarterly planning')).toMatchObject({ phase: 'published' });
      await waitFor(bob.onBuddy.bind(bob), (b) => b.aor === buddies[0] && b.presence?.status === 'busy', {
        current: bob.buddies[0],
        what: 'busy at bob',
      });

      // The server goes away: both notice (connection closed, or ICMP port unreachable on a keep-alive).
      const aliceLost = waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'failed', {
        what: 'alice noticing',
        timeoutMs: 10_000,
      });
      const bobLost = waitFor(bob.onAccountState.bind(bob), (c) => c.phase === 'failed', { what: 'bob noticing', timeoutMs: 10_000 });
      await kamailio.stopProcess();
      const lost = await aliceLost;
      await bobLost;
      expect(lost.problem?.message).toEqual(expect.any(String));
      expect(lost.retryAt).toEqual(expect.any(Number));
      // What bob knew about alice is kept, marked as not current — not turned into "offline".
      const stale = bob.buddies.find((b) => b.aor === buddies[0]);
      expect(stale?.subscription.phase).toBe('error');
      expect(stale?.presence?.status).toBe('busy');

      const restartedAt = Date.now();
      await kamailio.startProcess();
      await waitFor(alice.onAccountState.bind(alice), (c) => c.phase === 'registered', {
        current: alice.accountState,
        what: 'alice registered again',
        timeoutMs: 15_000,
      });
      await waitFor(alice.onPublication.bind(alice), (p) => p.phase === 'published', {
        current: alice.publication,
        what: 'alice published again',
        timeoutMs: 15_000,
      });
      const seen = await waitFor(
        bob.onBuddy.bind(bob),
        (b) => b.aor === buddies[0] && b.subscription.phase === 'active' && b.presence?.status === 'busy',
        {
          current: bob.buddies.find((b) => b.aor === buddies[0]),
          what: 'alice busy at bob again',
          timeoutMs: 15_000,
        },
      );
      expect(seen.presence?.note).toBe('Quarterly planning');
      await waitFor(bob.onBuddy.bind(bob), () => bob.buddies.every((b) => b.subscription.phase === 'active'), {
        current: bob.buddies[0],
        what: 'every buddy active again',
        timeoutMs: 15_000,
      });

      // The publication came back through a 412: the old entity tag died with the server's memory.
      const after = exchanges(aliceTrace, 'PUBLISH').filter((x) =>
        x.response ? readTime(aliceTrace, x.request.raw) >= restartedAt : false,
      );
      const statuses = after.map((x) => x.response?.statusCode);
      expect(statuses).toContain(200);
      const fresh = after.find((x) => x.response?.statusCode === 200);
      expect(fresh?.request.header('sip-if-match')).toBeUndefined();
      const rejected = after.find((x) => x.response?.statusCode === 412);
      expect(rejected?.request.header('sip-if-match')).toEqual(expect.any(String));
      expect(statuses.indexOf(412)).toBeLessThan(statuses.indexOf(200));

      // Re-subscriptions were paced, not a burst: through a window of one, each new SUBSCRIBE went out only after the
      // one before it had its final response.
      const resubscribes = exchanges(bobTrace, 'SUBSCRIBE')
        .filter((x) => readTime(bobTrace, x.request.raw) >= restartedAt && !/;\s*tag=/.test(x.request.header('to') ?? ''))
        .map((x) => ({
          sentAt: readTime(bobTrace, x.request.raw),
          answeredAt: x.response ? readTime(bobTrace, x.response.raw) : Infinity,
        }));
      expect(resubscribes.length).toBeGreaterThanOrEqual(buddies.length);
      for (let i = 1; i < resubscribes.length; i++) expect(resubscribes[i]!.sentAt).toBeGreaterThanOrEqual(resubscribes[i - 1]!.answeredAt);
    }, 60_000);
  }
});

function readTime(trace: readonly UnnumberedTraceEntry[], raw: string): number {
  return trace.find((e) => e.raw === raw)?.at ?? 0;
}
