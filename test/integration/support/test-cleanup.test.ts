/**
 * The test support's own cleanup: SIP clients, scripted servers and compositor fixtures made for a test
 * are stopped when it finishes, also when it fails. The tests run in order: the first leaves everything
 * running and fails on purpose (`it.fails`), the second finds everything stopped and the ports free.
 */
import { describe, expect, it } from 'vitest';
import { startCompositor } from '../../../electron/compositor';
import type { SipClient } from '../../../electron/sip/sip-client';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { startScriptedServer } from '../../support/sip/scripted-server-fixture';
import { answerRegister, ScriptedSipServer } from '../../support/sip/scripted-sip-server';
import { startClients } from '../../support/sip/sip-clients';

let onCompositor: readonly SipClient[] = [];
let onScripted: readonly SipClient[] = [];
let compositorPort = 0;
let scriptedPort = 0;

describe('cleanup after a failed test', () => {
  it.fails('given a test that fails while its clients, a compositor fixture and a scripted server run', async () => {
    const fx = await startFixture({ tcpPort: null, wsPort: null });
    compositorPort = fx.udp.port;
    onCompositor = await startClients(fx.server.addresses.udp!.uri, ['alice', 'bob']);
    const scripted = await startScriptedServer('udp');
    scripted.onRequest = (request) => void answerRegister(request);
    scriptedPort = scripted.port;
    onScripted = await startClients(scripted.uri, ['carol']);
    throw new Error('this test fails with everything still running');
  });

  it('then every client was stopped and both servers were closed', async () => {
    expect(onCompositor.map((client) => client.accountState.phase)).toEqual(['stopped', 'stopped']);
    expect(onScripted.map((client) => client.accountState.phase)).toEqual(['stopped']);
    // Their ports can be bound again: nothing listens on them any more.
    const compositor = await startCompositor({ udpPort: compositorPort, tcpPort: null, wsPort: null });
    await compositor.stop();
    const scripted = await ScriptedSipServer.start('udp', { port: scriptedPort });
    await scripted.close();
  });
});
