/**
 * The engine over every transport against a real presence server — Kamailio 5.6 on loopback, with
 * UDP, TCP, TLS (a certificate made by openssl for this run, verified against its own CA) and
 * WebSocket listeners. For each transport: the RFC 3903 life cycle of a publication with its entity
 * tags as they appear on the wire (read from the engine's trace tap), and a watcher receiving every
 * change as a parsed NOTIFY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { createClients } from '../../support/sip/sip-clients';
import { makeTestCertificates, type TestCertificates } from '../../support/sip/test-certificates';
import { exchanges } from '../../support/sip/trace-reading';
import { waitFor } from '../../support/sip/wait-for';

describe('publication and watching over each transport (Kamailio)', () => {
  let kamailio: RunningKamailio;
  let certificates: TestCertificates;

  beforeAll(async () => {
    certificates = await makeTestCertificates();
    kamailio = await startKamailio({
      transports: ['udp', 'tcp', 'tls', 'ws'],
      tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
    });
  });
  afterAll(async () => {
    await kamailio?.stop();
    await certificates?.remove();
  });

  for (const transport of ['udp', 'tcp', 'tls', 'ws'] as const) {
    it(`given ${transport}, when alice publishes, lets it refresh, modifies and removes it, then each PUBLISH carries the entity tag of the previous answer and bob sees every change`, async () => {
      const user = `alice-${transport}`;
      const aor = `sip:${user}@example.com`;
      // A 2-second publication is refreshed after one second (half-way).
      const [alice] = createClients(kamailio.serverUri(transport), [user], {
        account: { publishExpires: 2, tlsCaFile: certificates.caFile },
      });
      const [bob] = createClients(kamailio.serverUri(transport), [`bob-${transport}`], { account: { tlsCaFile: certificates.caFile } });
      const trace: UnnumberedTraceEntry[] = [];
      alice.onTrace((entry) => trace.push(entry));
      expect(await alice.start()).toMatchObject({ phase: 'registered' });
      expect(await bob.start()).toMatchObject({ phase: 'registered' });
      expect(
        trace.every((e) => e.transport === transport && e.local.address === '127.0.0.1' && e.remote.port === kamailio.ports[transport]),
      ).toBe(true);

      bob.watch(aor);
      await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active', {
        current: bob.buddies[0],
        what: 'bob watching alice',
      });

      const initial = await alice.setPresence('in-a-meeting', 'Design review');
      expect(initial.phase).toBe('published');
      await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'in-a-meeting' && b.presence.note === 'Design review', {
        current: bob.buddies[0],
        what: 'in-a-meeting at bob',
      });

      // The refresh: same state, no body, the tag of the first answer.
      await waitFor(
        (listener) => alice.onTrace(listener),
        () => exchanges(trace, 'PUBLISH').filter((x) => x.response?.statusCode === 200).length >= 2,
        { what: 'a refreshed publication', timeoutMs: 5_000, current: trace[trace.length - 1] },
      );
      const modified = await alice.setPresence('do-not-disturb', 'Focus time');
      expect(modified.phase).toBe('published');
      const dnd = await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'do-not-disturb', {
        current: bob.buddies[0],
        what: 'do-not-disturb at bob',
      });
      expect(dnd.presence?.note).toBe('Focus time');

      expect(await alice.clearPresence()).toMatchObject({ phase: 'removed' });
      await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'offline', { current: bob.buddies[0], what: 'offline at bob' });

      const chain = exchanges(trace, 'PUBLISH');
      const ok = chain.filter((x) => x.response?.statusCode === 200);
      // initial, refresh(es), modify, remove — each answered 200 with an entity tag.
      expect(ok.length).toBeGreaterThanOrEqual(4);
      const [first, refresh] = ok;
      const modify = ok.find((x) => x.request.body.includes('Focus time'));
      const remove = ok[ok.length - 1];
      expect(first?.request.header('sip-if-match')).toBeUndefined();
      expect(first?.request.header('content-type')).toBe('application/pidf+xml');
      expect(first?.request.body).toContain(`entity="${aor}"`);
      expect(refresh?.request.header('sip-if-match')).toBe(first?.response?.header('sip-etag'));
      expect(refresh?.request.body).toBe('');
      expect(refresh?.request.header('expires')).toBe('2');
      expect(modify?.request.body).toContain('Focus time');
      expect(remove?.request.header('expires')).toBe('0');
      expect(remove?.request.body).toBe('');
      for (let i = 1; i < ok.length; i++) {
        expect(ok[i]?.request.header('sip-if-match'), `PUBLISH #${i + 1} names the tag of answer #${i}`).toBe(
          ok[i - 1]?.response?.header('sip-etag'),
        );
      }
      for (const x of ok) expect(x.request.header('event')).toBe('presence');
    });
  }

  it('given a TLS server whose certificate is signed by an authority we do not trust, when the account starts, then it fails with a TLS problem and sends nothing', async () => {
    const [eve] = createClients(kamailio.serverUri('tls'), ['eve'], { account: { tlsCaFile: certificates.otherCaFile } });
    const trace: UnnumberedTraceEntry[] = [];
    eve.onTrace((entry) => trace.push(entry));
    const state = await eve.start();
    expect(state.phase).toBe('failed');
    expect(state.problem?.message).toMatch(/TLS connection .* failed/);
    expect(trace).toEqual([]);
  });
});
