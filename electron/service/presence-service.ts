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
 */
import type {
  AppInfo,
  AppPreferences,
  AppSnapshot,
  AccountTestResult,
  DemoInfo,
  FocusTarget,
  NoticeLevel,
  RuntimeKind,
  SelfPresence,
  SessionInfo,
  SessionMode,
  TraceExportRequest,
  TraceExportResult,
} from '../../shared/ipc/contract';
import { errorMessage } from '../../shared/error-message';
import {
  accountServerUri,
  checkAccountForm,
  describeAccountErrors,
  type AccountForm,
  type AccountSettings,
  type AccountView,
} from '../../shared/account/account-settings';
import { buddyLabel, type Buddy, type BuddyEntry, type BuddyForm } from '../../shared/buddy/buddy';
import { explainPresence, type PresenceExplanation } from '../../shared/buddy/explain-presence';
import type { BuddyPresence, AccountState, PublicationState } from '../../shared/presence/presence-state';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { MAX_NOTE_LENGTH, type ChosenStatus } from '../../shared/presence/presence-status';
import { APP_NAME, APP_VERSION } from '../app-identity';
import { rejectOnTimeout } from '../deadline';
import { EventOutbox, type EventSink } from '../ipc/event-outbox';
import { UserFacingError } from '../ipc/user-facing-error';
import { SipClient, type SipAccountConfig, type SipClientOptions } from '../sip/sip-client';
import { aorKey, BuddyHistory } from './buddy-history';
import { BuddyStore } from './buddy-store';
import { DEMO_USER_AOR, type DemoEnvironment, type DemoStarter } from './demo/demo-environment';
import type { LoadResult } from './json-file';
import { MemorySecretStore, passwordKey, type SecretStore } from './secret-store';
import { SettingsStore } from './settings-store';
import { exportTrace, type SaveFileChooser } from './trace-export';
import { testAccountRegistration, type OpenFileChooser } from './account-test';
import { TraceRecorder, type TraceRecorderOptions } from './trace-recorder';

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
  };
}

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
}

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
  private readonly stopTimeoutMs: number;

  private mode: SessionMode = 'starting';
  private session: Session | null = null;
  private accountState: AccountState = IDLE_ACCOUNT_STATE;
  private publication: PublicationState = IDLE_PUBLICATION;
  private readonly presenceByAor = new Map<string, BuddyPresence>();
  /** Each watched buddy's recent subscription events, for explainBuddy. */
  private readonly history: BuddyHistory;
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
    this.history = new BuddyHistory(this.now);
    this.recorder = new TraceRecorder(
      (entries) => this.outbox.emitState('onTraceBatch', { entries }),
      options.trace,
      (maxChars) =>
        this.notify(
          'info',
          `The SIP trace keeps the newest ${Math.round(maxChars / (1024 * 1024))} MB of messages; older ones are now dropped (export the trace to keep them).`,
        ),
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
      this.reportLoad('buddy list', await this.buddyStore.load(this.now));
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
    await this.transition(async () => {
      await this.stopSession(options.timeoutMs ?? this.stopTimeoutMs);
      this.setMode('offline');
    });
    this.recorder.dispose();
    await Promise.all([this.settingsStore.flush(), this.buddyStore.flush()]);
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
    };
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

  /** Chooses status and note, remembers them, publishes them; resolves when the server has answered. */
  async setStatus(choice: { status: ChosenStatus; note: string }): Promise<SelfPresence> {
    const note = choice.note.trim().slice(0, MAX_NOTE_LENGTH);
    await this.settingsStore.setPresence(choice.status, note).catch((error: unknown) => this.reportSaveFailure('status', error));
    this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());

    const session = this.session;
    if (session && this.isPublishing()) {
      try {
        const publication = await session.client.setPresence(choice.status, note);
        if (this.session === session) this.publication = publication;
      } catch (error) {
        this.log('error', `publishing failed: ${String(error)}`);
        if (this.session === session) {
          this.publication = {
            phase: 'failed',
            status: choice.status,
            note,
            problem: { message: 'Presently could not publish your status; see the log.' },
          };
        }
      }
      this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
    }
    return this.selfPresence();
  }

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
    this.outbox.emitState('onBuddiesChanged', this.buddyEntries());
    return this.entryFor(buddy, 'saved');
  }

  async updateBuddy(change: { aor: string; buddy: BuddyForm }): Promise<BuddyEntry> {
    const buddy = await this.buddyStore.update(change.aor, change.buddy);
    if (buddy.aor !== change.aor) {
      await this.unwatch(change.aor);
      this.watch(buddy.aor);
    }
    this.outbox.emitState('onBuddiesChanged', this.buddyEntries());
    return this.entryFor(buddy, 'saved');
  }

  async removeBuddy(target: { aor: string }): Promise<void> {
    if (!this.buddyStore.find(target.aor) && this.session?.demo?.buddies.some((b) => b.aor === target.aor)) {
      throw new UserFacingError('Demo colleagues come with the demo and cannot be removed.');
    }
    const buddy = await this.buddyStore.remove(target.aor);
    this.outbox.emitState('onBuddiesChanged', this.buddyEntries());
    await this.unwatch(buddy.aor);
  }

  /** Why the buddy shows what it shows, from its subscription's history (shared/buddy/explain-presence.ts). */
  explainBuddy(target: { aor: string }): PresenceExplanation {
    const buddy = this.allBuddies().find((b) => b.aor === target.aor);
    if (!buddy) throw new UserFacingError(`${target.aor} is not in the buddy list.`);
    const ownAor = this.session?.kind === 'demo' ? DEMO_USER_AOR : this.settingsStore.settings.account?.aor;
    const isSelf = ownAor !== undefined && aorKey(ownAor) === aorKey(buddy.aor);
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
      onTrace: (entry) => this.recorder.record(entry),
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
    this.outbox.emitState('onPreferencesChanged', this.settingsStore.preferences);
    return this.settingsStore.preferences;
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

  /** Writes recorded SIP messages to a file the user chooses (see trace-export.ts). */
  exportTrace(request: TraceExportRequest): Promise<TraceExportResult> {
    // Whatever is still waiting for the next batch is part of the trace too.
    this.recorder.flush();
    return exportTrace(this.recorder.recent(), request, this.options.saveFileChooser, this.now());
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

  private async startAccountSession(account: AccountSettings): Promise<void> {
    if (this.isStopping) return;
    const password = await this.secrets.get(passwordKey(account.aor)).catch(() => null);
    this.hasPassword = password !== null;
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
    this.runSession({ kind: 'account', client, unsubscribe: [], demo: null });
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
    };
    const buddies: Buddy[] = environment.colleagues.map((c) => ({ aor: c.aor, displayName: c.name, group: DEMO_GROUP }));
    this.runSession({
      kind: 'demo',
      client: new SipClient(config, this.sipClientOptions()),
      unsubscribe: [],
      demo: { environment, buddies, info: { aor: DEMO_USER_AOR, server: environment.server, colleagues: buddies.length } },
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
      }),
      client.onPublication((state) => {
        if (!isCurrent()) return;
        this.publication = state;
        this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
      }),
      client.onBuddy((presence) => {
        if (!isCurrent()) return;
        this.presenceByAor.set(presence.aor, presence);
        this.history.presenceReported(presence);
        this.outbox.emitState('onBuddyPresenceChanged', presence);
      }),
      client.onTrace((entry) => {
        if (!isCurrent()) return;
        this.recorder.record(entry);
        this.history.messageTraced(entry);
        if (this.settingsStore.preferences.traceToFile) this.options.traceToFile?.(entry);
      }),
    );

    this.setMode(session.kind);
    this.outbox.emitState('onAccountStateChanged', this.accountState);
    this.outbox.emitState('onSelfPresenceChanged', this.selfPresence());
    this.outbox.emitState('onBuddiesChanged', this.buddyEntries());

    // start() never rejects: failures arrive as connection states and the engine retries with back-off.
    void client.start().catch((error: unknown) => this.log('error', `SIP start failed: ${String(error)}`));
    const { status, note } = this.settingsStore.settings.presence;
    if (this.isPublishing()) {
      client.setPresence(status, note).catch((error: unknown) => this.log('error', `initial publish failed: ${String(error)}`));
    }
    for (const buddy of this.allBuddies()) this.watch(buddy.aor);
  }

  private async stopSession(timeoutMs: number): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = null;
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
    this.presenceByAor.clear();
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
    const { presence, recentNotes } = this.settingsStore.settings;
    return { status: presence.status, note: presence.note, publication: this.publication, recentNotes };
  }

  /** Demo colleagues first, then the saved buddies (a saved buddy that is also a colleague appears once). */
  private allBuddies(): (Buddy & { source: 'saved' | 'demo' })[] {
    const demo = (this.session?.demo?.buddies ?? []).map((b) => ({ ...b, source: 'demo' as const }));
    const saved = this.buddyStore.buddies.map((b) => ({ ...b, source: 'saved' as const }));
    const savedAors = new Set(saved.map((b) => b.aor));
    return [...demo.filter((b) => !savedAors.has(b.aor)), ...saved];
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
    return { aor: buddy.aor, displayName: buddy.displayName, group: buddy.group, source, presence };
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

/** One log line for an account state change: the phase, the server and, after a failure, why and when the retry is. */
function describeAccountStep(state: AccountState): string {
  const problem = state.problem ? `: ${state.problem.message}` : '';
  const retry = state.retryAt === undefined ? '' : ` (retry at ${new Date(state.retryAt).toISOString()})`;
  return `account ${state.phase} ${state.server}${problem}${retry}`;
}
