/**
 * The offline demo's world: the built-in presence server (electron/compositor/) on loopback and the
 * simulated colleagues publishing to it over real SIP. The PresenceService signs a demo user in to it
 * with the ordinary SIP engine, exactly as it would sign in to a real server.
 */
import type { ChosenStatus } from '../../../shared/presence/presence-status';

/** Domain of every demo AOR. `.invalid` (RFC 2606 §2) can never be a real domain, so nothing leaks out. */
export const DEMO_DOMAIN = 'demo.presently.invalid';

/** The demo user the app signs in as. */
export const DEMO_USER_AOR = `sip:you@${DEMO_DOMAIN}`;

/** One simulated colleague, as the buddy list files it. */
export interface DemoColleagueInfo {
  readonly aor: string;
  readonly name: string;
}

/** A running demo world. */
export interface DemoEnvironment {
  /** The server URI the demo user connects to, e.g. `sip:127.0.0.1:40123;transport=tcp`. */
  readonly server: string;
  readonly colleagues: readonly DemoColleagueInfo[];
  /** The XCAP root of the demo server's presence rules (RFC 4825), e.g. `http://127.0.0.1:40124/xcap-root`; absent: none. */
  readonly xcapRoot?: string;
  /**
   * Moves a colleague (or the next one) to their next status now and resolves, with what they published,
   * once the server has accepted it — for tests ("a change appears within a second").
   */
  changeNow(aor?: string): Promise<{ readonly aor: string; readonly status: ChosenStatus; readonly note: string }>;
  /** Stops the colleagues, then the server. Always finishes. */
  stop(): Promise<void>;
}

/** Starts a demo world; the default uses the compositor and its simulated colleagues. */
export type DemoStarter = () => Promise<DemoEnvironment>;
