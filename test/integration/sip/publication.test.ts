/**
 * The RFC 3903 publisher's answers to every kind of server response. The peer is a scripted SIP
 * server on a real loopback socket (test/support/sip/scripted-sip-server.ts): each test writes the
 * answers it needs — 412, 423, 489, 503 with Retry-After, slow or no answers — which a real server
 * cannot be made to give on demand. The normal life cycle against a real server is in
 * test/integration/kamailio/.
 */
import { describe, expect, it } from 'vitest';
import { parsePresenceBody } from '../../../shared/pidf';
import type { SipAccountConfig } from '../../../electron/sip/sip-client';
import type { SipTimers } from '../../../electron/sip/sip-client-types';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { answerRegister, type ScriptedRequest, type ScriptedTransport } from '../../support/sip/scripted-sip-server';
import { createClients, startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

async function setUp(
  transport: ScriptedTransport,
  onPublish: (request: ScriptedRequest, index: number) => void,
  account: Partial<SipAccountConfig> = {},
  timers: Partial<SipTimers> = {},
) {
  const server = await startScriptedServer(transport);
  let publishes = 0;
  server.onRequest = (request) => {
    if (answerRegister(request)) return;
    if (request.method === 'PUBLISH') onPublish(request, publishes++);
    else request.respond(405, 'Method Not Allowed');
  };
  const [client] = await startClients(server.uri, ['alice'], { account, timers });
  return { client, server };
}

const ok = (request: ScriptedRequest, etag: string, expires = request.header('expires') ?? '600') =>
  request.respond(200, 'OK', [`SIP-ETag: ${etag}`, `Expires: ${expires}`]);

describe('presence publication (scripted server)', () => {
  it('given the server has forgotten our entity tag, when we modify, then it answers 412 and we publish afresh with the body, then go on with the new tag', async () => {
    const { client, server } = await setUp('tcp', (request, index) => {
      if (index === 0) ok(request, 'e1');
      else if (index === 1) request.respond(412, 'Conditional Request Failed');
      else ok(request, `e${index}`);
    });
    expect(await client.setPresence('available', '')).toMatchObject({ phase: 'published', etag: 'e1' });
    expect(await client.setPresence('away', 'Coffee')).toMatchObject({ phase: 'published', etag: 'e2', status: 'away', note: 'Coffee' });
    expect(await client.setPresence('busy', 'Call')).toMatchObject({ phase: 'published', etag: 'e3' });

    const [initial, rejected, afresh, next] = server.requestsOf('PUBLISH');
    expect(initial?.header('sip-if-match')).toBeUndefined();
    expect(rejected?.header('sip-if-match')).toBe('e1');
    expect(rejected?.body).toContain('Coffee');
    expect(afresh?.header('sip-if-match')).toBeUndefined();
    expect(afresh?.body).toContain('Coffee');
    expect(afresh?.header('content-type')).toBe('application/pidf+xml');
    expect(next?.header('sip-if-match')).toBe('e2');
  });

  it('given a note, when we publish, then the tuple’s and the person’s note carry the system locale as xml:lang (RFC 3863 §4.1.6)', async () => {
    const { client, server } = await setUp('tcp', (request) => ok(request, 'e1'));
    expect(await client.setPresence('away', 'Back at 3')).toMatchObject({ phase: 'published' });
    const result = parsePresenceBody(server.requestsOf('PUBLISH')[0]?.body ?? '', 'application/pidf+xml');
    if (!result.ok) throw new Error(result.error.message);
    const locale = Intl.DateTimeFormat().resolvedOptions().locale;
    expect(result.document.tuples[0]?.notes).toEqual([{ text: 'Back at 3', lang: locale }]);
    expect(result.document.persons[0]?.notes).toEqual([{ text: 'Back at 3', lang: locale }]);
  });

  it('given a server that answers 200 without SIP-ETag, when the publication is due for refresh, then it is published afresh with its body rather than left to expire', async () => {
    const { client, server } = await setUp('tcp', (request) => request.respond(200, 'OK', ['Expires: 2']), { publishExpires: 2 });
    expect(await client.setPresence('away', 'No tag')).toMatchObject({ phase: 'published' });
    const [first] = server.requestsOf('PUBLISH');
    const again = await server.waitForRequest((r) => r.method === 'PUBLISH' && r !== first, 3_000);
    expect(again.header('sip-if-match')).toBeUndefined();
    expect(again.body).toContain('No tag');
  });

  it('given 423 with Min-Expires 3600, when we publish for 60 s, then we publish again for 3600 s and keep that interval', async () => {
    const { client, server } = await setUp(
      'udp',
      (request, index) => {
        if (index === 0) request.respond(423, 'Interval Too Brief', ['Min-Expires: 3600']);
        else ok(request, `e${index}`);
      },
      { publishExpires: 60 },
    );
    expect(await client.setPresence('busy', '')).toMatchObject({ phase: 'published', etag: 'e1' });
    expect(await client.setPresence('away', '')).toMatchObject({ phase: 'published' });
    expect(server.requestsOf('PUBLISH').map((r) => r.header('expires'))).toEqual(['60', '3600', '3600']);
  });

  it('given 423 with a Min-Expires that is not a number, when we publish, then the attempt fails with a clear problem and no "NaN" goes on the wire', async () => {
    const { client, server } = await setUp('tcp', (request) => request.respond(423, 'Interval Too Brief', ['Min-Expires: soon']));
    const state = await client.setPresence('busy', '');
    expect(state.phase).toBe('failed');
    expect(state.problem).toMatchObject({ statusCode: 423 });
    expect(state.problem?.message).toMatch(/unusable interval \(Min-Expires: soon\)/);
    expect(server.requestsOf('PUBLISH')).toHaveLength(1);
    expect(server.requests.some((r) => /NaN/.test(r.raw))).toBe(false);
  });

  for (const [code, reason] of [
    [489, 'Bad Event'],
    [501, 'Not Implemented'],
    [404, 'Not Found'],
    [405, 'Method Not Allowed'],
  ] as const) {
    it(`given the server answers ${code} ${reason}, when we publish, then we stop and say the server does not accept presence publications`, async () => {
      const { client, server } = await setUp('tcp', (request) => request.respond(code, reason));
      const state = await client.setPresence('busy', 'x');
      expect(state).toMatchObject({ phase: 'unsupported', problem: { statusCode: code } });
      expect(state.problem?.message).toBe(`This server does not accept presence publications (${code} ${reason}).`);
      // A later change is not sent at all.
      expect(await client.setPresence('away', 'y')).toMatchObject({ phase: 'unsupported', status: 'away' });
      expect(server.requestsOf('PUBLISH')).toHaveLength(1);
    });
  }

  it('given 503 with Retry-After: 1, when we publish, then we report the failure with retryAt one second later and publish again then by ourselves', async () => {
    const { client, server } = await setUp('tcp', (request, index) => {
      if (index === 0) request.respond(503, 'Service Unavailable', ['Retry-After: 1']);
      else ok(request, 'e1');
    });
    const before = Date.now();
    const failed = await client.setPresence('busy', '');
    expect(failed.phase).toBe('failed');
    expect(failed.retryAt).toBeGreaterThanOrEqual(before + 1_000);
    expect(failed.retryAt).toBeLessThan(Date.now() + 1_100);
    const published = await waitFor(client.onPublication.bind(client), (p) => p.phase === 'published', {
      current: client.publication,
      what: 'the retried publication',
    });
    expect(published.etag).toBe('e1');
    const [first, second] = server.requestsOf('PUBLISH');
    expect(second).toBeDefined();
    // The retry is the same initial publication: a body, no entity tag.
    expect(second?.header('sip-if-match')).toBeUndefined();
    expect(second?.body).toContain('<rpid:busy/>');
    expect(first?.header('call-id')).toBe(second?.header('call-id'));
    expect(Date.now() - before).toBeGreaterThanOrEqual(950);
  });

  it('given the server is slow to answer, when the user changes status three times quickly, then one PUBLISH is in flight at a time and the last wish wins', async () => {
    const answeredAt: number[] = [];
    const arrivedAt: number[] = [];
    const { client, server } = await setUp('tcp', (request, index) => {
      arrivedAt.push(Date.now());
      setTimeout(() => {
        answeredAt.push(Date.now());
        ok(request, `e${index + 1}`, request.header('expires'));
      }, 150);
    });
    const results = await Promise.all([
      client.setPresence('busy', 'one'),
      client.setPresence('away', 'two'),
      client.setPresence('do-not-disturb', 'three'),
    ]);
    const publishes = server.requestsOf('PUBLISH');
    for (let i = 1; i < publishes.length; i++) {
      expect(arrivedAt[i], `PUBLISH #${i + 1} waited for the answer to #${i}`).toBeGreaterThanOrEqual(answeredAt[i - 1] ?? Infinity);
    }
    // The second and third wishes were folded into one modify.
    expect(publishes).toHaveLength(2);
    expect(publishes[1]?.header('sip-if-match')).toBe('e1');
    expect(publishes[1]?.body).toContain('three');
    expect(results.map((r) => r.phase)).toEqual(['published', 'published', 'published']);
    expect(client.publication).toMatchObject({ status: 'do-not-disturb', note: 'three', etag: 'e2' });
  });

  it('given registration is slow, when we publish right after starting, then the PUBLISH waits for the first successful registration', async () => {
    const server = await startScriptedServer('tcp');
    let registeredAt = 0;
    server.onRequest = (request) => {
      if (request.method === 'REGISTER') {
        setTimeout(() => {
          registeredAt = Date.now();
          answerRegister(request);
        }, 300);
      } else if (request.method === 'PUBLISH') ok(request, 'e1');
    };
    const [client] = createClients(server.uri, ['alice']);
    void client.start();
    expect(await client.setPresence('busy', '')).toMatchObject({ phase: 'published' });
    const publish = await server.waitForRequest((r) => r.method === 'PUBLISH');
    expect(server.requests.indexOf(publish)).toBeGreaterThan(server.requests.findIndex((r) => r.method === 'REGISTER'));
    expect(registeredAt).toBeGreaterThan(0);
  });

  it('given UDP and a server that never answers, when we publish, then the request is retransmitted at T1, 2·T1, … capped at T2 and the attempt fails as a timeout after 64·T1', async () => {
    const arrivals: number[] = [];
    const { client } = await setUp('udp', () => arrivals.push(Date.now()), {}, { t1: 40, t2: 160 });
    const started = Date.now();
    const state = await client.setPresence('busy', '');
    const elapsed = Date.now() - started;
    expect(state.phase).toBe('failed');
    expect(state.problem?.message).toBe('Publication failed: the server did not answer (timeout).');
    expect(state.problem?.statusCode).toBeUndefined();
    expect(state.retryAt).toEqual(expect.any(Number));
    expect(elapsed).toBeGreaterThanOrEqual(64 * 40 - 50);
    // Arrivals of the one PUBLISH transaction: gaps of about 40, 80, 160, 160, … ms — about 17 copies
    // in 64·T1. Doubling without the T2 cap would give only 7 (40, 80, 160, 320, 640, 1280).
    const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] ?? t));
    expect(arrivals.length).toBeGreaterThanOrEqual(11);
    expect(gaps[0]).toBeGreaterThanOrEqual(30);
    expect(gaps[1]).toBeGreaterThanOrEqual(65);
    for (const gap of gaps.slice(2)) expect(gap).toBeGreaterThanOrEqual(140);
  });

  it('given a publication, when the client stops, then it removes the publication and unregisters, within the time limit even if the server stops answering', async () => {
    let answerRemovals = true;
    const { client, server } = await setUp('tcp', (request, index) => {
      if (request.header('expires') === '0' && !answerRemovals) return;
      ok(request, `e${index + 1}`);
    });
    await client.setPresence('busy', '');
    await client.stop({ timeoutMs: 2_000 });
    const remove = server.requestsOf('PUBLISH').find((r) => r.header('expires') === '0');
    expect(remove?.header('sip-if-match')).toBe('e1');
    expect(remove?.body).toBe('');
    expect(server.requestsOf('REGISTER').at(-1)?.header('expires')).toBe('0');
    expect(client.accountState.phase).toBe('stopped');

    // Again with a server that ignores the removal: stop() still ends on time.
    answerRemovals = false;
    const [second] = createClients(server.uri, ['bob']);
    await second.start();
    await second.setPresence('away', '');
    const started = Date.now();
    await second.stop({ timeoutMs: 600 });
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(second.accountState.phase).toBe('stopped');
  });
  it('given a note and a device name, when we appear offline, then the PUBLISH on the wire carries neither; the next status brings the note back', async () => {
    const server = await startScriptedServer('udp');
    server.onRequest = (request) => {
      if (answerRegister(request)) return;
      if (request.method === 'PUBLISH') ok(request, `e${server.requestsOf('PUBLISH').length}`);
      else request.respond(405, 'Method Not Allowed');
    };
    const [client] = await startClients(server.uri, ['alice'], { deviceLabel: 'Desk phone' });
    expect(await client.setPresence('away', 'Dentist at 4')).toMatchObject({ phase: 'published' });
    expect(await client.setPresence('appear-offline', 'Dentist at 4')).toMatchObject({ phase: 'published' });
    expect(await client.setPresence('busy', 'Dentist at 4')).toMatchObject({ phase: 'published' });

    const [away, hidden, busy] = server.requestsOf('PUBLISH').map((request) => request.body);
    expect(away).toContain('Dentist at 4');
    expect(away).toContain('Desk phone');
    expect(hidden).toContain('<basic>closed</basic>');
    expect(hidden).not.toContain('Dentist');
    expect(hidden).not.toContain('Desk phone');
    expect(hidden).not.toMatch(/<(dm:)?(note|deviceID|device)\b/);
    expect(busy).toContain('Dentist at 4');
  });
});
