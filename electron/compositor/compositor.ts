/**
 * Presently's built-in presence server: listeners (UDP, TCP, TLS, WS, WSS), a minimal transaction layer, and a
 * method router in front of the Event State Compositor (RFC 3903), the presence notifier (RFC 6665,
 * RFC 3856) and a registrar (RFC 3261 §10.3). It is deliberately not built on sip.js's UserAgent (docs/sip-js.md
 * §9: its core answers PUBLISH with 405 and has no notifier dialogs) and never imports `electron`.
 *
 * One request's path:
 *
 *   listener ─bytes─► parseSipMessage ─► server transaction lookup ──(retransmission)──► cached response
 *                                             │ (new)
 *                                             ▼
 *                 UAS checks (RFC 3261 §8.2: method 405, URI scheme 416, domain 404, Require 420)
 *                                             ▼
 *             PUBLISH → EventStateCompositor   SUBSCRIBE → Notifier   REGISTER → Registrar   OPTIONS → 200
 *                                             ▼
 *        response to Via received/rport (RFC 3581) or the same connection ─► cached (UDP) ─► log line ─► `after`
 *                                                                                    (NOTIFYs to watchers)
 *
 * With a users file (`authentication`), REGISTER, PUBLISH and SUBSCRIBE are answered only after a Digest
 * login, and the authenticated user, not From or To, decides whose state a request may touch (auth/).
 *
 * Who may watch whom (authorization/): each owner's presence rules (RFC 5025), written over XCAP on the WebSocket
 * listener's HTTP server (xcap/), decide whether a watcher is active, pending or rejected; the owner sees their
 * watchers through `presence.winfo` (winfo/). Without rules the default applies (`defaultRule`).
 *
 * Bad input never throws out of here: unparseable messages are answered 400 (or dropped with a log line
 * when not even the headers needed for a response are there), oversized ones 513, and a handler failure
 * is answered 500 and logged.
 *
 * Limits against abuse (limits/, docs/compositor-limits.md): connection caps and deadlines in the stream
 * listeners; header section size, field count and control characters checked here before routing; state
 * caps (503) in the handlers; UDP anti-reflection and the amplification bound in the notifier and the
 * registrar. Each case is logged once per source address (`OncePerSource`), not once per message.
 */
import { networkInterfaces } from 'node:os';
import { APP_VERSION } from '../app-identity';
import { errorMessage } from '../../shared/error-message';
import { T1_MS, T2_MS, T4_MS, transactionTimeoutMs } from '../../shared/sip/timers';
import { aorOf, type Aor } from './message/aor';
import { newTag } from './message/ids';
import { buildResponse, REASON_PHRASES, type SourceAddress } from './message/response';
import { hostPort, parseCSeq, parseNameAddr, parseUri, parseVia, splitCommaValues, type Via } from '../../shared/sip/header-values';
import { printable } from '../../shared/sip/header-section';
import { parseSipMessage, type SipRequest } from './message/sip-message';
import type {
  BoundAddress,
  CompositorCounters,
  CompositorLimits,
  CompositorLogEntry,
  CompositorOptions,
  CompositorStatus,
  CompositorTransport,
  RunningCompositor,
  SipTimerValues,
} from './compositor-types';
import { DigestAuthenticator } from './auth/authenticator';
import { statusSnapshot } from './control/status-snapshot';
import { EventStateCompositor, PUBLISH_ACCEPT, type Presentity } from './esc/event-state-compositor';
import { Notifier } from './notifier/notifier';
import { allowEvents, DEFAULT_EVENT_PACKAGES, eventPackages, type EventPackage } from './esc/event-packages';
import { decideWatcher, defaultHandling } from './authorization/decision';
import { InMemoryRulesStorage, RulesBook } from './authorization/rules-book';
import { xcapHandler, XCAP_ROOT_PATH } from './xcap/xcap-server';
import { ResourceListBook } from './lists/resource-list-book';
import { Registrar } from './registrar/registrar';
import { DEFERRED, type ExpiryPolicy, type IncomingRequest, type Reply } from './request-context';
import { ClientTransactions } from './transaction/client-transactions';
import { firstViaParm, PENDING_RESPONSE, serverTransactionKey, ServerTransactionTable } from './transaction/server-transactions';
import { ValidatorPool } from './esc/validator-pool';
import { connectionGuard, type ConnectionGuard } from './limits/connection-limits';
import { OncePerSource } from './limits/limit-log';
import { defaultLimits, invalidLimit, normaliseOrigin, type LimitName } from './limits/limits';
import { headerProblem, headerSectionBytes } from './limits/message-checks';
import { isMessageFramed, listenerUri, type Flow, type Listener, type StreamFailure } from './transport/flow';
import { startStreamListener } from './transport/stream-listener';
import { startUdpListener, type UdpListener } from './transport/udp-listener';
import { startWsListener } from './transport/ws-listener';
import { loadState, persistenceHooks } from './state/state-rows';

/** Methods we implement, for `Allow` (RFC 3261 §20.5). */
export const ALLOWED_METHODS = 'REGISTER, PUBLISH, SUBSCRIBE, OPTIONS';
/** Methods counted by name in `requestsByMethod`; anything else counts as `other`. */
const COUNTED_METHODS = new Set([
  'REGISTER',
  'PUBLISH',
  'SUBSCRIBE',
  'OPTIONS',
  'NOTIFY',
  'INVITE',
  'CANCEL',
  'BYE',
  'MESSAGE',
  'INFO',
  'REFER',
  'UPDATE',
  'PRACK',
]);
const DEFAULT_TIMERS: SipTimerValues = { t1Ms: T1_MS, t2Ms: T2_MS, t4Ms: T4_MS };
const DEFAULT_MAX_MESSAGE_BYTES = 65_535;
/** The largest UDP payload over IPv4 (65,535 less the IP and UDP headers): no datagram can carry more. */
const MAX_UDP_PAYLOAD_BYTES = 65_507;
/** How long `stop()` waits for final NOTIFYs to be answered before closing the sockets. */
const STOP_GRACE_MS = 300;
/**
 * How far a restored dialog's counters jump past the saved ones: the NOTIFY CSeq, and the body's `version` (RLMI,
 * dialog-info, watcherinfo). Both are committed at the end of the event-loop turn that sent the NOTIFY, and the next
 * NOTIFY of a dialog waits for the watcher's answer, so only the last one or two can have left uncommitted before a
 * `kill -9`. The watcher checks only that CSeqs increase (RFC 3261 §12.2.2) and discards a body whose version is not
 * above the last it saw (RFC 4662 §5.2, RFC 4235 §4.1.2); a skipped version on a full-state body is accepted, so a
 * wide margin costs nothing.
 */
const RESTART_COUNTER_GAP = 100;

/** Options that make no sense (min above max, a negative port) — thrown by `startCompositor`. */
export class CompositorConfigError extends Error {
  override readonly name = 'CompositorConfigError';
}

/** Starts a compositor; resolves once every listener is bound. Rejects (and cleans up) if one cannot bind. */
export async function startCompositor(options: CompositorOptions = {}): Promise<RunningCompositor> {
  const config = normalise(options);
  const server = new CompositorServer(config);
  try {
    await server.listen();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

interface Config {
  readonly host: string;
  readonly advertisedHost: string;
  readonly ports: Readonly<Record<'udp' | 'tcp' | 'ws', number | null>>;
  readonly tls: CompositorOptions['tls'];
  readonly domains: ReadonlySet<string>;
  readonly expiry: ExpiryPolicy;
  readonly thirdPartyPublishers: ReadonlySet<string>;
  readonly notifyCoalesceMs: number;
  readonly maxMessageBytes: number;
  readonly log: ((entry: CompositorLogEntry) => void) | null;
  readonly serverName: string;
  readonly timers: SipTimerValues;
  readonly bodyValidation: CompositorOptions['bodyValidation'];
  readonly limits: CompositorLimits;
  readonly authentication: CompositorOptions['authentication'];
  readonly defaultRule: CompositorOptions['defaultRule'];
  readonly rulesStorage: CompositorOptions['rulesStorage'];
  readonly state: CompositorOptions['state'];
  readonly packages: ReadonlyMap<string, EventPackage>;
}

function normalise(options: CompositorOptions): Config {
  const host = options.host ?? '127.0.0.1';
  const isWildcard = host === '0.0.0.0' || host === '::';
  const expiry: ExpiryPolicy = {
    min: options.minExpires ?? 60,
    max: options.maxExpires ?? 3600,
    default: options.defaultExpires ?? 3600,
  };
  for (const [name, value] of Object.entries(expiry)) {
    if (!Number.isInteger(value) || value < 0)
      throw new CompositorConfigError(`${name} expires must be a whole number of seconds ≥ 0 (got ${value})`);
  }
  if (expiry.min > expiry.max) throw new CompositorConfigError(`minimum expires (${expiry.min}) is above the maximum (${expiry.max})`);
  if (expiry.default === 0) throw new CompositorConfigError('default expires must be above 0');
  const port = (name: string, value: number | null | undefined): number | null => {
    if (value === null) return null;
    const chosen = value ?? 0;
    if (!Number.isInteger(chosen) || chosen < 0 || chosen > 65535)
      throw new CompositorConfigError(`${name} port must be 0–65535 or null (got ${chosen})`);
    return chosen;
  };
  let packages: ReadonlyMap<string, EventPackage>;
  try {
    packages = eventPackages(options.eventPackages ?? DEFAULT_EVENT_PACKAGES);
  } catch (error) {
    throw new CompositorConfigError(errorMessage(error));
  }
  const limits: CompositorLimits = { ...defaultLimits(expiry.max), ...options.limits };
  const limitProblem = invalidLimit(limits);
  if (limitProblem !== null) throw new CompositorConfigError(limitProblem);
  const thirdParty = new Set<string>();
  for (const text of options.thirdPartyPublishers ?? []) {
    const uri = parseUri(text);
    const aor = uri === null ? null : aorOf(uri);
    if (aor === null) throw new CompositorConfigError(`third-party publisher "${text}" is not a SIP address-of-record`);
    thirdParty.add(aor.key);
  }
  return {
    host,
    advertisedHost: options.advertisedHost ?? (isWildcard ? firstExternalAddress(host === '::' ? 'IPv6' : 'IPv4') : host),
    ports: { udp: port('UDP', options.udpPort), tcp: port('TCP', options.tcpPort), ws: port('WS', options.wsPort) },
    tls: options.tls === undefined ? undefined : { ...options.tls, wssPort: port('WSS', options.tls.wssPort ?? null) },
    domains: new Set((options.domains ?? []).map((d) => d.trim().toLowerCase()).filter((d) => d.length > 0)),
    expiry,
    thirdPartyPublishers: thirdParty,
    notifyCoalesceMs: Math.max(0, options.notifyCoalesceMs ?? 0),
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    log: options.log ?? null,
    serverName: options.serverName ?? `Presently-Compositor/${APP_VERSION}`,
    timers: { ...DEFAULT_TIMERS, ...options.timers },
    bodyValidation: options.bodyValidation,
    limits: { ...limits, wsAllowedOrigins: limits.wsAllowedOrigins.map((origin) => normaliseOrigin(origin) as string) },
    authentication: options.authentication,
    defaultRule: options.defaultRule,
    rulesStorage: options.rulesStorage,
    state: options.state,
    packages,
  };
}

/**
 * What to advertise when bound to a wildcard address: the first non-loopback address of the family, else loopback.
 * Not the address each request arrived on: Node's UDP sockets do not report a datagram's destination address
 * (no IP_PKTINFO), so over UDP that cannot be known; a host with several interfaces sets `advertisedHost`.
 */
function firstExternalAddress(family: 'IPv4' | 'IPv6'): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === family && !address.internal && !address.address.startsWith('fe80:'));
    if (found !== undefined) return found.address;
  }
  return family === 'IPv6' ? '::1' : '127.0.0.1';
}

class CompositorServer implements RunningCompositor {
  readonly addresses: Partial<Record<CompositorTransport, BoundAddress>> = {};
  private readonly listeners: Listener[] = [];
  private udp: UdpListener | null = null;
  private readonly serverTransactions: ServerTransactionTable;
  private readonly clientTransactions: ClientTransactions;
  private readonly esc: EventStateCompositor;
  private readonly notifier: Notifier;
  private readonly registrar: Registrar;
  private readonly validatorPool: ValidatorPool | undefined;
  private readonly requestsByMethod = new Map<string, number>();
  private readonly responsesByStatus = new Map<number, number>();
  private retransmissionsAbsorbed = 0;
  private malformedMessages = 0;
  private readonly limitLog = new OncePerSource();
  private readonly connections: ConnectionGuard;
  private readonly authenticator: DigestAuthenticator | null;
  private readonly rules: RulesBook;
  private readonly lists: ResourceListBook;
  private isStopping = false;
  private stopped: Promise<void> | null = null;

  constructor(private readonly config: Config) {
    const hooks = config.state === undefined ? null : persistenceHooks(config.state);
    this.serverTransactions = new ServerTransactionTable(transactionTimeoutMs(config.timers.t1Ms));
    this.clientTransactions = new ClientTransactions(config.timers);
    this.rules = new RulesBook(
      config.rulesStorage ?? config.state?.rules ?? new InMemoryRulesStorage(),
      defaultHandling(config.defaultRule, config.authentication !== undefined),
      (owner, reason) => this.logEvent('rules-unreadable', owner, null, `stored presence rules ignored: ${reason}`),
    );
    this.lists = new ResourceListBook(config.state?.resourceLists ?? new InMemoryRulesStorage(), (owner, reason) =>
      this.logEvent('list-unreadable', owner, null, `stored buddy list ignored: ${reason}`),
    );
    this.notifier = new Notifier({
      expiry: config.expiry,
      coalesceMs: config.notifyCoalesceMs,
      transactions: this.clientTransactions,
      documentFor: (aor, contentType) => this.esc.composedDocument(aor, contentType),
      closedDocumentFor: (aor, contentType) => this.esc.closedDocument(aor, contentType),
      packages: config.packages,
      allowEvents: allowEvents(config.packages),
      packageDocumentFor: (event, aor) => this.esc.packageDocument(event, aor),
      emptyPackageDocumentFor: (event, aor) => this.esc.emptyPackageDocument(event, aor),
      lists: {
        membersOf: (ownerKey) => this.lists.membersOf(ownerKey),
        handlingFor: (member, owner) => decideWatcher(this.rules, member, owner, owner.uri),
        isServedHost: (host) => this.servesHost(host),
        documentFor: (member) => this.esc.composedDocument(member, 'application/pidf+xml'),
        closedDocumentFor: (member) => this.esc.closedDocument(member, 'application/pidf+xml'),
        contentIdHost: config.advertisedHost.includes(':') ? 'presently.invalid' : config.advertisedHost,
      },
      // A list NOTIFY is sent whole, in one datagram, no larger than what the compositor itself takes in.
      maxUdpNotifyBytes: Math.min(config.maxMessageBytes, MAX_UDP_PAYLOAD_BYTES),
      handlingFor: (owner, watcher, watcherUri) => decideWatcher(this.rules, owner, watcher, watcherUri),
      sentBy: (transport) => this.sentBy(transport),
      contactUri: (transport) => this.contactUri(transport),
      udpFlowTo: (address, port) => this.udp?.flowTo(address, port) ?? null,
      serverName: config.serverName,
      limits: config.limits,
      isRegisteredFrom: (watcherKey, endpoint) => this.registrar.isRegisteredFrom(watcherKey, endpoint),
      onLimited: (limit, subscription, detail) => this.limited(limit, subscription.flow.label, subscription.flow.remoteAddress, detail),
      onEvent: (what, subscription, detail) =>
        this.logEvent(what, subscription.aor.uri, subscription.flow.label, `watcher ${subscription.remoteParty}: ${detail}`),
      ...(hooks === null ? {} : { persistence: hooks.subscriptions }),
    });
    const validation = config.bodyValidation;
    this.validatorPool =
      validation === undefined
        ? undefined
        : new ValidatorPool({
            workerFile: validation.workerFile,
            ...(validation.threads === undefined ? {} : { threads: validation.threads }),
            ...(validation.execArgv === undefined ? {} : { execArgv: validation.execArgv }),
            onFailure: (message) =>
              this.logEvent('validator-failed', null, null, `${message}; validating PUBLISH bodies inline from now on`),
          });
    this.esc = new EventStateCompositor({
      ...(this.validatorPool === undefined ? {} : { validatorPool: this.validatorPool }),
      expiry: config.expiry,
      limits: config.limits,
      thirdPartyPublishers: config.thirdPartyPublishers,
      packages: config.packages,
      // With a state file, watchers hear of a change only once it is committed, like its publisher.
      onChange: (presentity) =>
        config.state === undefined ? this.stateChanged(presentity) : config.state.afterCommit(() => this.stateChanged(presentity)),
      onExpired: (publication) => this.logEvent('expired', publication.presentity.aor.uri, null, `publication ${publication.etag} expired`),
      isWatched: (aor) => this.notifier.watcherCount(aor.key) > 0,
      ...(hooks === null ? {} : { persistence: hooks.publications }),
    });
    this.registrar = new Registrar(config.expiry, config.limits, Date.now, hooks?.bindings ?? null);
    this.authenticator = config.authentication === undefined ? null : new DigestAuthenticator(config.authentication);
    this.rules.onChange((ownerKey) => this.notifier.rulesChanged(ownerKey));
    this.lists.onChange((ownerKey) => this.notifier.listChanged(ownerKey));
    this.connections = connectionGuard(config.limits, (limit, label, address, detail) => this.limited(limit, label, address, detail));
  }

  /** A presentity's composed state changed (in presence or another package): its watchers are told. */
  private stateChanged(presentity: Presentity): void {
    if (presentity.event === 'presence') this.notifier.presentityChanged(presentity.aor);
    else this.notifier.packageStateChanged(presentity.event, presentity.aor);
  }

  async listen(): Promise<void> {
    const { host, ports, maxMessageBytes } = this.config;
    const { messageDeadlineMs, wsAllowedOrigins } = this.config.limits;
    const guard = this.connections;
    const onMessage = (data: Buffer, flow: Flow): void => this.onMessage(data, flow);
    const onFramingFailure = (failure: StreamFailure, flow: Flow): void => this.onFramingFailure(failure, flow);
    const onClose = (flow: Flow): void => this.clientTransactions.flowClosed(flow);
    if (ports.udp !== null) {
      this.udp = await startUdpListener(host, ports.udp, onMessage, (error, label) =>
        this.logEvent('send-failed', null, label, `UDP error: ${error.message}`),
      );
      this.bound(this.udp);
    }
    // Before any other listener and before this turn ends, so no request sees a half-restored state; after UDP,
    // whose socket restored watchers' NOTIFYs leave from.
    this.restoreState();
    if (ports.tcp !== null) {
      this.bound(
        await startStreamListener({
          transport: 'tcp',
          host,
          port: ports.tcp,
          maxMessageBytes,
          guard,
          onMessage,
          onFramingFailure,
          onClose,
        }),
      );
    }
    if (this.config.tls !== undefined) {
      const tls = this.config.tls;
      this.bound(
        await startStreamListener({
          transport: 'tls',
          host,
          port: tls.port ?? 0,
          tls,
          maxMessageBytes,
          guard,
          handshakeTimeoutMs: messageDeadlineMs,
          onMessage,
          onFramingFailure,
          onClose,
        }),
      );
    }
    // WS and WSS: one listener module, plain or over TLS with the TLS listener's certificate; both serve XCAP.
    const webSocket = {
      host,
      maxMessageBytes,
      guard,
      allowedOrigins: new Set(wsAllowedOrigins),
      onOriginRefused: (label: string, address: string, origin: string) =>
        this.limited('wsAllowedOrigins', label, address, `WebSocket upgrade refused with 403: Origin ${origin} is not allowed`),
      onMessage,
      onFramingFailure,
      onClose,
      onHttpRequest: xcapHandler({
        rules: this.rules,
        lists: this.lists,
        authenticator: this.authenticator,
        servesHost: (host) => this.servesHost(host),
        log: (method, aor, source, status, detail) => this.logHttp(method, aor, source, status, detail),
      }),
    };
    if (ports.ws !== null) this.bound(await startWsListener({ ...webSocket, port: ports.ws }));
    const tls = this.config.tls;
    if (tls?.wssPort !== undefined && tls.wssPort !== null) this.bound(await startWsListener({ ...webSocket, port: tls.wssPort, tls }));
  }

  get allowEvents(): string {
    return allowEvents(this.config.packages);
  }

  get xcapRoot(): string | null {
    const ws = this.addresses.ws;
    return ws === undefined ? null : `http://${hostPort(this.config.advertisedHost, ws.port)}${XCAP_ROOT_PATH}`;
  }

  counters(): CompositorCounters {
    return {
      requestsByMethod: Object.fromEntries(this.requestsByMethod),
      responsesByStatus: Object.fromEntries([...this.responsesByStatus].map(([status, n]) => [String(status), n])),
      retransmissionsAbsorbed: this.retransmissionsAbsorbed,
      malformedMessages: this.malformedMessages,
      publicationsActive: this.esc.publicationCount,
      publicationsExpired: this.esc.expiredCount,
      subscriptionsActive: this.notifier.subscriptionCount,
      subscriptionsExpired: this.notifier.expiredCount,
      bindingsActive: this.registrar.bindingCount,
      notifiesSent: this.notifier.notifiesSent,
      notifyRetransmissions: this.clientTransactions.retransmissions,
      notifyFailures: this.notifier.notifyFailures,
      watchersDropped: this.notifier.watchersDropped,
      bodiesValidatedOnWorkers: this.validatorPool?.validatedCount ?? 0,
    };
  }

  status(): Promise<CompositorStatus> {
    return statusSnapshot({
      presentities: this.esc.presentityList(),
      watchers: this.notifier.watcherList(),
      bindings: this.registrar.bindingList(),
      composedBody: (aor) => this.esc.peekComposedBody(aor),
      packageSummary: (event, aor) => this.esc.packageDocument(event, aor)?.summary ?? null,
      listMembers: (ownerKey) => this.lists.membersOf(ownerKey).length,
      now: Date.now(),
    });
  }

  currentDocument(aorText: string): string {
    const uri = parseUri(aorText);
    const aor = uri === null ? null : aorOf(uri);
    if (aor === null) throw new TypeError(`"${aorText}" is not a SIP address-of-record`);
    return this.esc.composedDocument(aor).body;
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  private async shutdown(): Promise<void> {
    this.isStopping = true;
    const state = this.config.state;
    // With a state file the subscriptions go on after the next start, so watchers are not told to leave; what
    // waits for its commit is committed and answered now.
    state?.flush();
    try {
      if (state === undefined) this.notifier.terminateAll('deactivated');
    } catch {
      // Shutdown must finish even if a final NOTIFY cannot be built.
    }
    const deadline = Date.now() + STOP_GRACE_MS;
    while (this.clientTransactions.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    this.clientTransactions.dispose();
    this.notifier.dispose();
    this.esc.dispose();
    this.registrar.dispose();
    this.serverTransactions.dispose();
    await Promise.allSettled([...this.listeners.map((listener) => listener.close()), this.validatorPool?.close()]);
    try {
      state?.close();
    } catch (error) {
      this.logEvent('state-failed', null, null, `the state file could not be closed: ${errorMessage(error)}`);
    }
  }

  /** Puts back what the state file holds (see the notifier's, ESC's and registrar's `restore`), and logs it. */
  private restoreState(): void {
    const store = this.config.state;
    if (store === undefined) return;
    const loaded = loadState(store);
    const publications = this.esc.restore(loaded.publications);
    const bindings = this.registrar.restore(loaded.bindings);
    const subscriptions = this.notifier.restore(loaded.subscriptions, RESTART_COUNTER_GAP);
    // Their composed state changed while we were down: the restored watchers are owed a NOTIFY.
    for (const { event, aor } of publications.expired) {
      if (event === 'presence') this.notifier.presentityChanged(aor);
      else this.notifier.packageStateChanged(event, aor);
    }
    const expiredPublications = loaded.publications.length - publications.restored - publications.unserved;
    const expiredBindings = loaded.bindings.length - bindings;
    this.logEvent(
      'restored',
      null,
      null,
      `from ${store.file}: ${publications.restored} publications, ${subscriptions.restored} subscriptions, ${bindings} bindings; ` +
        `expired while down: ${expiredPublications} publications, ${subscriptions.expired} subscriptions (final NOTIFY sent), ` +
        `${expiredBindings} bindings` +
        (subscriptions.dropped > 0 ? `; ${subscriptions.dropped} dialogs left out (no UDP listener to reach their watchers)` : '') +
        (publications.unserved > 0 ? `; ${publications.unserved} publications of event packages no longer served left out` : '') +
        (loaded.unreadable > 0 ? `; ${loaded.unreadable} unreadable rows left out` : ''),
    );
  }

  private bound(listener: Listener): void {
    this.listeners.push(listener);
    const transport = listener.transport;
    const uri = listenerUri(transport, hostPort(this.config.advertisedHost, listener.port));
    this.addresses[transport] = { transport, host: listener.host, port: listener.port, uri };
  }

  private sentBy(transport: CompositorTransport): string {
    return hostPort(this.config.advertisedHost, this.addresses[transport]?.port ?? null);
  }

  private contactUri(transport: CompositorTransport): string {
    return listenerUri(transport, this.sentBy(transport));
  }

  // ── receiving ────────────────────────────────────────────────────────────────────────────────

  private onMessage(data: Buffer, flow: Flow): void {
    try {
      if (data.length > this.config.maxMessageBytes) {
        const end = data.indexOf('\r\n\r\n');
        this.onFramingFailure(
          end === -1
            ? { reason: 'message-too-large', detail: `message of ${data.length} bytes` }
            : { reason: 'message-too-large', detail: `message of ${data.length} bytes`, headerText: data.toString('utf8', 0, end) },
          flow,
        );
        return;
      }
      const headerBytes = headerSectionBytes(data);
      const { maxHeaderBytes, maxHeaderFields } = this.config.limits;
      if (headerBytes > maxHeaderBytes) {
        const detail = `header section of ${headerBytes} bytes exceeds ${maxHeaderBytes}`;
        this.limited('maxHeaderBytes', flow.label, flow.remoteAddress, detail);
        this.onFramingFailure(
          headerBytes === data.length
            ? { reason: 'headers-too-large', detail }
            : { reason: 'headers-too-large', detail, headerText: data.toString('utf8', 0, headerBytes) },
          flow,
        );
        return;
      }
      // UDP and WebSocket carry one message per datagram/frame: Content-Length is optional there.
      const result = parseSipMessage(data, isMessageFramed(flow.transport));
      if (!result.ok) {
        this.malformedMessages++;
        if (result.partial !== undefined && canAnswer(result.partial)) {
          this.answerBare(result.partial, flow, 400, `Bad Request (${result.detail})`, `malformed: ${result.detail}`);
        } else {
          this.logEvent('dropped', null, flow.label, `unparseable message dropped: ${result.detail}`);
        }
        return;
      }
      const message = result.message;
      if (message.kind === 'response') {
        // Still routed while stopping: the answers to our final NOTIFYs let `stop()` finish early.
        this.notifier.onResponse(message);
        return;
      }
      if (this.isStopping) return;
      const problem = headerProblem(message.requestUri, message.headers, maxHeaderFields);
      if (problem !== null) {
        this.malformedMessages++;
        if (problem.limit !== null) this.limited(problem.limit, flow.label, flow.remoteAddress, problem.reason);
        if (canAnswer(message)) this.answerBare(message, flow, problem.status, problem.reason, problem.reason);
        return;
      }
      this.onRequest(message, flow, data.length);
    } catch (error) {
      // A defect, not bad input: keep serving and say so.
      this.logEvent('internal-error', null, flow.label, `internal error: ${errorMessage(error)}`);
    }
  }

  private onFramingFailure(failure: StreamFailure, flow: Flow): void {
    this.malformedMessages++;
    const isTooLarge =
      failure.reason === 'body-too-large' || failure.reason === 'message-too-large' || failure.reason === 'headers-too-large';
    const status = isTooLarge ? 513 : 400;
    if (failure.headerText !== undefined) {
      const parsed = parseSipMessage(Buffer.from(failure.headerText + '\r\n\r\n'), true);
      const request = parsed.ok ? (parsed.message.kind === 'request' ? parsed.message : undefined) : parsed.partial;
      if (request !== undefined && canAnswer(request)) {
        const reason = isTooLarge ? 'Message Too Large' : `Bad Request (${failure.detail})`;
        this.answerBare(request, flow, status, reason, failure.detail);
        return;
      }
    }
    this.logEvent('dropped', null, flow.label, `message dropped: ${failure.detail}`);
  }

  private onRequest(request: SipRequest, flow: Flow, receivedBytes: number): void {
    if (request.method === 'ACK') return; // ACKs our 405 to an INVITE; nothing to do.
    const via = parseVia(firstViaParm(request.headers.get('via') ?? ''));
    if (via === null) {
      this.malformedMessages++;
      this.answerBare(request, flow, 400, 'Bad Request (malformed Via header)', 'malformed Via');
      return;
    }
    const key = serverTransactionKey(request, via);
    if (!flow.isReliable) {
      const cached = this.serverTransactions.responseFor(key);
      if (cached !== undefined) {
        // Completed: send the same response again. Still in Trying (the reply is deferred): absorb it.
        this.retransmissionsAbsorbed++;
        if (cached !== PENDING_RESPONSE) this.responseFlow(via, flow)?.send(cached);
        return;
      }
    }
    // Methods we do not know are counted together: hostile input must not grow the map without bound.
    const counted = COUNTED_METHODS.has(request.method) ? request.method : 'other';
    this.requestsByMethod.set(counted, (this.requestsByMethod.get(counted) ?? 0) + 1);

    let reply: Reply | typeof DEFERRED;
    try {
      reply = this.route(request, flow, receivedBytes, key, (later) => this.answer(request, flow, via, key, later));
    } catch (error) {
      reply = { status: 500, note: `internal error: ${errorMessage(error)}` };
    }
    if (reply === DEFERRED) {
      if (!flow.isReliable) this.serverTransactions.markPending(key);
      return;
    }
    this.answer(request, flow, via, key, reply);
  }

  /**
   * With a state file, holds the response until what the request changed is committed (a retransmission meanwhile
   * is absorbed); a failed commit turns it into a 500. Then `send`.
   */
  private answer(request: SipRequest, flow: Flow, via: Via, key: string, reply: Reply): void {
    const state = this.config.state;
    if (state === undefined) {
      this.send(request, flow, via, key, reply);
      return;
    }
    if (!flow.isReliable) this.serverTransactions.markPending(key);
    state.afterCommit((error) => {
      if (error === null) {
        this.send(request, flow, via, key, reply);
        return;
      }
      this.logEvent('state-failed', reply.aor ?? null, flow.label, `the state file could not be written: ${errorMessage(error)}`);
      this.send(request, flow, via, key, {
        status: 500,
        reason: 'Server Internal Error (the change could not be saved)',
        ...(reply.aor === undefined ? {} : { aor: reply.aor }),
        note: errorMessage(error),
      });
    });
  }

  /** Sends the final response, records it for retransmissions, counts and logs it, then runs `after`. */
  private send(request: SipRequest, flow: Flow, via: Via, key: string, reply: Reply): void {
    const source: SourceAddress = { address: flow.remoteAddress, port: flow.remotePort };
    const response = buildResponse(request, reply.status, source, {
      toTag: reply.toTag ?? newTag(),
      server: this.config.serverName,
      ...(reply.reason === undefined ? {} : { reason: reply.reason }),
      ...(reply.headers === undefined ? {} : { headers: reply.headers }),
      ...(reply.body === undefined ? {} : { body: reply.body }),
      ...(reply.contentType === undefined ? {} : { contentType: reply.contentType }),
    });
    this.responseFlow(via, flow)?.send(flow.isReliable ? response : this.serverTransactions.complete(key, response));
    this.responsesByStatus.set(reply.status, (this.responsesByStatus.get(reply.status) ?? 0) + 1);
    if (this.config.log !== null) this.logRequest(request, flow, reply);
    if (reply.limited !== undefined) this.limited(reply.limited, flow.label, flow.remoteAddress, `${reply.status} ${reply.reason ?? ''}`);
    if (reply.after !== undefined) {
      try {
        reply.after();
      } catch (error) {
        this.logEvent('internal-error', reply.aor ?? null, flow.label, `internal error after ${request.method}: ${errorMessage(error)}`);
      }
    }
  }

  /** RFC 3261 §8.2 UAS checks, then the method's handler. */
  private route(
    request: SipRequest,
    flow: Flow,
    receivedBytes: number,
    transactionKey: string,
    respondLater: (reply: Reply) => void,
  ): Reply | typeof DEFERRED {
    const method = request.method;
    const isKnown = method === 'PUBLISH' || method === 'SUBSCRIBE' || method === 'REGISTER' || method === 'OPTIONS';
    if (method === 'CANCEL') {
      // Every request is answered at once, so there is never a pending transaction left to cancel.
      return { status: 481, reason: 'Call/Transaction Does Not Exist', note: `cancel of ${transactionKey.split('\n')[0] ?? ''}` };
    }
    // §8.2.1: a method we do not implement (NOTIFY, INVITE, MESSAGE, …).
    if (!isKnown) return { status: 405, headers: [['Allow', ALLOWED_METHODS]], note: 'method not supported' };

    const requestUri = parseUri(request.requestUri);
    if (requestUri === null) return { status: 400, reason: 'Bad Request (malformed Request-URI)' };
    // §8.2.2.1: schemes we serve (RFC 3856 §4 also allows pres: in SUBSCRIBE).
    if (requestUri.scheme !== 'sip' && requestUri.scheme !== 'sips' && requestUri.scheme !== 'pres') {
      return { status: 416, note: `scheme ${requestUri.scheme}` };
    }
    const from = parseNameAddr(request.headers.get('from') ?? '');
    if (from === null) return { status: 400, reason: 'Bad Request (malformed From header)' };
    const to = parseNameAddr(request.headers.get('to') ?? '');
    if (to === null) return { status: 400, reason: 'Bad Request (malformed To header)' };
    const toAor = aorOf(to.uri);

    // §8.2.2.1 and RFC 3903 §6 step 1: requests for domains we do not serve.
    if (method !== 'OPTIONS') {
      if (!this.servesHost(requestUri.host))
        return { status: 404, reason: 'Not Found (domain not served here)', note: `domain ${requestUri.host}` };
      if (toAor !== null && !this.servesHost(toAor.host)) {
        return { status: 404, reason: 'Not Found (domain not served here)', aor: toAor.uri, note: `domain ${toAor.host}` };
      }
    }
    // §8.2.2.3: we support no extensions, so any Require gets 420 naming what we do not support.
    const required = request.headers.getAll('require').flatMap(splitCommaValues);
    if (required.length > 0)
      return { status: 420, headers: [['Unsupported', required.join(', ')]], note: `requires ${required.join(', ')}` };

    const fromAor = aorOf(from.uri);
    const now = Date.now();
    // RFC 3261 §22.4 after the §8.2 checks, so that a request we would refuse anyway is not challenged first.
    if (this.authenticator !== null && method !== 'OPTIONS') {
      const admission = this.authenticator.authenticate(request, flow.remoteAddress, now);
      if (admission.kind === 'refused') return { ...(toAor === null ? {} : { aor: toAor.uri }), ...admission.reply };
      const forbidden = this.authenticator.authorise(admission.user, { method, fromAor, toAor }, this.config.thirdPartyPublishers);
      if (forbidden !== null) return forbidden;
    }
    const incoming: IncomingRequest = {
      request,
      flow,
      requestUri,
      from,
      to,
      fromAor,
      toAor,
      callId: request.headers.get('call-id') ?? '',
      cseq: parseCSeq(request.headers.get('cseq') ?? '')?.seq ?? 0,
      now,
      receivedBytes,
      respondLater,
    };
    switch (method) {
      case 'PUBLISH':
        return this.esc.publish(incoming);
      case 'SUBSCRIBE':
        return this.notifier.subscribe(incoming);
      case 'REGISTER':
        return this.registrar.register(incoming);
      case 'OPTIONS':
        return {
          status: 200,
          headers: [
            ['Allow', ALLOWED_METHODS],
            ['Allow-Events', allowEvents(this.config.packages)],
            ['Accept', PUBLISH_ACCEPT],
            // RFC 4662 §4.1: list URIs here are served with event lists.
            ['Supported', 'eventlist'],
          ],
          ...(toAor === null ? {} : { aor: toAor.uri }),
        };
    }
    return { status: 405, headers: [['Allow', ALLOWED_METHODS]] };
  }

  private servesHost(host: string): boolean {
    const domains = this.config.domains;
    if (domains.size === 0) return true;
    const bare = host.startsWith('[') ? host.slice(1, -1) : host;
    return domains.has(bare) || bare === this.config.advertisedHost || bare === this.config.host;
  }

  /**
   * RFC 3261 §18.2.2 with RFC 3581 §4: over a connection, the same connection; over UDP, the source
   * address and port when the client asked for `rport`, else the source address and the Via port.
   */
  private responseFlow(via: Via, flow: Flow): Flow | null {
    if (flow.isReliable || via.hasRport || this.udp === null) return flow;
    const port = via.port ?? 5060;
    return port === flow.remotePort ? flow : this.udp.flowTo(flow.remoteAddress, port);
  }

  /** Answers a request that did not get through parsing (400, 513), without caching it. */
  private answerBare(request: SipRequest, flow: Flow, status: number, reason: string, note: string): void {
    const viaLine = request.headers.get('via');
    const via = viaLine === undefined ? null : parseVia(firstViaParm(viaLine));
    const response = buildResponse(
      request,
      status,
      { address: flow.remoteAddress, port: flow.remotePort },
      {
        reason,
        toTag: newTag(),
        server: this.config.serverName,
      },
    );
    (via === null ? flow : this.responseFlow(via, flow))?.send(response);
    this.responsesByStatus.set(status, (this.responsesByStatus.get(status) ?? 0) + 1);
    if (this.config.log !== null) this.logRequest(request, flow, { status, reason, note });
  }

  // ── logging ──────────────────────────────────────────────────────────────────────────────────

  private logRequest(request: SipRequest, flow: Flow, reply: Reply): void {
    const log = this.config.log;
    if (log === null) return;
    const aor = reply.aor ?? aorText(request.headers.get('to')) ?? null;
    const reason = printable(reply.reason ?? REASON_PHRASES[reply.status] ?? '', 160);
    const note = reply.note === undefined ? '' : ` (${printable(reply.note, 160)})`;
    const line = `${request.method} ${printable(aor ?? request.requestUri, 200)} ← ${flow.label} → ${reply.status} ${reason}${note}`;
    safeLog(log, { time: Date.now(), kind: 'request', what: request.method, aor, source: flow.label, status: reply.status, line });
  }

  /** One line per XCAP request, like the SIP requests' lines. */
  private logHttp(method: string, aor: string | null, source: string, status: number, detail: string): void {
    const log = this.config.log;
    if (log === null) return;
    const line = `XCAP ${method} ${printable(aor ?? '-', 200)} ← ${source} → ${status} (${printable(detail, 160)})`;
    safeLog(log, { time: Date.now(), kind: 'request', what: `XCAP ${method}`, aor, source, status, line });
  }

  /** A limit refused something from `address`: logged as a `limited` event, once per limit and address for a while. */
  private limited(limit: LimitName, label: string, address: string, detail: string): void {
    if (this.config.log === null || !this.limitLog.shouldLog(limit, address)) return;
    this.logEvent('limited', null, label, `${limit}: ${detail} (further cases from ${address} are not logged for a while)`);
  }

  private logEvent(what: string, aor: string | null, source: string | null, detail: string): void {
    const log = this.config.log;
    if (log === null) return;
    const line = `${what}${aor === null ? '' : ` ${printable(aor, 200)}`}${source === null ? '' : ` (${source})`}: ${printable(detail, 1000)}`;
    safeLog(log, { time: Date.now(), kind: 'event', what, aor, source, status: null, line });
  }
}

/** A request we can answer must let us copy Via, From, To, Call-ID and CSeq. */
function canAnswer(request: SipRequest): boolean {
  const h = request.headers;
  return request.method !== 'ACK' && h.has('via') && h.has('from') && h.has('to') && h.has('call-id') && h.has('cseq');
}

function aorText(value: string | undefined): string | null {
  if (value === undefined) return null;
  const parsed = parseNameAddr(value);
  const aor: Aor | null = parsed === null ? null : aorOf(parsed.uri);
  return aor?.uri ?? null;
}

/** The log callback is the embedder's code; its failure must not break request handling. */
function safeLog(log: (entry: CompositorLogEntry) => void, entry: CompositorLogEntry): void {
  try {
    log(entry);
  } catch {
    // Ignored on purpose: logging is best effort.
  }
}
