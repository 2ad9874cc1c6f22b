/**
 * The client's side of watcher authorisation against the built-in compositor with a users file (watchers of an owner
 * are asked about by default): the engine hears of a pending watcher through its own presence.winfo subscription, and
 * its XCAP pres-rules editor — on the compositor's WebSocket port — allows (watcher active with the presence body),
 * then blocks (watcher rejected). The same scenario runs on Kamailio (test/integration/kamailio/).
 */
import { describe, it, onTestFinished } from 'vitest';
import { startCompositor, userEntry } from '../../../electron/compositor';
import { runWatcherAuthorisation } from '../../support/sip/watcher-authorisation-scenario';

const PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' };

describe('watchers answered from the client, on the built-in compositor', () => {
  it('given bob pending on alice, when her client allows and then blocks him over XCAP, then he becomes active with her presence, then rejected', async () => {
    const compositor = await startCompositor({
      host: '127.0.0.1',
      udpPort: 0,
      tcpPort: 0,
      wsPort: 0,
      domains: ['example.com'],
      authentication: {
        realm: 'example.com',
        users: Object.entries(PASSWORDS).map(([user, password]) => userEntry('example.com', user, password)),
      },
    });
    onTestFinished(() => compositor.stop());
    if (compositor.xcapRoot === null || compositor.addresses.tcp === undefined) throw new Error('the compositor opened no XCAP or TCP');
    await runWatcherAuthorisation({
      server: compositor.addresses.tcp.uri,
      xcapRoot: compositor.xcapRoot,
      domain: 'example.com',
      passwords: PASSWORDS,
    });
  }, 60_000);
});
