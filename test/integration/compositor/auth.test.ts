/**
 * The compositor with a users file, over real UDP on 127.0.0.1: REGISTER, PUBLISH and SUBSCRIBE are challenged
 * (RFC 3261 §22.4, RFC 7616, RFC 8760), and the authenticated user, not From or To, decides what a request may do.
 * Requests are written by hand (SipTestPeer) so that a test can send a wrong password, a replayed nonce count or
 * forged headers on purpose; the last tests log in with the engine's own SipClient (sip.js's digest).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEntry } from '../../../electron/compositor/auth/users-file';
import type { AuthenticationOptions } from '../../../electron/compositor';
import { authorization, challengesOf, type Answer } from '../../support/compositor/digest-client';
import { pidf, type RequestSpec, type SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';
import { createClients, startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const REALM = 'example.com';
const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';
const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret', voicemail: 'vm-secret' } as const;
const USERS = Object.entries(PASSWORDS).map(([user, password]) => userEntry(REALM, user, password));
const body = (entity = ALICE, note = 'at my desk') => pidf(entity, [{ id: 'pc', basic: 'open', note }]);

async function authFixture(options: Partial<AuthenticationOptions> = {}): Promise<{ fx: CompositorFixture; peer: SipTestPeer }> {
  const fx = await startFixture({
    domains: [REALM],
    thirdPartyPublishers: ['sip:voicemail@example.com'],
    authentication: { users: USERS, realm: REALM, ...options },
    // Logins are what these tests are about; with a users file watchers would otherwise wait for the owner's consent.
    defaultRule: 'allow',
  });
  return { fx, peer: await fx.udpPeer() };
}

const registerSpec = (peer: SipTestPeer, aor: string): RequestSpec => ({
  method: 'REGISTER',
  uri: 'sip:example.com',
  from: `<${aor}>;tag=r${Math.random().toString(36).slice(2, 8)}`,
  to: `<${aor}>`,
  headers: [
    ['Contact', `<${peer.contactUri}>`],
    ['Expires', '600'],
  ],
});

/** Sends `spec`, expects the 401, and sends it again (next CSeq) answering the challenge as `answer` says. */
async function withLogin(peer: SipTestPeer, spec: RequestSpec, answer: Omit<Answer, 'method' | 'uri'>) {
  const challenged = await peer.request(spec);
  expect(challenged.status).toBe(401);
  const credentials = authorization(challengesOf(challenged), { ...answer, method: spec.method, uri: spec.uri });
  const callId = spec.callId ?? challenged.headers.get('call-id');
  const retried = {
    ...spec,
    callId,
    cseq: (spec.cseq ?? 1) + 1,
    headers: [...(spec.headers ?? []), ['Authorization', credentials] as const],
  };
  return { response: await peer.request(retried), retried, challenged };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('challenges (RFC 3261 §22.4, RFC 8760 §2.4)', () => {
  it('given no credentials, when PUBLISH, SUBSCRIBE and REGISTER arrive, then each gets 401 offering SHA-256 then MD5; OPTIONS stays open', async () => {
    const { peer } = await authFixture();
    for (const spec of [publishSpec(ALICE, { body: body() }), subscribeSpec(peer, BOB, { from: ALICE }), registerSpec(peer, ALICE)]) {
      const response = await peer.request(spec);
      expect(response.status, spec.method).toBe(401);
      const challenges = challengesOf(response);
      expect(challenges.map((challenge) => challenge.get('algorithm'))).toEqual(['SHA-256', 'MD5']);
      for (const challenge of challenges) {
        expect(challenge.get('realm')).toBe(REALM);
        expect(challenge.get('qop')).toBe('auth');
        expect(challenge.get('opaque')).toMatch(/^\S+$/);
        expect(challenge.get('nonce')).toBe(challenges[0]?.get('nonce'));
        expect(challenge.has('stale')).toBe(false);
      }
    }
    expect((await peer.request({ method: 'OPTIONS', uri: 'sip:example.com', from: `<${ALICE}>;tag=o`, to: `<${ALICE}>` })).status).toBe(
      200,
    );
  });

  it('given Basic credentials or a Digest header without a response, then a challenge and a 400, never a login', async () => {
    const { peer } = await authFixture();
    const withHeader = (value: string) => {
      const spec = publishSpec(ALICE, { body: body() });
      return peer.request({ ...spec, headers: [...(spec.headers ?? []), ['Authorization', value]] });
    };
    expect((await withHeader('Basic YWxpY2U6YWxpY2Utc2VjcmV0')).status).toBe(401);
    const malformed = await withHeader('Digest username="alice", realm="example.com", nonce="n", uri="sip:alice@example.com"');
    expect(malformed.status).toBe(400);
    expect(malformed.reason).toBe('Bad Request (malformed Digest credentials)');
  });

  it.each(['SHA-256', 'MD5'] as const)(
    'given the %s challenge answered with the right password, then PUBLISH is accepted',
    async (algorithm) => {
      const { fx, peer } = await authFixture();
      const { response } = await withLogin(peer, publishSpec(ALICE, { body: body() }), {
        user: 'alice',
        password: PASSWORDS.alice,
        algorithm,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('sip-etag')).toBeTruthy();
      expect(fx.server.currentDocument(ALICE)).toContain('at my desk');
    },
  );

  it('given a wrong password, then 401 again with a fresh nonce, not 403, and nothing is published', async () => {
    const { fx, peer } = await authFixture();
    const { response, challenged } = await withLogin(peer, publishSpec(ALICE, { body: body() }), { user: 'alice', password: 'guess' });
    expect(response.status).toBe(401);
    expect(challengesOf(response)[0]?.get('nonce')).not.toBe(challengesOf(challenged)[0]?.get('nonce'));
    expect(fx.server.counters().publicationsActive).toBe(0);
    // An unknown user is answered the same way: the answers do not tell which users exist.
    expect((await withLogin(peer, publishSpec(ALICE, { body: body() }), { user: 'mallory', password: 'x' })).response.status).toBe(401);
  });

  it('given more failures from one address than allowed, then it is refused with 403 even with the right password', async () => {
    const { peer } = await authFixture({ maxFailuresPerAddress: 3 });
    for (let i = 0; i < 3; i++) {
      expect((await withLogin(peer, publishSpec(ALICE, { body: body() }), { user: 'alice', password: `guess ${i}` })).response.status).toBe(
        401,
      );
    }
    const refused = await peer.request(publishSpec(ALICE, { body: body() }));
    expect(refused.status).toBe(403);
    expect(refused.reason).toContain('too many failed authentications');
  });
});

describe('the algorithms offered', () => {
  it('given algorithms [MD5] (for clients that answer only the first challenge), then only MD5 is offered and a SHA-256 answer is challenged again', async () => {
    const { peer } = await authFixture({ algorithms: ['MD5'] });
    const spec = publishSpec(ALICE, { body: body() });
    const challenged = await peer.request(spec);
    expect(challengesOf(challenged).map((challenge) => challenge.get('algorithm'))).toEqual(['MD5']);
    const sha = new Map([...(challengesOf(challenged)[0] ?? new Map<string, string>())]).set('algorithm', 'SHA-256');
    const credentials = authorization([sha], { user: 'alice', password: PASSWORDS.alice, method: 'PUBLISH', uri: spec.uri });
    expect((await peer.request({ ...spec, cseq: 2, headers: [...(spec.headers ?? []), ['Authorization', credentials]] })).status).toBe(401);
  });
});

describe('the authenticated user decides (RFC 3903 §6 step 2, RFC 3261 §10.3 step 3)', () => {
  it('given alice logged in, when she publishes for bob with From and To both saying bob, then 403 naming both', async () => {
    const { fx, peer } = await authFixture();
    const forged = publishSpec(BOB, { body: body(BOB) });
    const { response } = await withLogin(peer, forged, { user: 'alice', password: PASSWORDS.alice });
    expect(response.status).toBe(403);
    expect(response.reason).toBe('Forbidden: authenticated as alice, not bob');
    expect(fx.server.counters().publicationsActive).toBe(0);
  });

  it('given alice logged in, when From says alice and To says bob, then 403 too', async () => {
    const { peer } = await authFixture();
    const { response } = await withLogin(peer, publishSpec(BOB, { body: body(BOB), from: ALICE }), {
      user: 'alice',
      password: PASSWORDS.alice,
    });
    expect(response.status).toBe(403);
    expect(response.reason).toBe('Forbidden: authenticated as alice, not bob');
  });

  it('given a configured third-party publisher logged in as itself, when it publishes for alice, then 200', async () => {
    const { fx, peer } = await authFixture();
    const spec = publishSpec(ALICE, { body: body(ALICE, 'on voicemail'), from: 'sip:voicemail@example.com' });
    const { response } = await withLogin(peer, spec, { user: 'voicemail', password: PASSWORDS.voicemail });
    expect(response.status).toBe(200);
    expect(fx.server.currentDocument(ALICE)).toContain('on voicemail');
  });

  it('given alice logged in, when she registers bob or subscribes as bob, then 403; as herself, then 200', async () => {
    const { fx, peer } = await authFixture();
    const alice = { user: 'alice', password: PASSWORDS.alice };
    expect((await withLogin(peer, registerSpec(peer, BOB), alice)).response.reason).toBe('Forbidden: authenticated as alice, not bob');
    expect((await withLogin(peer, subscribeSpec(peer, ALICE, { from: BOB }), alice)).response.reason).toBe(
      'Forbidden: authenticated as alice, not bob',
    );
    expect(fx.server.counters().bindingsActive).toBe(0);
    expect((await withLogin(peer, registerSpec(peer, ALICE), alice)).response.status).toBe(200);
    expect((await withLogin(peer, subscribeSpec(peer, BOB, { from: ALICE }), alice)).response.status).toBe(200);
    expect(fx.server.counters()).toMatchObject({ bindingsActive: 1, subscriptionsActive: 1 });
  });
});

describe('nonces (RFC 7616 §3.3, §3.4)', () => {
  it('given an Authorization sent again in a new request (same nonce, same nc), then refused with 401, not as stale', async () => {
    const { peer } = await authFixture();
    const { response, retried } = await withLogin(peer, publishSpec(ALICE, { body: body() }), { user: 'alice', password: PASSWORDS.alice });
    expect(response.status).toBe(200);
    const replayed = await peer.request({ ...retried, cseq: 3 });
    expect(replayed.status).toBe(401);
    expect(challengesOf(replayed)[0]?.has('stale')).toBe(false);
  });

  it('given a nonce counted up by the client, then each higher nc is accepted with the same nonce', async () => {
    const { peer } = await authFixture();
    const first = await peer.request(publishSpec(ALICE, { body: body() }));
    const challenges = challengesOf(first);
    for (const nc of [1, 2, 5]) {
      const spec = publishSpec(ALICE, { body: body(ALICE, `note ${nc}`) });
      const credentials = authorization(challenges, { user: 'alice', password: PASSWORDS.alice, method: 'PUBLISH', uri: spec.uri, nc });
      expect((await peer.request({ ...spec, headers: [...(spec.headers ?? []), ['Authorization', credentials]] })).status, `nc ${nc}`).toBe(
        200,
      );
    }
  });

  it('given a nonce past its lifetime with the right password, then 401 stale=true, and the retry with the new nonce succeeds', async () => {
    const { peer } = await authFixture({ nonceLifetimeSeconds: 300 });
    const spec = publishSpec(ALICE, { body: body() });
    const challenged = await peer.request(spec);
    // Only Date is faked: the sockets and their timers run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 301_000);
    const answer = { user: 'alice', password: PASSWORDS.alice, method: 'PUBLISH', uri: spec.uri };
    const late = await peer.request({
      ...spec,
      cseq: 2,
      headers: [...(spec.headers ?? []), ['Authorization', authorization(challengesOf(challenged), answer)]],
    });
    expect(late.status).toBe(401);
    const fresh = challengesOf(late);
    expect(fresh.map((challenge) => challenge.get('stale'))).toEqual(['true', 'true']);
    const retried = await peer.request({
      ...spec,
      cseq: 3,
      headers: [...(spec.headers ?? []), ['Authorization', authorization(fresh, answer)]],
    });
    expect(retried.status).toBe(200);
  });

  it('given an expired nonce with a wrong password, then 401 without stale (the user must be asked again)', async () => {
    const { peer } = await authFixture();
    const spec = publishSpec(ALICE, { body: body() });
    const challenged = await peer.request(spec);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 301_000);
    const credentials = authorization(challengesOf(challenged), { user: 'alice', password: 'guess', method: 'PUBLISH', uri: spec.uri });
    const late = await peer.request({ ...spec, cseq: 2, headers: [...(spec.headers ?? []), ['Authorization', credentials]] });
    expect(late.status).toBe(401);
    expect(challengesOf(late)[0]?.has('stale')).toBe(false);
  });
});

describe('our own client logs in (sip.js digest)', () => {
  it('given alice and bob with passwords, when alice publishes and bob watches, then bob sees her note; sip.js answered MD5', async () => {
    const { fx } = await authFixture();
    // Over TCP: over UDP a retransmitted 401 of the first REGISTER that arrives after sip.js sent its authenticated retry
    // makes sip.js see "an authentication loop" and give up (a client-side race on a slow server, not what this tests).
    const server = fx.server.addresses.tcp?.uri as string;
    const [alice, bob] = await startClients(server, ['alice', 'bob'], { passwords: PASSWORDS });
    bob.watch(ALICE);
    await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active', {
      what: 'an active subscription',
      current: bob.buddies[0],
    });
    expect(await alice.setPresence('busy', 'logged in')).toMatchObject({ phase: 'published', note: 'logged in' });
    const seen = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.note === 'logged in', {
      what: 'alice’s note at bob',
      current: bob.buddies[0],
    });
    expect(seen.presence?.status).toBe('busy');
    // Each kind of request was challenged once and then accepted: the 401s and the 200s are both in the log.
    for (const method of ['REGISTER', 'PUBLISH', 'SUBSCRIBE']) {
      expect(
        fx.log.some((entry) => entry.what === method && entry.status === 401),
        `${method} challenged`,
      ).toBe(true);
      expect(
        fx.log.some((entry) => entry.what === method && entry.status === 200),
        `${method} accepted`,
      ).toBe(true);
    }
  });

  it('given a wrong password, when the account starts, then registration fails with the 401 explained', async () => {
    const { fx } = await authFixture();
    const [mallory] = createClients(fx.server.addresses.udp?.uri as string, ['alice'], { account: { password: 'not-the-password' } });
    const state = await mallory.start();
    expect(state.phase).toBe('failed');
    expect(state.problem).toMatchObject({ statusCode: 401 });
    expect(state.problem?.message).toMatch(/did not accept the user name or password/);
  });
});
