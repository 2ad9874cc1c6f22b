/**
 * The fast inbound reader (electron/sip/transport/inbound-message.ts) on what real presence servers send: every
 * message two engines receive from Kamailio (registration with digest challenges, PUBLISH answers, SUBSCRIBE answers
 * and NOTIFYs over UDP and TCP) and from the built-in compositor is read by both the fast reader and sip.js's parser,
 * which must agree (test/support/sip/sip-js-equivalence.ts). Nothing is mocked: real servers on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SipClient } from '../../../electron/sip/sip-client';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { readStartLine } from '../../../shared/sip/start-line';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { createClients, type TestClientOptions } from '../../support/sip/sip-clients';
import { expectSameAsSipJs } from '../../support/sip/sip-js-equivalence';
import { waitFor } from '../../support/sip/wait-for';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };
const ALICE = 'sip:alice@example.com';

/** Alice and Bob on `server`, started, and every message they receive from their first (keep-alives aside). */
async function aliceAndBob(
  server: string,
  options: TestClientOptions = {},
): Promise<{ alice: SipClient; bob: SipClient; texts: string[] }> {
  const [alice, bob] = createClients(server, ['alice', 'bob'], options);
  const texts: string[] = [];
  for (const client of [alice, bob]) {
    client.onTrace((entry) => {
      if (entry.direction === 'in' && entry.raw.trim() !== '') texts.push(entry.raw);
    });
    const state = await client.start();
    expect(state, JSON.stringify(state.problem)).toMatchObject({ phase: 'registered' });
  }
  return { alice, bob, texts };
}

/** Alice publishes busy and then clears it while Bob watches her (each wait set up before its cause). */
async function presenceRoundTrip(alice: SipClient, bob: SipClient): Promise<void> {
  const until = (predicate: (b: BuddyPresence) => boolean, what: string) =>
    waitFor(bob.onBuddy.bind(bob), (b) => b.aor === ALICE && predicate(b), { what });
  const active = until((b) => b.subscription.phase === 'active', 'an active subscription');
  bob.watch(ALICE);
  await active;
  const busy = until((b) => b.presence?.status === 'busy', 'alice busy at bob');
  expect(await alice.setPresence('busy', 'Réunion 🎧 <&>')).toMatchObject({ phase: 'published' });
  await busy;
  const offline = until((b) => b.presence?.status === 'offline', 'alice offline at bob');
  expect(await alice.clearPresence()).toMatchObject({ phase: 'removed' });
  await offline;
}

/** What each reader took, by the message's first line's method or status. */
function readers(texts: readonly string[]): { notifies: string[]; answers: string[]; challenges: string[] } {
  const result = { notifies: [] as string[], answers: [] as string[], challenges: [] as string[] };
  for (const text of texts) {
    const reader = expectSameAsSipJs(text);
    const start = readStartLine(text.slice(0, text.indexOf('\r\n')));
    if (start?.kind === 'request' && start.method === 'NOTIFY') result.notifies.push(reader);
    else if (start?.kind === 'response' && (start.status === 401 || start.status === 407)) result.challenges.push(reader);
    else result.answers.push(reader);
  }
  return result;
}

describe('the fast inbound reader on Kamailio', () => {
  let kamailio: RunningKamailio;

  beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: PASSWORDS });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  for (const transport of ['udp', 'tcp'] as const) {
    it(`given alice and bob over ${transport}, then every NOTIFY and answer Kamailio sends is read by the fast reader as sip.js reads it, and only the digest challenges are left to sip.js`, async () => {
      const { alice, bob, texts } = await aliceAndBob(kamailio.serverUri(transport), { passwords: PASSWORDS });
      await presenceRoundTrip(alice, bob);
      const taken = readers(texts);
      expect(taken.notifies.length).toBeGreaterThanOrEqual(3);
      expect(new Set(taken.notifies)).toEqual(new Set(['read here']));
      expect(new Set(taken.answers)).toEqual(new Set(['read here']));
      // Kamailio challenges REGISTER, PUBLISH and SUBSCRIBE; WWW-Authenticate is left to sip.js's parser.
      expect(taken.challenges.length).toBeGreaterThanOrEqual(2);
      expect(new Set(taken.challenges)).toEqual(new Set(['left to sip.js']));
    });
  }
});

describe('the fast inbound reader on the built-in compositor', () => {
  it('given alice and bob over TCP, then every message the compositor sends is read by the fast reader as sip.js reads it', async () => {
    const fixture = await startFixture();
    const { alice, bob, texts } = await aliceAndBob(fixture.server.addresses.tcp?.uri ?? '');
    await presenceRoundTrip(alice, bob);
    const taken = readers(texts);
    expect(taken.notifies.length).toBeGreaterThanOrEqual(3);
    expect(new Set([...taken.notifies, ...taken.answers])).toEqual(new Set(['read here']));
  });
});
