/**
 * The SIP engine's public shape: the account configuration and the facade's options. The app
 * (electron/service/), the command line (electron/cli/) and the compositor's simulated colleagues use
 * the engine only through `SipClient` (./sip-client.ts) and these types; nothing here leaks sip.js.
 */
import type { SubscriptionState } from '../../shared/presence/presence-state';
import { T1_MS, T2_MS } from '../../shared/sip/timers';
import type { WatcherEntry } from '../../shared/watcherinfo';
import type { DnsResolver } from './locate/locate-server';
import type { SubscribePacerOptions } from './subscribe/subscribe-pacer';

/** One SIP account as the engine needs it. */
export interface SipAccountConfig {
  /** The address of record, e.g. `sip:alice@example.com`. Used as From/To of REGISTER and PUBLISH. */
  readonly aor: string;
  readonly displayName?: string;
  /** Digest user name, when it differs from the AOR's user part. */
  readonly authUser?: string;
  readonly password?: string;
  /**
   * The server (registrar and presence server) and how to reach it:
   * `sip:host[:port][;transport=udp|tcp|tls|ws|wss]` or `sips:host[:port]` (TLS). A domain without a port
   * is looked up in DNS as RFC 3263 §4 says (NAPTR unless the transport is given, then SRV, then A/AAAA);
   * otherwise the default transport is UDP, the default ports 5060 (udp/tcp), 5061 (tls), 80 (ws), 443
   * (wss) as RFC 3261 §19.1.2 and RFC 7118 say.
   */
  readonly server: string;
  /** The HTTP path of a WebSocket server (default `/`). */
  readonly wsPath?: string;
  /** A SIP URI of an outbound proxy: when set, it is the next hop and the server is reached through it. */
  readonly outboundProxy?: string;
  /** Whether to REGISTER (and so wait for the first registration before publishing). */
  readonly register: boolean;
  /** Whether this account publishes its own presence. */
  readonly publish: boolean;
  /** Requested registration interval, seconds. */
  readonly registerExpires: number;
  /** Requested publication interval, seconds. */
  readonly publishExpires: number;
  /** Requested subscription interval, seconds. */
  readonly subscribeExpires: number;
  /** A PEM file with the certificate authorities to trust for TLS/WSS, in addition to the system's. */
  readonly tlsCaFile?: string;
  /** The User-Agent header value (default `Presently/<version>`). */
  readonly userAgent?: string;
  /**
   * Whether to subscribe to our own watcher information (RFC 3857 `presence.winfo`) to learn who asks to watch us;
   * a server without it answers 489, which `WatcherInfoState` reports.
   */
  readonly watcherInfo?: boolean;
  /**
   * A resource list (RFC 4662) to watch the buddies through: one SUBSCRIBE with `Supported: eventlist` instead of
   * one per buddy. Refused, or not a list, and the engine falls back to one subscription per buddy (`BuddyListFeed`).
   */
  readonly presenceListUri?: string;
  /** With a list: watch every member its full state names, as if each had been passed to `watch()` (the command line). */
  readonly watchListMembers?: boolean;
  /** Whether to subscribe to our own mailbox's summary (RFC 3842 message-summary); 489 reports `not-offered`. */
  readonly messageSummary?: boolean;
  /**
   * Whether to watch each buddy's phone line (RFC 4235 dialog) next to its presence; once the server answers 489 the
   * engine stops (every buddy's `line.offered` then says `no`).
   */
  readonly lineState?: boolean;
}

/** Who watches our presence (RFC 3857): the subscription to our watcher information, and the watchers it reported. */
export interface WatcherInfoState {
  /** `error` with statusCode 489: the server offers no watcher information. */
  readonly subscription: SubscriptionState;
  readonly watchers: readonly WatcherEntry[];
}

/** Default intervals a new account starts with (seconds). */
export const DEFAULT_EXPIRES = { register: 600, publish: 600, subscribe: 600 } as const;

/**
 * Protocol timers, all in milliseconds. The defaults are RFC 3261's; tests shorten them so that a
 * reconnection or a give-up happens in seconds rather than minutes.
 */
export interface SipTimers {
  /** RFC 3261 §17.1.1.1 T1: round-trip estimate, first retransmission interval over UDP. */
  readonly t1: number;
  /** RFC 3261 §17.1.2.2 T2: the retransmission interval's ceiling for non-INVITE requests. */
  readonly t2: number;
  /** Keep-alive interval: CRLF on streams (RFC 5626 §4.4.1), an empty datagram over UDP. */
  readonly keepAliveInterval: number;
  /** A stream keep-alive ping unanswered this long means the connection is dead. */
  readonly keepAliveTimeout: number;
  /** Time allowed to open a connection (TCP/TLS/WS handshake). */
  readonly connectTimeout: number;
  /** First reconnection delay; doubles per failed attempt up to `reconnectMax`, with jitter. */
  readonly reconnectBase: number;
  readonly reconnectMax: number;
  /** First retry delay after a 408/5xx to PUBLISH or SUBSCRIBE; doubles up to `retryMax`, with jitter. */
  readonly retryBase: number;
  readonly retryMax: number;
  /** First re-SUBSCRIBE delay after a refusal a person must lift (403, 404, 489, `rejected`, …); doubles up to `refusalRetryMax`. */
  readonly refusalRetryBase: number;
  readonly refusalRetryMax: number;
}

export const DEFAULT_SIP_TIMERS: SipTimers = {
  t1: T1_MS,
  t2: T2_MS,
  keepAliveInterval: 25_000,
  keepAliveTimeout: 10_000,
  connectTimeout: 10_000,
  reconnectBase: 2_000,
  reconnectMax: 120_000,
  retryBase: 5_000,
  retryMax: 300_000,
  refusalRetryBase: 300_000,
  refusalRetryMax: 3_600_000,
};

/** Where the engine writes diagnostics it does not report as state (never the user's password). */
export type SipLogger = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

/** Construction options for `SipClient` beyond the account. */
export interface SipClientOptions {
  readonly timers?: Partial<SipTimers>;
  readonly logger?: SipLogger;
  /** Randomness for jitter and for SRV weights (tests may fix it). */
  readonly random?: () => number;
  /** Where NAPTR, SRV and A/AAAA queries go (default: the system's DNS servers, ./locate/locate-server.ts). */
  readonly resolver?: DnsResolver;
  /**
   * A name for the device this client publishes from ("Desk phone", "Presently on Linux"). Watchers of
   * an AOR with several devices see it beside each device instead of a contact URI.
   */
  readonly deviceLabel?: string;
  /**
   * The language our notes are written in, published as their `xml:lang` (RFC 3863 §4.1.6, a BCP 47 tag such as
   * `de-CH`) so watchers can tell which of several notes to show. Default: the system locale, as Node's Intl reports it.
   * A buddy's document with notes in several languages is shown in this one's language first, then English.
   */
  readonly noteLanguage?: string;
  /**
   * The window of new SUBSCRIBEs in flight (./subscribe/subscribe-pacer.ts): tunables, or 'off' for no window at all —
   * every SUBSCRIBE at once, as before pacing existed (for comparisons in benchmarks, not for use).
   */
  readonly subscribePacing?: SubscribePacerOptions | 'off';
}

/** Options of `SipClient.stop`. */
export interface StopOptions {
  /** The whole shutdown (remove publication, end subscriptions, unregister, close) finishes within this. */
  readonly timeoutMs: number;
}

/** Options of a one-shot `fetchPresence`. */
export interface FetchOptions {
  /** Give up waiting for the NOTIFY after this long (default 64·T1). */
  readonly timeoutMs?: number;
}
