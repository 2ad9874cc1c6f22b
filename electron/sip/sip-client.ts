/**
 * `SipClient`: one SIP account as the app, the command line and the compositor's simulated colleagues
 * see it — connect, register, publish our presence, watch buddies, trace every message. Plain data in
 * and out (shared/presence/presence-state.ts, shared/trace/trace-entry.ts); sip.js stays inside.
 *
 * Layers, bottom up: a connection (./transport/, UDP/TCP/TLS/WS/WSS) → the reliability layer (RFC 3261
 * §17 timers sip.js lacks) → sip.js's core (./sip-stack.ts) → registration (./register/), publication
 * (./publish/) and one subscription per buddy (./subscribe/) → this facade.
 *
 * The account's life cycle (its `AccountState`; the one drawing of AccountPhase):
 *
 *   idle ──start()──► connecting ──open──► registering ──2xx──► registered ──┐
 *                        ▲   │ failure          │ failure                    │ lost connection, or
 *                        │   ▼                  ▼                            │ a failed re-REGISTER
 *                        └── failed (retryAt: back-off 2 s … 2 min with jitter) ◄┘
 *   (without registration: connecting ──open──► connected)
 *   any but idle/stopped ──reconnectNow()──► connecting: connection dropped, back-off reset (after sleep
 *                                            or a network change); suspend() removes only the publication
 *   any ──stop()──► stopped: publication removed, subscriptions ended, unregistered — within timeoutMs.
 *
 * After every (re)connection and registration the link is "up": the publication is sent again (it
 * waited for the first registration, RFC 3903 servers often answer 404 before one), then every buddy
 * is subscribed again — through one resource list subscription (RFC 4662) when the account has a presence list URI,
 * falling back to one per buddy when the server refuses it — with, where asked for, our mailbox's summary (RFC 3842)
 * and each buddy's phone line (RFC 4235) next to its presence. New SUBSCRIBEs — at the start, for a new buddy, after a reconnection — go through one
 * adaptive window per account (./subscribe/subscribe-pacer.ts): buddies with a higher priority first, as many
 * at once as the server keeps up with.
 */
import { randomUUID } from 'node:crypto';
import { Grammar, URI } from 'sip.js/lib/grammar/index.js';
import { createRandomToken } from 'sip.js/lib/core/messages/utils.js';
import { errorMessage } from '../../shared/error-message';
import type { ChosenStatus } from '../../shared/presence/presence-status';
import { describeFoundServer } from '../../shared/presence/found-server';
import type {
  AccountState,
  BuddyListFeed,
  BuddyPresence,
  PublicationState,
  ServerCapability,
  SipProblem,
  SubscriptionState,
  VoicemailState,
} from '../../shared/presence/presence-state';
import { VOICEMAIL_OFF } from '../../shared/presence/presence-state';
import { addressKey } from '../../shared/buddy/buddy';
import type { MessageSummary } from '../../shared/message-summary';
import { transactionTimeoutMs } from '../../shared/sip/timers';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import { APP_NAME, APP_VERSION } from '../app-identity';
import { waitAtMost } from '../deadline';
import { PresencePublisher, type PublishMarks, type WantedPresence } from './publish/presence-publisher';
import { Registration } from './register/registration';
import { ServerObserver } from './server-profile';
import { locateServer, systemResolver, type DnsResolver, type LocatedTarget } from './locate/locate-server';
import { readServerUri, transportOf, type ServerUri } from './server-target';
import {
  DEFAULT_SIP_TIMERS,
  type FetchOptions,
  type SipAccountConfig,
  type SipClientOptions,
  type SipLogger,
  type SipTimers,
  type StopOptions,
  type WatcherInfoState,
} from './sip-client-types';
import { problemFromFailure } from './sip-problem';
import { SipStack } from './sip-stack';
import { BuddySubscription } from './subscribe/buddy-subscription';
import { noteLanguagesFor } from './subscribe/notify-body';
import { fetchPresence } from './subscribe/presence-fetch';
import { SubscribePacer, type PacerStatistics } from './subscribe/subscribe-pacer';
import { WatcherInfoWatch } from './subscribe/watcher-info-watch';
import { MessageSummaryWatch } from './subscribe/message-summary-watch';
import { ResourceListWatch, type ListUpdate } from './subscribe/resource-list-watch';
import { LineStateWatch } from './subscribe/watched-event';
import { readCaFile } from './transport/ca-file';
import { openConnection } from './transport/open-connection';
import { TransportFailure, type SipConnection } from './transport/sip-connection';
import { MAX_EXPIRES_SECONDS, backoffMs } from './usage/refresh-policy';

export type { FetchOptions, SipAccountConfig, SipClientOptions, StopOptions, WatcherInfoState } from './sip-client-types';

/** Removes the listener it was returned for. */
export type Unsubscribe = () => void;

/** Input the engine cannot use (a malformed AOR or server URI); `message` is written for the user. */
export class SipConfigError extends Error {
  override readonly name = 'SipConfigError';
}

/**
 * `sip:user@host` with a user part of unreserved characters or `+` and a host name (RFC 3261 §25.1 `unreserved`,
 * `hostname`): the form nearly every buddy address has. sip.js's grammar rebuilds its parsing tables on every call
 * (hundreds of microseconds per URI, seconds for a list of thousands), so this form is read here; any other goes to it.
 */
const PLAIN_SIP_URI =
  /^(sips?):([A-Za-z0-9\-_.!~*'()+]+)@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/;

/** Parses a SIP or SIPS URI, or throws SipConfigError naming `what`. */
export function parseSipUri(value: string, what: string): URI {
  const plain = PLAIN_SIP_URI.exec(value.trim());
  if (plain !== null) return new URI(plain[1] as string, plain[2] as string, plain[3] as string);
  const uri = Grammar.URIParse(value.trim());
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips') || uri.host === '') {
    throw new SipConfigError(`${what} "${value}" is not a SIP address (expected e.g. sip:alice@example.com).`);
  }
  return uri;
}

type Listener<T> = (value: T) => void;

class Listeners<T> {
  private readonly set = new Set<Listener<T>>();
  add(listener: Listener<T>): Unsubscribe {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch {
        // A listener's bug must not break the engine or the other listeners.
      }
    }
  }
}

type Lifecycle = 'idle' | 'running' | 'stopping' | 'stopped';

export class SipClient {
  private readonly timers: SipTimers;
  private readonly logger: SipLogger;
  private readonly random: () => number;
  /** The `xml:lang` of our notes: the system locale unless the caller says otherwise. */
  private readonly noteLanguage: string;
  /** Of a buddy's several notes, the languages shown first: the note language's, then English. */
  private readonly noteLanguages: readonly string[];
  /** The next hop as configured (the outbound proxy, else the server); DNS finds its targets per attempt. */
  private readonly nextHop: ServerUri;
  private readonly resolver: DnsResolver;
  private readonly aor: URI;
  private readonly stack: SipStack;
  private readonly registration: Registration | undefined;
  private readonly publisher: PresencePublisher;
  /** Each buddy's own presence subscription (none while the list subscription covers it). */
  private readonly subscriptions = new Map<string, BuddySubscription>();
  /** Every watched buddy by its key (its URI as sip.js writes it): the AOR as given and its list member key. */
  private readonly watchedBuddies = new Map<string, { readonly aor: string; readonly memberKey: string }>();
  /** The resource list subscription while the account uses one (presenceListUri, not fallen back). */
  private list: { readonly subscription: BuddySubscription; readonly watch: ResourceListWatch } | undefined;
  private buddyFeedValue: BuddyListFeed;
  private readonly buddyFeedListeners = new Listeners<BuddyListFeed>();
  /** Each buddy's line state subscription (dialog package), while the account asks for it and the server offers it. */
  private readonly lineWatches = new Map<string, { readonly subscription: BuddySubscription; readonly watch: LineStateWatch }>();
  /** Whether the server offers the dialog package: `no` once it answered a dialog SUBSCRIBE with 489. */
  private dialogOffered: ServerCapability = 'unknown';
  /** The subscription to our own mailbox's summary, when the account asks for it. */
  private readonly mailbox: { readonly subscription: BuddySubscription; readonly watch: MessageSummaryWatch } | undefined;
  private voicemailValue: VoicemailState;
  /** When the last summary arrived (ms since the epoch), or null. */
  private voicemailSummaryAt: number | null = null;
  private readonly voicemailListeners = new Listeners<VoicemailState>();
  private readonly pacer: SubscribePacer;
  private readonly accountStateListeners = new Listeners<AccountState>();
  private readonly publicationListeners = new Listeners<PublicationState>();
  private readonly buddyListeners = new Listeners<BuddyPresence>();
  private readonly traceListeners = new Listeners<UnnumberedTraceEntry>();
  private readonly watcherInfoListeners = new Listeners<WatcherInfoState>();
  /** The subscription to our own watcher information, when the account asks for it. */
  private readonly watcherInfoSubscription: BuddySubscription | undefined;
  private watcherInfoValue: WatcherInfoState = { subscription: { phase: 'unknown' }, watchers: [] };
  /** Which server this is and what it takes, from every message it sends (reported in the account state). */
  private readonly serverObserver = new ServerObserver();

  private accountStateValue: AccountState;
  private lifecycle: Lifecycle = 'idle';
  private activeConnection: SipConnection | undefined;
  /** Incremented per connection attempt; callbacks of older attempts are ignored. */
  private attemptGeneration = 0;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private isLinkUp = false;
  private firstAttempt: Promise<AccountState> | undefined;
  private stopping: Promise<void> | undefined;
  private settleFirstAttempt: ((state: AccountState) => void) | undefined;
  /** The status and note `suspend()` took off the server, published again by `reconnectNow()`. */
  private presenceBeforeSuspend: WantedPresence | undefined;

  /** @throws SipConfigError when the AOR, server or outbound proxy cannot be used. */
  constructor(
    readonly config: SipAccountConfig,
    options: SipClientOptions = {},
  ) {
    this.timers = { ...DEFAULT_SIP_TIMERS, ...options.timers };
    this.logger = options.logger ?? (() => undefined);
    this.random = options.random ?? Math.random;
    this.noteLanguage = options.noteLanguage ?? Intl.DateTimeFormat().resolvedOptions().locale;
    this.noteLanguages = noteLanguagesFor(this.noteLanguage);
    this.resolver = options.resolver ?? systemResolver();
    this.pacer = new SubscribePacer({
      slowAnswerMs: this.timers.t1,
      ...(options.subscribePacing === 'off' ? { initialWindow: Infinity, maxWindow: Infinity } : options.subscribePacing),
    });
    this.aor = parseSipUri(config.aor, 'The account address');
    try {
      this.nextHop = readServerUri(config.outboundProxy ?? config.server, config.wsPath === undefined ? {} : { wsPath: config.wsPath });
      if (config.outboundProxy !== undefined) readServerUri(config.server);
    } catch (error) {
      throw new SipConfigError(errorMessage(error));
    }
    for (const [name, value] of [
      ['registerExpires', config.registerExpires],
      ['publishExpires', config.publishExpires],
      ['subscribeExpires', config.subscribeExpires],
    ] as const) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_SECONDS)
        throw new SipConfigError(`${name} must be a whole number of seconds ≥ 1 (got ${value}).`);
    }
    this.accountStateValue = { phase: 'idle', server: config.server };
    const hasPassword = config.password !== undefined && config.password !== '';
    this.stack = new SipStack({
      aor: this.aor,
      ...(config.displayName === undefined ? {} : { displayName: config.displayName }),
      ...(config.authUser === undefined ? {} : { authUser: config.authUser }),
      ...(hasPassword ? { password: config.password } : {}),
      userAgent: config.userAgent ?? `${APP_NAME}/${APP_VERSION}`,
      routeSet: config.outboundProxy === undefined ? [] : [`<${config.outboundProxy.trim()};lr>`],
      transportKind: transportOf(this.nextHop),
      timers: this.timers,
      logger: this.logger,
    });
    if (config.register) {
      const registrar = this.aor.clone();
      registrar.user = undefined;
      registrar.clearHeaders();
      this.registration = new Registration(this.stack, {
        aor: this.aor,
        registrar,
        expires: config.registerExpires,
        t1: this.timers.t1,
        hasPassword,
        onRefreshFailed: (result) => this.onLinkBroken(result.problem),
        onChange: () => this.onRegistrationChange(),
      });
    }
    this.publisher = new PresencePublisher(this.stack, {
      aor: this.aor,
      expires: config.publishExpires,
      tupleId: `t${createRandomToken(8).toLowerCase()}`,
      ...(options.deviceLabel?.trim() ? { device: { id: `urn:uuid:${randomUUID()}`, label: options.deviceLabel.trim() } } : {}),
      noteLanguage: this.noteLanguage,
      hasPassword,
      t1: this.timers.t1,
      retryBase: this.timers.retryBase,
      retryMax: this.timers.retryMax,
      random: this.random,
      onChange: (state) => this.publicationListeners.emit(state),
      refusalReason: () =>
        this.serverObserver.profile?.quirks.includes('status-from-phone-line')
          ? 'it publishes your status from your phone line'
          : undefined,
    });
    if (config.watcherInfo === true) {
      const watch = new WatcherInfoWatch((watchers) => this.setWatcherInfo({ ...this.watcherInfoValue, watchers }));
      // RFC 3857 §4.1: the watcher information of a presentity is subscribed at the presentity's own AOR.
      this.watcherInfoSubscription = new BuddySubscription(this.stack, {
        target: this.aor,
        aor: config.aor.trim(),
        from: this.aor,
        expires: config.subscribeExpires,
        hasPassword,
        t1: this.timers.t1,
        backoff: this.timers,
        random: this.random,
        logger: this.logger,
        watch,
        onChange: (state) => this.setWatcherInfo({ ...this.watcherInfoValue, subscription: state.subscription }),
      });
    }
    const listUri = config.presenceListUri?.trim() ?? '';
    this.buddyFeedValue = {
      kind: listUri === '' ? 'per-buddy' : 'list',
      listUri: listUri === '' ? null : listUri,
      subscription: null,
      problem: null,
    };
    if (listUri !== '') this.list = this.makeListSubscription(parseSipUri(listUri, 'The presence list URI'), listUri);
    this.voicemailValue = { ...VOICEMAIL_OFF, account: config.aor.trim() };
    if (config.messageSummary === true) {
      const watch = new MessageSummaryWatch(() => {
        this.voicemailSummaryAt = Date.now();
        this.updateVoicemail();
      });
      this.mailbox = {
        watch,
        subscription: new BuddySubscription(this.stack, {
          ...this.subscriptionBasics(),
          target: this.aor,
          aor: config.aor.trim(),
          watch,
          onChange: () => this.updateVoicemail(),
        }),
      };
    }
  }

  /** What every subscription of this account shares. */
  private subscriptionBasics() {
    return {
      from: this.aor,
      expires: this.config.subscribeExpires,
      hasPassword: this.config.password !== undefined && this.config.password !== '',
      t1: this.timers.t1,
      backoff: this.timers,
      random: this.random,
      logger: this.logger,
    };
  }

  /** Our mailbox's summary as last reported (`off` unless the account has `messageSummary`). */
  get voicemail(): VoicemailState {
    return this.voicemailValue;
  }

  /** How the buddies' presence arrives: one list subscription or one per buddy. */
  get buddyFeed(): BuddyListFeed {
    return this.buddyFeedValue;
  }

  /** Who watches our presence, as last reported (nothing unless the account has `watcherInfo`). */
  get watcherInfo(): WatcherInfoState {
    return this.watcherInfoValue;
  }

  /**
   * Asks the server for our whole watcher information again (a refresh of the subscription): after a change of our
   * rules, which some servers (Kamailio) apply to the watchers without a NOTIFY of our watcher information.
   */
  refreshWatcherInfo(): void {
    this.watcherInfoSubscription?.refreshSoon();
  }

  /** The connection (and registration) as last reported. */
  get accountState(): AccountState {
    return this.accountStateValue;
  }

  /** Our own publication as last reported. */
  get publication(): PublicationState {
    return this.publisher.state;
  }

  /** The SUBSCRIBE window's figures so far (in flight at most, timeouts, 503s, slow answers). */
  get subscribePacing(): PacerStatistics {
    return this.pacer.statistics;
  }

  /** Every watched buddy, in the order they were added. */
  get buddies(): readonly BuddyPresence[] {
    const buddies: BuddyPresence[] = [];
    for (const key of this.watchedBuddies.keys()) {
      const buddy = this.composedBuddy(key);
      if (buddy !== undefined) buddies.push(buddy);
    }
    return buddies;
  }

  /**
   * Connects (and registers when configured). Resolves with the connection state once the first attempt
   * has succeeded or failed; after a failure the engine keeps retrying with back-off. Never rejects.
   * A stopped client stays stopped: make a new one to start again.
   */
  start(): Promise<AccountState> {
    if (this.firstAttempt) return this.firstAttempt;
    if (this.lifecycle !== 'idle') return Promise.resolve(this.accountStateValue);
    this.lifecycle = 'running';
    this.firstAttempt = new Promise((resolve) => {
      this.settleFirstAttempt = resolve;
    });
    this.connectSafely();
    return this.firstAttempt;
  }

  /**
   * Removes the publication, ends subscriptions, unregisters and closes — always within `timeoutMs`.
   * Calling it again while it runs returns the same promise.
   */
  stop(options: StopOptions): Promise<void> {
    this.stopping ??= this.shutDown(options);
    return this.stopping;
  }

  private async shutDown({ timeoutMs }: StopOptions): Promise<void> {
    const wasLinkUp = this.isLinkUp && this.lifecycle === 'running';
    this.lifecycle = 'stopping';
    clearTimeout(this.reconnectTimer);
    this.attemptGeneration += 1;
    const deadline = Date.now() + Math.max(0, timeoutMs);
    const remaining = () => Math.max(0, deadline - Date.now());
    const polite = async () => {
      if (!wasLinkUp) return;
      const publication = this.publisher.state;
      // A PUBLISH still in flight will have an entity tag by the time the removal (queued after it) goes.
      if (this.config.publish && (publication.etag !== undefined || publication.phase === 'publishing')) {
        await waitAtMost(this.publisher.remove(), remaining() / 2);
      }
      const ends = this.everySubscription().map((s) => s.stop(remaining() / 2));
      await Promise.all(ends);
      await this.registration?.unregister(remaining());
    };
    await waitAtMost(polite(), remaining());
    this.publisher.dispose();
    // Subscriptions the polite phase could not end in time are dropped without another request.
    this.isLinkUp = false;
    for (const subscription of this.everySubscription()) subscription.linkDown({ message: 'The account was stopped.' });
    for (const subscription of this.everySubscription()) void subscription.stop(0);
    this.registration?.reset();
    this.isLinkUp = false;
    const connection = this.activeConnection;
    this.activeConnection = undefined;
    this.stack.detach('stopped');
    this.stack.shutdown();
    connection?.close();
    this.lifecycle = 'stopped';
    this.setAccountState({ phase: 'stopped', server: this.config.server });
    this.settleFirstAttempt?.(this.accountStateValue);
  }

  /** Publishes (or modifies) our presence; resolves when the server answered or the attempt failed. */
  setPresence(status: ChosenStatus, note: string, marks: PublishMarks = {}): Promise<PublicationState> {
    if (!this.config.publish) {
      return Promise.resolve({
        phase: 'failed',
        status,
        note,
        problem: { message: 'Publishing presence is switched off for this account.' },
      });
    }
    if (this.lifecycle === 'stopping' || this.lifecycle === 'stopped') {
      return Promise.resolve({ ...this.publisher.state, phase: 'failed', problem: { message: 'The account has been stopped.' } });
    }
    // A choice made while suspended is what the user wants now, not the status from before.
    this.presenceBeforeSuspend = undefined;
    return this.publisher.publish(status, note, marks);
  }

  /** Removes our publication (watchers then see what the server composes without it, usually offline). */
  clearPresence(): Promise<PublicationState> {
    return this.publisher.remove();
  }

  /**
   * Subscribes to a buddy's presence; its state then arrives as `buddy` events. Watching an AOR twice
   * is a no-op. `priority`: buddies with a higher one are subscribed first (e.g. those the user can see;
   * default 0). @throws SipConfigError for an AOR that is not a SIP URI.
   */
  watch(aor: string, options: { readonly priority?: number } = {}): void {
    const target = parseSipUri(aor, 'The buddy address');
    const key = target.toString();
    if (this.watchedBuddies.has(key) || this.lifecycle === 'stopping' || this.lifecycle === 'stopped') return;
    this.watchedBuddies.set(key, { aor: aor.trim(), memberKey: addressKey(aor) });
    // With a list, the buddy gets its own subscription only once the list's full state shows it is not a member.
    const list = this.list;
    if (list === undefined || (list.watch.isComplete && !list.watch.members.has(addressKey(aor))))
      this.startOwnSubscription(key, options.priority);
    if (this.config.lineState === true && this.dialogOffered !== 'no') this.startLineWatch(key, target);
    this.emitBuddy(key);
  }

  /** Changes a watched buddy's priority; matters while its SUBSCRIBE still waits for the pacer. */
  setWatchPriority(aor: string, priority: number): void {
    this.subscriptions.get(parseSipUri(aor, 'The buddy address').toString())?.setPriority(priority);
  }

  /** Ends the subscriptions to a buddy; resolves when they have ended (or could not be ended in time). */
  async unwatch(aor: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const key = parseSipUri(aor, 'The buddy address').toString();
    if (!this.watchedBuddies.delete(key)) return;
    const timeoutMs = options.timeoutMs ?? transactionTimeoutMs(this.timers.t1);
    const subscription = this.subscriptions.get(key);
    this.subscriptions.delete(key);
    const line = this.lineWatches.get(key);
    this.lineWatches.delete(key);
    await Promise.all([subscription?.stop(timeoutMs), line?.subscription.stop(timeoutMs)]);
  }

  /** The buddy's own presence subscription (RFC 3856), started now if the link is up. */
  private startOwnSubscription(key: string, priority?: number): void {
    const watched = this.watchedBuddies.get(key);
    if (watched === undefined || this.subscriptions.has(key)) return;
    const subscription = new BuddySubscription(this.stack, {
      ...this.subscriptionBasics(),
      target: parseSipUri(watched.aor, 'The buddy address'),
      aor: watched.aor,
      onChange: () => {
        if (this.subscriptions.get(key) === subscription) this.emitBuddy(key);
      },
      watchLineState: () => this.serverObserver.profile?.quirks.includes('watch-line-state') === true,
      noteLanguages: this.noteLanguages,
      pacer: this.pacer,
      ...(priority === undefined ? {} : { priority }),
    });
    this.subscriptions.set(key, subscription);
    if (this.isLinkUp) subscription.linkUp();
  }

  /** The buddy's line state subscription (RFC 4235) next to its presence. */
  private startLineWatch(key: string, target: URI): void {
    const watched = this.watchedBuddies.get(key);
    if (watched === undefined || this.lineWatches.has(key)) return;
    const watch = new LineStateWatch();
    const subscription = new BuddySubscription(this.stack, {
      ...this.subscriptionBasics(),
      target,
      aor: watched.aor,
      watch,
      onChange: (state) => {
        if (this.lineWatches.get(key)?.subscription !== subscription) return;
        this.onLineSubscriptionChange(state.subscription);
        if (this.lineWatches.has(key)) this.emitBuddy(key);
      },
      pacer: this.pacer,
      priority: -1,
    });
    this.lineWatches.set(key, { subscription, watch });
    if (this.isLinkUp) subscription.linkUp();
  }

  /** RFC 6665 §4.1.2.1: 489 to a dialog SUBSCRIBE — the server has no dialog package: stop asking for every buddy. */
  private onLineSubscriptionChange(state: SubscriptionState): void {
    if (state.phase === 'active' || state.phase === 'pending') {
      this.dialogOffered = 'yes';
      return;
    }
    if (state.phase !== 'error' || state.problem?.statusCode !== 489) return;
    this.dialogOffered = 'no';
    const lines = [...this.lineWatches.values()];
    this.lineWatches.clear();
    for (const line of lines) void line.subscription.stop(0);
    this.logger('info', 'The server has no dialog package (489): line state is not watched.');
    for (const key of this.watchedBuddies.keys()) this.emitBuddy(key);
  }

  /** The resource list subscription (RFC 4662) and its reader; members' changes go to the buddies they are. */
  private makeListSubscription(target: URI, listUri: string): { subscription: BuddySubscription; watch: ResourceListWatch } {
    const watch = new ResourceListWatch(
      {
        onUpdate: (update) => this.onListUpdate(update),
        // After the NOTIFY has been answered: the fallback ends the subscription this NOTIFY belongs to.
        onNotAList: () =>
          setImmediate(() =>
            this.fallBackToPerBuddy({ message: `${listUri} is not a resource list: the server sent presence for it alone.` }),
          ),
        onWarning: (message) => this.logger('warn', `Buddy list ${listUri}: ${message}`),
      },
      this.noteLanguages,
    );
    const subscription: BuddySubscription = new BuddySubscription(this.stack, {
      ...this.subscriptionBasics(),
      target,
      aor: listUri,
      watch,
      onChange: (state) => {
        if (this.list?.subscription !== subscription) return;
        if (isListRefusal(state.subscription)) {
          this.fallBackToPerBuddy(
            state.subscription.problem ?? {
              message: `The server ended the list subscription (${state.subscription.reason ?? 'refused'}).`,
            },
          );
          return;
        }
        this.setBuddyFeed({ ...this.buddyFeedValue, subscription: state.subscription });
        for (const key of this.watchedBuddies.keys()) if (!this.subscriptions.has(key)) this.emitBuddy(key);
      },
    });
    return { subscription, watch };
  }

  /** A list NOTIFY changed members: their buddies report it; after full state, buddies outside the list get their own. */
  private onListUpdate(update: ListUpdate): void {
    const list = this.list;
    if (list === undefined) return;
    if (this.config.watchListMembers === true && update.isFullState) {
      for (const member of update.changed.values()) {
        let key: string;
        try {
          key = parseSipUri(member.uri, 'A list member').toString();
        } catch {
          this.logger('warn', `Buddy list member ${member.uri.slice(0, 80)} is not a SIP address; it is not shown.`);
          continue;
        }
        if (!this.watchedBuddies.has(key)) this.watchedBuddies.set(key, { aor: member.uri, memberKey: addressKey(member.uri) });
      }
    }
    for (const [key, watched] of this.watchedBuddies) {
      const isMember = list.watch.members.has(watched.memberKey);
      if (update.isFullState && !isMember) this.startOwnSubscription(key);
      if (isMember && this.subscriptions.has(key)) {
        // The list covers the buddy now: its own subscription would only double the NOTIFYs.
        void this.subscriptions.get(key)?.stop(0);
        this.subscriptions.delete(key);
      }
      if (update.changed.has(watched.memberKey) || (update.isFullState && isMember)) this.emitBuddy(key);
    }
  }

  /** The list URI was refused or is not a list: one subscription per buddy from now on in this session. */
  private fallBackToPerBuddy(problem: SipProblem): void {
    const list = this.list;
    if (list === undefined) return;
    this.list = undefined;
    void list.subscription.stop(transactionTimeoutMs(this.timers.t1));
    this.logger('warn', `Watching buddies one by one: ${problem.message}`);
    this.setBuddyFeed({ kind: 'per-buddy', listUri: this.buddyFeedValue.listUri, subscription: null, problem });
    for (const key of this.watchedBuddies.keys()) this.startOwnSubscription(key);
    for (const key of this.watchedBuddies.keys()) this.emitBuddy(key);
  }

  /** A buddy as the list shows it: from its own subscription, else from the list's member, with its line state. */
  private composedBuddy(key: string): BuddyPresence | undefined {
    const watched = this.watchedBuddies.get(key);
    if (watched === undefined) return undefined;
    const own = this.subscriptions.get(key);
    const base: BuddyPresence = own?.buddy ?? this.listMemberPresence(watched.aor, watched.memberKey);
    if (this.config.lineState !== true) return base;
    const line = this.lineWatches.get(key);
    const isActive = line?.subscription.buddy.subscription.phase === 'active';
    return {
      ...base,
      line: {
        activity: isActive ? (line?.watch.lineState ?? 'unknown') : 'unknown',
        offered: this.dialogOffered,
        changedAt: line?.subscription.buddy.changedAt ?? null,
      },
    };
  }

  private listMemberPresence(aor: string, memberKey: string): BuddyPresence {
    const list = this.list;
    const member = list?.watch.members.get(memberKey);
    const listState = list?.subscription.buddy.subscription ?? { phase: 'unknown' };
    const presence = member?.presence ?? null;
    const changedAt = member?.changedAt ?? null;
    // While the list subscription itself is not up, its state is each member's: what happened to it shows on them all.
    if (listState.phase !== 'active' && listState.phase !== 'pending') return { aor, subscription: listState, presence, changedAt };
    if (member === undefined) return { aor, subscription: { phase: 'unknown' }, presence, changedAt };
    const subscription: SubscriptionState =
      member.subscription.phase === 'active' && listState.expiresAt !== undefined
        ? { ...member.subscription, expiresAt: listState.expiresAt }
        : member.subscription;
    return { aor, subscription, presence, changedAt };
  }

  private emitBuddy(key: string): void {
    const buddy = this.composedBuddy(key);
    if (buddy !== undefined) this.buddyListeners.emit(buddy);
  }

  private setBuddyFeed(feed: BuddyListFeed): void {
    this.buddyFeedValue = feed;
    this.buddyFeedListeners.emit(feed);
  }

  /** The voicemail indicator from the mailbox subscription's state and its last summary. */
  private updateVoicemail(): void {
    const mailbox = this.mailbox;
    if (mailbox === undefined) return;
    const state = mailbox.subscription.buddy.subscription;
    const summary: MessageSummary | undefined = mailbox.watch.summary;
    const fromSummary = {
      mailbox: summary?.account ?? null,
      isWaiting: summary?.isWaiting ?? false,
      counts: summary?.counts.map((c) => ({ ...c })) ?? [],
    };
    let availability: VoicemailState['availability'];
    if (state.phase === 'active' || state.phase === 'pending')
      availability = summary === undefined && state.phase === 'pending' ? 'waiting' : 'offered';
    else if (state.phase === 'unknown') availability = summary === undefined ? 'waiting' : 'offered';
    else if (isNotOffered(state)) availability = 'not-offered';
    else availability = 'failed';
    this.voicemailValue = {
      availability,
      account: this.config.aor.trim(),
      ...fromSummary,
      problem: state.problem ?? null,
      updatedAt: this.voicemailSummaryAt,
    };
    this.voicemailListeners.emit(this.voicemailValue);
  }

  /** Every subscription of the account: buddies' own and their lines, the list, the mailbox, our watcher information. */
  private everySubscription(): BuddySubscription[] {
    return [
      ...this.subscriptions.values(),
      ...[...this.lineWatches.values()].map((line) => line.subscription),
      ...(this.list ? [this.list.subscription] : []),
      ...(this.mailbox ? [this.mailbox.subscription] : []),
      ...(this.watcherInfoSubscription ? [this.watcherInfoSubscription] : []),
    ];
  }

  /** One-shot fetch (SUBSCRIBE with Expires: 0, RFC 6665 §4.4.3): the buddy's presence right now. */
  async fetchPresence(aor: string, options: FetchOptions = {}): Promise<BuddyPresence> {
    const target = parseSipUri(aor, 'The buddy address');
    if (!this.isLinkUp) {
      return {
        aor: aor.trim(),
        presence: null,
        changedAt: null,
        subscription: { phase: 'error', problem: { message: 'Not connected to the server.' } },
      };
    }
    return fetchPresence(this.stack, {
      target,
      aor: aor.trim(),
      from: this.aor,
      timeoutMs: options.timeoutMs ?? transactionTimeoutMs(this.timers.t1),
      hasPassword: this.config.password !== undefined && this.config.password !== '',
      noteLanguages: this.noteLanguages,
    });
  }

  onAccountState(listener: (state: AccountState) => void): Unsubscribe {
    return this.accountStateListeners.add(listener);
  }

  onPublication(listener: (state: PublicationState) => void): Unsubscribe {
    return this.publicationListeners.add(listener);
  }

  onBuddy(listener: (buddy: BuddyPresence) => void): Unsubscribe {
    return this.buddyListeners.add(listener);
  }

  /**
   * Tries the presence list URI again after a fallback to one subscription per buddy — when the list has just been
   * written on the server (the first SUBSCRIBE can come before it exists). The buddies' own subscriptions end as the
   * list's full state names them.
   */
  retryList(): void {
    const listUri = this.config.presenceListUri?.trim() ?? '';
    if (listUri === '' || this.list !== undefined || this.lifecycle !== 'running') return;
    this.list = this.makeListSubscription(parseSipUri(listUri, 'The presence list URI'), listUri);
    this.setBuddyFeed({ kind: 'list', listUri, subscription: null, problem: null });
    if (this.isLinkUp) this.list.subscription.linkUp();
  }

  /** Our mailbox's summary changed, or its subscription did (RFC 3842). */
  onVoicemail(listener: (state: VoicemailState) => void): Unsubscribe {
    return this.voicemailListeners.add(listener);
  }

  /** The buddies' feed changed: the list subscription's state, or a fallback to one subscription per buddy. */
  onBuddyFeed(listener: (feed: BuddyListFeed) => void): Unsubscribe {
    return this.buddyFeedListeners.add(listener);
  }

  /** Our watcher information changed: the subscription's state or the watchers. */
  onWatcherInfo(listener: (state: WatcherInfoState) => void): Unsubscribe {
    return this.watcherInfoListeners.add(listener);
  }

  /** Every SIP message sent or received, as the transport saw it. */
  onTrace(listener: (entry: UnnumberedTraceEntry) => void): Unsubscribe {
    return this.traceListeners.add(listener);
  }

  // ── system sleep and network changes ──────────────────────────────────────────────────────────

  /**
   * The computer is about to sleep: removes our publication (RFC 3903 §4.5, PUBLISH with Expires: 0)
   * within `timeoutMs`, so watchers see us offline instead of a status nobody is behind. The account
   * stays as it is (registration, subscriptions, the connection); `reconnectNow()` publishes the same
   * status again. Resolves with the publication's state when the removal was answered or time ran out.
   */
  async suspend(options: StopOptions): Promise<PublicationState> {
    if (this.lifecycle !== 'running' || !this.config.publish) return this.publisher.state;
    const { status, note } = this.publisher.state;
    const wanted = this.publisher.wantedPresence ?? (status === undefined ? null : { status, note: note ?? '', marks: {} });
    // Suspending twice (no resume in between) keeps the status from before the first.
    if (this.presenceBeforeSuspend === undefined && wanted !== null) this.presenceBeforeSuspend = wanted;
    await waitAtMost(this.publisher.remove(), Math.max(0, options.timeoutMs));
    return this.publisher.state;
  }

  /**
   * Drops the current connection, if any, and connects again at once with the back-off reset — after
   * the computer woke up or the network changed, when the old connection (or its NAT binding, or the
   * local address it was bound to) is most likely dead but no keep-alive has failed yet. Registers,
   * publishes (the status from before `suspend()`, if any) and subscribes again as after any
   * reconnection. Does nothing before `start()` or once stopping.
   */
  reconnectNow(): void {
    if (this.lifecycle !== 'running') return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.reconnectAttempt = 0;
    // The attempt in flight, if any, is abandoned: its callbacks see a newer generation.
    this.attemptGeneration += 1;
    const problem: SipProblem = { message: 'Reconnecting: the computer woke up or the network changed.' };
    this.dropConnection(problem.message);
    this.bringLinkDown(problem);
    this.connectSafely();
    // After connectSafely: the link is 'pending' now, so this publish waits for it instead of failing.
    const restore = this.presenceBeforeSuspend;
    this.presenceBeforeSuspend = undefined;
    if (restore && this.config.publish) void this.publisher.publish(restore.status, restore.note, restore.marks);
  }

  // ── connection life cycle ─────────────────────────────────────────────────────────────────────

  /** connect(), with any unexpected error turned into a failed attempt (and so a retry), never a rejection. */
  private connectSafely(): void {
    this.connect().catch((error: unknown) => {
      this.logger('error', `Connection attempt failed unexpectedly: ${String(error)}`);
      if (this.lifecycle === 'running') this.attemptFailed({ message: `Connecting failed: ${errorMessage(error)}` });
    });
  }

  private async connect(): Promise<void> {
    this.attemptGeneration += 1;
    const generation = this.attemptGeneration;
    const isCurrent = () => generation === this.attemptGeneration && this.lifecycle === 'running';
    this.setAccountState({ phase: 'connecting', server: this.config.server });
    this.publisher.setLink('pending');

    const targets = await locateServer(this.nextHop, this.resolver, this.random);
    if (!isCurrent()) return;

    let caPem: string | undefined;
    if (this.config.tlsCaFile !== undefined && targets.some(({ target }) => target.kind === 'tls' || target.kind === 'wss')) {
      try {
        caPem = await readCaFile(this.config.tlsCaFile);
      } catch (error) {
        if (isCurrent())
          this.attemptFailed({ message: `Could not read the CA file ${this.config.tlsCaFile}: ${errorMessage(error)}`, cause: 'tls' });
        return;
      }
    }

    // RFC 3263 §4.3: a target that does not answer gives way to the next one.
    for (const [index, located] of targets.entries()) {
      const outcome = await this.connectTo(located, isCurrent, caPem);
      if (outcome.settled || !isCurrent()) return;
      const next = targets[index + 1];
      if (next === undefined) {
        this.attemptFailed(outcome.problem);
        return;
      }
      this.logger(
        'warn',
        `${describeFoundServer(located.found)}, which did not answer: ${outcome.problem.message} Trying the next server.`,
      );
    }
  }

  /**
   * Opens a connection to one target and registers over it. `settled` when the attempt ends here: the
   * link is up, or a server answered (a refusal another server of the same domain would repeat). Else
   * the problem of a target that did not answer — refused, unreachable, or silent at connect or at the
   * first REGISTER — for connect() to try the next one.
   */
  private async connectTo(
    { target, found }: LocatedTarget,
    isCurrent: () => boolean,
    caPem: string | undefined,
  ): Promise<{ readonly settled: true } | { readonly settled: false; readonly problem: SipProblem }> {
    const settled = { settled: true } as const;
    // Back from the previous target's `registering`; the first target is already `connecting`.
    if (this.accountStateValue.phase !== 'connecting') this.setAccountState({ phase: 'connecting', server: this.config.server });
    let lostBeforeUp: TransportFailure | undefined;
    let connection: SipConnection;
    try {
      connection = await openConnection(
        target,
        {
          message: (text) => {
            if (this.activeConnection === connection) this.stack.receive(text);
          },
          closed: (failure) => {
            if (this.activeConnection !== connection || !isCurrent()) return;
            const lost = failure ?? new TransportFailure('closed', 'The connection was closed.');
            if (this.isLinkUp) {
              this.connectionLost(lost);
              return;
            }
            // Lost while registering for the first time (UDP: an ICMP "port unreachable"): the REGISTER
            // fails now, and connect() moves on to the next target or gives up with this failure.
            lostBeforeUp = lost;
            this.stack.detach(lost.message);
          },
          trace: (entry) => {
            // Before the stack reads it: a 489's Allow-Events must be known when the subscription hears of the 489.
            if (this.serverObserver.observe(entry.direction, entry.raw)) this.setAccountState(this.accountStateValue);
            this.traceListeners.emit(entry);
          },
        },
        { timers: this.timers, ...(caPem === undefined ? {} : { caPem }) },
      );
    } catch (error) {
      return {
        settled: false,
        problem: error instanceof TransportFailure ? problemFromFailure(error) : { message: errorMessage(error), cause: 'unreachable' },
      };
    }
    if (!isCurrent()) {
      connection.close();
      return settled;
    }
    this.activeConnection = connection;
    this.stack.attach(connection);
    this.logger(
      'info',
      `${found.via === 'uri' ? '' : `${describeFoundServer(found)}. `}Connected over ${connection.kind.toUpperCase()} from ${connection.local.address}:${connection.local.port} to ${connection.remote.address}:${connection.remote.port}.`,
    );

    if (this.registration) {
      this.setAccountState({ phase: 'registering', server: this.config.server, found });
      const result = await this.registration.register();
      if (!isCurrent()) return settled;
      const silence =
        lostBeforeUp !== undefined
          ? problemFromFailure(lostBeforeUp)
          : !result.ok && result.origin !== 'server'
            ? result.problem
            : undefined;
      if (silence !== undefined) {
        this.dropConnection(silence.message);
        return { settled: false, problem: silence };
      }
      if (this.activeConnection !== connection) return settled;
      if (!result.ok) {
        this.attemptFailed(result.problem);
        return settled;
      }
      this.setAccountState({ phase: 'registered', server: this.config.server, registrationExpiresAt: result.expiresAt, found });
    } else {
      this.setAccountState({ phase: 'connected', server: this.config.server, found });
    }
    this.reconnectAttempt = 0;
    this.settleFirstAttempt?.(this.accountStateValue);
    this.bringLinkUp();
    return settled;
  }

  /** The link is usable: publish again, then subscribe every buddy again through a fresh window. */
  private bringLinkUp(): void {
    this.isLinkUp = true;
    this.publisher.setLink('up');
    if (this.config.publish) this.publisher.resume();
    this.pacer.restart();
    for (const subscription of this.everySubscription()) subscription.linkUp();
  }

  private bringLinkDown(problem: SipProblem): void {
    this.isLinkUp = false;
    this.publisher.setLink('down', problem);
    for (const subscription of this.everySubscription()) subscription.linkDown(problem);
  }

  /** The connection died under us. */
  private connectionLost(failure: TransportFailure): void {
    this.logger('warn', `Connection lost: ${failure.message}`);
    const problem = problemFromFailure(failure);
    this.dropConnection(failure.message);
    this.bringLinkDown(problem);
    this.scheduleReconnect(problem);
    // Lost while still registering for the first time (UDP: an ICMP "port unreachable"): that attempt failed.
    this.settleFirstAttempt?.(this.accountStateValue);
  }

  /** A connection attempt (or its registration) failed. */
  private attemptFailed(problem: SipProblem): void {
    this.dropConnection(problem.message);
    this.bringLinkDown(problem);
    this.scheduleReconnect(problem);
    this.settleFirstAttempt?.(this.accountStateValue);
  }

  /** A re-REGISTER failed: start over with a fresh connection (the server may have restarted). */
  private onLinkBroken(problem: SipProblem): void {
    if (this.lifecycle !== 'running') return;
    this.attemptGeneration += 1;
    this.attemptFailed(problem);
  }

  private dropConnection(reason: string): void {
    const connection = this.activeConnection;
    this.activeConnection = undefined;
    this.stack.detach(reason);
    this.registration?.reset();
    connection?.close();
  }

  private scheduleReconnect(problem: SipProblem): void {
    if (this.lifecycle !== 'running') return;
    clearTimeout(this.reconnectTimer);
    const delay = backoffMs(this.reconnectAttempt, this.timers.reconnectBase, this.timers.reconnectMax, this.random);
    this.reconnectAttempt += 1;
    this.setAccountState({ phase: 'failed', server: this.config.server, problem, retryAt: Date.now() + delay });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.lifecycle === 'running') this.connectSafely();
    }, delay);
  }

  private onRegistrationChange(): void {
    const registration = this.registration;
    if (!registration || this.accountStateValue.phase !== 'registered') return;
    const expiresAt = registration.expiresAt;
    if (registration.phase === 'registered' && expiresAt !== undefined && expiresAt !== this.accountStateValue.registrationExpiresAt) {
      this.setAccountState({ ...this.accountStateValue, registrationExpiresAt: expiresAt });
    }
  }

  private setWatcherInfo(state: WatcherInfoState): void {
    this.watcherInfoValue = state;
    this.watcherInfoListeners.emit(state);
  }

  private setAccountState(state: AccountState): void {
    const serverProfile = this.serverObserver.profile;
    this.accountStateValue = serverProfile === undefined ? state : { ...state, serverProfile };
    this.accountStateListeners.emit(this.accountStateValue);
  }
}

/**
 * Answers to a list SUBSCRIBE that mean the server has no such list for us (RFC 4662 §4.2, RFC 6665 §4.1.2.1): no such
 * resource, the request or the package refused, or the list ended as rejected / noresource / invariant.
 */
const LIST_REFUSALS = new Set([403, 404, 405, 406, 410, 415, 420, 421, 480, 484, 488, 489, 501, 604]);

function isListRefusal(state: SubscriptionState): boolean {
  if (state.phase === 'error') return state.problem?.statusCode !== undefined && LIST_REFUSALS.has(state.problem.statusCode);
  return state.phase === 'terminated' && (state.reason === 'rejected' || state.reason === 'noresource' || state.reason === 'invariant');
}

/** Answers to a message-summary SUBSCRIBE that mean the server has no mailbox package for us. */
function isNotOffered(state: SubscriptionState): boolean {
  if (state.phase === 'error') return [404, 405, 489, 501].includes(state.problem?.statusCode ?? 0);
  return state.phase === 'terminated' && (state.reason === 'noresource' || state.reason === 'rejected');
}
