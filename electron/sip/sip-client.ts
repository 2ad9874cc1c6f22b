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
 * is subscribed again. New SUBSCRIBEs — at the start, for a new buddy, after a reconnection — go through one
 * adaptive window per account (./subscribe/subscribe-pacer.ts): buddies with a higher priority first, as many
 * at once as the server keeps up with.
 */
import { randomUUID } from 'node:crypto';
import { Grammar, URI } from 'sip.js/lib/grammar/index.js';
import { createRandomToken } from 'sip.js/lib/core/messages/utils.js';
import { errorMessage } from '../../shared/error-message';
import type { ChosenStatus } from '../../shared/presence/presence-status';
import { describeFoundServer } from '../../shared/presence/found-server';
import type { BuddyPresence, AccountState, PublicationState, SipProblem } from '../../shared/presence/presence-state';
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
  private readonly subscriptions = new Map<string, BuddySubscription>();
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
    return [...this.subscriptions.values()].map((s) => s.buddy);
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
      const ends = [...this.subscriptions.values(), ...(this.watcherInfoSubscription ? [this.watcherInfoSubscription] : [])].map((s) =>
        s.stop(remaining() / 2),
      );
      await Promise.all(ends);
      await this.registration?.unregister(remaining());
    };
    await waitAtMost(polite(), remaining());
    this.publisher.dispose();
    // Subscriptions the polite phase could not end in time are dropped without another request.
    this.isLinkUp = false;
    for (const subscription of this.subscriptions.values()) subscription.linkDown({ message: 'The account was stopped.' });
    for (const subscription of this.subscriptions.values()) void subscription.stop(0);
    this.watcherInfoSubscription?.linkDown({ message: 'The account was stopped.' });
    void this.watcherInfoSubscription?.stop(0);
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
    if (this.subscriptions.has(key) || this.lifecycle === 'stopping' || this.lifecycle === 'stopped') return;
    const subscription = new BuddySubscription(this.stack, {
      target,
      aor: aor.trim(),
      from: this.aor,
      expires: this.config.subscribeExpires,
      hasPassword: this.config.password !== undefined && this.config.password !== '',
      t1: this.timers.t1,
      backoff: this.timers,
      random: this.random,
      logger: this.logger,
      onChange: (buddy) => {
        if (this.subscriptions.get(key) === subscription) this.buddyListeners.emit(buddy);
      },
      watchLineState: () => this.serverObserver.profile?.quirks.includes('watch-line-state') === true,
      noteLanguages: this.noteLanguages,
      pacer: this.pacer,
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    });
    this.subscriptions.set(key, subscription);
    this.buddyListeners.emit(subscription.buddy);
    if (this.isLinkUp) subscription.linkUp();
  }

  /** Changes a watched buddy's priority; matters while its SUBSCRIBE still waits for the pacer. */
  setWatchPriority(aor: string, priority: number): void {
    this.subscriptions.get(parseSipUri(aor, 'The buddy address').toString())?.setPriority(priority);
  }

  /** Ends the subscription to a buddy; resolves when it has ended (or could not be ended in time). */
  async unwatch(aor: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const key = parseSipUri(aor, 'The buddy address').toString();
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    this.subscriptions.delete(key);
    await subscription.stop(options.timeoutMs ?? transactionTimeoutMs(this.timers.t1));
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
    this.watcherInfoSubscription?.linkUp();
    for (const subscription of this.subscriptions.values()) subscription.linkUp();
  }

  private bringLinkDown(problem: SipProblem): void {
    this.isLinkUp = false;
    this.publisher.setLink('down', problem);
    this.watcherInfoSubscription?.linkDown(problem);
    for (const subscription of this.subscriptions.values()) subscription.linkDown(problem);
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
