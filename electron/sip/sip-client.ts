/**
 * `SipClient`: one SIP account as the app, the command line and the compositor's simulated colleagues
 * see it — connect, register, publish our presence, watch buddies, trace every message. Plain data in
 * and out (shared/presence/presence-state.ts, shared/trace/trace-entry.ts); sip.js stays inside.
 *
 * (This first commit fixes the facade's shape for the engineers building on it; the engine follows.)
 */
import type { ChosenStatus } from '../../shared/presence/presence-status';
import type { BuddyPresence, ConnectionState, PublicationState } from '../../shared/presence/presence-state';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import type { FetchOptions, SipAccountConfig, SipClientOptions, StopOptions } from './sip-client-types';

export type { FetchOptions, SipAccountConfig, SipClientOptions, StopOptions } from './sip-client-types';

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

export class SipClient {
  constructor(
    readonly config: SipAccountConfig,
    readonly options: SipClientOptions = {},
  ) {}

  /** The connection (and registration) as last reported. */
  get connection(): ConnectionState {
    return { phase: 'idle', server: this.config.server };
  }

  /** Our own publication as last reported. */
  get publication(): PublicationState {
    return { phase: 'idle' };
  }

  /** Every watched buddy, in the order they were added. */
  get buddies(): readonly BuddyPresence[] {
    return [];
  }

  /**
   * Connects (and registers when configured). Resolves with the connection state once the first attempt
   * has succeeded or failed; after a failure the engine keeps retrying with back-off. Never rejects.
   */
  start(): Promise<ConnectionState> {
    return Promise.reject(new Error('SipClient.start is not implemented yet'));
  }

  /** Removes the publication, ends subscriptions, unregisters and closes — always within `timeoutMs`. */
  stop(_options: StopOptions): Promise<void> {
    return Promise.reject(new Error('SipClient.stop is not implemented yet'));
  }

  /** Publishes (or modifies) our presence; resolves when the server answered or the attempt failed. */
  setPresence(_status: ChosenStatus, _note: string): Promise<PublicationState> {
    return Promise.reject(new Error('SipClient.setPresence is not implemented yet'));
  }

  /** Removes our publication (watchers then see what the server composes without it, usually offline). */
  clearPresence(): Promise<PublicationState> {
    return Promise.reject(new Error('SipClient.clearPresence is not implemented yet'));
  }

  /** Subscribes to a buddy's presence; its state then arrives as `buddy` events. */
  watch(_aor: string): void {
    throw new Error('SipClient.watch is not implemented yet');
  }

  /** Ends the subscription to a buddy; resolves when it has ended (or could not be ended in time). */
  unwatch(_aor: string): Promise<void> {
    return Promise.reject(new Error('SipClient.unwatch is not implemented yet'));
  }

  /** One-shot fetch (SUBSCRIBE with Expires: 0, RFC 6665 §4.4.3): the buddy's presence right now. */
  fetchPresence(_aor: string, _options?: FetchOptions): Promise<BuddyPresence> {
    return Promise.reject(new Error('SipClient.fetchPresence is not implemented yet'));
  }

  onConnection(_listener: (state: ConnectionState) => void): Unsubscribe {
    return () => undefined;
  }

  onPublication(_listener: (state: PublicationState) => void): Unsubscribe {
    return () => undefined;
  }

  onBuddy(_listener: (buddy: BuddyPresence) => void): Unsubscribe {
    return () => undefined;
  }

  /** Every SIP message sent or received, as the transport saw it. */
  onTrace(_listener: (entry: UnnumberedTraceEntry) => void): Unsubscribe {
    return () => undefined;
  }
}
