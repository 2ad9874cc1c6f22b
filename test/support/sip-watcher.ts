/**
 * A second, independent SIP user agent for end-to-end tests: the real engine's SipClient, signed in as
 * another user, watching (or publishing as) someone. It records every NOTIFY it receives exactly as on
 * the wire, so a test can check that the server delivered "busy" and the note in the document itself.
 */
import { SipClient, type SipClientOptions } from '../../electron/sip/sip-client';
import type { BuddyPresence } from '../../shared/presence/presence-state';
import { testAccount } from './sip/test-account';
import { ArrivalWaits } from './sip/wait-for';

export interface PeerAccount {
  readonly aor: string;
  readonly server: string;
  readonly authUser?: string;
  readonly password?: string;
}

export class SipPeer {
  /** Raw NOTIFY requests received, in order. */
  readonly notifies: string[] = [];
  private readonly arrivals = new ArrivalWaits();

  private constructor(readonly client: SipClient) {
    client.onTrace((entry) => {
      if (entry.direction !== 'in' || !entry.raw.startsWith('NOTIFY ')) return;
      this.notifies.push(entry.raw);
      this.arrivals.arrived();
    });
    client.onBuddy(() => this.arrivals.arrived());
  }

  /** Signs in (registers) and resolves once the first attempt has finished. */
  static async start(account: PeerAccount, options: SipClientOptions = {}): Promise<SipPeer> {
    const config = testAccount(account.aor, account.server, {
      ...(account.authUser ? { authUser: account.authUser } : {}),
      ...(account.password ? { password: account.password } : {}),
    });
    const peer = new SipPeer(new SipClient(config, options));
    const state = await peer.client.start();
    if (state.phase !== 'registered') throw new Error(`test peer ${account.aor} could not sign in: ${JSON.stringify(state)}`);
    return peer;
  }

  /** Resolves with the first NOTIFY (received so far or later) whose raw text satisfies `predicate`. */
  waitForNotify(predicate: (raw: string) => boolean, timeoutMs = 15_000): Promise<string> {
    return this.arrivals.until(
      () => this.notifies.find(predicate),
      timeoutMs,
      () =>
        `Timed out after ${timeoutMs} ms waiting for a matching NOTIFY; received ${this.notifies.length}:\n${this.notifies.slice(-2).join('\n---\n')}`,
    );
  }

  /** Resolves with the watched buddy's presence once `predicate` holds. */
  waitForBuddy(aor: string, predicate: (buddy: BuddyPresence) => boolean, timeoutMs = 15_000): Promise<BuddyPresence> {
    return this.arrivals.until(
      () => this.client.buddies.find((b) => b.aor === aor && predicate(b)),
      timeoutMs,
      () =>
        `Timed out after ${timeoutMs} ms waiting for ${aor} to match; last: ${JSON.stringify(this.client.buddies.find((b) => b.aor === aor))}`,
    );
  }

  stop(): Promise<void> {
    return this.client.stop({ timeoutMs: 2_000 });
  }
}
