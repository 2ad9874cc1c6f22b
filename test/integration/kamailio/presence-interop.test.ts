/**
 * Interoperability with a real presence server: Kamailio 5.6 with the presence and presence_xml
 * modules (test/support/kamailio/), on loopback, all state in memory. Two engines — alice publishing,
 * bob watching — talk to it exactly as the app and the command line do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipClient, type SipAccountConfig } from '../../../electron/sip/sip-client';
import { startKamailio, type KamailioTransport, type RunningKamailio } from '../../support/kamailio/kamailio';
import { waitFor } from '../../support/sip/wait-for';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret', carol: 'carol-secret' };

function account(kamailio: RunningKamailio, user: keyof typeof PASSWORDS, transport: KamailioTransport, extra: Partial<SipAccountConfig> = {}): SipAccountConfig {
  return {
    aor: `sip:${user}@example.com`,
    password: PASSWORDS[user],
    server: kamailio.serverUri(transport),
    register: true,
    publish: true,
    registerExpires: 300,
    publishExpires: 300,
    subscribeExpires: 300,
    ...extra,
  };
}

const buddyOf = (client: SipClient, aor: string) => client.buddies.find((b) => b.aor === aor);

describe('Kamailio presence server interoperability', () => {
  let kamailio: RunningKamailio;
  const clients: SipClient[] = [];

  beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: PASSWORDS });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop({ timeoutMs: 2_000 })));
    await kamailio?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`given alice and bob registered over ${transport} with digest auth, when alice publishes busy with a note and then removes it, then bob sees busy with the note and then offline`, async () => {
      const alice = new SipClient(account(kamailio, 'alice', transport));
      const bob = new SipClient(account(kamailio, 'bob', transport));
      clients.push(alice, bob);
      expect((await alice.start()).phase).toBe('registered');
      expect((await bob.start()).phase).toBe('registered');

      bob.watch('sip:alice@example.com');
      await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active', { what: 'an active subscription', current: buddyOf(bob, 'sip:alice@example.com') });

      const published = await alice.setPresence('busy', 'Writing the quarterly report');
      expect(published).toMatchObject({ phase: 'published', status: 'busy', note: 'Writing the quarterly report' });
      expect(published.etag).toEqual(expect.any(String));

      const busy = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'busy', {
        what: 'alice busy at bob',
        current: buddyOf(bob, 'sip:alice@example.com'),
      });
      expect(busy.presence).toMatchObject({ status: 'busy', note: 'Writing the quarterly report', activities: ['busy'] });

      expect(await alice.clearPresence()).toMatchObject({ phase: 'removed' });
      const offline = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'offline', { current: bob.buddies[0], what: 'alice offline at bob' });
      expect(offline.subscription.phase).toBe('active');
      expect(offline.presence?.note).toBeNull();
    });
  }

  it('given a wrong password, when the account starts, then registration fails with the 401 explained', async () => {
    const mallory = new SipClient({ ...account(kamailio, 'carol', 'udp'), password: 'not-the-password' });
    clients.push(mallory);
    const state = await mallory.start();
    expect(state.phase).toBe('failed');
    expect(state.problem).toMatchObject({ statusCode: 401 });
    expect(state.problem?.message).toMatch(/did not accept the user name or password/);
    expect(state.retryAt).toEqual(expect.any(Number));
  });
});

describe('Kamailio presence server with watcher authorisation (force_active=0)', () => {
  let kamailio: RunningKamailio;
  const clients: SipClient[] = [];

  beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp'], forceActive: false, confirmWatchersOf: ['alice'] });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop({ timeoutMs: 2_000 })));
    await kamailio?.stop();
  });

  it('given alice requires her watchers to be confirmed, when bob watches her, then the subscription is pending with no presence — not offline', async () => {
    const config = { server: kamailio.serverUri('udp'), register: true, publish: true, registerExpires: 300, publishExpires: 300, subscribeExpires: 300 };
    const alice = new SipClient({ ...config, aor: 'sip:alice@example.com' });
    const bob = new SipClient({ ...config, aor: 'sip:bob@example.com' });
    clients.push(alice, bob);
    await alice.start();
    await bob.start();
    await alice.setPresence('away', 'Lunch');
    bob.watch('sip:alice@example.com');
    const pending = await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'pending', { current: bob.buddies[0], what: 'a pending subscription' });
    expect(pending.presence).toBeNull();
    expect(pending.subscription.expiresAt).toEqual(expect.any(Number));
  });
});
