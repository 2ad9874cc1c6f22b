/**
 * The client's side of watcher authorisation against the built-in compositor with a users file (watchers of an owner
 * are asked about by default): the engine hears of a pending watcher through its own presence.winfo subscription, and
 * its XCAP pres-rules editor — on the compositor's WebSocket port — allows (watcher active with the presence body),
 * then blocks (watcher rejected). The same scenario runs on Kamailio (test/integration/kamailio/).
 */
import { describe, it, onTestFinished } from 'vitest';
import { startAuthorisingCompositor, WATCHER_PASSWORDS as PASSWORDS } from '../../support/compositor/authorising-compositor';
import { runWatcherAuthorisation } from '../../support/sip/watcher-authorisation-scenario';

describe('watchers answered from the client, on the built-in compositor', () => {
  it('given bob pending on alice, when her client allows and then blocks him over XCAP, then he becomes active with her presence, then rejected', async () => {
    const compositor = await startAuthorisingCompositor();
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
