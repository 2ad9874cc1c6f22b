/**
 * Watcher authorisation on the reference Kamailio configuration (docs/kamailio/presently.cfg): RFC 5025
 * pres-rules written over XCAP (RFC 4825, xcap_server) decide whether a watcher is pending, active or rejected
 * (RFC 6665 §4.1.3 Subscription-State), and the owner sees pending watchers through presence.winfo (RFC 3857,
 * RFC 3858 documents). Real Kamailio, real sockets, scripted peers that write every request out in full.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { xcap } from '../../support/kamailio/xcap-http';
import { authorization, challengesOf } from '../../support/compositor/digest-client';
import { pidf, SipTestPeer, type RequestSpec } from '../../support/compositor/sip-test-peer';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };
const ALICE = 'sip:alice@example.com';
const BOB = 'sip:bob@example.com';

/** A pres-rules document as the shared contract writes it: one rule per listed watcher, the default for the rest. */
function presRules(byWatcher: Record<string, string>, defaultHandling: string): string {
  const rule = (id: string, identity: string, handling: string) =>
    `<cr:rule id="${id}"><cr:conditions><cr:identity>${identity}</cr:identity></cr:conditions>` +
    `<cr:actions><sub-handling>${handling}</sub-handling></cr:actions><cr:transformations/></cr:rule>`;
  const listed = Object.entries(byWatcher);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<cr:ruleset xmlns="urn:ietf:params:xml:ns:pres-rules" xmlns:cr="urn:ietf:params:xml:ns:common-policy">' +
    listed.map(([uri, handling], i) => rule(`w${i + 1}`, `<cr:one id="${uri}"/>`, handling)).join('') +
    rule('default', `<cr:many>${listed.map(([uri]) => `<cr:except id="${uri}"/>`).join('')}</cr:many>`, defaultHandling) +
    '</cr:ruleset>\n'
  );
}

/** Sends a request; on 401/407 answers the challenge once as `user` (a new CSeq, RFC 3261 §22.2). */
async function requestAs(peer: SipTestPeer, user: keyof typeof PASSWORDS, spec: RequestSpec) {
  const first = await peer.request(spec);
  if (first.status !== 401 && first.status !== 407) return first;
  const header = first.status === 401 ? 'www-authenticate' : 'proxy-authenticate';
  const challenges = challengesOf({ headers: { getAll: () => first.headers.getAll(header) } }).map((challenge) =>
    challenge.has('algorithm') ? challenge : new Map([...challenge, ['algorithm', 'MD5']]),
  );
  const credentials = authorization(challenges, { user, password: PASSWORDS[user], method: spec.method, uri: spec.uri });
  const headers = [...(spec.headers ?? []), [first.status === 401 ? 'Authorization' : 'Proxy-Authorization', credentials] as const];
  return peer.request({ ...spec, cseq: (spec.cseq ?? 1) + 1, headers });
}

describe('watcher authorisation on the reference Kamailio configuration', () => {
  let kamailio: RunningKamailio;
  const target = () => ({ host: '127.0.0.1', port: kamailio.ports.udp ?? 0 });

  beforeAll(async () => {
    kamailio = await startKamailio({ users: PASSWORDS, forceActive: false, xcap: true });
  });
  afterAll(async () => {
    await kamailio?.stop();
  });

  it('given alice watching her watchers, when bob subscribes, then he waits pending until her allow rule makes him active, her polite-block keeps him active with no presence and her block rule rejects him, now and when he subscribes again', async () => {
    const alice = await SipTestPeer.udp(target());
    const bob = await SipTestPeer.udp(target());
    try {
      const published = await requestAs(alice, 'alice', {
        method: 'PUBLISH',
        uri: ALICE,
        from: `<${ALICE}>;tag=a1`,
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence'],
          ['Expires', '600'],
        ],
        contentType: 'application/pidf+xml',
        body: pidf(ALICE, [{ id: 't1', basic: 'open', note: 'At my desk' }]),
      });
      expect(published.status).toBe(200);

      const winfo = await requestAs(alice, 'alice', {
        method: 'SUBSCRIBE',
        uri: ALICE,
        from: `<${ALICE}>;tag=a2`,
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence.winfo'],
          ['Accept', 'application/watcherinfo+xml'],
          ['Contact', `<${alice.contactUri}>`],
          ['Expires', '600'],
        ],
      });
      expect(winfo.status).toBe(200);
      const fullList = await alice.nextRequest('NOTIFY');
      expect(fullList.headers.get('event')).toBe('presence.winfo');
      expect(fullList.body.toString()).toMatch(/state="full"/);

      const subscribed = await requestAs(bob, 'bob', {
        method: 'SUBSCRIBE',
        uri: ALICE,
        from: `<${BOB}>;tag=b1`,
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence'],
          ['Accept', 'application/pidf+xml'],
          ['Contact', `<${bob.contactUri}>`],
          ['Expires', '600'],
        ],
      });
      expect(subscribed.status).toBe(200);
      const pending = await bob.nextRequest('NOTIFY');
      expect(pending.headers.get('subscription-state')).toMatch(/^pending/);
      expect(pending.body.length).toBe(0);

      const told = await alice.nextRequest('NOTIFY');
      const toldXml = told.body.toString();
      expect(toldXml).toContain(BOB);
      expect(toldXml).toMatch(/state="partial"/);
      expect(toldXml).toMatch(/<watcher [^>]*status="pending"[^>]*>sip:bob@example\.com<\/watcher>/);

      const allowed = await xcap(kamailio.xcapRoot, {
        method: 'PUT',
        aor: ALICE,
        user: 'alice',
        password: PASSWORDS.alice,
        body: presRules({ [BOB]: 'allow' }, 'confirm'),
      });
      expect(allowed.status).toBeLessThan(300);
      const active = await bob.nextRequest('NOTIFY');
      expect(active.headers.get('subscription-state')).toMatch(/^active/);
      expect(active.body.toString()).toContain('At my desk');

      const politelyBlocked = await xcap(kamailio.xcapRoot, {
        method: 'PUT',
        aor: ALICE,
        user: 'alice',
        password: PASSWORDS.alice,
        body: presRules({ [BOB]: 'polite-block' }, 'confirm'),
      });
      expect(politelyBlocked.status).toBeLessThan(300);
      // Kamailio's polite-block: still active, but the NOTIFY carries no document at all (presence forces a null
      // body), where the compositor sends one saying closed; either way the watcher learns nothing.
      const politelyBlind = await bob.nextRequest('NOTIFY');
      expect(politelyBlind.headers.get('subscription-state')).toMatch(/^active/);
      expect(politelyBlind.body.length).toBe(0);

      const blocked = await xcap(kamailio.xcapRoot, {
        method: 'PUT',
        aor: ALICE,
        user: 'alice',
        password: PASSWORDS.alice,
        body: presRules({ [BOB]: 'block' }, 'confirm'),
      });
      expect(blocked.status).toBeLessThan(300);
      const rejected = await bob.nextRequest('NOTIFY');
      expect(rejected.headers.get('subscription-state')).toMatch(/^terminated;\s*reason=rejected/);

      // Blocked stays blocked: a new subscription from him is ended the same way.
      const again = await requestAs(bob, 'bob', {
        method: 'SUBSCRIBE',
        uri: ALICE,
        from: `<${BOB}>;tag=b2`,
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence'],
          ['Contact', `<${bob.contactUri}>`],
          ['Expires', '600'],
        ],
      });
      expect(again.status).toBe(200);
      expect((await bob.nextRequest('NOTIFY')).headers.get('subscription-state')).toMatch(/^terminated;\s*reason=rejected/);

      const read = await xcap(kamailio.xcapRoot, { method: 'GET', aor: ALICE, user: 'alice', password: PASSWORDS.alice });
      expect(read.status).toBe(200);
      expect(read.body).toContain('<sub-handling>block</sub-handling>');
    } finally {
      await alice.close();
      await bob.close();
    }
  });

  it('given no document yet, when bob reads his pres-rules, then 404; and bob may neither read nor write them (403)', async () => {
    const nothingYet = await xcap(kamailio.xcapRoot, { method: 'GET', aor: BOB, user: 'bob', password: PASSWORDS.bob });
    expect(nothingYet.status).toBe(404);
    const peeking = await xcap(kamailio.xcapRoot, { method: 'GET', aor: ALICE, user: 'bob', password: PASSWORDS.bob });
    expect(peeking.status).toBe(403);
    expect(peeking.body).toMatch(/only your own presence rules/);
    const meddling = await xcap(kamailio.xcapRoot, {
      method: 'PUT',
      aor: ALICE,
      user: 'bob',
      password: PASSWORDS.bob,
      body: presRules({ [BOB]: 'allow' }, 'allow'),
    });
    expect(meddling.status).toBe(403);
  });

  it('given a document, when bob deletes it, then reading it again finds none (404)', async () => {
    const written = await xcap(kamailio.xcapRoot, {
      method: 'PUT',
      aor: BOB,
      user: 'bob',
      password: PASSWORDS.bob,
      body: presRules({ [ALICE]: 'allow' }, 'confirm'),
    });
    expect(written.status).toBeLessThan(300);
    expect((await xcap(kamailio.xcapRoot, { method: 'GET', aor: BOB, user: 'bob', password: PASSWORDS.bob })).status).toBe(200);
    const deleted = await xcap(kamailio.xcapRoot, { method: 'DELETE', aor: BOB, user: 'bob', password: PASSWORDS.bob });
    expect(deleted.status).toBeLessThan(300);
    expect((await xcap(kamailio.xcapRoot, { method: 'GET', aor: BOB, user: 'bob', password: PASSWORDS.bob })).status).toBe(404);
  });

  it('given a wrong password, when bob writes his pres-rules, then the server challenges again (401) and keeps nothing', async () => {
    const denied = await xcap(kamailio.xcapRoot, {
      method: 'PUT',
      aor: BOB,
      user: 'bob',
      password: 'not-the-password',
      body: presRules({}, 'allow'),
    });
    expect(denied.status).toBe(401);
    const read = await xcap(kamailio.xcapRoot, { method: 'GET', aor: BOB, user: 'bob', password: PASSWORDS.bob });
    expect(read.status).toBe(404);
  });

  it("given bob logged in, when he publishes in alice's name, then 403 with the reason", async () => {
    const bob = await SipTestPeer.udp(target());
    try {
      const first = await bob.request({
        method: 'PUBLISH',
        uri: ALICE,
        from: `<${ALICE}>;tag=m1`,
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence'],
          ['Expires', '60'],
        ],
        contentType: 'application/pidf+xml',
        body: pidf(ALICE, [{ id: 'm', basic: 'closed', note: 'Forged by bob' }]),
      });
      expect(first.status).toBe(407);
      const challenges = challengesOf({ headers: { getAll: () => first.headers.getAll('proxy-authenticate') } }).map(
        (challenge) => new Map([...challenge, ['algorithm', 'MD5']]),
      );
      const forged = await bob.request({
        method: 'PUBLISH',
        uri: ALICE,
        from: `<${ALICE}>;tag=m1`,
        to: `<${ALICE}>`,
        cseq: 2,
        headers: [
          ['Event', 'presence'],
          ['Expires', '60'],
          ['Proxy-Authorization', authorization(challenges, { user: 'bob', password: PASSWORDS.bob, method: 'PUBLISH', uri: ALICE })],
        ],
        contentType: 'application/pidf+xml',
        body: pidf(ALICE, [{ id: 'm', basic: 'closed', note: 'Forged by bob' }]),
      });
      expect(forged.status).toBe(403);
      expect(forged.reason).toMatch(/only register, publish and subscribe as yourself/);
    } finally {
      await bob.close();
    }
  });

  it("given bob authenticated, when he subscribes to alice's watcher information, then 403", async () => {
    const bob = await SipTestPeer.udp(target());
    try {
      const refused = await requestAs(bob, 'bob', {
        method: 'SUBSCRIBE',
        uri: ALICE,
        from: `<${BOB}>;tag=b9`,
        to: `<${ALICE}>`,
        headers: [
          ['Event', 'presence.winfo'],
          ['Contact', `<${bob.contactUri}>`],
          ['Expires', '600'],
        ],
      });
      expect(refused.status).toBe(403);
      expect(refused.reason).toMatch(/owner/);
    } finally {
      await bob.close();
    }
  });
});
