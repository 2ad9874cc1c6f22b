/**
 * The compositor's public API types: what the app's offline demo, the `presently compositor` command and
 * the tests pass to `startCompositor` and get back. The compositor is Presently's built-in presence
 * server: an RFC 3903 Event State Compositor with an RFC 6665/RFC 3856 notifier and a small RFC 3261
 * registrar (see `compositor.ts`). No Electron here; it runs under plain Node.
 */
import type { PresenceStatus } from '../../shared/presence/presence-status';
import type { SipTransport } from '../../shared/sip/transport';
import type { AuthenticationOptions } from './auth/authenticator';
import type { DefaultRuleName } from './authorization/decision';
import type { RulesStorage } from './authorization/rules-book';
import type { EventPackageConfig } from './esc/event-packages';
import type { CompositorStateStore } from './state/state-store';

/** A certificate and key (PEM) for the TLS listener, and for the WSS one. */
export interface CompositorTlsOptions {
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** TLS port; 0 (the default) picks a free port. */
  readonly port?: number;
  /** WebSocket over TLS (RFC 7118 WSS) with the same certificate: 0 picks a free port; absent or null, no WSS listener. */
  readonly wssPort?: number | null;
}

/** RFC 3261 §17 timer base values; tests shorten them to see Timer F fire in seconds, not 32 s. */
export interface SipTimerValues {
  /** RTT estimate, 500 ms by default. Timer E starts at T1; Timer F = 64·T1; Timer J (UDP) = 64·T1. */
  readonly t1Ms: number;
  /** Longest retransmit interval for non-INVITE requests, 4 s by default. */
  readonly t2Ms: number;
  /** Longest time a message stays in the network, 5 s by default (Timer K). */
  readonly t4Ms: number;
}

export interface CompositorOptions {
  /** Address every listener binds to; 127.0.0.1 unless configured otherwise. */
  readonly host?: string;
  /**
   * Address put in our Via and Contact headers and listener URIs; defaults to `host`, or when `host` is a wildcard
   * to the machine's first non-loopback address of that family (loopback when it has none).
   */
  readonly advertisedHost?: string;
  /** UDP port: 0 (the default) picks a free port, null switches UDP off. */
  readonly udpPort?: number | null;
  /** TCP port: 0 (the default) picks a free port, null switches TCP off. */
  readonly tcpPort?: number | null;
  /** WebSocket (RFC 7118) port: 0 (the default) picks a free port, null switches WS off. */
  readonly wsPort?: number | null;
  /** A TLS listener, when a certificate is given. */
  readonly tls?: CompositorTlsOptions;
  /** Domains we keep presence for; requests for others get 404. Empty or absent: any domain (the demo). */
  readonly domains?: readonly string[];
  /** Shortest publication/subscription/registration interval accepted, seconds (default 60); shorter → 423. */
  readonly minExpires?: number;
  /** Longest interval granted, seconds (default 3600); longer requests are lowered to it. */
  readonly maxExpires?: number;
  /** Interval used when a request has no Expires, seconds (default 3600, RFC 3903 §4 / RFC 3856 §6). */
  readonly defaultExpires?: number;
  /**
   * AORs allowed to publish for others (RFC 3903 §6 step 3: "third-party publication", e.g. a voicemail
   * or alerting service). Everyone else may publish only for their own AOR.
   */
  readonly thirdPartyPublishers?: readonly string[];
  /**
   * Coalesce changes to one presentity within this window into one NOTIFY per watcher (RFC 6665 §4.2.2
   * rate control); 0 (the default) notifies on every change.
   */
  readonly notifyCoalesceMs?: number;
  /** Largest message accepted, bytes (default 65,535); larger → 513 Message Too Large. */
  readonly maxMessageBytes?: number;
  /** Called with one readable line per request (and per notable event: expiry, a dropped watcher). */
  readonly log?: (entry: CompositorLogEntry) => void;
  /** Server and User-Agent header value (default "Presently-Compositor/<version>"). */
  readonly serverName?: string;
  /** RFC 3261 timer values; defaults T1 = 500 ms, T2 = 4 s, T4 = 5 s. */
  readonly timers?: Partial<SipTimerValues>;
  /**
   * Validate PUBLISH bodies (PIDF parsing, two thirds of an initial PUBLISH's CPU time) on worker threads,
   * so that a multi-core machine can take more PUBLISHes per second. Absent: validate inline (the app's
   * offline demo needs no more). Requests for one AOR stay in arrival order either way.
   */
  readonly bodyValidation?: BodyValidationOptions;
  /** Caps and deadlines against abuse; each one absent takes its default (docs/compositor-limits.md). */
  readonly limits?: Partial<CompositorLimits>;
  /**
   * Digest logins for REGISTER, PUBLISH and SUBSCRIBE (auth/authenticator.ts); absent: anyone may do anything,
   * From and To are trusted (the loopback demo).
   */
  readonly authentication?: AuthenticationOptions;
  /**
   * How watchers of an owner without presence rules are treated (authorization/decision.ts): `allow`, `ask` (pending
   * until the owner allows) or `block`. Absent: `ask` with a users file, `allow` without (the loopback demo).
   */
  readonly defaultRule?: DefaultRuleName;
  /** Where the owners' presence rules (written over XCAP) are kept; absent: in the state file when there is one, else in memory. */
  readonly rulesStorage?: RulesStorage;
  /**
   * Event packages served besides presence and presence.winfo (esc/event-packages.ts): `message-summary` (RFC 3842)
   * and `dialog` (RFC 4235) with their own composition, any other name as opaque last-writer state. Absent:
   * message-summary and dialog; an empty list: presence only.
   */
  readonly eventPackages?: readonly EventPackageConfig[];
  /**
   * The state file (`openStateStore`, state/state-store.ts): what it holds is restored at start, every change is
   * committed before its 200 goes out, and a stop keeps the subscriptions for the next start (no final NOTIFYs).
   * The compositor closes it when it stops. Absent: everything lives in memory only (the demo).
   */
  readonly state?: CompositorStateStore;
}

/**
 * Caps and deadlines that keep one peer (or a spoofed UDP source) from exhausting the server or using it as
 * a reflector. Each refusal is answered the RFC way and logged once per source address, not per message.
 */
export interface CompositorLimits {
  /** Open TCP/TLS/WS connections, all listeners together (default 1,000); a connection beyond is closed at once. */
  readonly maxConnections: number;
  /** Open connections from one IP address (default 32); a connection beyond is closed at once. */
  readonly maxConnectionsPerAddress: number;
  /**
   * Milliseconds a peer has to finish a message it has started on a connection, and to finish a TLS or
   * WebSocket handshake (default 10,000); then the connection is closed (slow-loris).
   */
  readonly messageDeadlineMs: number;
  /**
   * Milliseconds a connection may stay without a message or keep-alive from the peer (RFC 5626 §4.4.1 CRLF,
   * WebSocket ping) before it is closed; default: the longest granted interval plus 5 minutes, so that a
   * client refreshing its subscription or registration in time is never cut off.
   */
  readonly idleTimeoutMs: number;
  /** Header fields in one request (default 100); more → 400. */
  readonly maxHeaderFields: number;
  /** Bytes in one message's header section (default 16,384); more → 513. */
  readonly maxHeaderBytes: number;
  /** Live publications, all AORs (default 250,000); a new one beyond → 503 with Retry-After. */
  readonly maxPublications: number;
  /** Live publications of one AOR, i.e. its devices (default 32); a new one beyond → 503 with Retry-After. */
  readonly maxPublicationsPerAor: number;
  /** Live subscriptions, all watchers (default 250,000); a new one beyond → 503 with Retry-After. */
  readonly maxSubscriptions: number;
  /** Live subscriptions of one watcher (its From AOR; default 1,000); a new one beyond → 503 with Retry-After. */
  readonly maxSubscriptionsPerWatcher: number;
  /** Registered bindings, all AORs (default 100,000); a REGISTER adding one beyond → 503 with Retry-After. */
  readonly maxBindings: number;
  /** Registered bindings of one AOR (default 20); a REGISTER adding one beyond → 503 with Retry-After. */
  readonly maxBindingsPerAor: number;
  /**
   * Over UDP a response may be at most this multiple of the request's size (default 3): a REGISTER's 200
   * then lists only the bindings that fit and says so in a Warning header.
   */
  readonly udpAmplificationFactor: number;
  /**
   * Origins (`https://app.example.com`) whose pages may open a WebSocket (default none). Upgrades without an
   * Origin header (non-browser clients) are always accepted; those with another Origin get HTTP 403.
   */
  readonly wsAllowedOrigins: readonly string[];
}

/** Where the validator worker is and how many to run (see electron/compositor/esc/validator-pool.ts). */
export interface BodyValidationOptions {
  /**
   * The worker script: `pidf-validator-worker.cjs` next to a bundled CLI, or from TypeScript source a
   * bootstrap that registers a loader first (test/support/compositor/pidf-validator-worker.dev.mjs).
   */
  readonly workerFile: string | URL;
  /** Worker threads (default 1). */
  readonly threads?: number;
  /** Node options for the workers, e.g. ['--import', 'tsx'] for the TypeScript source. */
  readonly execArgv?: readonly string[];
}

/** The transports a compositor can listen on: every SIP transport. */
export type CompositorTransport = SipTransport;

/** A bound listener. */
export interface BoundAddress {
  readonly transport: CompositorTransport;
  readonly host: string;
  readonly port: number;
  /**
   * A URI clients can use as their server / outbound proxy, e.g. `sip:127.0.0.1:5060;transport=tcp`; for WSS
   * `sips:127.0.0.1:7443;transport=ws` (transport/flow.ts `listenerUri`).
   */
  readonly uri: string;
}

/** One log entry: a request and what we answered, or a notable event of the server's own. */
export interface CompositorLogEntry {
  readonly time: number;
  readonly kind: 'request' | 'event';
  /** Request method (PUBLISH, SUBSCRIBE, …), or for events what happened (`expired`, `notify-failed`, `dropped`, …). */
  readonly what: string;
  /** The AOR concerned, when known. */
  readonly aor: string | null;
  /** Where the request came from, e.g. `udp 127.0.0.1:5070`. */
  readonly source: string | null;
  /** The status we answered, when we answered. */
  readonly status: number | null;
  /** The readable line: `PUBLISH sip:alice@example.com ← udp 127.0.0.1:5070 → 200 OK (etag …, expires 3600)`. */
  readonly line: string;
}

/** Counts for the command line's summary and for tests. A snapshot: reading it twice gives two objects. */
export interface CompositorCounters {
  /** Requests received (retransmissions not counted), by method; methods no SIP RFC defines count as `other`. */
  readonly requestsByMethod: Readonly<Record<string, number>>;
  /** Responses sent (first transmissions), by status code. */
  readonly responsesByStatus: Readonly<Record<string, number>>;
  /** Retransmitted requests answered from the transaction cache instead of being processed again. */
  readonly retransmissionsAbsorbed: number;
  /** Messages that could not be parsed (answered 400/513 when possible, else dropped). */
  readonly malformedMessages: number;
  readonly publicationsActive: number;
  readonly publicationsExpired: number;
  readonly subscriptionsActive: number;
  readonly subscriptionsExpired: number;
  readonly bindingsActive: number;
  readonly notifiesSent: number;
  readonly notifyRetransmissions: number;
  /** NOTIFYs that failed (error response, Timer F, transport error). */
  readonly notifyFailures: number;
  /** Watchers dropped because a NOTIFY failed with 481, timed out, or the connection was gone. */
  readonly watchersDropped: number;
  /** PUBLISH bodies validated on worker threads (see `bodyValidation`); the rest were validated inline. */
  readonly bodiesValidatedOnWorkers: number;
}

/**
 * The server's state at one moment, as `presently compositor status` shows it (GET /status on the control listener,
 * control/): who publishes, who watches whom, who is registered. A snapshot in plain data, safe to send as JSON.
 */
export interface CompositorStatus {
  /** When it was taken (ms since the epoch); every `expiresAt` is on the same clock. */
  readonly time: number;
  /** Presentities with at least one live publication, by AOR. */
  readonly presentities: readonly PresentityStatus[];
  /** Live subscriptions, by presentity then watcher. */
  readonly watchers: readonly WatcherStatus[];
  /** Registered bindings, by AOR. */
  readonly registrations: readonly RegistrationStatus[];
}

/** One presentity in one event package: its composed state (what its watchers are told) and its live publications. */
export interface PresentityStatus {
  readonly aor: string;
  /** The event package: `presence`, or a configured one (message-summary, dialog, …). */
  readonly event: string;
  /** The composed presence status as a watcher's buddy list would show it (`unknown` for other packages). */
  readonly status: PresenceStatus;
  /** For another package, its composed state in one line ("messages waiting: yes, voice-message 2/8"); null for presence. */
  readonly summary: string | null;
  readonly note: string | null;
  /** The devices (tuples) of the composed document. */
  readonly devices: readonly { readonly id: string; readonly status: PresenceStatus; readonly label: string | null }[];
  /** One per publishing device (EPA): its entity-tag, its expiry, and the third-party publisher's AOR when not the presentity. */
  readonly publications: readonly { readonly etag: string; readonly expiresAt: number; readonly publisher: string | null }[];
}

/** One subscription: who watches whom, over what, until when. */
export interface WatcherStatus {
  /** The watcher: the SUBSCRIBE's From URI. */
  readonly watcher: string;
  /** The presentity watched (AOR), or the list URI of a resource list subscription. */
  readonly presentity: string;
  /** For a resource list subscription (RFC 4662), how many members the list has now; null for one presentity. */
  readonly listMembers: number | null;
  /** The event package: presence, the owner's own watcher information, or a configured package. */
  readonly event: string;
  /** RFC 6665 §4.1.3 subscription state as we last told the watcher (pending until the owner allows, RFC 5025). */
  readonly state: 'pending' | 'active' | 'terminated';
  /** The transport its NOTIFYs use. */
  readonly transport: CompositorTransport;
  /** Where the SUBSCRIBE came from (the connection NOTIFYs reuse), e.g. `tcp 127.0.0.1:50312`. */
  readonly source: string;
  readonly expiresAt: number;
}

/** One registered binding (RFC 3261 §10.3). */
export interface RegistrationStatus {
  readonly aor: string;
  readonly contact: string;
  readonly expiresAt: number;
  /** The UDP source it was registered from (NOTIFYs may go there), null when it came over a connection. */
  readonly source: string | null;
}

/** A running compositor. */
export interface RunningCompositor {
  /** The bound listeners, by transport (absent when switched off). */
  readonly addresses: Readonly<Partial<Record<CompositorTransport, BoundAddress>>>;
  /** A snapshot of the counters. */
  counters(): CompositorCounters;
  /**
   * The XCAP root for presence rules (`http://<advertised host>:<ws port>/xcap-root`, xcap/xcap-server.ts), or null
   * when the WebSocket listener is off.
   */
  readonly xcapRoot: string | null;
  /** The event packages served, as `Allow-Events` lists them (presence, presence.winfo, then the configured ones). */
  readonly allowEvents: string;
  /** Who publishes, watches and is registered now (for `presently compositor status`; read in slices, see control/). */
  status(): Promise<CompositorStatus>;
  /** The composed PIDF document of an AOR as watchers would receive it now (for the demo and tests). */
  currentDocument(aor: string): string;
  /**
   * Stops listening, ends every subscription with a final NOTIFY (`terminated;reason=deactivated`, RFC 6665
   * §4.2.2) sent best-effort, clears all timers. Always finishes; calling it twice is harmless.
   */
  stop(): Promise<void>;
}
