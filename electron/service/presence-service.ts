/**
 * The main-process core behind `window.presence`: it owns the account settings, the SIP engine, the
 * buddy list, the user's own status and note, and the SIP trace, answers every request of the IPC
 * contract and emits its events. It runs under plain Node (no `electron` import), so the Electron shell,
 * the browser test harness and the command line all drive the same object.
 *
 * Sessions — which SIP user agent runs, and against what:
 *
 *                 start()                        saveAccount()
 *   starting ───────┬── no account ──► demo ─────────────────────┐
 *                   │                   ▲                        ▼
 *                   └── account ───────────────────────────► account ◄─┐ saveAccount() / reconnect()
 *                                       │  removeAccount()       │     │ (stop, start again)
 *                                       └────────────────────────┘─────┘
 *   (any) ──stop()──► offline            (demo failing to start ──► offline, with a notice)
 *
 * Transitions run one at a time; each stops the old session completely (publication removed,
 * subscriptions ended, unregistered — within a time limit) before the next one starts.
 *
 * Events and the snapshot: state changes go out as state events (`outbox.emitState`), which the outbox
 * sends only after the renderer's snapshot — the snapshot covers earlier ones, and delivering older
 * queued state after it would overwrite newer state. Only notices queue (`outbox.emit`); they are not
 * part of the state. The contract's types say which event is which.
 *
 * Presence that stays right by itself: the status shown and published is the automatic-status engine's
 * (auto-status-controller.ts: idle and lock → Away over Available, a timed status's end); a buddy whose
 * presence is not current carries `stale` (shared/presence/freshness.ts), set again on every account and
 * subscription change; the presence history (presence-timeline.ts) sees every buddy change, the window gets
 * them coalesced (buddy-presence-batch.ts: at most one batch per ~32 ms, each buddy once), and the
 * availability alerts (electron/desktop/buddy-alerts.ts) watch the state events.
 */
import {
  DEFAULT_IDLE_AWAY_MINUTES,
  type AppInfo,
  type AppPreferences,
  type AppSnapshot,
  type AccountTestResult,
  type DemoInfo,
  type FocusTarget,
  type NoticeLevel,
  type RuntimeKind,
  type SelfPresence,
  type SessionInfo,
  type SessionMode,
  type TraceExportRequest,
  type CaptureBytes,
  type CaptureOpened,
  type CaptureOpenRequest,
  type TraceExportResult,
  type WatcherDecision,
  type WatchersState,
} from '../../shared/ipc/contract';
import { errorMessage } from '../../shared/error-message';
import { parseSipAddress } from '../../shared/account/sip-address';
import {
  accountServerUri,
  checkAccountForm,
  describeAccountErrors,
  type AccountForm,
  type AccountSettings,
  type AccountView,
} from '../../shared/account/account-settings';
import { addressKey, buddyLabel, type Buddy, type BuddyAlert, type BuddyEntry, type BuddyForm } from '../../shared/buddy/buddy';
import { explainPresence, type PresenceExplanation } from '../../shared/buddy/explain-presence';
import { isSamePublication, type ShownPresence } from '../../shared/presence/auto-status';
import { withFreshness } from '../../shared/presence/freshness';
import {
  PER_BUDDY_FEED,
  VOICEMAIL_OFF,
  type BuddyListFeed,
  type BuddyPresence,
  type AccountState,
  type PresenceChange,
  type PublicationState,
  type VoicemailState,
} from '../../shared/presence/presence-state';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { MAX_NOTE_LENGTH, type ChosenStatus } from '../../shared/presence/presence-status';
import { APP_NAME, APP_VERSION } from '../app-identity';
import { rejectOnTimeout, type Scheduler } from '../deadline';
import { EventOutbox, type EventSink } from '../ipc/event-outbox';
import { UserFacingError } from '../ipc/user-facing-error';
import type { PublishMarks } from '../sip/publish/presence-publisher';
import { SipClient, type SipAccountConfig, type SipClientOptions } from '../sip/sip-client';
import { AutoStatusController, type ActivitySource } from './auto-status-controller';
import { SubscriptionHistory } from './subscription-history';
import { BuddyStore } from './buddy-store';
import { DEMO_USER_AOR, type DemoEnvironment, type DemoStarter } from './demo/demo-environment';
import type { LoadResult } from './json-file';
import { MemorySecretStore, passwordKey, type SecretStore } from './secret-store';
import { PresenceTimeline } from './presence-timeline';
import { DEFAULT_SETTINGS, SettingsStore } from './settings-store';
import { exportTrace, type SaveFileChooser } from './trace-export';
import { CaptureLoader } from './capture-loader';
import { testAccountRegistration, type OpenFileChooser } from './account-test';
import { TraceRecorder, type TraceRecorderOptions } from './trace-recorder';
import { TraceCapture } from './trace-capture/trace-capture';
import { checkHepMirror, type TraceCaptureStatus } from '../../shared/trace/live-capture-settings';
import { BuddyPresenceBatcher } from './buddy-presence-batch';
import { WatcherDesk, xcapClientFor, type RulesAccess } from './watcher-desk';
import { findPresenceListUri, ListServiceWriter } from '../sip/xcap/list-service-writer';

/** Platform names as people say them, keyed by `process.platform`. */
const PLATFORM_NAMES: Readonly<Record<string, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/** What the host process knows about itself. */
export interface HostInfo {
  readonly runtime: RuntimeKind;
  readonly platform: string;
  readonly versions: AppInfo['versions'];
}

/** Host info for plain Node (tests, command line). */
export function nodeHostInfo(): HostInfo {
  return {
    runtime: 'node',
    platform: process.platform,
    versions: { node: process.versions.node, electron: null, chrome: null },
  };
}

/** Diagnostics for the log (never a password). */
export type ServiceLogger = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface PresenceServiceOptions {
  readonly host: HostInfo;
  /** Folder holding settings.json and buddies.json (the app: Electron's userData; tests: a fresh temp folder). */
  readonly dataDir: string;
  /** Where the account password goes (the app: safeStorage; tests: memory). */
  readonly secretStore?: SecretStore;
  /** Starts the offline demo's world; absent: no demo (the service stays offline without an account). */
  readonly startDemo?: DemoStarter;
  /** Options for every SIP user agent the service creates (tests shorten timers). */
  readonly sipOptions?: SipClientOptions;
  readonly trace?: TraceRecorderOptions;
  /** Asks where to save a trace export (the app: Electron's save dialog; tests: a temp path). */
  readonly saveFileChooser?: SaveFileChooser;
  /** Asks for a CA certificate file (the app: Electron's open dialog); absent: the path must be typed. */
  readonly openFileChooser?: OpenFileChooser;
  /** Time allowed to stop a session (remove publication, end subscriptions, unregister). */
  readonly stopTimeoutMs?: number;
  readonly now?: () => number;
  readonly log?: ServiceLogger;
  /**
   * Puts changed preferences into effect before they are saved (the app: start at login, and closing the
   * window to the tray or not); `previous` are those in force until now. A rejection keeps the old ones
   * and its message reaches the user.
   */
  readonly applyPreferences?: (preferences: AppPreferences, previous: AppPreferences) => Promise<void>;
  /** Receives every SIP message while the user has "trace to file" on (the app: the log file). */
  readonly traceToFile?: (entry: UnnumberedTraceEntry) => void;
  /** The desktop's idle time and screen lock, for the automatic Away (the app: powerMonitor; tests: a fake; absent: none). */
  readonly activity?: ActivitySource;
  /** Timers of the automatic status and the history's debounced writes (tests: a hand-driven one). */
  readonly schedule?: Scheduler;
  /** Shortest time between two buddy presence batches (default BUDDY_PRESENCE_BATCH_MS; 0: one event per change, for comparisons). */
  readonly presenceBatchMs?: number;
}

/**
 * How many trace entries the snapshot carries: a window that opens late lists the newest 5,000 (a
 * snapshot of 100,000 would stall the handshake); exports still cover everything the recorder keeps.
 */
const SNAPSHOT_TRACE_ENTRIES = 5_000;

/** The engine's configuration for a saved (or tested) account. */
function sipConfigFor(account: AccountSettings, password: string | null): SipAccountConfig {
  return {
    aor: account.aor,
    ...(account.displayName ? { displayName: account.displayName } : {}),
    ...(account.authUser ? { authUser: account.authUser } : {}),
    ...(password ? { password } : {}),
    server: accountServerUri(account),
    ...(account.wsPath ? { wsPath: account.wsPath } : {}),
    ...(account.tlsCaFile ? { tlsCaFile: account.tlsCaFile } : {}),
    ...(account.outboundProxy ? { outboundProxy: account.outboundProxy } : {}),
    register: account.register,
    publish: account.publish,
    registerExpires: account.registerExpires,
    publishExpires: account.publishExpires,
    subscribeExpires: account.subscribeExpires,
    userAgent: `${APP_NAME}/${APP_VERSION}`,
    watcherInfo: true,
    ...(account.presenceListUri ? { presenceListUri: account.presenceListUri } : {}),
    // Our mailbox and the buddies' lines, from any server that offers the packages (489 ends each politely).
    messageSummary: true,
    lineState: true,
  };
}

/** Where an account's presence rules are and as whom to reach them; null without an XCAP root. */
function rulesAccessFor(account: AccountSettings, password: string | null): RulesAccess | null {
  if (account.xcapRoot === undefined || account.xcapRoot === '') return null;
  const aor = parseSipAddress(account.aor);
  return {
    xcapRoot: account.xcapRoot,
    aor: account.aor,
    username: account.authUser || (aor.ok ? aor.value.user : ''),
    ...(password ? { password } : {}),
  };
}

/** How long signing in waits for the XCAP server to say whether it offers a presence list. */
const LIST_DISCOVERY_TIMEOUT_MS = 3_000;

/** The buddy list group the demo colleagues are filed under. */
const DEMO_GROUP = 'Demo colleagues';

/**
 * How long removing the publication before sleep may take: the system gives a suspend handler little
 * time, and a removal that does not make it expires on the server anyway.
 */
const SUSPEND_TIMEOUT_MS = 2_000;

const IDLE_ACCOUNT_STATE: AccountState = { phase: 'idle', server: '' };
const IDLE_PUBLICATION: PublicationState = { phase: 'idle' };

/** One running SIP user agent and what belongs to it. */
interface Session {
  readonly kind: 'demo' | 'account';
  readonly client: SipClient;
  readonly unsubscribe: (() => void)[];
  readonly demo: { readonly environment: DemoEnvironment; readonly info: DemoInfo; readonly buddies: readonly Buddy[] } | null;
  /** Where the session's presence rules are (null: no XCAP root, watchers cannot be answered from here). */
  readonly rules: RulesAccess | null;
  /** Writes the buddy list as the account's presence list on the server (XCAP root and presence list URI set). */
  readonly listWriter?: ListServiceWriter;
}

/** How long buddy list changes are gathered before the server's copy is written (one PUT for an import of many). */
const LIST_WRITE_DELAY_MS = 300;

export class PresenceService {
  /** Events for the renderer, held until it is ready. */
  readonly outbox = new EventOutbox();
  private rendererSink: EventSink | null = null;
  private readonly startedAt: number;
  private readonly now: () => number;
  private readonly log: ServiceLogger;
  private readonly secrets: SecretStore;
  private readonly settingsStore: SettingsStore;
  private readonly buddyStore: BuddyStore;
  private readonly recorder: TraceRecorder;
  /** The live capture to files and the HEP mirror, as the preferences ask. */
  private readonly traceCapture: TraceCapture;
  /** Capture files opened in the trace pane (capture-loader.ts). */
  private readonly captures: CaptureLoader;
  /** Buddy presence changes on their way to the window, coalesced per batch window. */
  private readonly presenceBatch: BuddyPresenceBatcher;
  private readonly stopTimeoutMs: number;
  /** Who watches us and the answers to them ("Who can see you"). */
  private readonly watcherDesk: WatcherDesk;

  private mode: SessionMode = 'starting';
  private session: Session | null = null;
  private accountState: AccountState = IDLE_ACCOUNT_STATE;
  private listWriteTimer: NodeJS.Timeout | undefined;
  private isListWriting = false;
  private isListWriteWanted = false;
  /** The session's voicemail indicator (message-summary), as last sent to the window. */
  private voicemail: VoicemailState = VOICEMAIL_OFF;
  /** How the buddy list's presence arrives (one list subscription or one per buddy), as last sent to the window. */
  private buddyFeed: BuddyListFeed = PER_BUDDY_FEED;
  private publication: PublicationState = IDLE_PUBLICATION;
  private readonly presenceByAor = new Map<string, BuddyPresence>();
  /** Each watched buddy's recent subscription events, for explainBuddy. */
  private readonly history: SubscriptionHistory;
  /** What we show and publish of ourselves: the manual choice, or the automatic status instead. */
  private readonly autoStatus: AutoStatusController;
  /** Each buddy's recent presence changes, kept in the data folder. */
  private readonly timeline: PresenceTimeline;
  /** Session transitions, one at a time. */
  private transitions: Promise<void> = Promise.resolve();
  private isStopping = false;

  constructor(private readonly options: PresenceServiceOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.log = options.log ?? ((level, message) => console[level === 'info' ? 'log' : level](`[presence] ${message}`));
    this.secrets = options.secretStore ?? new MemorySecretStore();
    this.settingsStore = new SettingsStore(options.dataDir);
    this.buddyStore = new BuddyStore(options.dataDir);
    this.stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
    this.history = new SubscriptionHistory(this.now);
    const schedule = options.schedule;
    this.autoStatus = new AutoStatusController(
      { ...DEFAULT_SETTINGS.presence, at: 0 },
      {
        activity: options.activity ?? null,
        now: this.now,
        ...(schedule ? { schedule } : {}),
        idleAwayMinutes: () => this.settingsStore.preferences.idleAwayMinutes ?? DEFAULT_IDLE_AWAY_MINUTES,
        onChange: (shown, state) => void this.automaticChange(shown, state.manual),
      },
    );
    this.timeline = new PresenceTimeline(options.dataDir, {
      now: this.now,
      ...(schedule ? { schedule } : {}),
      onWriteFailed: (error) => this.log('warn', `saving the presence history failed: ${String(error)}`),
    });
    this.watcherDesk = new WatcherDesk(
      (state) => this.outbox.emitState('onWatchersChanged', state),
      (level, message) => this.log(level, message),
    );
    this.presenceBatch = new BuddyPresenceBatcher((batch) => this.outbox.emitState('onBuddyPresenceBatch', batch), options.presenceBatchMs);
    this.recorder = new TraceRecorder(
      (entries) => this.outbox.emitState('onTraceBatch', { entries }),
      options.trace,
      (maxChars) =>
        this.notify(
          'info',
          `The SIP trace keeps the newest ${Math.round(maxChars / (1024 * 1024))} MB of messages; older ones are now dropped (export the trace to keep them).`,
        ),
    );
    this.traceCapture = new TraceCapture({
      dataDir: options.dataDir,
      application: `${APP_NAME} ${APP_VERSION}`,
      now: this.now,
      notify: (level, text) => this.notify(level, text),
    });
    this.captures = new CaptureLoader(
      {
        progress: (progress) => this.outbox.emit('onCaptureProgress', progress),
        finished: (finished) => this.outbox.emit('onCaptureFinished', finished),
      },
      options.openFileChooser ? { chooser: options.openFileChooser } : {},
    );
  }

  // ── Lifecycle ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * Loads settings and buddies (telling the user about any file that had to be set aside), then starts
   * the account's session, or the offline demo when no account is configured.
   */
  start(): Promise<void> {
    return this.transition(async () => {
      this.reportLoad('settings', await this.settingsStore.load(this.now));
      this.configureTraceCapture();
      this.reportLoad('buddy list', await this.buddyStore.load(this.now));
      this.reportLoad('presence history', await this.timeline.load(this.now));
      // A restart is no new choice: `at: 0` lets any idle or lock episode count (auto-status.ts rule 5).
      const { status, note, until, before } = this.settingsStore.settings.presence;
      this.autoStatus.reset({ status, note, at: 0, ...(until === undefined ? {} : { until }) }, before ? { ...before, at: 0 } : undefined);
      this.autoStatus.start();
      const { account } = this.settingsStore.settings;
      if (account) await this.startAccountSession(account);
      else await this.startDemoSession();
    });
  }

  /**
   * Clean shutdown: removes the publication, ends subscriptions, unregisters, stops the demo — all
   * within `timeoutMs` — and waits for pending file writes.
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.isStopping = true;
    this.autoStatus.stop();
    this.captures.cancelAll();
    await this.transition(async () => {
      await this.stopSession(options.timeoutMs ?? this.stopTimeoutMs);
      this.setMode('offline');
    });
    this.presenceBatch.dispose();
    this.recorder.dispose();
    await Promise.all([this.traceCapture.close(), this.settingsStore.flush(), this.buddyStore.flush(), this.timeline.flush()]);
  }

  // ── Renderer connection and the ready handshake ───────────────────────────────────────────────────

  /** A renderer (window or test page) exists and will call `rendererReady` once it listens. */
  attachRenderer(sink: EventSink): void {
    this.outbox.detach();
    this.rendererSink = sink;
  }

  /** The renderer went away; events queue until the next one is ready. */
  detachRenderer(): void {
    this.outbox.detach();
    this.rendererSink = null;
  }

  getAppInfo(): AppInfo {
    return { name: APP_NAME, version: APP_VERSION, ...this.options.host };
  }

  /**
   * Answers the ready handshake with a snapshot of everything the window shows. Queued notices are
   * delivered on the next turn of the event loop, after this reply has gone out, so the renderer applies
   * the snapshot first; state changes from now on go out as events.
   */
  rendererReady(): AppSnapshot {
    // The snapshot holds what is pending: it goes to main's observers now, not to the renderer after the snapshot.
    this.presenceBatch.flush();
    const sink = this.rendererSink;
    if (sink) {
      this.outbox.snapshotTaken();
      setImmediate(() => this.rendererSink === sink && this.outbox.attach(sink));
    }
    return {
      info: this.getAppInfo(),
      startedAt: this.startedAt,
      session: this.sessionInfo(),
      accountState: this.accountState,
      self: this.selfPresence(),
      buddies: this.buddyEntries(),
      trace: {
        entries: this.recorder.recent(SNAPSHOT_TRACE_ENTRIES),
        lastSeq: this.recorder.lastSeq,
        capacity: this.recorder.capacity,
      },
      preferences: this.settingsStore.preferences,
      watchers: this.watcherDesk.state,
      voicemail: this.voicemail,
      buddyFeed: this.buddyFeed,
    };
  }

  // ── Watchers ──────────────────────────────────────────────────────────────────────────────────────

  /** Writes "allow" or "block" for a watcher into the user's presence rules (watcher-desk.ts). */
  decideWatcher(choice: { uri: string; decision: WatcherDecision }): Promise<WatchersState> {
    if (!this.session) throw new UserFacingError('Not signed in: there is nobody to answer.');
    return this.watcherDesk.decide(choice.uri, choice.decision);
  }

  /** What the tray shows: the same session, account state and own presence the window gets. */
  get desktopView(): { readonly session: SessionInfo; readonly accountState: AccountState; readonly self: SelfPresence } {
    return { session: this.sessionInfo(), accountState: this.accountState, self: this.selfPresence() };
  }

  /** Whether the one-time "still running in the tray" notice was shown (the app's own note, not a preference). */
  get hasExplainedTray(): boolean {
    return this.settingsStore.hasExplainedTray;
  }

  /** Remembers that the "still running in the tray" notice was shown; a failure to save is only reported. */
  async markTrayExplained(): Promise<void> {
    await this.settingsStore.markTrayExplained().catch((error: unknown) => this.reportSaveFailure('settings', error));
  }

  /** Asks the window to show a buddy or a screen (queued until the window is ready). */
  requestFocus(target: FocusTarget): void {
    this.outbox.emit('onFocusRequested', target);
  }

  /** Tells the user something through the window's notice area. */
  notify(level: NoticeLevel, text: string): void {
    this.log(level === 'warning' ? 'warn' : level, `notice: ${text}`);
    this.outbox.emit('onNotice', { level, text, at: this.now() });
  }

  // ── Own presence ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Chooses status and note (with `until`, a timed status: the one before returns then), remembers them,
   * publishes them; resolves when the server has answered. A choice by hand ends any automatic status.
   */
  async setStatus(choice: { status: ChosenStatus; note: string; until?: number }): Promise<SelfPresence> {
    const note = choice.note.trim().slice(0, MAX_NOTE_LENGTH);
    const { until } = choice;
    if (until !== undefined && until <= this.now()) throw new UserFacingError('That end time has already passed; choose a later one.');
    this.autoStatus.choose({ status: choice.status, note, ...(until === undefined ? {} : { until }) });
    const before = this.autoStatus.state.before;
    const timed = until === undefined ? undefined : { until, ...(before ? { before: { status: before.status, note: before.note } } : {}) };
    await this.settingsStore.setPresence(choice.status, note, timed).catch((error: unknown) => this.reportSaveFailure('status', error));
    this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());

    const session = this.session;
    if (session && this.isPublishing()) {
      const shown = this.autoStatus.shown;
      this.lastPublished = shown;
      try {
        const publication = await session.client.setPresence(shown.status, shown.note, publishMarks(shown));
        if (this.session === session) this.publication = publication;
      } catch (error) {
        this.log('error', `publishing failed: ${String(error)}`);
        if (this.session === session) {
          this.publication = {
            phase: 'failed',
            status: shown.status,
            note: shown.note,
            problem: { message: 'Presently could not publish your status; see the log.' },
          };
        }
      }
      this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
    }
    return this.selfPresence();
  }

  /**
   * The automatic status changed what we show (idle, lock, back, a timed status's end): a choice a timed
   * status returned to is saved, and the new state is published without waiting for the answer.
   */
  private async automaticChange(shown: ShownPresence, manual: { status: ChosenStatus; note: string; until?: number }): Promise<void> {
    const saved = this.settingsStore.settings.presence;
    if (saved.status !== manual.status || saved.note !== manual.note || saved.until !== manual.until) {
      this.log('info', `the timed status ended: back to ${manual.status}`);
      await this.settingsStore.restorePresence(manual).catch((error: unknown) => this.reportSaveFailure('status', error));
    }
    if (shown.automatic) this.log('info', `automatic away (${shown.automatic.reason})`);
    this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
    const session = this.session;
    const published = this.lastPublished;
    if (!session || !this.isPublishing() || (published && isSamePublication(published, shown))) return;
    this.lastPublished = shown;
    session.client
      .setPresence(shown.status, shown.note, publishMarks(shown))
      .catch((error: unknown) => this.log('error', `publishing the automatic status failed: ${String(error)}`));
  }

  /** What the automatic status published last (null: nothing yet this session, or a choice by hand since). */
  private lastPublished: ShownPresence | null = null;

  async forgetRecentNote(note: string): Promise<SelfPresence> {
    await this.settingsStore.forgetRecentNote(note).catch((error: unknown) => this.reportSaveFailure('recent notes', error));
    const self = this.selfPresence();
    this.outbox.emitState('onSelfPresenceChanged', self);
    return self;
  }

  // ── Buddies ───────────────────────────────────────────────────────────────────────────────────────

  /** Adds a buddy (a bad address or a duplicate is refused with a reason, saving nothing) and watches it. */
  async addBuddy(form: BuddyForm): Promise<BuddyEntry> {
    const buddy = await this.buddyStore.add(form);
    this.watch(buddy.aor);
    this.emitBuddyList();
    return this.entryFor(buddy, 'saved');
  }

  async updateBuddy(change: { aor: string; buddy: BuddyForm }): Promise<BuddyEntry> {
    const buddy = await this.buddyStore.update(change.aor, change.buddy);
    if (buddy.aor !== change.aor) {
      await this.unwatch(change.aor);
      this.watch(buddy.aor);
    }
    this.emitBuddyList();
    return this.entryFor(buddy, 'saved');
  }

  async removeBuddy(target: { aor: string }): Promise<void> {
    if (!this.buddyStore.find(target.aor) && this.session?.demo?.buddies.some((b) => b.aor === target.aor)) {
      throw new UserFacingError('Demo colleagues come with the demo and cannot be removed.');
    }
    const buddy = await this.buddyStore.remove(target.aor);
    this.emitBuddyList();
    this.timeline.forget(buddy.aor);
    await this.unwatch(buddy.aor);
  }

  /** Sets a saved buddy's "tell me when available" alert (electron/desktop/buddy-alerts.ts says when it fires). */
  async setBuddyAlert(change: { aor: string; alert: BuddyAlert }): Promise<BuddyEntry> {
    if (!this.buddyStore.find(change.aor) && this.session?.demo?.buddies.some((b) => b.aor === change.aor)) {
      throw new UserFacingError('Alerts are for saved buddies; add this demo colleague to your list first.');
    }
    const buddy = await this.buddyStore.setAlert(change.aor, change.alert);
    this.emitBuddyList();
    return this.entryFor(buddy, 'saved');
  }

  /** A buddy's recent presence changes, oldest first (presence-timeline.ts). */
  buddyHistory(target: { aor: string }): readonly PresenceChange[] {
    if (!this.allBuddies().some((b) => b.aor === target.aor)) throw new UserFacingError(`${target.aor} is not in the buddy list.`);
    return this.timeline.changesOf(target.aor);
  }

  /** Why the buddy shows what it shows, from its subscription's history (shared/buddy/explain-presence.ts). */
  explainBuddy(target: { aor: string }): PresenceExplanation {
    const buddy = this.allBuddies().find((b) => b.aor === target.aor);
    if (!buddy) throw new UserFacingError(`${target.aor} is not in the buddy list.`);
    const ownAor = this.session?.kind === 'demo' ? DEMO_USER_AOR : this.settingsStore.settings.account?.aor;
    const isSelf = ownAor !== undefined && addressKey(ownAor) === addressKey(buddy.aor);
    return explainPresence({
      name: buddyLabel(buddy),
      presence: this.entryFor(buddy, buddy.source).presence,
      history: this.history.historyOf(buddy.aor),
      ...(isSelf ? { ownPublishAnswers: this.history.ownPublishAnswers } : {}),
    });
  }

  // ── Account ───────────────────────────────────────────────────────────────────────────────────────

  /** Checks and saves the account (the password into the secret store), then connects with it. */
  async saveAccount(form: AccountForm): Promise<SessionInfo> {
    const checked = checkAccountForm(form);
    if (!checked.ok) throw new UserFacingError(describeAccountErrors(checked.errors));
    const { password, ...account } = checked.value;
    const previous = this.settingsStore.settings.account;

    try {
      if (password !== undefined) {
        if (password === '') await this.secrets.delete(passwordKey(account.aor));
        else await this.secrets.set(passwordKey(account.aor), password);
      } else if (previous && previous.aor !== account.aor) {
        // The address changed but the password did not: it moves to the new address.
        const kept = await this.secrets.get(passwordKey(previous.aor));
        if (kept !== null) await this.secrets.set(passwordKey(account.aor), kept);
      }
      if (previous && previous.aor !== account.aor) await this.secrets.delete(passwordKey(previous.aor));
    } catch (error) {
      throw new UserFacingError(`The password could not be stored in the system keychain (${errorMessage(error)}); nothing was saved.`);
    }
    try {
      await this.settingsStore.setAccount(account);
    } catch (error) {
      throw new UserFacingError(`The settings could not be saved (${errorMessage(error)}).`);
    }

    await this.transition(async () => {
      await this.stopSession(this.stopTimeoutMs);
      await this.startAccountSession(account);
    });
    return this.sessionInfo();
  }

  /**
   * Registers once with the form's account by a throwaway client and says how it went; saves nothing,
   * and the running session (demo or account) carries on. Without a password in the form, the one
   * stored for the address is used. Its messages appear in the trace.
   */
  async testAccount(form: AccountForm): Promise<AccountTestResult> {
    const checked = checkAccountForm(form);
    if (!checked.ok) throw new UserFacingError(describeAccountErrors(checked.errors));
    const { password, ...account } = checked.value;
    const stored = password === undefined ? await this.secrets.get(passwordKey(account.aor)).catch(() => null) : null;
    return testAccountRegistration(sipConfigFor(account, password ?? stored), {
      sipOptions: this.sipClientOptions(),
      onTrace: (entry) => this.traceCapture.record(this.recorder.record(entry)),
      now: this.now,
    });
  }

  /** The CA certificate file the user picks, or null when cancelled; refused where there is no file dialog (the web mode). */
  async chooseCaFile(): Promise<string | null> {
    const chooser = this.options.openFileChooser;
    if (!chooser) throw new UserFacingError('There is no file dialog here: type the full path of the PEM file.');
    return chooser.choose({ title: 'CA certificate file', filters: [{ name: 'PEM certificates', extensions: ['pem', 'crt', 'cer'] }] });
  }

  /** Forgets the account and its password, disconnects, and goes back to the offline demo. */
  async removeAccount(): Promise<SessionInfo> {
    const previous = this.settingsStore.settings.account;
    if (previous) await this.secrets.delete(passwordKey(previous.aor)).catch(() => undefined);
    try {
      await this.settingsStore.setAccount(null);
    } catch (error) {
      throw new UserFacingError(`The settings could not be saved (${errorMessage(error)}).`);
    }
    await this.transition(async () => {
      await this.stopSession(this.stopTimeoutMs);
      await this.startDemoSession();
    });
    return this.sessionInfo();
  }

  /** Stops and starts the current session now, instead of waiting for the engine's next retry. */
  async reconnect(): Promise<void> {
    await this.transition(async () => {
      const kind = this.session?.kind ?? (this.settingsStore.settings.account ? 'account' : 'demo');
      await this.stopSession(this.stopTimeoutMs);
      const { account } = this.settingsStore.settings;
      if (kind === 'account' && account) await this.startAccountSession(account);
      else await this.startDemoSession();
    });
  }

  // ── Preferences ─────────────────────────────────────────────────────────────────────────────────

  /** The preferences as saved (defaults for those never changed). */
  get preferences(): AppPreferences {
    return this.settingsStore.preferences;
  }

  /** Puts the changed preferences into effect, then saves them; a failure keeps the old ones and says why. */
  async setPreferences(change: Partial<AppPreferences>): Promise<AppPreferences> {
    // The renderer checked these too, but main trusts nothing it is sent.
    const hepErrors = change.hepMirror ? checkHepMirror(change.hepMirror) : {};
    for (const [field, label] of [
      ['collector', 'HEP collector'],
      ['captureId', 'Capture ID'],
      ['authKey', 'Auth key'],
    ] as const) {
      const error = hepErrors[field];
      if (error !== undefined) throw new UserFacingError(`${label}: ${error}`);
    }
    const previous = this.settingsStore.preferences;
    const next = { ...previous, ...change };
    try {
      await this.options.applyPreferences?.(next, previous);
    } catch (error) {
      this.log('error', `applying preferences failed: ${String(error)}`);
      throw new UserFacingError(`The preference could not be applied (${errorMessage(error)}); nothing was changed.`);
    }
    try {
      await this.settingsStore.setPreferences(change);
    } catch (error) {
      throw new UserFacingError(`The settings could not be saved (${errorMessage(error)}).`);
    }
    this.configureTraceCapture();
    this.outbox.emitState('onPreferencesChanged', this.settingsStore.preferences);
    return this.settingsStore.preferences;
  }

  /** How the live capture to files and the HEP mirror are doing. */
  traceCaptureStatus(): TraceCaptureStatus {
    return this.traceCapture.status;
  }

  /** Resolves once every message recorded so far is in the capture file or sent to the collector (or dropped). */
  traceCaptureIdle(): Promise<void> {
    return this.traceCapture.idle();
  }

  private configureTraceCapture(): void {
    const { liveCapture, hepMirror } = this.settingsStore.preferences;
    this.traceCapture.configure(liveCapture, hepMirror);
  }

  // ── System sleep and network changes ────────────────────────────────────────────────────────────

  /**
   * The computer is going to sleep: our publication is removed (within `timeoutMs`) so that watchers
   * see us offline instead of a status nobody is behind. The session itself stays.
   */
  async systemSuspended(options: { timeoutMs?: number } = {}): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.log('info', 'the computer is going to sleep: removing our publication');
    await session.client
      .suspend({ timeoutMs: options.timeoutMs ?? SUSPEND_TIMEOUT_MS })
      .catch((error: unknown) => this.log('warn', `removing the publication before sleep failed: ${String(error)}`));
  }

  /** The computer woke up: connect, register, publish and subscribe again now, not when a keep-alive fails. */
  systemResumed(): void {
    this.log('info', 'the computer woke up: reconnecting');
    this.session?.client.reconnectNow();
  }

  /** The network changed (back online, or another address): the old connection is likely dead; reconnect now. */
  networkChanged(): void {
    this.log('info', 'the network changed: reconnecting');
    this.session?.client.reconnectNow();
  }

  // ── Trace ───────────────────────────────────────────────────────────────────────────────────────

  /** Writes recorded SIP messages, or a capture's, to a file the user chooses (see trace-export.ts). */
  async exportTrace(request: TraceExportRequest): Promise<TraceExportResult> {
    if (request.capture !== undefined) {
      return exportTrace(await this.captures.entriesOf(request.capture), request, this.options.saveFileChooser, this.now());
    }
    // Whatever is still waiting for the next batch is part of the trace too.
    this.recorder.flush();
    return exportTrace(this.recorder.recent(), request, this.options.saveFileChooser, this.now());
  }

  /** Starts loading a capture file for the trace pane's capture view (see capture-loader.ts). */
  openCapture(request: CaptureOpenRequest): Promise<CaptureOpened | null> {
    return this.captures.open(request);
  }

  /** The next piece of a capture the page uploads. */
  sendCaptureBytes(bytes: CaptureBytes): Promise<void> {
    return this.captures.receive(bytes);
  }

  /** Stops loading a capture. */
  cancelCapture({ id }: { id: number }): Promise<void> {
    this.captures.cancel(id);
    return Promise.resolve();
  }

  // ── For tests and the demo ────────────────────────────────────────────────────────────────────────

  /** The running demo's world, or null outside the demo. */
  get demoEnvironment(): DemoEnvironment | null {
    return this.session?.demo?.environment ?? null;
  }

  /** The session mode right now. */
  get sessionMode(): SessionMode {
    return this.mode;
  }

  /** The data folder's settings, as last loaded or saved. */
  get settingsPath(): string {
    return this.settingsStore.path;
  }

  // ── Sessions ──────────────────────────────────────────────────────────────────────────────────────

  private transition(step: () => Promise<void>): Promise<void> {
    const next = this.transitions.then(step);
    this.transitions = next.catch((error: unknown) => this.log('error', `session change failed: ${String(error)}`));
    return next;
  }

  private async startAccountSession(saved: AccountSettings): Promise<void> {
    if (this.isStopping) return;
    const password = await this.secrets.get(passwordKey(saved.aor)).catch(() => null);
    this.hasPassword = password !== null;
    const rules = rulesAccessFor(saved, password);
    const account = await this.withAnnouncedPresenceList(saved, rules);
    if (this.isStopping) return;
    const config = sipConfigFor(account, password);
    let client: SipClient;
    try {
      client = new SipClient(config, this.sipClientOptions());
    } catch (error) {
      // The form's rules passed but the engine cannot use the account: say why on the status line.
      this.log('error', `the account cannot be used: ${String(error)}`);
      this.accountState = { phase: 'failed', server: config.server, problem: { message: errorMessage(error) } };
      this.setMode('account');
      this.outbox.emitState('onAccountStateChanged', this.accountState);
      return;
    }
    const listWriter =
      rules === null || account.presenceListUri === undefined
        ? undefined
        : new ListServiceWriter(xcapClientFor(rules), account.aor, account.presenceListUri);
    this.runSession({ kind: 'account', client, unsubscribe: [], demo: null, rules, ...(listWriter === undefined ? {} : { listWriter }) });
  }

  /**
   * The account with the presence list URI its server announces (rls-services over XCAP), when it names none and has
   * an XCAP root: one list subscription then watches every buddy (RFC 4662). Used for this session only, so a server
   * that stops offering a list is not watched through a stale one; a server that cannot say is watched per buddy.
   */
  private async withAnnouncedPresenceList(account: AccountSettings, rules: RulesAccess | null): Promise<AccountSettings> {
    if (rules === null || account.presenceListUri !== undefined) return account;
    try {
      const listUri = await findPresenceListUri(xcapClientFor(rules, LIST_DISCOVERY_TIMEOUT_MS), account.aor);
      if (listUri === null) return account;
      this.log('info', `the server offers the presence list ${listUri}: buddies are watched through it`);
      return { ...account, presenceListUri: listUri };
    } catch (error) {
      this.log('warn', `the server's presence list could not be looked up (${errorMessage(error)}): each buddy is watched on its own`);
      return account;
    }
  }

  /** The engine's options, with this computer named as our device for watchers with several of them. */
  private sipClientOptions(): SipClientOptions {
    return {
      deviceLabel: `${APP_NAME} on ${PLATFORM_NAMES[this.options.host.platform] ?? this.options.host.platform}`,
      ...this.options.sipOptions,
    };
  }

  private async startDemoSession(): Promise<void> {
    if (this.isStopping) return;
    this.hasPassword = false;
    const startDemo = this.options.startDemo;
    if (!startDemo) {
      // The window says so and offers the account settings.
      this.setMode('offline');
      return;
    }
    let environment: DemoEnvironment;
    try {
      environment = await startDemo();
    } catch (error) {
      this.log('error', `the offline demo did not start: ${String(error)}`);
      this.setMode('offline');
      this.notify('error', `The offline demo could not start (${errorMessage(error)}). Open Settings to add your SIP account.`);
      return;
    }
    const config: SipAccountConfig = {
      aor: DEMO_USER_AOR,
      displayName: 'You (demo)',
      server: environment.server,
      register: true,
      publish: true,
      registerExpires: 600,
      publishExpires: 600,
      subscribeExpires: 600,
      userAgent: `${APP_NAME}/${APP_VERSION}`,
      watcherInfo: true,
    };
    const buddies: Buddy[] = environment.colleagues.map((c) => ({ aor: c.aor, displayName: c.name, group: DEMO_GROUP }));
    this.runSession({
      kind: 'demo',
      client: new SipClient(config, this.sipClientOptions()),
      unsubscribe: [],
      demo: { environment, buddies, info: { aor: DEMO_USER_AOR, server: environment.server, colleagues: buddies.length } },
      // The demo's server is open on loopback: its rules need no password.
      rules: environment.xcapRoot === undefined ? null : { xcapRoot: environment.xcapRoot, aor: DEMO_USER_AOR, username: 'you' },
    });
  }

  /** Wires a new session's events, starts it, publishes our status and watches every buddy. */
  private runSession(session: Session): void {
    const { client } = session;
    this.session = session;
    this.presenceByAor.clear();
    this.history.clear();
    this.accountState = client.accountState;
    this.publication = IDLE_PUBLICATION;

    const isCurrent = () => this.session === session;
    session.unsubscribe.push(
      this.watcherDesk.attach(client, session.rules),
      client.onAccountState((state) => {
        if (!isCurrent()) return;
        const previous = this.accountState;
        this.accountState = state;
        // The engine reports the state again when only the server's profile grew: that is no new step to log.
        const step = describeAccountStep(state);
        if (state.serverProfile === previous.serverProfile || step !== describeAccountStep(previous))
          this.log(state.phase === 'failed' ? 'warn' : 'info', step);
        const sentence = state.serverProfile?.sentence;
        if (sentence !== undefined && sentence !== previous.serverProfile?.sentence) this.log('info', sentence);
        this.outbox.emitState('onAccountStateChanged', state);
        this.refreshFreshness();
      }),
      client.onPublication((state) => {
        if (!isCurrent()) return;
        this.publication = state;
        this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
      }),
      client.onBuddy((reported) => {
        if (!isCurrent()) return;
        const presence = withFreshness(reported, this.accountState);
        this.presenceByAor.set(presence.aor, presence);
        this.history.presenceReported(presence);
        if (presence.presence && !presence.stale) this.timeline.record(presence.aor, presence.presence.status, presence.presence.note);
        this.presenceBatch.add(presence);
      }),
      client.onVoicemail((state) => {
        if (!isCurrent()) return;
        this.voicemail = state;
        this.outbox.emitState('onVoicemailChanged', state);
      }),
      client.onBuddyFeed((feed) => {
        if (!isCurrent()) return;
        this.buddyFeed = feed;
        this.outbox.emitState('onBuddyFeedChanged', feed);
      }),
      client.onTrace((entry) => {
        if (!isCurrent()) return;
        this.traceCapture.record(this.recorder.record(entry));
        this.history.messageTraced(entry);
        if (this.settingsStore.preferences.traceToFile) this.options.traceToFile?.(entry);
      }),
    );

    this.voicemail = client.voicemail;
    this.buddyFeed = client.buddyFeed;
    this.setMode(session.kind);
    this.outbox.emitState('onVoicemailChanged', this.voicemail);
    this.outbox.emitState('onBuddyFeedChanged', this.buddyFeed);
    this.outbox.emitState('onAccountStateChanged', this.accountState);
    this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
    this.emitBuddyList();

    // start() never rejects: failures arrive as connection states and the engine retries with back-off.
    void client.start().catch((error: unknown) => this.log('error', `SIP start failed: ${String(error)}`));
    const shown = this.autoStatus.shown;
    this.lastPublished = null;
    if (this.isPublishing()) {
      this.lastPublished = shown;
      client
        .setPresence(shown.status, shown.note, publishMarks(shown))
        .catch((error: unknown) => this.log('error', `initial publish failed: ${String(error)}`));
    }
    for (const buddy of this.allBuddies()) this.watch(buddy.aor);
  }

  private async stopSession(timeoutMs: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
    clearTimeout(this.listWriteTimer);
    this.listWriteTimer = undefined;
    const deadline = this.now() + timeoutMs;
    try {
      await rejectOnTimeout(session.client.stop({ timeoutMs }), timeoutMs + 500);
    } catch (error) {
      this.log('warn', `the SIP session did not stop cleanly: ${String(error)}`);
    }
    for (const unsubscribe of session.unsubscribe) unsubscribe();
    if (session.demo) {
      const left = Math.max(500, deadline - this.now());
      await rejectOnTimeout(session.demo.environment.stop(), left).catch((error: unknown) =>
        this.log('warn', `the offline demo did not stop cleanly: ${String(error)}`),
      );
    }
    this.accountState = { ...IDLE_ACCOUNT_STATE, phase: 'stopped', server: this.accountState.server };
    this.publication = IDLE_PUBLICATION;
    this.voicemail = VOICEMAIL_OFF;
    this.buddyFeed = PER_BUDDY_FEED;
    this.presenceBatch.flush();
    this.presenceByAor.clear();
    this.outbox.emitState('onVoicemailChanged', this.voicemail);
    this.outbox.emitState('onBuddyFeedChanged', this.buddyFeed);
    this.outbox.emitState('onAccountStateChanged', this.accountState);
    this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
  }

  private watch(aor: string): void {
    const session = this.session;
    if (!session) return;
    try {
      session.client.watch(aor);
    } catch (error) {
      this.log('error', `watching ${aor} failed: ${String(error)}`);
    }
  }

  /** Ends the subscription to `aor` unless the list still shows it (a demo colleague also saved). */
  private async unwatch(aor: string): Promise<void> {
    const session = this.session;
    if (!session || this.allBuddies().some((b) => b.aor === aor)) return;
    this.presenceByAor.delete(aor);
    this.history.forget(aor);
    await session.client.unwatch(aor).catch((error: unknown) => this.log('warn', `unwatching ${aor} failed: ${String(error)}`));
  }

  private isPublishing(): boolean {
    const session = this.session;
    if (!session) return false;
    return session.kind === 'demo' || this.settingsStore.settings.account?.publish === true;
  }

  // ── State as the renderer sees it ─────────────────────────────────────────────────────────────────

  private sessionInfo(): SessionInfo {
    const account = this.settingsStore.settings.account;
    return {
      mode: this.mode,
      account: account ? this.accountView(account) : null,
      demo: this.session?.demo?.info ?? null,
      isPasswordStorePersistent: this.secrets.isPersistent,
    };
  }

  private accountView(account: AccountSettings): AccountView {
    return { ...account, hasPassword: this.hasPassword };
  }

  /** Whether the saved account has a password stored; set whenever a session starts. */
  private hasPassword = false;

  private selfPresence(): SelfPresence {
    const { recentNotes } = this.settingsStore.settings;
    const shown = this.autoStatus.shown;
    return {
      status: shown.status,
      note: shown.note,
      ...(shown.until === undefined ? {} : { until: shown.until }),
      ...(shown.automatic ? { automatic: shown.automatic } : {}),
      publication: this.publication,
      recentNotes,
    };
  }

  /** Marks or clears every buddy's `stale` after the account's state moved, telling the window of each that changed. */
  private refreshFreshness(): void {
    for (const [aor, presence] of this.presenceByAor) {
      const next = withFreshness(presence, this.accountState);
      if (next.stale?.reason === presence.stale?.reason && next.stale?.asOf === presence.stale?.asOf) continue;
      this.presenceByAor.set(aor, next);
      this.presenceBatch.add(next);
    }
  }

  /** Demo colleagues first, then the saved buddies (a saved buddy that is also a colleague appears once). */
  private allBuddies(): (Buddy & { source: 'saved' | 'demo' })[] {
    const demo = (this.session?.demo?.buddies ?? []).map((b) => ({ ...b, source: 'demo' as const }));
    const saved = this.buddyStore.buddies.map((b) => ({ ...b, source: 'saved' as const }));
    const savedAors = new Set(saved.map((b) => b.aor));
    return [...demo.filter((b) => !savedAors.has(b.aor)), ...saved];
  }

  /** Sends the whole list, after the presence changes still pending, so none of those arrives after it and undoes it. */
  private emitBuddyList(): void {
    this.presenceBatch.flush();
    this.outbox.emitState('onBuddiesChanged', this.buddyEntries());
    this.scheduleListWrite();
  }

  /**
   * Writes the buddy list to the server's presence list soon (list-service-writer.ts): changes within
   * LIST_WRITE_DELAY_MS go in one PUT, and one write runs at a time, the last change always written after it.
   */
  private scheduleListWrite(): void {
    const session = this.session;
    const writer = session?.listWriter;
    if (session === null || writer === undefined) return;
    clearTimeout(this.listWriteTimer);
    this.listWriteTimer = setTimeout(() => {
      this.listWriteTimer = undefined;
      if (this.isListWriting) {
        this.isListWriteWanted = true;
        return;
      }
      this.isListWriting = true;
      const entries = this.allBuddies().map((b) => ({ uri: b.aor, displayName: b.displayName }));
      writer
        .write(entries)
        .then(() => {
          this.log('info', `the presence list on the server now has ${entries.length} buddies`);
          // A list SUBSCRIBE sent before the list existed fell back to per-buddy: with the list there, use it.
          if (this.session === session && this.buddyFeed.kind === 'per-buddy') session.client.retryList();
        })
        .catch((error: unknown) => this.log('warn', `the presence list on the server could not be written: ${errorMessage(error)}`))
        .finally(() => {
          this.isListWriting = false;
          if (this.isListWriteWanted && this.session === session) {
            this.isListWriteWanted = false;
            this.scheduleListWrite();
          }
        });
    }, LIST_WRITE_DELAY_MS);
  }

  private buddyEntries(): BuddyEntry[] {
    return this.allBuddies().map((b) => this.entryFor(b, b.source));
  }

  private entryFor(buddy: Buddy, source: 'saved' | 'demo'): BuddyEntry {
    const presence = this.presenceByAor.get(buddy.aor) ?? {
      aor: buddy.aor,
      subscription: { phase: 'unknown' },
      presence: null,
      changedAt: null,
    };
    const alert = source === 'saved' ? this.buddyStore.find(buddy.aor)?.alert : undefined;
    return { aor: buddy.aor, displayName: buddy.displayName, group: buddy.group, source, presence, ...(alert ? { alert } : {}) };
  }

  private setMode(mode: SessionMode): void {
    this.mode = mode;
    this.outbox.emitState('onSessionChanged', this.sessionInfo());
  }

  private reportLoad(what: string, result: LoadResult<unknown>): void {
    if (result.kind !== 'set-aside') return;
    this.log('warn', `${what} file set aside: ${result.reason}`);
    this.notify(
      'warning',
      `Your ${what} could not be read because ${result.reason}. The file was kept as ${result.movedTo}; Presently started with an empty ${what}.`,
    );
  }

  private reportSaveFailure(what: string, error: unknown): void {
    this.log('error', `saving ${what} failed: ${String(error)}`);
    this.notify('error', `Your ${what} could not be saved (${errorMessage(error)}).`);
  }
}

/** How the engine publishes a shown presence: an automatic one without the manual mark, a timed one with its end. */
function publishMarks(shown: ShownPresence): PublishMarks {
  return { ...(shown.isManual ? {} : { isManual: false }), ...(shown.until === undefined ? {} : { until: shown.until }) };
}

/** One log line for an account state change: the phase, the server and, after a failure, why and when the retry is. */
function describeAccountStep(state: AccountState): string {
  const problem = state.problem ? `: ${state.problem.message}` : '';
  const retry = state.retryAt === undefined ? '' : ` (retry at ${new Date(state.retryAt).toISOString()})`;
  return `account ${state.phase} ${state.server}${problem}${retry}`;
}
