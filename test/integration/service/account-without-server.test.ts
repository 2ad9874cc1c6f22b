/**
 * An account saved with its address and no server: the service connects to the address's domain
 * (RFC 3261 §10.2.6), the engine finds the server through DNS (RFC 3263 §4) — a real node:dns Resolver
 * asking a DNS responder on loopback (test/support/dns/) — and registers with the built-in compositor.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { startDnsResponder } from '../../support/dns/dns-responder';
import { ServiceProbe } from '../../support/service-probe';

describe('an account without a server', () => {
  it('given only the address alice@example.test, when saved, then the service registers with the server SRV names for example.test and the account state says how it was found', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'presently-service-'));
    onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
    const udp = (await startFixture()).server.addresses.udp!;
    const dns = await startDnsResponder({
      '_sip._udp.example.test': { srv: [{ priority: 10, weight: 1, port: udp.port, name: 'sip.example.test' }] },
      'sip.example.test': { a: ['127.0.0.1'] },
    });
    const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined, sipOptions: { resolver: dns.resolver() } });
    onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
    await service.start();
    const probe = ServiceProbe.attach(service);

    const session = await service.saveAccount({ ...DEFAULT_ACCOUNT_SETTINGS, aor: 'alice@example.test', server: '' });

    expect(session.account).toMatchObject({ aor: 'sip:alice@example.test', server: '' });
    const registered = await probe.waitFor('onAccountStateChanged', (state) => state.phase === 'registered', { what: 'registration' });
    expect(registered).toMatchObject({
      server: 'sip:example.test',
      found: { host: 'sip.example.test', port: udp.port, transport: 'udp', via: 'srv' },
    });
    // No transport given: NAPTR first (RFC 3263 §4.1); there is none here, so SRV.
    expect(dns.questions[0]).toEqual({ name: 'example.test', type: 'NAPTR' });
  });
});
