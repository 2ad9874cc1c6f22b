/**
 * The built-in compositor as a team runs it for watcher authorisation: alice and bob with Digest logins in
 * `example.com`, so that a new watcher is pending until the owner decides (the default rule with a users file), and
 * XCAP on the WebSocket port. Shared by the client's integration test and the window's end-to-end test.
 */
import { startCompositor, userEntry, type RunningCompositor } from '../../../electron/compositor';

/** The two accounts' passwords. */
export const WATCHER_PASSWORDS = { alice: 'alice-secret', bob: 'bob-secret' } as const;

/** Starts it on free loopback ports (UDP, TCP, WS); the caller stops it. */
export function startAuthorisingCompositor(): Promise<RunningCompositor> {
  return startCompositor({
    host: '127.0.0.1',
    udpPort: 0,
    tcpPort: 0,
    wsPort: 0,
    domains: ['example.com'],
    authentication: {
      realm: 'example.com',
      users: Object.entries(WATCHER_PASSWORDS).map(([user, password]) => userEntry('example.com', user, password)),
    },
  });
}
