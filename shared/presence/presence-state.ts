/**
 * The plain-data states the SIP engine reports and the app shows: the connection to the server, our own
 * publication, and each buddy's subscription and presence. The engine (electron/sip/) produces them, the
 * PresenceService forwards them over IPC, the renderer's stores hold them. No behaviour here.
 */
import type { FoundServer } from './found-server';
import type { ChosenStatus, PresenceStatus } from './presence-status';

/**
 * Why something failed when no status code says it: nothing answered in time, the server could not be
 * reached (name, refused, no route), its TLS certificate was not accepted, or the connection broke.
 */
export type SipProblemCause = 'timeout' | 'unreachable' | 'tls' | 'connection-lost';

/** A SIP failure as the user should read it, with the status code when a server answered. */
export interface SipProblem {
  /** SIP status code (e.g. 403, 489), or absent when nothing answered (timeout, unreachable). */
  readonly statusCode?: number;
  /** One sentence for the user: "The server does not accept presence publications (489 Bad Event)." */
  readonly message: string;
  /** Set when no server answer explains the failure (for exit codes, icons). */
  readonly cause?: SipProblemCause;
}

/**
 * The account's state, step by step, for the status line: `connecting` (opening the transport),
 * `connected` (open, registration switched off), `registering`, `registered`, `failed` (with a retry
 * time), `stopped`. The engine's transitions are drawn once, in electron/sip/sip-client.ts.
 */
export type AccountPhase = 'idle' | 'connecting' | 'connected' | 'registering' | 'registered' | 'failed' | 'stopped';

/** What the status line shows of the account. */
export interface AccountState {
  readonly phase: AccountPhase;
  /** The server URI the account uses, e.g. `sip:example.com;transport=tls`. */
  readonly server: string;
  /** Why we are `failed` (or what went wrong before a retry). */
  readonly problem?: SipProblem;
  /** When the next reconnection attempt is due (ms since the epoch), while `failed`. */
  readonly retryAt?: number;
  /** When the registration expires unless refreshed (ms since the epoch), while `registered`. */
  readonly registrationExpiresAt?: number;
  /** What the server has shown of itself so far; absent until it has answered anything. */
  readonly serverProfile?: ServerProfile;
  /** The server the connection goes to and how it was found, while `registering`, `registered` or `connected`. */
  readonly found?: FoundServer;
}

/** The presence servers Presently recognises by their Server/User-Agent header; `unknown` for any other. */
export type ServerProduct = 'kamailio' | 'opensips' | 'asterisk' | 'freeswitch' | 'flexisip' | 'presently-compositor' | 'unknown';

/** Whether the server does something: seen it do it (`yes`), seen it refuse (`no`), or not yet seen (`unknown`). */
export type ServerCapability = 'yes' | 'no' | 'unknown';

/** What the server takes: our PUBLISH (RFC 3903), presence SUBSCRIBE (RFC 3856), dialog SUBSCRIBE (RFC 4235). */
export interface ServerCapabilities {
  readonly publish: ServerCapability;
  readonly presenceSubscribe: ServerCapability;
  readonly dialogSubscribe: ServerCapability;
}

/**
 * A server's habits the engine adapts to: it refuses our PUBLISH because it makes our status itself from the phone
 * line (`status-from-phone-line`, Asterisk's extension hints); buddies are watched by their line state because the
 * server offers the dialog package but not presence (`watch-line-state`).
 */
export type ServerQuirk = 'status-from-phone-line' | 'watch-line-state';

/** The presence server as recognised from what it sent (electron/sip/server-profile.ts), for the connection details. */
export interface ServerProfile {
  readonly product: ServerProduct;
  /** The product's version as it announced it (`5.6.3`), when it did. */
  readonly version?: string;
  readonly capabilities: ServerCapabilities;
  readonly quirks: readonly ServerQuirk[];
  /** One line for the user: "Presence server: Asterisk 20.5.0 — publishes your status from your phone line; …". */
  readonly sentence: string;
}

/**
 * Our own presence publication (RFC 3903), as the status picker shows it: `publishing` (a request is
 * out), `published`, `removing`, `removed`, `failed` (retrying at `retryAt`, or given up),
 * `unsupported` (the server takes no PUBLISH). The transitions are drawn once, in
 * electron/sip/publish/presence-publisher.ts.
 */
export type PublicationPhase = 'idle' | 'publishing' | 'published' | 'removing' | 'removed' | 'failed' | 'unsupported';

export interface PublicationState {
  readonly phase: PublicationPhase;
  /** The status and note being (or last) published. */
  readonly status?: ChosenStatus;
  readonly note?: string;
  /** The entity tag the server gave the publication (SIP-ETag). */
  readonly etag?: string;
  /** When the publication expires unless refreshed (ms since the epoch). */
  readonly expiresAt?: number;
  readonly problem?: SipProblem;
  readonly retryAt?: number;
}

/**
 * A buddy subscription (RFC 6665) as the buddy list shows it. `unknown` (no answer yet) and `pending`
 * (awaiting the buddy's authorisation) are not "offline": we simply do not know yet.
 */
export type SubscriptionPhase = 'unknown' | 'pending' | 'active' | 'terminated' | 'error';

export interface SubscriptionState {
  readonly phase: SubscriptionPhase;
  /** For `terminated`: the Subscription-State reason (`timeout`, `rejected`, `noresource`, `deactivated`, …). */
  readonly reason?: string;
  /**
   * For `error`: why. For `unknown`, `pending` and `active`: a warning that the last NOTIFY could not be used (refused,
   * or its body unreadable; `statusCode` is then our answer) — the phase and the presence are the last good ones.
   */
  readonly problem?: SipProblem;
  /**
   * When we will subscribe again (ms since the epoch): set after every termination and error, except a lost
   * connection (then we subscribe again once reconnected).
   */
  readonly retryAt?: number;
  /** When the subscription expires unless refreshed (ms since the epoch), while `pending` or `active`. */
  readonly expiresAt?: number;
}

/** A note with its language, as PIDF carries them (`xml:lang`). */
export interface LocalizedNote {
  readonly text: string;
  readonly lang?: string;
}

/** One device or client of a buddy: a PIDF tuple, summarised. */
export interface DevicePresence {
  /** The tuple id. */
  readonly id: string;
  /** This device's own status: from its tuple and the person tied to it (shared/pidf/summarize.ts), never another device's. */
  readonly status: PresenceStatus;
  /** This device's own note: its tuple's, else its tied person's. */
  readonly note: string | null;
  /** The tuple's contact URI, e.g. `sip:bob@192.0.2.4:5060`. */
  readonly contact: string | null;
  /** A readable device name where the document gives one (RFC 4480 `class`, device id, user agent). */
  readonly label: string | null;
  readonly timestamp: string | null;
}

/** What one presence document says, reduced to what the buddy list shows. */
export interface PresenceSummary {
  readonly status: PresenceStatus;
  /** The note to show: the person's note, else the best tuple's note; null when none. */
  readonly note: string | null;
  /** The chosen note's language (`xml:lang`, e.g. `de`), so the list can say so when it is not the viewer's; absent when unlabelled. */
  readonly noteLang?: string;
  /** RPID activities as found (`away`, `busy`, `on-the-phone`, `meeting`, `vacation`, …), `other` text included. */
  readonly activities: readonly string[];
  readonly devices: readonly DevicePresence[];
  /** When the shown status is expected to end (RFC 4480 §3.1 `until`, ISO 8601), e.g. a timed Busy; absent when not said. */
  readonly until?: string;
}

/**
 * Why a buddy's shown presence may no longer be current: our connection to the server is down, the
 * subscription is being set up again or could not be refreshed (no NOTIFY since), or the server ended it.
 */
export type StaleReason = 'connection-lost' | 'not-refreshed' | 'terminated';

/** Set on a buddy whose presence is the last one known but not current (shared/presence/freshness.ts decides). */
export interface StalePresence {
  /** When that presence arrived (ms since the epoch), or null when unknown. */
  readonly asOf: number | null;
  readonly reason: StaleReason;
}

/**
 * What a buddy's phone line is doing, from the dialog package (RFC 4235): `idle`, `ringing` (a call not yet
 * answered), `on-the-phone`, or `unknown` (no dialog document yet, or the subscription is not active).
 */
export type LineActivity = 'idle' | 'ringing' | 'on-the-phone' | 'unknown';

/** A buddy's line state (busy lamp field), shown next to the presence. */
export interface BuddyLineState {
  readonly activity: LineActivity;
  /** Whether the server offers the dialog package at all (`no`: it answered 489; the window shows no lamp then). */
  readonly offered: ServerCapability;
  /** When the activity last changed (ms since the epoch), or null. */
  readonly changedAt: number | null;
}

/** Everything the buddy list knows about one watched AOR. */
export interface BuddyPresence {
  readonly aor: string;
  /** The presence subscription, or for a buddy fed by the list subscription that subscription's state for this member. */
  readonly subscription: SubscriptionState;
  /** The line state, where the engine watches the dialog package next to presence; absent when it does not. */
  readonly line?: BuddyLineState;
  /** The last NOTIFY's presence, or null when none carried a document (yet). */
  readonly presence: PresenceSummary | null;
  /** When the presence last changed (ms since the epoch), or null. */
  readonly changedAt: number | null;
  /** Present while `presence` is the last known but not current: the list greys it and says why; gone with the next NOTIFY. */
  readonly stale?: StalePresence;
}

/** One change of a buddy's shown presence, as the presence history keeps it (electron/service/presence-timeline.ts). */
export interface PresenceChange {
  /** When the change was seen (ms since the epoch). */
  readonly at: number;
  readonly status: PresenceStatus;
  readonly note: string | null;
}

/**
 * How the buddy list's presence arrives: one resource list subscription (RFC 4662, `list`) to `listUri`, or one
 * SUBSCRIBE per buddy (`per-buddy`, also the fallback when the server refused the list: `problem` says why).
 */
export interface BuddyListFeed {
  readonly kind: 'per-buddy' | 'list';
  /** The presence list URI in use or configured; null when the account has none. */
  readonly listUri: string | null;
  /** The list subscription's own state while `kind` is `list`. */
  readonly subscription: SubscriptionState | null;
  /** Why a configured list URI is not used (refused, 404, not a list), for the connection details; null when fine. */
  readonly problem: SipProblem | null;
}

/** The counts of one message class in a mailbox (RFC 3842 §5.2 msg-summary-line). */
export interface VoicemailCounts {
  /** `voice-message`, `fax-message`, `pager-message`, `multimedia-message`, `text-message`, `none`, or an extension. */
  readonly messageClass: string;
  readonly newMessages: number;
  readonly oldMessages: number;
  readonly newUrgentMessages?: number;
  readonly oldUrgentMessages?: number;
}

/**
 * The account's voicemail indicator (the message-summary package, RFC 3842). `availability`: `off` (no session),
 * `waiting` (subscribing), `offered` (the server reports the mailbox: the counts are current), `not-offered` (the
 * server has no message-summary, 489/404/405 — show no indicator), `failed` (`problem` says why; the engine retries).
 */
export interface VoicemailState {
  readonly availability: 'off' | 'waiting' | 'offered' | 'not-offered' | 'failed';
  /** The account (our AOR) the summary is for; null with no session. */
  readonly account: string | null;
  /** The mailbox URI the server names (Message-Account), when it does. */
  readonly mailbox: string | null;
  /** Messages-Waiting: yes. */
  readonly isWaiting: boolean;
  readonly counts: readonly VoicemailCounts[];
  readonly problem: SipProblem | null;
  /** When the last summary arrived (ms since the epoch), or null. */
  readonly updatedAt: number | null;
}

/** The voicemail state with no session. */
export const VOICEMAIL_OFF: VoicemailState = {
  availability: 'off',
  account: null,
  mailbox: null,
  isWaiting: false,
  counts: [],
  problem: null,
  updatedAt: null,
};

/** The buddy feed with no session. */
export const PER_BUDDY_FEED: BuddyListFeed = { kind: 'per-buddy', listUri: null, subscription: null, problem: null };
