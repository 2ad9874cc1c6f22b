/**
 * Registration (RFC 3261 §10.2) against a scripted registrar on a real loopback socket
 * (test/support/sip/scripted-sip-server.ts): refresh before expiry with the same Call-ID, the interval
 * the registrar grants, 423 with Min-Expires, and a refresh the registrar refuses. Digest challenges
 * (401) against a real registrar are in test/integration/kamailio/presence-interop.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import type { ScriptedRequest } from '../../support/sip/scripted-sip-server';
import { createClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

async function setUp(onRegister: (request: ScriptedRequest, index: number) => void, registerExpires = 600) {
  const server = await startScriptedServer('udp');
  let index = 0;
  server.onRequest = (request) =>
    request.method === 'REGISTER' ? onRegister(request, index++) : request.respond(405, 'Method Not Allowed');
  const [client] = createClients(server.uri, ['alice'], { account: { publish: false, registerExpires } });
  return { client, server };
}

const grant = (request: ScriptedRequest, seconds: number) => {
  const contact = (request.header('contact') ?? '').replace(/;\s*expires=\d+/i, '');
  request.respond(200, 'OK', [`Contact: ${contact};expires=${seconds}`]);
};

describe('registration (scripted registrar)', () => {
  it('given the registrar grants 2 s instead of the 600 asked, then we refresh after about one second with the same Call-ID and the next CSeq', async () => {
    const { client, server } = await setUp((request) => grant(request, 2));
    const started = await client.start();
    expect(started.phase).toBe('registered');
    expect(started.registrationExpiresAt).toBeLessThan(Date.now() + 2_500);
    const [first] = server.requestsOf('REGISTER');
    const refresh = await server.waitForRequest((r) => r.method === 'REGISTER' && r !== first, 3_000);
    expect(refresh.header('call-id')).toBe(first?.header('call-id'));
    expect(Number(refresh.header('cseq')?.split(' ')[0])).toBe(Number(first?.header('cseq')?.split(' ')[0]) + 1);
    expect(refresh.header('expires')).toBe('600');
    expect(refresh.header('contact')).toBe(first?.header('contact'));
  });

  it('given 423 with Min-Expires 3600, then we register again for 3600 s', async () => {
    const { client, server } = await setUp(
      (request, index) => (index === 0 ? request.respond(423, 'Interval Too Brief', ['Min-Expires: 3600']) : grant(request, 3600)),
      60,
    );
    expect(await client.start()).toMatchObject({ phase: 'registered' });
    expect(server.requestsOf('REGISTER').map((r) => r.header('expires'))).toEqual(['60', '3600']);
  });

  it('given a registrar that refuses the refresh (403), then the connection is reported failed with the reason and retried with back-off', async () => {
    const { client, server } = await setUp((request, index) => (index === 1 ? request.respond(403, 'Forbidden') : grant(request, 1)));
    expect(await client.start()).toMatchObject({ phase: 'registered' });
    const failed = await waitFor(client.onAccountState.bind(client), (c) => c.phase === 'failed', {
      current: client.accountState,
      what: 'a failed refresh',
    });
    expect(failed.problem).toMatchObject({ statusCode: 403 });
    expect(failed.problem?.message).toBe('Registration refused by the server: forbidden (403 Forbidden).');
    expect(failed.retryAt).toBeGreaterThan(Date.now());
    await waitFor(client.onAccountState.bind(client), (c) => c.phase === 'registered', {
      current: client.accountState,
      what: 'registered again',
    });
    expect(server.requestsOf('REGISTER').length).toBeGreaterThanOrEqual(3);
  });
});
