/**
 * API of the simulated colleagues for the offline demo (`presently compositor --demo` and the app with no
 * account): a handful of named colleagues, each a real SIP user agent on the engine's SipClient,
 * publishing plausible presence changes over real SIP to a compositor.
 */
import type { ChosenStatus } from '../../../shared/presence/presence-status';

export interface DemoColleaguesOptions {
  /** The compositor to publish to, as a SIP URI: `sip:127.0.0.1:5060;transport=udp`. */
  readonly server: string;
  /** The colleagues' domain, e.g. `demo.presently.invalid`; AORs are `sip:<name>@<domain>`. */
  readonly domain: string;
  /** Range of the pause between two changes of one colleague, ms (default 20–60 s). */
  readonly changeIntervalMs?: readonly [min: number, max: number];
  /** Random source in [0, 1), for reproducible runs in tests (default Math.random). */
  readonly random?: () => number;
  /** Publication interval requested by every device, seconds (default 600). */
  readonly publishExpires?: number;
}

/** One simulated colleague as the demo shows it. */
export interface DemoColleague {
  /** Display name: "Ada Lovelace". */
  readonly name: string;
  /** `sip:ada@demo.presently.invalid`. */
  readonly aor: string;
  /** Device labels; one colleague has two (desk phone and laptop), each its own tuple. */
  readonly devices: readonly string[];
  /** What the colleague published last (on the device that changed last). */
  readonly status: ChosenStatus;
  readonly note: string;
}

export interface RunningDemoColleagues {
  /** The colleagues as they are now (a fresh snapshot on every read). */
  readonly colleagues: readonly DemoColleague[];
  /**
   * Moves one colleague (or, without an AOR, the next one in turn) to their next status now and resolves
   * when the compositor has answered the PUBLISH — for tests and the app's e2e ("a change appears within
   * a second"). Resolves with the colleague's new state.
   */
  changeNow(aor?: string): Promise<DemoColleague>;
  /** Removes every publication and stops every user agent; always finishes. */
  stop(): Promise<void>;
}
