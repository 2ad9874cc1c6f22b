/**
 * The IPC contract between the renderer and the main process: every request (renderer → main,
 * answered with a promise) and every event (main → renderer), with a runtime validator for each
 * payload the renderer sends.
 *
 * This is the only place channels are named. The preload bridge (electron/shell/preload.ts), the
 * main-side router (electron/ipc/request-router.ts) and the browser test harness all derive from
 * these tables, so adding a channel here is the first step of adding a feature (see ARCHITECTURE.md).
 *
 * No Electron, Node or React imports here: both processes import this module.
 */
import * as v from '../validation';
import type { Validator } from '../validation';
import type { AccountForm, AccountView } from '../account/account-settings';
import { BUDDY_ALERTS, type BuddyAlert, type BuddyEntry, type BuddyForm } from '../buddy/buddy';
import type { PresenceExplanation } from '../buddy/explain-presence';
import type { AutomaticReason } from '../presence/auto-status';
import type {
  BuddyListFeed,
  BuddyPresence,
  AccountState,
  PresenceChange,
  PublicationState,
  VoicemailState,
} from '../presence/presence-state';
import { CHOSEN_STATUSES, MAX_NOTE_LENGTH, type ChosenStatus } from '../presence/presence-status';
import type { SubHandling } from '../pres-rules';
import type { CaptureEntry } from '../trace/capture/capture-entry';
import type { TraceEntry } from '../trace/trace-entry';
import {
  CAPTURE_FILE_COUNT,
  CAPTURE_FILE_MEGABYTES,
  MAX_CAPTURE_ID,
  MAX_HEP_AUTH_KEY_LENGTH,
  type HepMirrorSettings,
  type LiveCaptureSettings,
  type TraceCaptureStatus,
} from '../trace/live-capture-settings';
import type { WatcherEvent, WatcherStatus } from '../watcherinfo';

// ── Data that crosses the boundary ────────────────────────────────────────────────────────────────

/** Which host runs the main-process core: Electron, plain Node (tests, command line), or the web mode (a browser tab). */
export type RuntimeKind = 'electron' | 'node' | 'web';

/** Identity and versions of the running app, shown in the window's footer and the About box. */
export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly runtime: RuntimeKind;
  readonly platform: string;
  readonly versions: { readonly node: string; readonly electron: string | null; readonly chrome: string | null };
}

/**
 * Which presence session runs:
 * - `starting`: the service is loading settings and deciding;
 * - `demo`: no account is configured, the offline demo runs (built-in server on loopback, simulated
 *   colleagues, a demo user signed in);
 * - `account`: the user's own SIP account;
 * - `offline`: nothing runs (the demo could not start, or the app is shutting down).
 */
export type SessionMode = 'starting' | 'demo' | 'account' | 'offline';

/** The offline demo, as the window describes it. */
export interface DemoInfo {
  /** The demo user we are signed in as, e.g. `sip:you@demo.presently.invalid`. */
  readonly aor: string;
  /** The built-in server's address, e.g. `sip:127.0.0.1:40123;transport=tcp`. */
  readonly server: string;
  /** How many simulated colleagues are in the buddy list. */
  readonly colleagues: number;
}

/** The session: demo or account, and the account's settings as the settings form shows them. */
export interface SessionInfo {
  readonly mode: SessionMode;
  /** The saved account (even while the demo runs, none is saved; so null then). */
  readonly account: AccountView | null;
  readonly demo: DemoInfo | null;
  /** Whether passwords are kept in the OS keychain (false: only until the app quits). */
  readonly isPasswordStorePersistent: boolean;
}

/** Our own presence: what the user chose (or the automatic status shown instead), and what the server made of it. */
export interface SelfPresence {
  /** The status shown and published: the one chosen, or Away while `automatic` is set. */
  readonly status: ChosenStatus;
  /** The note as chosen (empty: none); an automatic Away keeps it. */
  readonly note: string;
  /** When a timed status ends and the one before returns (ms since the epoch). */
  readonly until?: number;
  /**
   * Set while the status is automatic (shared/presence/auto-status.ts): why and since when (ms since the
   * epoch), so the window can say "Away — automatic, idle for 12 min". A choice by hand ends it.
   */
  readonly automatic?: { readonly reason: AutomaticReason; readonly since: number };
  /** The publication carrying it (RFC 3903): publishing, published, failed — and why. */
  readonly publication: PublicationState;
  /** Notes used lately, newest first, to pick again. */
  readonly recentNotes: readonly string[];
}

/** The trace the service recorded so far (the newest part of it), for a window that opens late. */
export interface TraceSnapshot {
  /** The newest entries, oldest first. */
  readonly entries: readonly TraceEntry[];
  /** The sequence number of the newest entry recorded (0: none yet); batches carry only later ones. */
  readonly lastSeq: number;
  /** How many entries the service keeps at most (older ones are dropped first). */
  readonly capacity: number;
}

/** A batch of newly recorded trace entries, in order. */
export interface TraceBatch {
  readonly entries: readonly TraceEntry[];
}

/** What a trace export is written as: sngrep-style text, or a pcap file for Wireshark / tshark. */
export type TraceExportFormat = 'text' | 'pcap';

/**
 * Which recorded messages to export: every one the service keeps after `afterSeq` (the trace pane's
 * last clear; 0 for all), or exactly the listed ones (the selection, or what the filter shows).
 */
export type TraceExportScope =
  { readonly kind: 'all'; readonly afterSeq: number } | { readonly kind: 'messages'; readonly seqs: readonly number[] };

/** A request to write part of the trace to a file the user chooses. */
export interface TraceExportRequest {
  readonly format: TraceExportFormat;
  readonly scope: TraceExportScope;
  /** Write Authorization / Proxy-Authorization credentials as sent; false (the default) masks them. */
  readonly includeCredentials: boolean;
  /** Export from this opened capture (its `CaptureOpened.id`, sequence numbers as its view shows them) instead of the live trace. */
  readonly capture?: number;
}

/** What "Test connection" found: registered (`ok`) or not, in one sentence for the user. */
export interface AccountTestResult {
  readonly ok: boolean;
  readonly message: string;
}

/** The outcome of an export. */
export interface TraceExportResult {
  /** False when the user cancelled the save dialog: nothing was written. */
  readonly saved: boolean;
  readonly path: string | null;
  /** Messages written. */
  readonly messages: number;
  readonly bytes: number;
}

/**
 * Which capture file to open: a path (the web mode's path field, a file dropped on the desktop window),
 * null to ask in an open-file dialog, or bytes the page uploads (a file dropped in the web mode) with
 * their name and size, sent after with `sendCaptureBytes`.
 */
export type CaptureOpenRequest =
  { readonly kind: 'path'; readonly path: string | null } | { readonly kind: 'upload'; readonly name: string; readonly totalBytes: number };

/** A capture being loaded. Its entries arrive in `onCaptureProgress` events, its end in `onCaptureFinished`. */
export interface CaptureOpened {
  /** Names this capture in the events and in `cancelCapture`. */
  readonly id: number;
  /** The file's name, without folders: the capture view's title. */
  readonly name: string;
  readonly totalBytes: number;
}

/** One piece of an uploaded capture, base64; the last piece says so. */
export interface CaptureBytes {
  readonly id: number;
  readonly data: string;
  readonly isLast: boolean;
}

/** Loading moved on: how far, and the entries read since the last event, in capture order. */
export interface CaptureProgress {
  readonly id: number;
  /** The file's name (a capture opened from the app menu is first heard of here). */
  readonly name: string;
  readonly bytesRead: number;
  readonly totalBytes: number;
  readonly entries: readonly CaptureEntry[];
}

/** How loading a capture ended. */
export interface CaptureFinished {
  readonly id: number;
  /** `complete`: the whole file was read; `damaged`: it stopped being readable (`problem` says where); `cancelled`; `failed`: it could not be read at all. */
  readonly outcome: 'complete' | 'damaged' | 'cancelled' | 'failed';
  readonly messages: number;
  /** For the user: "stopped being readable at byte N (packet K): reason", or why it failed; null when complete or cancelled. */
  readonly problem: string | null;
}

/** The user's choices for how Presently behaves on this computer (the settings dialog's Desktop and Advanced sections), saved with the settings. */
export interface AppPreferences {
  /** Closing the window keeps Presently running in the tray, presence published (off: closing quits, except on macOS). */
  readonly keepRunningInTray: boolean;
  /** Start Presently when the user logs in to the computer. */
  readonly startAtLogin: boolean;
  /** Also write every SIP message, credentials masked, to the log file in the data folder. */
  readonly traceToFile: boolean;
  /** Show Away after this many minutes without keyboard or mouse input while Available (0: never; absent: DEFAULT_IDLE_AWAY_MINUTES). */
  readonly idleAwayMinutes?: number;
  /** The live capture of every SIP message to files in the data folder's `captures/` (absent: DEFAULT_LIVE_CAPTURE, off). */
  readonly liveCapture?: LiveCaptureSettings;
  /** The mirror of every SIP message to a HEP v3 collector (absent: DEFAULT_HEP_MIRROR, off). */
  readonly hepMirror?: HepMirrorSettings;
}

/** The idle time before Away of a user who never changed it (minutes). */
export const DEFAULT_IDLE_AWAY_MINUTES = 10;

/** The longest idle time before Away that the settings offer (minutes). */
export const MAX_IDLE_AWAY_MINUTES = 240;

/** The preferences of a first start. */
export const DEFAULT_PREFERENCES: AppPreferences = {
  keepRunningInTray: true,
  startAtLogin: false,
  traceToFile: false,
};

/** A screen main can bring forward: the main window, the status picker, the account settings. */
export type AppScreen = 'main' | 'status-picker' | 'settings';

/** Someone who watches, or asks to watch, our presence (RFC 3857, RFC 3858), as the window shows them. */
export interface WatcherView {
  /** The watcher's address as the server reports it, e.g. `sip:ana@example.com`: what a rule names. */
  readonly uri: string;
  readonly displayName: string | null;
  /** `pending`: waiting for the user's answer; `active`: sees our presence; `terminated`: refused or gone. */
  readonly status: WatcherStatus;
  /** How the watcher got there (RFC 3858 §4.3): `subscribe`, `approved`, `rejected`, `timeout`, … */
  readonly event: WatcherEvent;
}

/** One entry of the user's presence rules (RFC 5025): a watcher and what happens to their subscription. */
export interface WatcherRuleView {
  readonly uri: string;
  readonly handling: SubHandling;
}

/**
 * "Who can see you": our watcher information and our presence rules. `availability` of the watcher information:
 * `off` (no session), `waiting` (subscribing), `listening` (the server reports watchers), `not-offered` (the server has
 * no watcher information, 489), `failed` (`problem` says why; the engine keeps trying).
 */
export interface WatchersState {
  readonly availability: 'off' | 'waiting' | 'listening' | 'not-offered' | 'failed';
  readonly problem: string | null;
  /** One per watcher address, pending ones first. */
  readonly watchers: readonly WatcherView[];
  /** Whether Allow / Block can be answered from here: the account has an XCAP root (who may watch you). */
  readonly canDecide: boolean;
  /** The rules' entries for single watchers (what Allow and Block wrote), as last read from the server. */
  readonly rules: readonly WatcherRuleView[];
  /** Why the rules could not be read or changed, for the list; null when they could. */
  readonly rulesProblem: string | null;
}

/** The user's answer to a watcher: may see our presence, or may not. */
export type WatcherDecision = 'allow' | 'block';

/** The answers the user can give a watcher. */
export const WATCHER_DECISIONS: readonly WatcherDecision[] = ['allow', 'block'];

/** What main asks the window to show, e.g. after a click on a tray item or a notification. */
export type FocusTarget = { readonly kind: 'buddy'; readonly aor: string } | { readonly kind: 'screen'; readonly screen: AppScreen };

/** What the renderer needs to draw its first frame, returned by the ready handshake. */
export interface AppSnapshot {
  readonly info: AppInfo;
  /** Milliseconds since the epoch when the main-process core started. */
  readonly startedAt: number;
  readonly session: SessionInfo;
  readonly accountState: AccountState;
  readonly self: SelfPresence;
  /** The buddy list in stored order (the window sorts it). */
  readonly buddies: readonly BuddyEntry[];
  readonly trace: TraceSnapshot;
  readonly preferences: AppPreferences;
  /** Who watches us and what our rules say ("Who can see you"). */
  readonly watchers: WatchersState;
  /** The account's voicemail indicator (message-summary). */
  readonly voicemail: VoicemailState;
  /** Whether the buddy list is fed by one list subscription or one subscription per buddy. */
  readonly buddyFeed: BuddyListFeed;
}

/** Severity of a notice from the main process. */
export type NoticeLevel = 'info' | 'warning' | 'error';

/** A message from the main process meant for the user (for example, a settings file that was set aside). */
export interface Notice {
  readonly level: NoticeLevel;
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/**
 * A notification for a window that has no system notifier of its own (the web mode's browser tab), e.g. "Bob is
 * available": the page shows it with the browser's Notification API where allowed, else in the window.
 */
export interface PageAlert {
  readonly title: string;
  readonly body: string;
  /** What clicking it shows. */
  readonly onClick: FocusTarget;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** Function returned by every `on…` subscription; calling it removes the listener. */
export type Unsubscribe = () => void;

// ── The API the renderer sees as `window.presence` ────────────────────────────────────────────────

/** Requests: renderer → main, each answered by a promise. Every method takes at most one argument. */
export interface PresenceRequests {
  /** Name, version and runtime of the app. */
  getAppInfo(): Promise<AppInfo>;
  /**
   * The ready handshake: the renderer calls this once its event listeners are attached. Main answers
   * with a snapshot and only then delivers events it had queued while the renderer was loading.
   */
  rendererReady(): Promise<AppSnapshot>;

  /**
   * Chooses our status and note and publishes them; with `until` (ms since the epoch) the status ends
   * then and the one before returns. Resolves once the server has answered (or the attempt failed),
   * with the publication's outcome — the picker shows it.
   */
  setStatus(choice: { status: ChosenStatus; note: string; until?: number }): Promise<SelfPresence>;
  /** Removes a note from the recent-notes list. */
  forgetRecentNote(note: string): Promise<SelfPresence>;

  /** Adds a buddy and subscribes to its presence. Fails with a readable reason for a bad address. */
  addBuddy(buddy: BuddyForm): Promise<BuddyEntry>;
  /** Changes a saved buddy (`aor` names which; `buddy` is its new content, address included). */
  updateBuddy(change: { aor: string; buddy: BuddyForm }): Promise<BuddyEntry>;
  /** Removes a saved buddy and ends its subscription. */
  removeBuddy(target: { aor: string }): Promise<void>;
  /** Why a buddy shows what it shows ("Why is this buddy offline?"), from its subscription's recent history. */
  explainBuddy(target: { aor: string }): Promise<PresenceExplanation>;
  /** "Tell me when available": sets a buddy's alert (off, once, every time); resolves with the buddy's row. */
  setBuddyAlert(change: { aor: string; alert: BuddyAlert }): Promise<BuddyEntry>;
  /** A buddy's recent presence changes, oldest first (at most 50), for a timeline and "away since 14:05". */
  buddyHistory(target: { aor: string }): Promise<readonly PresenceChange[]>;

  /** Saves the SIP account (stopping the demo if it runs) and connects with it. */
  saveAccount(form: AccountForm): Promise<SessionInfo>;
  /** Forgets the account and its password, disconnects, and starts the offline demo. */
  removeAccount(): Promise<SessionInfo>;
  /** Tries to connect again now instead of waiting for the next back-off attempt. */
  reconnect(): Promise<void>;
  /**
   * Registers once with the form's account (nothing saved; the running session carries on) and says how
   * it went: "Registered with Kamailio 5.6.3 in 42 ms." or the problem's sentence.
   */
  testAccount(form: AccountForm): Promise<AccountTestResult>;
  /** Asks for a CA certificate file in an open-file dialog: its absolute path, or null when cancelled (desktop app only). */
  chooseCaFile(): Promise<string | null>;

  /**
   * Writes recorded SIP messages as text or pcap to a file the user picks in a save dialog (main has
   * the whole trace; the sandboxed renderer cannot write files). Resolves with `saved: false` if the
   * user cancels; fails with a readable reason when there is nothing to export or the file cannot be
   * written.
   */
  exportTrace(request: TraceExportRequest): Promise<TraceExportResult>;

  /**
   * Starts loading a capture file (pcap, pcapng, or a SIP text save) in the background; resolves once it
   * is open (null when the open dialog is cancelled), fails with a readable reason when it cannot be.
   */
  openCapture(request: CaptureOpenRequest): Promise<CaptureOpened | null>;
  /** The next piece of an uploaded capture; resolves once it is read, so the page sends no faster than main reads. */
  sendCaptureBytes(bytes: CaptureBytes): Promise<void>;
  /** Stops loading a capture; what was read stays. */
  cancelCapture(target: { id: number }): Promise<void>;

  /** Changes the given preferences; each applies at once (start at login is set up or removed, closing the window follows the tray choice). */
  setPreferences(change: Partial<AppPreferences>): Promise<AppPreferences>;
  /** How the live capture to files and the HEP mirror are doing (file, messages dropped, collector reachable). */
  traceCaptureStatus(): Promise<TraceCaptureStatus>;

  /**
   * Answers a watcher: writes "allow" or "block" for them into the user's presence rules on the server (XCAP,
   * RFC 4825 / RFC 5025); resolves with the new state, fails with the server's reason for the user.
   */
  decideWatcher(choice: { uri: string; decision: WatcherDecision }): Promise<WatchersState>;
}

/**
 * State events: main → renderer, each carrying state that the ready snapshot (`AppSnapshot`) holds too.
 * Main sends them only once the renderer has its snapshot: one queued before would arrive after the
 * snapshot and overwrite newer state with older. So each names, in `eventChannels`, the snapshot field
 * that covers it, and the compiler checks that field's type can hold the event's payload.
 */
export interface StateEvents {
  /** The session changed: demo started or stopped, account saved or removed. */
  onSessionChanged(listener: (session: SessionInfo) => void): Unsubscribe;
  /** The connection to the server moved a step (connecting, registered, failed: why). */
  onAccountStateChanged(listener: (connection: AccountState) => void): Unsubscribe;
  /** Our own status, note or publication changed. */
  onSelfPresenceChanged(listener: (self: SelfPresence) => void): Unsubscribe;
  /** The buddy list itself changed (added, edited, removed, demo colleagues in or out): the whole list. */
  onBuddiesChanged(listener: (buddies: readonly BuddyEntry[]) => void): Unsubscribe;
  /**
   * Buddies' subscriptions or presence changed: each changed buddy once, with its newest state. Main sends at most
   * one batch per ~32 ms (electron/service/buddy-presence-batch.ts), so a burst of NOTIFYs costs one update per batch.
   */
  onBuddyPresenceBatch(listener: (batch: readonly BuddyPresence[]) => void): Unsubscribe;
  /** SIP messages recorded since the last batch (sent every ~100 ms while there is traffic). */
  onTraceBatch(listener: (batch: TraceBatch) => void): Unsubscribe;
  /** The preferences changed. */
  onPreferencesChanged(listener: (preferences: AppPreferences) => void): Unsubscribe;
  /** Our watchers or our rules changed (a new pending watcher, an answer written, the server's watcher information lost). */
  onWatchersChanged(listener: (watchers: WatchersState) => void): Unsubscribe;
  /** The voicemail summary changed (new counts, the server's message-summary found missing, the session ended). */
  onVoicemailChanged(listener: (voicemail: VoicemailState) => void): Unsubscribe;
  /** The buddy list's feed changed (the list subscription started, was refused and fell back to per-buddy). */
  onBuddyFeedChanged(listener: (feed: BuddyListFeed) => void): Unsubscribe;
}

/**
 * Notice events: main → renderer, one-off messages that are not state. No snapshot holds them, so main
 * queues them until the renderer is ready and delivers them after its snapshot.
 */
export interface NoticeEvents {
  /** A notice for the user. */
  onNotice(listener: (notice: Notice) => void): Unsubscribe;
  /** Main asks the window to show a buddy or a screen (the tray's "Set a note…", a notification's click). */
  onFocusRequested(listener: (target: FocusTarget) => void): Unsubscribe;
  /** A notification for the page to show (web mode only: the desktop app shows system notifications instead). */
  onPageAlert(listener: (alert: PageAlert) => void): Unsubscribe;
  /** A capture being loaded read more (also the first sign of one opened from the app menu). */
  onCaptureProgress(listener: (progress: CaptureProgress) => void): Unsubscribe;
  /** A capture finished loading, was cancelled, or stopped at damage. */
  onCaptureFinished(listener: (finished: CaptureFinished) => void): Unsubscribe;
}

/** Events: main → renderer. Each `on…` method attaches a listener and returns its unsubscribe. */
export type PresenceEvents = StateEvents & NoticeEvents;

/** The whole bridge the renderer uses; the preload (or the test harness) provides it. */
export type PresenceApi = PresenceRequests & PresenceEvents;

export type RequestName = keyof PresenceRequests;
export type EventName = keyof PresenceEvents;
/** An event whose state the ready snapshot covers: sent only after the snapshot, never queued before it. */
export type StateEventName = keyof StateEvents;
/** An event that is a one-off message: queued until the renderer is ready. */
export type NoticeEventName = keyof NoticeEvents;
/** The argument of request `M` (`undefined` for requests without one). */
export type RequestPayload<M extends RequestName> = Parameters<PresenceRequests[M]>[0];
/** What request `M` resolves to. */
export type RequestResult<M extends RequestName> = Awaited<ReturnType<PresenceRequests[M]>>;
/** What listeners of event `E` receive. */
export type EventPayload<E extends EventName> = Parameters<Parameters<PresenceEvents[E]>[0]>[0];

/** IPC channel names are `domain:verb-or-noun`, e.g. `presence:set-status`, `trace:batch`. */
export type Channel = `${string}:${string}`;

/** Bounds any free-text field the renderer sends, far above what a valid entry needs. */
const MAX_FIELD_LENGTH = 1024;
/** The largest time in ms since the epoch a Date can hold (ECMAScript's time value range). */
const MAX_TIMESTAMP_MS = 8.64e15;

/** Most bytes of one uploaded capture piece (its base64 text is 4/3 as long; the web mode's frames hold 1 MiB). */
export const MAX_CAPTURE_PIECE_BYTES = 512 * 1024;
const MAX_CAPTURE_PIECE_BASE64 = Math.ceil(MAX_CAPTURE_PIECE_BYTES / 3) * 4;
/** The largest capture the page may upload; larger files are opened by path. */
export const MAX_CAPTURE_UPLOAD_BYTES = 1024 * 1024 * 1024;
const captureId = v.number({ integer: true, min: 1, max: Number.MAX_SAFE_INTEGER });

/** Channel and payload validator of each request. */
export const requestChannels: {
  readonly [M in RequestName]: { readonly channel: Channel; readonly payload: Validator<RequestPayload<M>> };
} = {
  getAppInfo: { channel: 'app:get-info', payload: v.none },
  rendererReady: { channel: 'app:renderer-ready', payload: v.none },
  setStatus: {
    channel: 'presence:set-status',
    payload: v.object({
      status: v.literal(...CHOSEN_STATUSES),
      note: v.string({ maxLength: MAX_NOTE_LENGTH }),
      until: v.optional(v.number({ integer: true, min: 0, max: MAX_TIMESTAMP_MS })),
    }),
  },
  forgetRecentNote: { channel: 'presence:forget-note', payload: v.string({ maxLength: MAX_NOTE_LENGTH }) },
  addBuddy: { channel: 'buddy:add', payload: buddyForm() },
  updateBuddy: {
    channel: 'buddy:update',
    payload: v.object({ aor: v.string({ maxLength: MAX_FIELD_LENGTH }), buddy: buddyForm() }),
  },
  removeBuddy: { channel: 'buddy:remove', payload: v.object({ aor: v.string({ maxLength: MAX_FIELD_LENGTH }) }) },
  explainBuddy: { channel: 'buddy:explain', payload: v.object({ aor: v.string({ maxLength: MAX_FIELD_LENGTH }) }) },
  setBuddyAlert: {
    channel: 'buddy:set-alert',
    payload: v.object({ aor: v.string({ maxLength: MAX_FIELD_LENGTH }), alert: v.literal(...BUDDY_ALERTS) }),
  },
  buddyHistory: { channel: 'buddy:history', payload: v.object({ aor: v.string({ maxLength: MAX_FIELD_LENGTH }) }) },
  saveAccount: { channel: 'account:save', payload: accountForm() },
  removeAccount: { channel: 'account:remove', payload: v.none },
  reconnect: { channel: 'account:reconnect', payload: v.none },
  testAccount: { channel: 'account:test', payload: accountForm() },
  chooseCaFile: { channel: 'account:choose-ca-file', payload: v.none },
  exportTrace: { channel: 'trace:export', payload: traceExportRequest() },
  openCapture: { channel: 'capture:open', payload: captureOpenRequest() },
  sendCaptureBytes: {
    channel: 'capture:bytes',
    payload: v.object({ id: captureId, data: v.string({ maxLength: MAX_CAPTURE_PIECE_BASE64 }), isLast: v.boolean }),
  },
  cancelCapture: { channel: 'capture:cancel', payload: v.object({ id: captureId }) },
  setPreferences: { channel: 'app:set-preferences', payload: preferencesChange() },
  traceCaptureStatus: { channel: 'trace:capture-status', payload: v.none },
  decideWatcher: {
    channel: 'watchers:decide',
    payload: v.object({ uri: v.string({ minLength: 1, maxLength: MAX_FIELD_LENGTH }), decision: v.literal(...WATCHER_DECISIONS) }),
  },
};

/**
 * The snapshot fields whose type can hold payload `P`: a field of `P`'s type or a wider one (the trace
 * snapshot holds a batch's entries and more), or a list whose items each hold a `P` (each buddy entry
 * holds that buddy's presence) or, for a list `P`, each hold one of its items (a batch of presence changes).
 */
type SnapshotFieldHolding<P> = {
  [K in keyof AppSnapshot]: AppSnapshot[K] extends P
    ? K
    : AppSnapshot[K] extends readonly (infer Item)[]
      ? [P] extends [Item[keyof Item]]
        ? K
        : P extends readonly (infer Part)[]
          ? [Part] extends [Item[keyof Item]]
            ? K
            : never
          : never
      : never;
}[keyof AppSnapshot];

/**
 * Channel of each event, and for a state event the snapshot field that covers it. Main is trusted, so
 * event payloads are typed but not re-validated.
 */
export const eventChannels: {
  readonly [E in StateEventName]: { readonly channel: Channel; readonly snapshot: SnapshotFieldHolding<EventPayload<E>> };
} & {
  readonly [E in NoticeEventName]: { readonly channel: Channel };
} = {
  onNotice: { channel: 'app:notice' },
  onFocusRequested: { channel: 'app:focus' },
  onPageAlert: { channel: 'app:page-alert' },
  onCaptureProgress: { channel: 'capture:progress' },
  onCaptureFinished: { channel: 'capture:finished' },
  onSessionChanged: { channel: 'account:session', snapshot: 'session' },
  onAccountStateChanged: { channel: 'account:state', snapshot: 'accountState' },
  onSelfPresenceChanged: { channel: 'presence:self', snapshot: 'self' },
  onBuddiesChanged: { channel: 'buddy:list', snapshot: 'buddies' },
  onBuddyPresenceBatch: { channel: 'buddy:presence-batch', snapshot: 'buddies' },
  onTraceBatch: { channel: 'trace:batch', snapshot: 'trace' },
  onPreferencesChanged: { channel: 'app:preferences', snapshot: 'preferences' },
  onWatchersChanged: { channel: 'watchers:state', snapshot: 'watchers' },
  onVoicemailChanged: { channel: 'voicemail:state', snapshot: 'voicemail' },
  onBuddyFeedChanged: { channel: 'buddy:feed', snapshot: 'buddyFeed' },
};

// The validators below check shape and size only; what the values mean (a SIP address that parses, an
// expiry in range) is checked by the service with shared/account and shared/buddy, whose messages are
// written for the user.

function buddyForm(): Validator<BuddyForm> {
  return v.object({
    aor: v.string({ maxLength: MAX_FIELD_LENGTH }),
    displayName: v.string({ maxLength: MAX_FIELD_LENGTH }),
    group: v.string({ maxLength: MAX_FIELD_LENGTH }),
  });
}

function captureOpenRequest(): Validator<CaptureOpenRequest> {
  return v.union(
    v.object({ kind: v.literal('path'), path: v.nullable(v.string({ minLength: 1, maxLength: 4096 })) }),
    v.object({
      kind: v.literal('upload'),
      name: v.string({ minLength: 1, maxLength: MAX_FIELD_LENGTH }),
      totalBytes: v.number({ integer: true, min: 0, max: MAX_CAPTURE_UPLOAD_BYTES }),
    }),
  );
}

function traceExportRequest(): Validator<TraceExportRequest> {
  /** Most sequence numbers one export may list: the most entries the service keeps. */
  const MAX_EXPORT_MESSAGES = 100_000;
  const seq = v.number({ integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
  return v.object({
    format: v.literal('text', 'pcap'),
    scope: v.union(
      v.object({ kind: v.literal('all'), afterSeq: seq }),
      v.object({ kind: v.literal('messages'), seqs: v.array(seq, { maxLength: MAX_EXPORT_MESSAGES }) }),
    ),
    includeCredentials: v.boolean,
    capture: v.optional(captureId),
  });
}

/** A change of preferences: any of them (the live outputs' settings each as a whole). */
export function preferencesChange(): Validator<Partial<AppPreferences>> {
  return v.object({
    keepRunningInTray: v.optional(v.boolean),
    startAtLogin: v.optional(v.boolean),
    traceToFile: v.optional(v.boolean),
    idleAwayMinutes: v.optional(v.number({ integer: true, min: 0, max: MAX_IDLE_AWAY_MINUTES })),
    liveCapture: v.optional(
      v.object({
        enabled: v.boolean,
        format: v.literal('text', 'pcapng'),
        maxFileMegabytes: v.number({ integer: true, ...CAPTURE_FILE_MEGABYTES }),
        maxFiles: v.number({ integer: true, ...CAPTURE_FILE_COUNT }),
      }),
    ),
    hepMirror: v.optional(
      v.object({
        enabled: v.boolean,
        transport: v.literal('udp', 'tcp'),
        collector: v.string({ maxLength: MAX_FIELD_LENGTH }),
        captureId: v.number({ integer: true, min: 0, max: MAX_CAPTURE_ID }),
        authKey: v.string({ maxLength: MAX_HEP_AUTH_KEY_LENGTH }),
      }),
    ),
  });
}

function accountForm(): Validator<AccountForm> {
  const text = v.string({ maxLength: MAX_FIELD_LENGTH });
  const seconds = v.number({ integer: true, min: 0, max: 10_000_000 });
  return v.object({
    displayName: text,
    aor: text,
    authUser: text,
    password: v.optional(text),
    server: text,
    outboundProxy: text,
    wsPath: text,
    tlsCaFile: v.optional(text),
    xcapRoot: v.optional(text),
    presenceListUri: v.optional(text),
    register: v.boolean,
    publish: v.boolean,
    registerExpires: seconds,
    publishExpires: seconds,
    subscribeExpires: seconds,
  });
}

// ── The envelope every request is answered with ───────────────────────────────────────────────────

/** Why a request failed; `failed` carries a message written for the user. */
export type IpcErrorCode = 'invalid-payload' | 'unknown-channel' | 'forbidden-sender' | 'failed' | 'internal';

/** A request's outcome as it travels over IPC; the renderer-side API unwraps it or throws. */
export type IpcResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: { readonly code: IpcErrorCode; readonly message: string } };
