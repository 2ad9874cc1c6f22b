/**
 * The notifier for presence and the configured event packages — RFC 6665 §4.2 (notifier behaviour), RFC 3856 §6
 * (presence: `Event: presence`, `application/pidf+xml`), RFC 3261 §12 (the subscription dialog: route set
 * from Record-Route, remote target from Contact, increasing local CSeq).
 *
 * One subscription (watcher) per dialog:
 *
 *   SUBSCRIBE (no To tag, Expires n>0) ─200─► active ─┬─ refresh SUBSCRIBE (n>0) ─200─► active (NOTIFY again)
 *   SUBSCRIBE (no To tag, Expires 0) ───200─► fetch: one NOTIFY terminated;reason=timeout, then gone
 *                                                     ├─ SUBSCRIBE Expires 0 ─200─► final NOTIFY terminated;reason=timeout ─► gone
 *                                                     ├─ expiry ─────────────────► final NOTIFY terminated;reason=timeout ─► gone
 *                                                     ├─ NOTIFY answered 481, timed out (Timer F), 408, or
 *                                                     │  transport gone, or another error without Retry-After ─► dropped
 *                                                     └─ server stops ──────────► final NOTIFY terminated;reason=deactivated
 *
 * Every accepted or refreshed subscription gets an immediate NOTIFY with the current composite (RFC 6665
 * §4.2.1.2 "MUST send a NOTIFY request immediately"), and every change of the presentity's composed state
 * a NOTIFY to each of its watchers (optionally coalesced within `coalesceMs`, the rate control RFC 6665
 * §4.2.2 allows). At most one NOTIFY per subscription is in flight: a change while one is outstanding is
 * remembered and the newest state sent when it is answered. That keeps NOTIFYs in order over UDP and
 * bounds the work a slow watcher can cause; watchers only ever need the latest state.
 *
 * Where a NOTIFY goes: over the watcher's own connection when it subscribed over TCP/TLS/WS (connection
 * reuse; a WebSocket client cannot be reached otherwise, RFC 7118 §5.2); over UDP to the first Route
 * (Record-Route honoured, loose or strict routing, RFC 3261 §12.2.1.1) or else the Contact, when that is an
 * IP address; a host name we cannot resolve without RFC 3263 DNS (e.g. `watcher@domain.com`) falls back to
 * the address the SUBSCRIBE came from, as NAT-aware servers do. Over UDP that other next hop is used only
 * when it is the SUBSCRIBE's source or the watcher has registered from it (anti-reflection,
 * limits/udp-rules.ts); otherwise the NOTIFY goes to the source too.
 *
 * New subscriptions are capped in total and per watcher (its From AOR): beyond → 503 (limits/limits.ts).
 *
 * Authorisation (RFC 6665 §4.2.1.1, RFC 5025 §3.2.1; authorization/decision.ts): each presence subscription is
 * decided by the owner's rules when it is created and again whenever the rules change —
 *
 *   confirm ─► pending: NOTIFY `pending;expires=n` without body (refreshes too) ──owner allows──► active, body at once
 *   allow ───► active with the composed document          polite-block ─► active with a closed document
 *   block ───► NOTIFY `terminated;reason=rejected` without body; a new SUBSCRIBE from them gets the same
 *
 * `presence.winfo` subscriptions (RFC 3857, winfo/watcher-info.ts) share the dialog machinery: only the owner may
 * subscribe (403), and every change of one of the owner's presence watchers NOTIFYs the owner's winfo watchers.
 *
 * The configured packages (esc/event-packages.ts: message-summary, dialog, opaque ones) share it too: a package's
 * watchers are decided by the owner's presence rules as above, or may only be the owner (message-summary, 403 for
 * anyone else); their NOTIFYs carry the package's composed state, rendered with the watcher's own document count
 * (`bodyVersion`: RFC 4235 §4.1.2's `version`). Watcher information lists presence watchers only (RFC 3857 is per
 * package: `dialog.winfo` is not offered).
 *
 * A presence SUBSCRIBE to a list URI (`sip:alice-buddies@…`, lists/list-uri.ts) is a resource list subscription
 * (RFC 4662, notifier/list-subscriptions.ts): only with `Supported: eventlist` (else 421 with `Require: eventlist`),
 * only by the list's owner (403), answered with `Require: eventlist`, and its NOTIFYs are RLMI + one PIDF part per
 * member — full state first, then the members that changed. Over UDP a list whose full state does not fit in one
 * datagram of `maxUdpNotifyBytes` is refused (403 saying to use TCP, TLS or WebSocket); one that outgrows it later is
 * ended with `terminated;reason=deactivated`, so the watcher subscribes again and is told the same.
 */
import { isIP } from 'node:net';
import type { Aor } from '../message/aor';
import { newBranch, newTag } from '../message/ids';
import { eventPackage, mediaType, parseNameAddr, parseUri, splitCommaValues } from '../../../shared/sip/header-values';
import type { SipResponse } from '../message/sip-message';
import { decideExpiry, intervalTooBrief, type ExpiryPolicy, type IncomingRequest, type Reply } from '../request-context';
import type { ClientOutcome, ClientTransactions } from '../transaction/client-transactions';
import type { Flow } from '../transport/flow';
import type { CompositorTransport } from '../compositor-types';
import { COMPOSED_CONTENT_TYPES, type ComposedContentType, type ComposedDocument } from '../esc/event-state-compositor';
import type { EventPackage, PackageDocument } from '../esc/event-packages';
import { ExpiryQueue } from '../expiry/expiry-queue';
import { overCapacity, type LimitName } from '../limits/limits';
import { mayNotifyAt, type Endpoint } from '../limits/udp-rules';
import type { SubHandling } from '../../../shared/pres-rules';
import { PRESENCE_WINFO_EVENT, type WatcherEntry, type WatcherEvent } from '../../../shared/watcherinfo';
import { acceptsWatcherInfo, watcherEntry, WatcherInfoDocuments, ownerOnlyRefusal, type WinfoBody } from '../winfo/watcher-info';
import { listOwnerOf } from '../lists/list-uri';
import { EVENTLIST_OPTION_TAG, RLMI_CONTENT_TYPE } from '../../../shared/resource-lists/rlmi';
import { MULTIPART_RELATED } from '../../../shared/resource-lists/multipart';
import { fullStateProgress, ListSubscriptions, type ListProgress, type ListSources, type ListTarget } from './list-subscriptions';

/** One watcher's subscription dialog. */
export interface WatcherDialog {
  readonly id: string;
  readonly aor: Aor;
  /** Who watches: the SUBSCRIBE's From AOR key (its URI when From names no AOR), for the per-watcher cap. */
  readonly watcherKey: string;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** The SUBSCRIBE's To value (our side of the dialog), without tag; NOTIFY's From. */
  readonly localParty: string;
  /** The SUBSCRIBE's From value, with the watcher's tag; NOTIFY's To. */
  readonly remoteParty: string;
  /** The watcher's Contact URI (updated by refreshing SUBSCRIBEs). */
  remoteTarget: string;
  /** Record-Route values of the initial SUBSCRIBE, in order (RFC 3261 §12.1.1). */
  readonly routeSet: readonly string[];
  remoteCseq: number;
  localCseq: number;
  /** The Event header value to echo in NOTIFYs (keeps an `id` parameter). */
  readonly event: string;
  /**
   * The document format this watcher accepts: for presence PIDF unless it accepts only CPIM-PIDF (a
   * ComposedContentType); for another package the first of its types the watcher accepts.
   */
  readonly contentType: string;
  /** `presence`, `presence.winfo` for the owner's watcher information, or a configured package's name. */
  readonly package: string;
  /** Documents sent with a body so far: the next one's `version` (RFC 4235 §4.1.2, RFC 4662 §5.2); used by packages that count. */
  bodyVersion: number;
  /** For a subscription to a resource list (RFC 4662): which list; null for a subscription to one resource. */
  readonly list: ListTarget | null;
  /** A list subscription's changes not yet sent (in this process only); null for others. */
  listProgress: ListProgress | null;
  /** The watcher's AOR URI (its From URI when From names no AOR), and From's display name. */
  readonly watcherUri: string;
  /** The watcher's AOR, when From names one (the rules are decided on it). */
  readonly watcherAor: Aor | null;
  readonly displayName: string;
  readonly createdAt: number;
  /** How the owner's rules treat this watcher (presence; `allow` for winfo). */
  handling: SubHandling;
  /** Pending until the owner allows (RFC 6665 §4.1.2.2: NOTIFYs without state). */
  state: 'pending' | 'active';
  /** What last moved the subscription, for the watcher information (RFC 3857 §3.6). */
  lastEvent: WatcherEvent;
  expiresAt: number;
  /** Place in the expiry queue (-1: not scheduled). */
  expiryIndex: number;
  /** Where the SUBSCRIBE arrived (the connection to reuse, or the UDP source). */
  flow: Flow;
  isTerminated: boolean;
  isNotifyInFlight: boolean;
  /** A change arrived while a NOTIFY was in flight: send the newest state when it is answered. */
  hasQueuedState: boolean;
  /** A termination waiting for the in-flight NOTIFY to be answered. */
  queuedTermination: string | null;
  /**
   * Over UDP, what NOTIFY retransmissions may cost until the watcher has answered one: the SUBSCRIBE's
   * size times the amplification factor (a spoofed source must not be flooded with ~11 copies of a large
   * NOTIFY). Null once the watcher answered a NOTIFY, or on a connection (nothing to spoof there).
   */
  unverifiedBudgetBytes: number | null;
}

export interface NotifierOptions {
  readonly expiry: ExpiryPolicy;
  readonly coalesceMs: number;
  readonly transactions: ClientTransactions;
  /** The composed document to send for an AOR, in a format. */
  documentFor(aor: Aor, contentType: ComposedContentType): ComposedDocument;
  /** A closed document for an AOR (what a `polite-block` watcher sees). */
  closedDocumentFor(aor: Aor, contentType: ComposedContentType): ComposedDocument;
  /** The configured event packages besides presence, by name. */
  readonly packages: ReadonlyMap<string, EventPackage>;
  /** `Allow-Events` for a 489. */
  readonly allowEvents: string;
  /** A package's composed state of an AOR (null: none, a NOTIFY without body). */
  packageDocumentFor(event: string, aor: Aor): PackageDocument | null;
  /** A package's state with nothing published (what a `polite-block` watcher of that package sees). */
  emptyPackageDocumentFor(event: string, aor: Aor): PackageDocument | null;
  /** What list NOTIFYs are made of: the owners' lists, the members' rules and documents. */
  readonly lists: ListSources;
  /** The largest list NOTIFY sent over UDP, bytes (one datagram; larger lists need a connection). */
  readonly maxUdpNotifyBytes: number;
  /** The owner's rules for a watcher (absent: everyone is allowed). */
  handlingFor?(owner: Aor, watcher: Aor | null, watcherUri: string): SubHandling;
  /** Our Via sent-by (host:port) and Contact URI for a transport. */
  sentBy(transport: CompositorTransport): string;
  contactUri(transport: CompositorTransport): string;
  /** A UDP flow to an address, when UDP is on. */
  udpFlowTo(address: string, port: number): Flow | null;
  readonly serverName: string;
  /** Caps on live subscriptions: in total, and per watcher. */
  readonly limits: {
    readonly maxSubscriptions: number;
    readonly maxSubscriptionsPerWatcher: number;
    readonly udpAmplificationFactor: number;
  };
  /** Whether a live registration of the watcher's AOR came from this UDP address (anti-reflection). */
  isRegisteredFrom(watcherKey: string, endpoint: Endpoint): boolean;
  /** A NOTIFY went to the SUBSCRIBE's source instead of the next hop it named (for the once-per-source log). */
  onLimited(limit: LimitName, subscription: WatcherDialog, detail: string): void;
  /** A watcher was dropped or a subscription ended on its own, for the log. */
  onEvent(what: 'dropped' | 'expired' | 'notify-failed', subscription: WatcherDialog, detail: string): void;
  /** Told of every change to a live dialog (new, refreshed, a NOTIFY's CSeq) and its end, to keep it on disk (state/). */
  readonly persistence?: SubscriptionPersistence;
  readonly now?: () => number;
}

/** What the state file hears from the notifier (state/state-rows.ts). */
export interface SubscriptionPersistence {
  /** A live dialog was created or changed. */
  saved(subscription: WatcherDialog): void;
  /** A dialog ended (or was dropped). */
  removed(subscription: Pick<WatcherDialog, 'id'>): void;
}

/** The fields of a dialog that live only in this process: not saved, set afresh when a dialog is restored. */
export type WatcherRuntimeField =
  'flow' | 'expiryIndex' | 'isTerminated' | 'isNotifyInFlight' | 'hasQueuedState' | 'queuedTermination' | 'listProgress';

/** A dialog read back from the state file: the saved fields, and the UDP address its NOTIFYs went to. */
export type RestoredSubscription = Omit<WatcherDialog, WatcherRuntimeField> & {
  readonly flow: { readonly transport: CompositorTransport; readonly address: string; readonly port: number };
};

export class Notifier {
  private readonly byDialog = new Map<string, WatcherDialog>();
  private readonly byAor = new Map<string, Set<WatcherDialog>>();
  /** Live subscriptions per watcher key. */
  private readonly byWatcher = new Map<string, number>();
  /**
   * UDP sources (address:port) of live subscriptions: how many, and whether a NOTIFY of any of them was answered. An
   * answer shows a real watcher at that source, so every subscription from it may retransmit normally — a watcher of
   * thousands of buddies answers the first few NOTIFYs while the rest are on their way, and a lost first NOTIFY of
   * those must still be retransmitted (Timer E, RFC 3261 §17.1.2.2) — else it waits for Timer F and the subscriber's
   * own 64·T1 wait for a NOTIFY (RFC 6665 §4.1.2.4).
   */
  private readonly udpSources = new Map<string, { subscriptions: number; hasAnswered: boolean }>();
  private readonly expiries: ExpiryQueue<WatcherDialog>;
  private readonly coalescing = new Map<string, { aor: Aor; timer: NodeJS.Timeout }>();
  private readonly now: () => number;
  /** The owners' `presence.winfo` subscriptions, by owner AOR key. */
  private readonly winfoByAor = new Map<string, Set<WatcherDialog>>();
  /** Watchers of the configured packages: by package, then by AOR key. */
  private readonly byPackage = new Map<string, Map<string, Set<WatcherDialog>>>();
  private readonly lists: ListSubscriptions<WatcherDialog>;
  private readonly winfoDocuments = new WatcherInfoDocuments();
  private isStopping = false;
  notifiesSent = 0;
  notifyFailures = 0;
  watchersDropped = 0;
  expiredCount = 0;

  constructor(private readonly options: NotifierOptions) {
    this.now = options.now ?? Date.now;
    this.lists = new ListSubscriptions(options.lists);
    this.expiries = new ExpiryQueue((subscription) => {
      this.expiredCount++;
      this.options.onEvent('expired', subscription, 'subscription expired');
      this.terminate(subscription, 'timeout');
    }, this.now);
  }

  get subscriptionCount(): number {
    return this.byDialog.size;
  }

  /** Watchers of an AOR (for tests and the demo). */
  watcherCount(aorKey: string): number {
    return this.byAor.get(aorKey)?.size ?? 0;
  }

  /** The live subscriptions, for `presently compositor status` (read only; do not keep). */
  watcherList(): readonly WatcherDialog[] {
    return [...this.byDialog.values()];
  }

  /** RFC 6665 §4.2.1 for one SUBSCRIBE; the router has checked the domain and Require. */
  subscribe(incoming: IncomingRequest): Reply {
    const { request, toAor } = incoming;
    const headers = request.headers;
    const aorText = toAor?.uri;
    const withAor = aorText === undefined ? {} : { aor: aorText };

    const events = headers.getAll('event');
    const eventName = events.length === 1 ? eventPackage(events[0] as string) : null;
    const eventPackageFound =
      eventName === 'presence' || eventName === PRESENCE_WINFO_EVENT || eventName === null
        ? null
        : (this.options.packages.get(eventName) ?? null);
    if (eventName !== 'presence' && eventName !== PRESENCE_WINFO_EVENT && eventPackageFound === null) {
      return {
        status: 489,
        headers: [['Allow-Events', this.options.allowEvents]],
        ...withAor,
        note: events.length === 0 ? 'no Event header' : `event ${events.join(', ')} not supported`,
      };
    }
    const event = (events[0] as string).trim();

    const isWinfo = eventName === PRESENCE_WINFO_EVENT;
    const accepts = headers.getAll('accept');
    if (isWinfo && !acceptsWatcherInfo(accepts)) {
      return { status: 406, headers: [['Accept', 'application/watcherinfo+xml']], ...withAor, note: `Accept: ${accepts.join(', ')}` };
    }
    const offered = eventPackageFound === null ? COMPOSED_CONTENT_TYPES : eventPackageFound.contentTypes;
    const contentType =
      accepts.length === 0 || isWinfo
        ? (offered?.[0] ?? 'application/pidf+xml')
        : offered === null
          ? '*/*'
          : preferredType(accepts, offered);
    if (contentType === null) {
      return { status: 406, headers: [['Accept', (offered ?? []).join(', ')]], ...withAor, note: `Accept: ${accepts.join(', ')}` };
    }

    const expiresHeaders = headers.getAll('expires');
    if (expiresHeaders.length > 1) return { status: 400, reason: 'Bad Request (more than one Expires header)', ...withAor };
    const decision = decideExpiry(expiresHeaders[0], this.options.expiry);
    if (decision.kind === 'malformed') return { status: 400, reason: 'Bad Request (malformed Expires header)', ...withAor };
    if (decision.kind === 'too-brief') return intervalTooBrief(this.options.expiry, aorText, 'subscription interval');
    const seconds = decision.seconds;

    const toTag = tagParam(incoming.to.params);
    if (toTag !== null) return this.subscribeInDialog(incoming, toTag, seconds);

    if (toAor === null) return { status: 404, reason: 'Not Found (no presentity at this address)' };
    const listOwner = eventName === 'presence' ? listOwnerOf(toAor) : null;
    if (listOwner !== null) {
      const refused = listRefusal(incoming, toAor, listOwner, accepts);
      if (refused !== null) return refused;
    }
    if (isWinfo || eventPackageFound?.watchers === 'owner') {
      const refused = ownerOnlyRefusal(toAor, incoming.fromAor, eventName as string);
      if (refused !== null) return refused;
    }
    const fromTag = tagParam(incoming.from.params);
    if (fromTag === null) return { status: 400, reason: 'Bad Request (From without tag)', aor: toAor.uri };
    const contact = singleContact(headers.getAll('contact'));
    if (contact === null) return { status: 400, reason: 'Bad Request (SUBSCRIBE needs exactly one Contact URI)', aor: toAor.uri };

    const watcherKey = incoming.fromAor?.key ?? incoming.from.uri.text;
    const watcherUri = incoming.fromAor?.uri ?? incoming.from.uri.text;
    // A list is its owner's (listRefusal has made sure the owner asks): the members' rules decide per member.
    const isOwnerOnly = isWinfo || eventPackageFound?.watchers === 'owner' || listOwner !== null;
    const handling: SubHandling = isOwnerOnly ? 'allow' : (this.options.handlingFor?.(toAor, incoming.fromAor, watcherUri) ?? 'allow');
    // A fetch (Expires 0) leaves no state behind, so only lasting subscriptions count against the caps.
    if (seconds > 0) {
      const refused = this.capacityRefusal(watcherKey, toAor);
      if (refused !== null) return refused;
    }

    const routeSet = headers.getAll('record-route').flatMap(splitCommaValues);
    const localTag = newTag();
    const now = incoming.now;
    const subscription: WatcherDialog = {
      id: dialogId(incoming.callId, localTag, fromTag),
      aor: toAor,
      watcherKey,
      callId: incoming.callId,
      localTag,
      remoteTag: fromTag,
      localParty: stripTag(headers.get('to') ?? ''),
      remoteParty: (headers.get('from') ?? '').trim(),
      remoteTarget: contact,
      routeSet,
      remoteCseq: incoming.cseq,
      localCseq: 0,
      event,
      contentType,
      package: eventName as string,
      bodyVersion: 0,
      list: listOwner === null ? null : { uri: toAor.uri, owner: listOwner },
      listProgress: listOwner === null ? null : fullStateProgress(),
      watcherUri,
      watcherAor: incoming.fromAor,
      displayName: incoming.from.displayName,
      createdAt: now,
      handling,
      state: handling === 'confirm' ? 'pending' : 'active',
      lastEvent: handling === 'block' ? 'rejected' : 'subscribe',
      expiresAt: now + seconds * 1000,
      expiryIndex: -1,
      flow: incoming.flow,
      isTerminated: false,
      isNotifyInFlight: false,
      hasQueuedState: false,
      queuedTermination: null,
      unverifiedBudgetBytes: incoming.flow.isReliable ? null : incoming.receivedBytes * this.options.limits.udpAmplificationFactor,
    };
    const okHeaders: Array<[string, string]> = [
      ['Expires', String(seconds)],
      ['Contact', `<${this.options.contactUri(incoming.flow.transport)}>`],
    ];
    if (listOwner !== null) {
      // RFC 4662 §4.1: the answer says the subscription is to a list.
      okHeaders.push(['Require', EVENTLIST_OPTION_TAG]);
      if (!incoming.flow.isReliable) {
        const bytes = this.lists.fullStateBytes(subscription) + NOTIFY_HEADER_ROOM;
        if (bytes > this.options.maxUdpNotifyBytes) {
          return {
            status: 403,
            reason: `Forbidden (this list's NOTIFY of ${bytes} bytes is too large for UDP: subscribe over TCP, TLS or WebSocket)`,
            aor: toAor.uri,
            note: `list over UDP, limit ${this.options.maxUdpNotifyBytes} bytes`,
          };
        }
      }
    }
    if (handling === 'block') {
      // RFC 6665 §4.2.2: accepted, then terminated at once with the reason that tells the watcher not to retry.
      subscription.isTerminated = true;
      return {
        status: 200,
        toTag: localTag,
        headers: okHeaders,
        aor: toAor.uri,
        note: "rejected by the owner's rules",
        after: () => {
          this.transmit(subscription, 'rejected');
          this.reportWatcher(subscription);
        },
      };
    }
    if (seconds === 0) {
      // A fetch (RFC 6665 §4.4.3): one NOTIFY with the current state, and the subscription is over.
      subscription.isTerminated = true;
      return {
        status: 200,
        toTag: localTag,
        headers: okHeaders,
        aor: toAor.uri,
        note: 'fetch',
        after: () => this.transmit(subscription, 'timeout'),
      };
    }
    this.install(subscription);
    return {
      status: 200,
      toTag: localTag,
      headers: okHeaders,
      aor: toAor.uri,
      note: `new ${isWinfo ? 'watcher-information ' : subscription.state === 'pending' ? 'pending ' : ''}${eventPackageFound === null ? '' : `${eventName} `}subscription, expires ${seconds}, watchers ${this.ownersWatchers(subscription.package, toAor.key, false)?.size ?? 0}`,
      after: () => {
        this.sendState(subscription);
        this.reportWatcher(subscription);
      },
    };
  }

  /** The composed state of an AOR changed: NOTIFY its watchers (now, or at the end of the coalescing window). */
  presentityChanged(aor: Aor): void {
    // One boolean read while nobody subscribes to a list: presence's own path stays as it was.
    if (!this.lists.isEmpty) this.listMemberChanged(aor.key);
    const watchers = this.byAor.get(aor.key);
    if (watchers === undefined || watchers.size === 0) return;
    if (this.options.coalesceMs <= 0) {
      this.notifyWatchers(aor, watchers);
      return;
    }
    if (this.coalescing.has(aor.key)) return;
    const timer = setTimeout(() => {
      this.coalescing.delete(aor.key);
      const current = this.byAor.get(aor.key);
      if (current !== undefined) this.notifyWatchers(aor, current);
    }, this.options.coalesceMs);
    this.coalescing.set(aor.key, { aor, timer });
  }

  /** The owner's list was written (XCAP PUT): its subscriptions get full state at once. */
  listChanged(ownerAorKey: string): void {
    for (const subscription of this.lists.listChanged(ownerAorKey)) this.sendState(subscription);
  }

  /** A member's state changed: the lists that name it are told, within the coalescing window (RFC 4662 §6 rate control). */
  private listMemberChanged(memberKey: string): void {
    for (const subscription of this.lists.memberChanged(memberKey)) {
      const progress = subscription.listProgress;
      if (this.options.coalesceMs <= 0 || progress === null) {
        this.sendState(subscription);
      } else if (progress.timer === null) {
        progress.timer = setTimeout(() => {
          progress.timer = null;
          this.sendState(subscription);
        }, this.options.coalesceMs);
      }
    }
  }

  /** A configured package's composed state of an AOR changed: NOTIFY its watchers of that package (coalesced as presence). */
  packageStateChanged(event: string, aor: Aor): void {
    const watchers = this.byPackage.get(event)?.get(aor.key);
    if (watchers === undefined || watchers.size === 0) return;
    const notify = (): void => {
      for (const subscription of this.byPackage.get(event)?.get(aor.key) ?? []) {
        if (subscription.state !== 'pending' && subscription.handling !== 'polite-block') this.sendState(subscription);
      }
    };
    if (this.options.coalesceMs <= 0) {
      notify();
      return;
    }
    const key = `${event}\n${aor.key}`;
    if (this.coalescing.has(key)) return;
    const timer = setTimeout(() => {
      this.coalescing.delete(key);
      notify();
    }, this.options.coalesceMs);
    this.coalescing.set(key, { aor, timer });
  }

  /**
   * The set of an owner's watchers in a package (presence, winfo or a configured one); with `create`, made when absent.
   */
  private ownersWatchers(event: string, aorKey: string, create: true): Set<WatcherDialog>;
  private ownersWatchers(event: string, aorKey: string, create: false): Set<WatcherDialog> | undefined;
  private ownersWatchers(event: string, aorKey: string, create: boolean): Set<WatcherDialog> | undefined {
    let byOwner: Map<string, Set<WatcherDialog>> | undefined =
      event === 'presence' ? this.byAor : event === PRESENCE_WINFO_EVENT ? this.winfoByAor : this.byPackage.get(event);
    if (byOwner === undefined) {
      if (!create) return undefined;
      byOwner = new Map();
      this.byPackage.set(event, byOwner);
    }
    let watchers = byOwner.get(aorKey);
    if (watchers === undefined && create) {
      watchers = new Set();
      byOwner.set(aorKey, watchers);
    }
    return watchers;
  }

  /** Routes a response to one of our NOTIFYs (via the transaction layer); false when it matches none. */
  onResponse(response: SipResponse): boolean {
    return this.options.transactions.onResponse(response);
  }

  /** Ends every subscription with a final NOTIFY (best effort) and forgets everything. */
  terminateAll(reason: string): void {
    this.isStopping = true;
    for (const { timer } of this.coalescing.values()) clearTimeout(timer);
    this.coalescing.clear();
    this.clearListTimers();
    for (const subscription of [...this.byDialog.values()]) this.terminate(subscription, reason);
  }

  dispose(): void {
    for (const { timer } of this.coalescing.values()) clearTimeout(timer);
    this.coalescing.clear();
    this.clearListTimers();
    this.expiries.dispose();
    this.byDialog.clear();
    this.byAor.clear();
    this.byWatcher.clear();
    this.udpSources.clear();
    this.winfoByAor.clear();
    this.byPackage.clear();
  }

  private clearListTimers(): void {
    for (const subscription of this.byDialog.values()) {
      const progress = subscription.listProgress;
      if (progress?.timer != null) {
        clearTimeout(progress.timer);
        progress.timer = null;
      }
    }
  }

  /**
   * The owner's rules changed: decide every presence watcher of theirs again (RFC 5025 §3.2.1) and NOTIFY those whose
   * state changed — pending → active with the document at once, anything → rejected, active → pending. The lists
   * naming the owner are told too: the owner's instance in them may change.
   */
  rulesChanged(ownerAorKey: string): void {
    const decide = this.options.handlingFor;
    if (decide === undefined) return;
    if (!this.lists.isEmpty) this.listMemberChanged(ownerAorKey);
    // Presence watchers, and those of every package whose watchers the presence rules decide (dialog).
    const watchers = [...(this.byAor.get(ownerAorKey) ?? [])];
    for (const [event, byOwner] of this.byPackage) {
      if (this.options.packages.get(event)?.watchers === 'presence-rules') watchers.push(...(byOwner.get(ownerAorKey) ?? []));
    }
    for (const subscription of watchers) {
      // A list subscription is its owner's by construction; the list URI has no rules of its own.
      if (subscription.list !== null) continue;
      const handling = decide(subscription.aor, subscription.watcherAor, subscription.watcherUri);
      if (handling === subscription.handling) continue;
      subscription.handling = handling;
      if (handling === 'block') {
        subscription.lastEvent = 'rejected';
        this.terminate(subscription, 'rejected');
        continue;
      }
      const wasPending = subscription.state === 'pending';
      subscription.state = handling === 'confirm' ? 'pending' : 'active';
      if (wasPending && subscription.state === 'pending') continue;
      if (wasPending) subscription.lastEvent = 'approved';
      else if (subscription.state === 'pending') subscription.lastEvent = 'subscribe';
      this.sendState(subscription);
      this.reportWatcher(subscription);
    }
  }

  /** The owner's presence watchers now, as the watcher information lists them. */
  watchersOf(ownerAorKey: string): WatcherEntry[] {
    const now = this.now();
    return [...(this.byAor.get(ownerAorKey) ?? [])].map((subscription) => watcherEntry(watched(subscription), now));
  }

  /** A presence watcher was created, decided or ended: the owner's winfo watchers hear of it. */
  private reportWatcher(subscription: WatcherDialog): void {
    if (subscription.package !== 'presence' || this.isStopping) return;
    const owners = this.winfoByAor.get(subscription.aor.key);
    if (owners === undefined) return;
    const entry = watcherEntry(watched(subscription), this.now());
    for (const owner of owners) {
      this.winfoDocuments.changed(owner.localTag, entry);
      this.sendState(owner);
    }
  }

  private subscribeInDialog(incoming: IncomingRequest, toTag: string, seconds: number): Reply {
    const fromTag = tagParam(incoming.from.params) ?? '';
    const subscription = this.byDialog.get(dialogId(incoming.callId, toTag, fromTag));
    if (subscription === undefined)
      return { status: 481, reason: 'Subscription Does Not Exist', ...(incoming.toAor ? { aor: incoming.toAor.uri } : {}) };
    const aor = subscription.aor.uri;
    // RFC 3261 §12.2.2: a request with a lower CSeq than the last one in the dialog is out of order.
    if (incoming.cseq <= subscription.remoteCseq) return { status: 500, reason: 'Server Internal Error (CSeq out of order)', aor };
    const eventName = eventPackage(incoming.request.headers.get('event') ?? '');
    if (eventName !== subscription.package)
      return { status: 489, headers: [['Allow-Events', this.options.allowEvents]], aor, note: 'event of another dialog' };
    subscription.remoteCseq = incoming.cseq;
    const contact = singleContact(incoming.request.headers.getAll('contact'));
    if (contact !== null) subscription.remoteTarget = contact;
    if (incoming.flow.isReliable) subscription.flow = incoming.flow;
    const okHeaders: Array<[string, string]> = [
      ['Expires', String(seconds)],
      ['Contact', `<${this.options.contactUri(incoming.flow.transport)}>`],
    ];
    if (seconds === 0) {
      return { status: 200, toTag, headers: okHeaders, aor, note: 'unsubscribe', after: () => this.terminate(subscription, 'timeout') };
    }
    subscription.expiresAt = incoming.now + seconds * 1000;
    this.expiries.schedule(subscription, subscription.expiresAt);
    // RFC 3857 §3.9 with RFC 3858 §4.4: a refreshed watcher-information subscription gets the full state again; so
    // does a list (RFC 4662 §5.2 leaves it open; full state lets a watcher that lost a NOTIFY catch up).
    if (subscription.package === PRESENCE_WINFO_EVENT) this.winfoDocuments.wantFull(subscription.localTag);
    if (subscription.listProgress !== null) subscription.listProgress.needsFullState = true;
    this.options.persistence?.saved(subscription);
    if (subscription.list !== null) okHeaders.push(['Require', EVENTLIST_OPTION_TAG]);
    return { status: 200, toTag, headers: okHeaders, aor, note: `refresh, expires ${seconds}`, after: () => this.sendState(subscription) };
  }

  /** A new subscription would exceed a cap: the 503 to answer (see `overCapacity`), else null. */
  private capacityRefusal(watcherKey: string, aor: Aor): Reply | null {
    const { maxSubscriptions, maxSubscriptionsPerWatcher } = this.options.limits;
    if (this.byDialog.size >= maxSubscriptions) return overCapacity('maxSubscriptions', `${maxSubscriptions} subscriptions live`, aor.uri);
    if ((this.byWatcher.get(watcherKey) ?? 0) >= maxSubscriptionsPerWatcher) {
      return overCapacity('maxSubscriptionsPerWatcher', `${maxSubscriptionsPerWatcher} subscriptions live for this watcher`, aor.uri);
    }
    return null;
  }

  private install(subscription: WatcherDialog): void {
    this.byDialog.set(subscription.id, subscription);
    this.byWatcher.set(subscription.watcherKey, (this.byWatcher.get(subscription.watcherKey) ?? 0) + 1);
    if (subscription.package === PRESENCE_WINFO_EVENT) this.winfoDocuments.wantFull(subscription.localTag);
    this.ownersWatchers(subscription.package, subscription.aor.key, true).add(subscription);
    if (subscription.list !== null) this.lists.add(subscription);
    if (!subscription.flow.isReliable) {
      const key = udpSourceKey(subscription.flow);
      const source = this.udpSources.get(key);
      if (source === undefined) this.udpSources.set(key, { subscriptions: 1, hasAnswered: false });
      else source.subscriptions += 1;
    }
    this.expiries.schedule(subscription, subscription.expiresAt);
    this.options.persistence?.saved(subscription);
  }

  /**
   * Puts back dialogs read from the state file, after a restart. Only UDP dialogs are saved (state/state-rows.ts):
   * a watcher's TCP, TLS or WS connection dies with the old process, and the watcher, seeing it close, subscribes
   * again; one that cannot be reached now (UDP switched off) is dropped. Over UDP the NOTIFYs go on to the same
   * address with the next CSeq and body version (`counterGap` above the saved ones, since a NOTIFY may have left
   * before its counters were committed). One that expired while we were down
   * gets its final NOTIFY (terminated;reason=timeout). Returns how many were restored, ended, dropped.
   */
  restore(saved: readonly RestoredSubscription[], counterGap: number): { restored: number; expired: number; dropped: number } {
    const now = this.now();
    let restored = 0;
    let expired = 0;
    let dropped = 0;
    for (const record of saved) {
      const flow = record.flow.transport === 'udp' ? this.options.udpFlowTo(record.flow.address, record.flow.port) : null;
      // A package switched off since the dialog was saved cannot be served: left out like an unreachable watcher.
      const isServed =
        record.package === 'presence' || record.package === PRESENCE_WINFO_EVENT || this.options.packages.has(record.package);
      if (flow === null || !isServed) {
        dropped++;
        this.options.persistence?.removed(record);
        continue;
      }
      const subscription: WatcherDialog = {
        ...record,
        localCseq: record.localCseq + counterGap,
        bodyVersion: record.bodyVersion + counterGap,
        flow,
        expiryIndex: -1,
        isTerminated: false,
        isNotifyInFlight: false,
        hasQueuedState: false,
        queuedTermination: null,
        // What was sent before the restart is not known here: the next NOTIFY carries full state.
        listProgress: record.list === null ? null : fullStateProgress(),
      };
      if (subscription.expiresAt <= now) {
        expired++;
        this.expiredCount++;
        this.options.persistence?.removed(subscription);
        subscription.isTerminated = true;
        this.transmit(subscription, 'timeout');
        continue;
      }
      this.install(subscription);
      restored++;
    }
    return { restored, expired, dropped };
  }

  private uninstall(subscription: WatcherDialog): void {
    if (this.byDialog.delete(subscription.id)) {
      const ofWatcher = (this.byWatcher.get(subscription.watcherKey) ?? 1) - 1;
      if (ofWatcher === 0) this.byWatcher.delete(subscription.watcherKey);
      else this.byWatcher.set(subscription.watcherKey, ofWatcher);
      if (!subscription.flow.isReliable) {
        const key = udpSourceKey(subscription.flow);
        const source = this.udpSources.get(key);
        if (source !== undefined && --source.subscriptions === 0) this.udpSources.delete(key);
      }
    }
    const watchers = this.ownersWatchers(subscription.package, subscription.aor.key, false);
    if (watchers !== undefined) {
      watchers.delete(subscription);
      if (watchers.size === 0) {
        const event = subscription.package;
        (event === 'presence' ? this.byAor : event === PRESENCE_WINFO_EVENT ? this.winfoByAor : this.byPackage.get(event))?.delete(
          subscription.aor.key,
        );
      }
    }
    if (subscription.list !== null) this.lists.remove(subscription);
    this.expiries.cancel(subscription);
    this.options.persistence?.removed(subscription);
  }

  private notifyWatchers(aor: Aor, watchers: ReadonlySet<WatcherDialog>): void {
    // One composition per format per change, shared by every watcher of the AOR.
    const documents = new Map<ComposedContentType, ComposedDocument>();
    for (const subscription of watchers) {
      // Pending and politely blocked watchers are not told of changes: they see no state, or a closed one.
      if (subscription.state === 'pending' || subscription.handling === 'polite-block') continue;
      const contentType = subscription.contentType as ComposedContentType;
      let document = documents.get(contentType);
      if (document === undefined) {
        document = this.options.documentFor(aor, contentType);
        documents.set(contentType, document);
      }
      this.sendState(subscription, document);
    }
  }

  private sendState(subscription: WatcherDialog, document?: ComposedDocument): void {
    if (subscription.isTerminated) return;
    if (subscription.isNotifyInFlight) {
      subscription.hasQueuedState = true;
      return;
    }
    this.transmit(subscription, null, document);
  }

  /** Ends a subscription: no more state NOTIFYs, one final NOTIFY with `terminated;reason=…`. */
  private terminate(subscription: WatcherDialog, reason: string): void {
    if (subscription.isTerminated) return;
    subscription.isTerminated = true;
    this.uninstall(subscription);
    if (subscription.package === PRESENCE_WINFO_EVENT) this.winfoDocuments.forget(subscription.localTag);
    subscription.lastEvent = watcherEventOf(reason);
    this.reportWatcher(subscription);
    if (subscription.isNotifyInFlight) {
      subscription.queuedTermination = reason;
      return;
    }
    this.transmit(subscription, reason);
  }

  /** Sends one NOTIFY: the active state, or the final one when `terminationReason` is set. */
  private transmit(subscription: WatcherDialog, terminationReason: string | null, document?: ComposedDocument): void {
    const now = this.now();
    const doc = this.bodyFor(subscription, terminationReason, document);
    if (subscription.list !== null && terminationReason === null) {
      // Nothing changed in the list since the last NOTIFY: there is nothing to say.
      if (doc === null) return;
      if (!subscription.flow.isReliable && doc.byteLength + NOTIFY_HEADER_ROOM > this.options.maxUdpNotifyBytes) {
        this.options.onEvent(
          'notify-failed',
          subscription,
          `the list's NOTIFY of ${doc.byteLength} bytes is too large for UDP: subscription ended (deactivated); a new SUBSCRIBE over UDP is refused saying to use TCP, TLS or WebSocket`,
        );
        subscription.isTerminated = true;
        this.uninstall(subscription);
        this.transmit(subscription, 'deactivated');
        return;
      }
    }
    const subscriptionState =
      terminationReason === null
        ? `${subscription.state};expires=${Math.max(0, Math.ceil((subscription.expiresAt - now) / 1000))}`
        : `terminated;reason=${terminationReason}`;
    const destination = this.destinationFlow(subscription);
    const transport = destination?.transport ?? subscription.flow.transport;
    subscription.localCseq++;
    // The CSeq must keep increasing after a restart (RFC 3261 §12.2.1.1): saved with every NOTIFY of a live dialog.
    if (this.byDialog.get(subscription.id) === subscription) this.options.persistence?.saved(subscription);
    const branch = newBranch();
    const { requestUri, routes } = this.requestTarget(subscription);
    let message = `NOTIFY ${requestUri} SIP/2.0\r\n`;
    message += `Via: SIP/2.0/${transport.toUpperCase()} ${this.options.sentBy(transport)};branch=${branch};rport\r\n`;
    message += 'Max-Forwards: 70\r\n';
    for (const route of routes) message += `Route: ${route}\r\n`;
    message += `From: ${subscription.localParty};tag=${subscription.localTag}\r\n`;
    message += `To: ${subscription.remoteParty}\r\n`;
    message += `Call-ID: ${subscription.callId}\r\n`;
    message += `CSeq: ${subscription.localCseq} NOTIFY\r\n`;
    message += `Contact: <${this.options.contactUri(transport)}>\r\n`;
    message += `Event: ${subscription.event}\r\n`;
    if (subscription.list !== null) message += `Require: ${EVENTLIST_OPTION_TAG}\r\n`;
    message += `Subscription-State: ${subscriptionState}\r\n`;
    message += `User-Agent: ${this.options.serverName}\r\n`;
    if (doc === null) message += 'Content-Length: 0\r\n\r\n';
    else message += `Content-Type: ${doc.contentType}\r\nContent-Length: ${doc.byteLength}\r\n\r\n${doc.body}`;

    subscription.isNotifyInFlight = true;
    this.notifiesSent++;
    const onOutcome = (outcome: ClientOutcome): void => this.onNotifyOutcome(subscription, terminationReason !== null, outcome);
    if (destination === null) {
      queueMicrotask(() => onOutcome({ kind: 'transport-error' }));
      return;
    }
    this.options.transactions.start(
      branch,
      'NOTIFY',
      message,
      destination,
      onOutcome,
      destination.isReliable ? undefined : this.copiesAllowed(subscription, Buffer.byteLength(message)),
    );
  }

  /**
   * A NOTIFY's body: none while pending or when rejected (RFC 6665 §4.1.2.2, RFC 3857 §3.8 — no state before the owner
   * agrees), a closed document for a politely blocked watcher, the watcher information for the owner's winfo
   * subscription (none in its final NOTIFY), else the composed presence document.
   */
  private bodyFor(subscription: WatcherDialog, terminationReason: string | null, document?: ComposedDocument): WinfoBody | null {
    if (subscription.list !== null) {
      // A fetch's one NOTIFY carries the list's full state; a subscription's final NOTIFY none.
      if (terminationReason !== null && subscription.expiresAt > subscription.createdAt) return null;
      return this.lists.nextBody(subscription);
    }
    if (subscription.package === PRESENCE_WINFO_EVENT) {
      // A fetch (RFC 6665 §4.4.3: Expires 0 from the start) gets the full state; a subscription's final NOTIFY none.
      if (terminationReason !== null && subscription.expiresAt > subscription.createdAt) return null;
      if (terminationReason !== null)
        return new WatcherInfoDocuments().next('fetch', subscription.aor, () => this.watchersOf(subscription.aor.key));
      return this.winfoDocuments.next(subscription.localTag, subscription.aor, () => this.watchersOf(subscription.aor.key));
    }
    if (subscription.state === 'pending' || subscription.handling === 'block' || terminationReason === 'rejected') return null;
    if (subscription.package !== 'presence') return this.packageBody(subscription);
    const contentType = subscription.contentType as ComposedContentType;
    if (subscription.handling === 'polite-block') return this.options.closedDocumentFor(subscription.aor, contentType);
    return document ?? this.options.documentFor(subscription.aor, contentType);
  }

  /** A configured package's state for one watcher, counted in its `bodyVersion`; null when there is none to send. */
  private packageBody(subscription: WatcherDialog): WinfoBody | null {
    const { package: event, aor } = subscription;
    const document =
      subscription.handling === 'polite-block'
        ? this.options.emptyPackageDocumentFor(event, aor)
        : this.options.packageDocumentFor(event, aor);
    if (document === null) return null;
    const body = document.render(subscription.bodyVersion++);
    return { body, byteLength: Buffer.byteLength(body), contentType: document.contentType };
  }

  /**
   * How often a NOTIFY of `bytes` may be sent over UDP in all: unbounded once the watcher's source has answered a
   * NOTIFY, else within its budget but at least once. Asked at every Timer E, so an answer meanwhile counts.
   */
  private copiesAllowed(subscription: WatcherDialog, bytes: number): () => number {
    const key = udpSourceKey(subscription.flow);
    return () => {
      const budget = subscription.unverifiedBudgetBytes;
      if (budget === null || this.udpSources.get(key)?.hasAnswered === true) return Infinity;
      return Math.max(1, Math.floor(budget / bytes));
    };
  }

  private onNotifyOutcome(subscription: WatcherDialog, wasFinal: boolean, outcome: ClientOutcome): void {
    subscription.isNotifyInFlight = false;
    // Any answer shows the watcher is really at that address: retransmit to it normally from now on.
    if (outcome.kind === 'response') {
      subscription.unverifiedBudgetBytes = null;
      if (!subscription.flow.isReliable) {
        const source = this.udpSources.get(udpSourceKey(subscription.flow));
        if (source !== undefined) source.hasAnswered = true;
      }
    }
    const failure = notifyFailure(outcome);
    if (failure !== null) {
      this.notifyFailures++;
      if (!failure.isFatal) {
        this.options.onEvent('notify-failed', subscription, failure.detail);
      } else if (!wasFinal && !subscription.isTerminated) {
        this.watchersDropped++;
        subscription.isTerminated = true;
        subscription.queuedTermination = null;
        this.uninstall(subscription);
        if (subscription.package === PRESENCE_WINFO_EVENT) this.winfoDocuments.forget(subscription.localTag);
        subscription.lastEvent = 'giveup';
        this.reportWatcher(subscription);
        this.options.onEvent('dropped', subscription, failure.detail);
        return;
      } else {
        this.options.onEvent('notify-failed', subscription, failure.detail);
      }
    }
    if (wasFinal) return;
    if (subscription.queuedTermination !== null) {
      const reason = subscription.queuedTermination;
      subscription.queuedTermination = null;
      this.transmit(subscription, reason);
    } else if (subscription.hasQueuedState && !subscription.isTerminated) {
      subscription.hasQueuedState = false;
      this.transmit(subscription, null);
    }
  }

  /** RFC 3261 §12.2.1.1: Request-URI and Route headers from the route set and remote target. */
  private requestTarget(subscription: WatcherDialog): { requestUri: string; routes: readonly string[] } {
    const routeSet = subscription.routeSet;
    if (routeSet.length === 0) return { requestUri: subscription.remoteTarget, routes: [] };
    const first = parseNameAddr(routeSet[0] as string);
    if (first !== null && !first.uri.params.has('lr')) {
      // Strict routing: the first route becomes the Request-URI, the remote target the last Route.
      return { requestUri: first.uri.text, routes: [...routeSet.slice(1), `<${subscription.remoteTarget}>`] };
    }
    return { requestUri: subscription.remoteTarget, routes: routeSet };
  }

  /** Where the next NOTIFY goes (see the module comment); null when the watcher's connection is gone. */
  private destinationFlow(subscription: WatcherDialog): Flow | null {
    const flow = subscription.flow;
    if (flow.isReliable) return flow.isOpen ? flow : null;
    const nextHop =
      subscription.routeSet.length > 0
        ? (parseNameAddr(subscription.routeSet[0] as string)?.uri ?? null)
        : parseUri(subscription.remoteTarget);
    if (nextHop !== null) {
      const host = nextHop.host.startsWith('[') ? nextHop.host.slice(1, -1) : nextHop.host === 'localhost' ? '127.0.0.1' : nextHop.host;
      if (isIP(host) !== 0) {
        const port = nextHop.port ?? (nextHop.scheme === 'sips' ? 5061 : 5060);
        if (host === flow.remoteAddress && port === flow.remotePort) return flow;
        const source = { address: flow.remoteAddress, port: flow.remotePort };
        if (!mayNotifyAt({ address: host, port }, source, (endpoint) => this.options.isRegisteredFrom(subscription.watcherKey, endpoint))) {
          this.options.onLimited(
            'udpReflection',
            subscription,
            `NOTIFY sent to the SUBSCRIBE's source, not to ${host}:${port} (not registered from there)`,
          );
          return flow;
        }
        return this.options.udpFlowTo(host, port) ?? flow;
      }
    }
    return flow;
  }
}

/** What a NOTIFY's start line and headers take besides its body, at most (to keep a list NOTIFY within a datagram). */
const NOTIFY_HEADER_ROOM = 1500;

/**
 * RFC 4662 §4.1 for a SUBSCRIBE to a list URI: 421 without `Supported: eventlist`, 403 from anyone but the owner, 406
 * for an Accept without what list NOTIFYs are made of; null when it may go on.
 */
function listRefusal(incoming: IncomingRequest, list: Aor, owner: Aor, accepts: readonly string[]): Reply | null {
  const supported = incoming.request.headers.getAll('supported').flatMap(splitCommaValues);
  if (!supported.some((tag) => tag.toLowerCase() === EVENTLIST_OPTION_TAG)) {
    return {
      status: 421,
      reason: `Extension Required (${list.uri} is a resource list: subscribe with Supported: ${EVENTLIST_OPTION_TAG})`,
      headers: [['Require', EVENTLIST_OPTION_TAG]],
      aor: list.uri,
      note: 'list without eventlist',
    };
  }
  if (incoming.fromAor?.key !== owner.key) {
    return {
      status: 403,
      reason: `Forbidden: only ${owner.uri} may subscribe to this buddy list`,
      aor: list.uri,
      note: `list from ${incoming.fromAor?.uri ?? 'no address-of-record'}`,
    };
  }
  const accepted = new Set(accepts.flatMap(splitCommaValues).map(mediaType));
  const acceptsAll = accepted.has('*/*');
  if (accepts.length > 0 && !acceptsAll && (!accepted.has(MULTIPART_RELATED) || !accepted.has(RLMI_CONTENT_TYPE))) {
    return {
      status: 406,
      headers: [['Accept', `${MULTIPART_RELATED}, ${RLMI_CONTENT_TYPE}, application/pidf+xml`]],
      aor: list.uri,
      note: `list, Accept: ${accepts.join(', ')}`,
    };
  }
  return null;
}

/** Classifies a NOTIFY outcome: null for success; fatal failures drop the watcher (RFC 6665 §4.2.2). */
function notifyFailure(outcome: ClientOutcome): { isFatal: boolean; detail: string } | null {
  switch (outcome.kind) {
    case 'timeout':
      return { isFatal: true, detail: 'NOTIFY timed out (Timer F)' };
    case 'transport-error':
      return { isFatal: true, detail: 'connection to the watcher is gone' };
    case 'response': {
      const { status, reason, headers } = outcome.response;
      if (status < 300) return null;
      const detail = `NOTIFY answered ${status} ${reason}`;
      if (status === 481 || status === 408) return { isFatal: true, detail };
      // A watcher asking us to retry later keeps its subscription; any other error ends it.
      return { isFatal: !headers.has('retry-after'), detail };
    }
  }
}

/** What the watcher information shows of a presence subscription. */
function watched(subscription: WatcherDialog): Parameters<typeof watcherEntry>[0] {
  return {
    id: subscription.localTag,
    watcherUri: subscription.watcherUri,
    displayName: subscription.displayName,
    status: subscription.isTerminated ? 'terminated' : subscription.state,
    event: subscription.lastEvent,
    createdAt: subscription.createdAt,
    expiresAt: subscription.expiresAt,
  };
}

/** RFC 3857 §3.6: the winfo event for a Subscription-State termination reason (RFC 6665 §4.2.2). */
function watcherEventOf(reason: string): WatcherEvent {
  switch (reason) {
    case 'timeout':
    case 'rejected':
    case 'noresource':
    case 'giveup':
    case 'probation':
    case 'deactivated':
      return reason;
    default:
      return 'deactivated';
  }
}

/** The UDP source a subscription came from, as the key of `udpSources`. */
function udpSourceKey(flow: Flow): string {
  return `${flow.remoteAddress}:${flow.remotePort}`;
}

function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}\n${localTag}\n${remoteTag}`;
}

function tagParam(params: ReadonlyMap<string, string>): string | null {
  const tag = params.get('tag');
  return tag === undefined || tag.length === 0 ? null : tag;
}

/** Removes a `;tag=` header parameter from a From/To value. */
function stripTag(value: string): string {
  return value.trim().replace(/;\s*tag=[^;]*/i, '');
}

/** The URI of exactly one Contact value, or null. */
function singleContact(lines: readonly string[]): string | null {
  const values = lines.flatMap(splitCommaValues);
  if (values.length !== 1 || values[0] === '*') return null;
  const contact = parseNameAddr(values[0] as string);
  return contact === null ? null : contact.uri.text;
}

/**
 * RFC 3261 §20.1 / RFC 3856 §6: the format to send a watcher given its Accept values — the first of `offered` (for
 * presence PIDF, then CPIM-PIDF) that is accepted by name or wildcard, else null (→ 406). An empty Accept accepts
 * nothing; `q=0` means "not acceptable".
 */
function preferredType(acceptLines: readonly string[], offered: readonly string[]): string | null {
  const accepted = new Set<string>();
  for (const value of acceptLines.flatMap(splitCommaValues)) {
    const qMatch = /;\s*q\s*=\s*([0-9.]+)/i.exec(value);
    if (qMatch !== null && Number(qMatch[1]) === 0) continue;
    accepted.add(mediaType(value));
  }
  if (accepted.has('*/*')) return offered[0] ?? null;
  return offered.find((type) => accepted.has(type) || accepted.has(`${type.slice(0, type.indexOf('/'))}/*`)) ?? null;
}
