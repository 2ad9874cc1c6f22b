/**
 * Starting and stopping: option validation, the final NOTIFYs on stop (RFC 6665 §4.2.2
 * `terminated;reason=deactivated`), a stop that always finishes, and an embedder's log callback that throws.
 */
import { describe, expect, it } from 'vitest';
import { CompositorConfigError, startCompositor } from '../../../electron/compositor';
import { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { startFixture, subscribeSpec } from '../../support/compositor/compositor-fixture';

describe('compositor lifecycle', () => {
  it.each([
    [{ minExpires: 600, maxExpires: 60 }, /minimum expires \(600\) is above the maximum \(60\)/],
    [{ udpPort: 70000 }, /UDP port must be 0–65535/],
    [{ thirdPartyPublishers: ['not a uri'] }, /third-party publisher "not a uri"/],
    [{ defaultExpires: 0 }, /default expires must be above 0/],
  ])('given invalid options %j, when started, then it rejects with a CompositorConfigError that says why', async (options, message) => {
    const attempt = startCompositor(options);
    await expect(attempt).rejects.toBeInstanceOf(CompositorConfigError);
    await expect(attempt).rejects.toThrow(message);
  });

  it('given watchers, when the compositor stops, then each gets a final NOTIFY terminated;reason=deactivated', async () => {
    const fx = await startFixture();
    const watcher = await fx.udpPeer();
    await watcher.request(subscribeSpec(watcher, 'sip:alice@example.com'));
    await watcher.nextRequest();
    await fx.server.stop();
    const final = await watcher.nextRequest();
    expect(final.headers.get('subscription-state')).toBe('terminated;reason=deactivated');
    await fx.stop(); // a second stop is harmless
  });

  it('given a watcher that never answers, when the compositor stops, then stop still finishes and the ports are free again', async () => {
    const server = await startCompositor({ tcpPort: null, wsPort: null });
    const udp = server.addresses.udp;
    if (udp === undefined) throw new Error('no UDP');
    const silent = await SipTestPeer.udp(udp);
    silent.notifyAnswer = null;
    await silent.request(subscribeSpec(silent, 'sip:alice@example.com'));
    await server.stop();
    const again = await startCompositor({ udpPort: udp.port, tcpPort: null, wsPort: null });
    expect(again.addresses.udp?.port).toBe(udp.port);
    await again.stop();
    await silent.close();
  });

  it('given a log callback that throws, when requests arrive, then they are still answered', async () => {
    const server = await startCompositor({
      tcpPort: null,
      wsPort: null,
      log: () => {
        throw new Error('broken logger');
      },
    });
    const peer = await SipTestPeer.udp(server.addresses.udp as { host: string; port: number });
    try {
      const response = await peer.request({
        method: 'OPTIONS',
        uri: 'sip:example.com',
        from: '<sip:a@example.com>;tag=1',
        to: '<sip:example.com>',
      });
      expect(response.status).toBe(200);
    } finally {
      await peer.close();
      await server.stop();
    }
  });
});
