/**
 * Interoperability with a real presence server: Kamailio 5.6 with the presence and presence_xml
 * modules (test/support/kamailio/), on loopback, all state in memory. Two engines — alice publishing,
 * bob watching — talk to it exactly as the app and the command line do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipClient } from '../../../electron/sip/sip-client';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { createClients, startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' };

const buddyOf = (client: SipClient, aor: string) => client.buddies.find((b) => b.aor === aor);

describe('Kamailio presence server interoperability', () => {
  let kamailio: RunningKamailio;

  beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: PASSWORDS });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`given alice and bob registered over ${transport} with digest auth, when alice publishes busy with a note and then removes it, then bob sees busy with the note and then offline`, async () => {
      const [alice, bob] = await startClients(kamailio.serverUri(transport), ['alice', 'bob'], { passwords: PASSWORDS });

      bob.watch('sip:alice@example.com');
      await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active', {
        what: 'an active subscription',
        current: buddyOf(bob, 'sip:alice@example.com'),
      });

      const published = await alice.setPresence('busy', 'Writing the quarterly report');
      expect(published).toMatchObject({ phase: 'published', status: 'busy', note: 'Writing the quarterly report' });
      expect(published.etag).toEqual(expect.any(String));

      const busy = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'busy', {
        what: 'alice busy at bob',
        current: buddyOf(bob, 'sip:alice@example.com'),
      });
      expect(busy.presence).toMatchObject({ status: 'busy', note: 'Writing the quarterly report', activities: ['busy'] });

      expect(await alice.clearPresence()).toMatchObject({ phase: 'removed' });
      const offline = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'offline', {
        current: bob.buddies[0],
        what: 'alice offline at bob',
      });
      expect(offline.subscription.phase).toBe('active');
      expect(offline.presence?.note).toBeNull();
    });
  }

  it('given a wrong password, when the account starts, then registration fails with the 401 explained', async () => {
    const [mallory] = createClients(kamailio.serverUri('udp'), ['carol'], { account: { password: 'not-the-password' } });
    const state = await mallory.start();
    expect(state.phase).toBe('failed');
    expect(state.problem).toMatchObject({ statusCode: 401 });
    expect(state.problem?.message).toMatch(/did not accept the user name or password/);
    expect(state.retryAt).toEqual(expect.any(Number));
  });
});

describe('Kamailio presence server with watcher authorisation (force_active=0)', () => {
  let kamailio: RunningKamailio;

  beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp'], forceActive: false, confirmWatchersOf: ['alice'] });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  it('given alice requires her watchers to be confirmed, when bob watches her, then the subscription is pending with no presence — not offline', async () => {
    const [alice, bob] = await startClients(kamailio.serverUri('udp'), ['alice', 'bob']);
    await alice.setPresence('away', 'Lunch');
    bob.watch('sip:alice@example.com');
    const pending = await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'pending', {
      current: bob.buddies[0],
      what: 'a pending subscription',
    });
    expect(pending.presence).toBeNull();
    expect(pending.subscription.expiresAt).toEqual(expect.any(Number));
  });
});
