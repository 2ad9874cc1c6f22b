/**
 * The client's side of watcher authorisation against Kamailio (the reference configuration with presence.winfo,
 * force_active=0 and xcap_server): the engine hears of a pending watcher through its own presence.winfo subscription,
 * and its XCAP pres-rules editor allows (watcher active with the presence body), then blocks (watcher rejected).
 */
import { describe, it, onTestFinished } from 'vitest';
import { startKamailio } from '../../support/kamailio/kamailio';
import { runWatcherAuthorisation } from '../../support/sip/watcher-authorisation-scenario';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };

describe('watchers answered from the client, on Kamailio', () => {
  it('given bob pending on alice, when her client allows and then blocks him over XCAP, then he becomes active with her presence, then rejected', async () => {
    const kamailio = await startKamailio({ users: PASSWORDS, forceActive: false, xcap: true });
    onTestFinished(() => kamailio.stop());
    await runWatcherAuthorisation({
      server: kamailio.serverUri('tcp'),
      xcapRoot: kamailio.xcapRoot,
      domain: 'example.com',
      passwords: PASSWORDS,
    });
  }, 60_000);
});
