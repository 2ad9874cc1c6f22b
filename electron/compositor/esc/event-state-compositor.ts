/**
 * The Event State Compositor — RFC 3903 §6 (processing PUBLISH) for `presence` and the configured event packages
 * (esc/event-packages.ts: message-summary, dialog, opaque ones), with
 * the §10 steps of draft-olson-simple-publish-02 where RFC 3903 agrees (docs/protocol.md §6),
 * and RFC 3903 §4 (entity-tags: initial, refresh, modify, remove).
 *
 * A publication's life:
 *
 *   PUBLISH, body, no SIP-If-Match  ──200 (SIP-ETag e1, Expires n)──►  live(e1)
 *   live(eN) ──PUBLISH SIP-If-Match eN, no body ──200 (e(N+1))──► live(e(N+1))   refresh: same state, new expiry
 *   live(eN) ──PUBLISH SIP-If-Match eN, body ─────200 (e(N+1))──► live(e(N+1))   modify: new state
 *   live(eN) ──PUBLISH SIP-If-Match eN, Expires 0 ──200─────────► gone           remove
 *   live(eN) ──Expires elapses──────────────────────────────────► gone           expiry
 *   SIP-If-Match naming a tag that is not live (never issued, replaced, expired, removed) → 412
 *
 * Every 200 carries a fresh SIP-ETag and the granted Expires; the previous tag stops being valid, so a
 * stale or replayed request gets 412 rather than changing state. Each request is handled in one
 * synchronous step, so it is atomic (RFC 3903 §6, "MUST be processed … atomically"). With a validator pool
 * the body check of an initial or modifying PUBLISH may run on another thread; later PUBLISHes for the same
 * AOR then wait in a queue, so requests for one AOR are still processed in arrival order ("MUST be
 * processed in the order that they are received"), and the step is re-run against the state of the moment
 * the verdict comes back.
 *
 * Composition (docs/protocol.md §4; RFC 3903 §6 leaves it to local policy): the live publications of an AOR become
 * one PIDF document through the shared codec's `composePresenceDocuments` — the union of their tuples
 * (same tuple id → the newest publication wins), the newest person, and a closed document when none is
 * left. The composite is built lazily and cached until the next change: a PUBLISH for an AOR nobody
 * watches costs no composition.
 *
 * Other packages share the entity-tags, expiry, caps and ordering above; each AOR has one presentity per package
 * (a dialog PUBLISH never touches the presence of the same AOR), and the package checks its bodies and composes
 * them (event-packages.ts). A SIP-If-Match naming a publication of another package is a 412, as for another AOR.
 * Presence's own path gains one string comparison: the package table is consulted only for other events.
 */
import { composePresenceDocuments, parsePresenceBody, type PidfDocument, type PublishedDocument } from '../../../shared/pidf';
import { ExpiryQueue } from '../expiry/expiry-queue';
import { aorOfText, type Aor } from '../message/aor';
import { newEntityTag } from '../message/ids';
import { eventPackage, mediaType } from '../../../shared/sip/header-values';
import { decideExpiry, DEFERRED, intervalTooBrief, type ExpiryPolicy, type IncomingRequest, type Reply } from '../request-context';
import { overCapacity } from '../limits/limits';
import { AcceptanceClock } from './acceptance-clock';
import { publishableEvents, type EventPackage, type PackageDocument } from './event-packages';
import type { ValidationResult, ValidatorPool } from './validator-pool';

/** Media types a PUBLISH body may have (RFC 3903 §4 + RFC 3863; draft-olson-simple-publish-02 publishes cpim-pidf). */
export const PUBLISH_CONTENT_TYPES = ['application/pidf+xml', 'application/cpim-pidf+xml'] as const;
export type PublishContentType = (typeof PUBLISH_CONTENT_TYPES)[number];
export const PUBLISH_ACCEPT = PUBLISH_CONTENT_TYPES.join(', ');
/** Media types a composed document can be written in: PIDF (RFC 3856 §6: mandatory) first, then CPIM-PIDF. */
export type ComposedContentType = 'application/pidf+xml' | 'application/cpim-pidf+xml';
export const COMPOSED_CONTENT_TYPES: readonly ComposedContentType[] = ['application/pidf+xml', 'application/cpim-pidf+xml'];

/** One live publication: the state one device (EPA) published for an AOR. */
export interface EventPublication {
  /** The current entity-tag; replaced on every refresh/modify. */
  etag: string;
  readonly presentity: Presentity;
  body: string;
  /** The body's media type: one of PUBLISH_CONTENT_TYPES for presence, else one its package accepts (lower case). */
  contentType: string;
  /**
   * The parsed body, kept only while someone watches the AOR: a parsed document with its element tree
   * costs several KiB, and most publications in a large deployment have no watcher at a given moment.
   * Null means "validated when published, parsed again when first composed".
   */
  document: PidfDocument | null;
  /**
   * When the current state was accepted (ms, strictly increasing: see AcceptanceClock): the newer
   * publication wins a tuple-id clash.
   */
  receivedAt: number;
  expiresAt: number;
  /** Place in the expiry queue (-1: not scheduled). */
  expiryIndex: number;
  /** The third-party publisher's AOR key (From), or null when the presentity published for itself. */
  readonly thirdPartyPublisher: string | null;
}

/** A placeholder list for a presentity being created; replaced before anything reads it, never pushed to. */
const NO_PUBLICATIONS: EventPublication[] = [];

/** The event state of one AOR in one event package: its live publications and the cached composite. */
export interface Presentity {
  readonly aor: Aor;
  /** The event package: `presence`, or one of the configured packages. */
  readonly event: string;
  /** Live publications, in order of creation (composition orders by receivedAt); usually one to three. */
  readonly publications: EventPublication[];
  /** Composed documents by media type until the next change; null until first composed (presence). */
  composites: Map<ComposedContentType, ComposedDocument> | null;
  /** Another package's composed state until the next change: undefined until composed, null when it has none. */
  packageDocument?: PackageDocument | null | undefined;
}

/** A composed document ready to go in NOTIFY bodies. */
export interface ComposedDocument {
  readonly body: string;
  readonly byteLength: number;
  readonly contentType: ComposedContentType;
}

export interface EscOptions {
  readonly expiry: ExpiryPolicy;
  /** AOR keys (user@host) allowed to publish for others. */
  readonly thirdPartyPublishers: ReadonlySet<string>;
  /** Called after every change of an AOR's composed state (publication added, modified, removed, expired). */
  readonly onChange: (presentity: Presentity) => void;
  /** Called when a publication expires (for the log). */
  readonly onExpired?: (publication: EventPublication) => void;
  /** Whether anyone watches an AOR now (then parsed documents are kept for composition). */
  readonly isWatched: (aor: Aor) => boolean;
  /** Caps on live publications: in total, and per AOR (its devices). */
  readonly limits: { readonly maxPublications: number; readonly maxPublicationsPerAor: number };
  /** Worker threads that validate bodies off the main thread; absent: validate inline. */
  readonly validatorPool?: ValidatorPool;
  /** Told of every saved and removed publication, to keep them on disk (state/); absent: memory only. */
  readonly persistence?: PublicationPersistence;
  /** The event packages besides presence, by name (event-packages.ts); absent: presence only. */
  readonly packages?: ReadonlyMap<string, EventPackage>;
  readonly now?: () => number;
}

/** What the state file hears from the ESC (state/state-rows.ts). */
export interface PublicationPersistence {
  /** A publication was created, refreshed or modified; `replacedEtag` is its entity-tag before this change. */
  saved(publication: EventPublication, replacedEtag: string | null): void;
  /** A publication was removed or expired. */
  removed(publication: Pick<EventPublication, 'etag'>): void;
}

/** A publication read back from the state file at start-up. */
export interface RestoredPublication {
  readonly aor: Aor;
  /** The event package; rows written before packages existed are presence. */
  readonly event: string;
  readonly etag: string;
  readonly body: string;
  readonly contentType: string;
  readonly receivedAt: number;
  readonly expiresAt: number;
  readonly thirdPartyPublisher: string | null;
}

export class EventStateCompositor {
  private readonly presentities = new Map<string, Presentity>();
  private readonly byEtag = new Map<string, EventPublication>();
  private readonly expiries: ExpiryQueue<EventPublication>;
  private readonly now: () => number;
  /** AORs with a PUBLISH at the validator pool, and the PUBLISHes for them that arrived since, in order. */
  private readonly waiting = new Map<string, IncomingRequest[]>();
  private isDisposed = false;
  private readonly acceptance = new AcceptanceClock();
  private readonly packages: ReadonlyMap<string, EventPackage>;
  /** `Allow-Events` for a 489. */
  private readonly allowEvents: string;
  /** Publications that reached their expiry, for the counters. */
  expiredCount = 0;

  constructor(private readonly options: EscOptions) {
    this.now = options.now ?? Date.now;
    this.expiries = new ExpiryQueue((publication) => this.expire(publication), this.now);
    this.packages = options.packages ?? new Map();
    this.allowEvents = publishableEvents(this.packages);
  }

  /** Live publications, all AORs. */
  get publicationCount(): number {
    return this.byEtag.size;
  }

  /**
   * RFC 3903 §6 steps 4–9 for one PUBLISH; the router has done steps 1–3 (domain, Require). Returns the
   * reply, or DEFERRED when the body went to the validator pool or an earlier PUBLISH for the same AOR is
   * still being validated; the reply then comes through `incoming.respondLater`, in arrival order per AOR.
   */
  publish(incoming: IncomingRequest): Reply | typeof DEFERRED {
    const key = incoming.toAor?.key;
    if (key !== undefined && incoming.respondLater !== undefined) {
      const waiting = this.waiting.get(key);
      if (waiting !== undefined) {
        waiting.push(incoming);
        return DEFERRED;
      }
    }
    return this.process(incoming, null, true);
  }

  /** The steps themselves; `validated` is the pool's verdict on the body when it has been validated already. */
  private process(incoming: IncomingRequest, validated: ValidationResult | null, mayDefer: boolean): Reply | typeof DEFERRED {
    const { request, toAor, fromAor } = incoming;
    const headers = request.headers;

    // Step 5 (draft §10 step 5): the AOR comes from To and must be one.
    if (toAor === null) return { status: 404, reason: 'Not Found (To is not an address-of-record)' };
    const aor = toAor.uri;

    // Step 4: a publisher publishes its own presence unless configured as a third-party publisher.
    if (fromAor === null) return { status: 403, reason: 'Forbidden (From is not an address-of-record)', aor };
    const isThirdParty = fromAor.key !== toAor.key;
    if (isThirdParty && !this.options.thirdPartyPublishers.has(fromAor.key)) {
      return { status: 403, reason: 'Forbidden (may only publish for your own address-of-record)', aor, note: `from ${fromAor.uri}` };
    }

    // Step 6 (RFC 3903 §6 step 5): exactly one Event header naming a package we support.
    const events = headers.getAll('event');
    if (events.length > 1) return { status: 400, reason: 'Bad Request (more than one Event header)', aor };
    const event = events.length === 1 ? eventPackage(events[0] as string) : null;
    // Presence compares one string; only another package looks in the table.
    const eventPackageFound = event === 'presence' || event === null ? null : (this.packages.get(event) ?? null);
    if (event !== 'presence' && eventPackageFound === null) {
      return {
        status: 489,
        headers: [['Allow-Events', this.allowEvents]],
        aor,
        note: events.length === 0 ? 'no Event header' : `event ${events[0]} not supported`,
      };
    }
    const eventName = event as string;

    // RFC 3903 §6 step 6: SIP-If-Match names a live publication of this AOR, or 412.
    const ifMatches = headers.getAll('sip-if-match');
    let existing: EventPublication | null = null;
    if (ifMatches.length > 0) {
      const etag = (ifMatches[0] as string).trim();
      if (ifMatches.length > 1 || etag.length === 0 || /[\s,]/.test(etag)) {
        return { status: 400, reason: 'Bad Request (SIP-If-Match must carry exactly one entity-tag)', aor };
      }
      const found = this.byEtag.get(etag);
      if (found === undefined || found.presentity.aor.key !== toAor.key || found.presentity.event !== eventName) {
        return { status: 412, aor, note: `unknown entity-tag ${etag}` };
      }
      existing = found;
    }

    // RFC 3903 §6 step 7: Expires — default, lowered to the maximum, 423 below the minimum.
    const expiresHeaders = headers.getAll('expires');
    if (expiresHeaders.length > 1) return { status: 400, reason: 'Bad Request (more than one Expires header)', aor };
    const decision = decideExpiry(expiresHeaders[0], this.options.expiry);
    if (decision.kind === 'malformed') return { status: 400, reason: 'Bad Request (malformed Expires header)', aor };
    if (decision.kind === 'too-brief') return intervalTooBrief(this.options.expiry, aor, 'publication interval');
    const seconds = decision.seconds;

    // Removal needs no body (RFC 3903 §4.5); whatever body came with it is not event state.
    if (existing !== null && seconds === 0) {
      this.remove(existing);
      return this.ok(aor, newEntityTag(), 0, 'remove');
    }
    // Checked before the body is validated: a refused publication costs no parsing.
    if (existing === null && seconds > 0) {
      const refused = this.capacityRefusal(toAor, eventName);
      if (refused !== null) return refused;
    }
    if (eventPackageFound !== null) return this.publishPackageState(incoming, eventPackageFound, toAor, existing, seconds, isThirdParty);

    // RFC 3903 §6 step 8: the body, when there is one, must be a presence document for this AOR.
    let document: PidfDocument | null = null;
    let contentType: PublishContentType = 'application/pidf+xml';
    if (request.bodyBytes > 0) {
      const contentTypeHeader = headers.get('content-type');
      if (contentTypeHeader === undefined) return { status: 400, reason: 'Bad Request (body without Content-Type)', aor };
      const encoding = headers.get('content-encoding');
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
        return {
          status: 415,
          headers: [
            ['Accept-Encoding', 'identity'],
            ['Accept', PUBLISH_ACCEPT],
          ],
          aor,
          note: `encoding ${encoding}`,
        };
      }
      const type = mediaType(contentTypeHeader);
      const known = PUBLISH_CONTENT_TYPES.find((candidate) => candidate === type);
      if (known === undefined) return { status: 415, headers: [['Accept', PUBLISH_ACCEPT]], aor, note: `content type ${type}` };
      contentType = known;
      let verdict = validated;
      if (verdict === null) {
        // A watched AOR needs the parsed document for composition anyway: parse it here. Otherwise let the
        // pool validate it on another core, if there is one and it is not saturated.
        const pool = this.options.validatorPool;
        const respondLater = incoming.respondLater;
        if (mayDefer && pool !== undefined && respondLater !== undefined && !this.options.isWatched(toAor)) {
          const accepted = pool.submit(request.body, contentTypeHeader, (result) => this.resume(incoming, result));
          if (accepted) {
            this.waiting.set(toAor.key, []);
            return DEFERRED;
          }
        }
        const parsed = parsePresenceBody(request.body, contentTypeHeader);
        if (parsed.ok) document = parsed.document;
        verdict = parsed.ok
          ? { ok: true, entity: parsed.document.entity }
          : { ok: false, code: parsed.error.code, message: parsed.error.message };
      }
      if (!verdict.ok) return { status: 400, reason: `Bad Request (${verdict.message.replace(/\.$/, '')})`, aor, note: verdict.code };
      const entity = aorOfText(verdict.entity);
      if (entity === null || entity.key !== toAor.key) {
        return {
          status: 403,
          reason: 'Forbidden (PIDF entity does not match the address-of-record)',
          aor,
          note: `entity ${verdict.entity}`,
        };
      }
    } else if (existing === null) {
      return { status: 400, reason: 'Bad Request (initial publication without a body)', aor };
    }

    const now = this.now();
    const kept = document !== null && this.options.isWatched(toAor) ? document : null;
    if (existing === null) {
      const etag = newEntityTag();
      if (seconds === 0) return this.ok(aor, etag, 0, 'initial, expired at once');
      this.create(toAor, 'presence', isThirdParty ? fromAor.key : null, etag, request.body, contentType, kept, now, seconds);
      return this.ok(aor, etag, seconds, isThirdParty ? `initial, third-party from ${fromAor.uri}` : 'initial');
    }

    // A body makes it a modify, also when the pool validated it (then `document` is null: parsed when composed).
    const { etag, isModify } = this.renew(existing, request, contentType, kept, now, seconds);
    return this.ok(aor, etag, seconds, isModify ? 'modify' : 'refresh');
  }

  /**
   * RFC 3903 §4.2–4.4 on a publication that exists: a new entity-tag and expiry, and with a body (a modify) the new
   * state, saved and told to the watchers; without one (a refresh) only saved.
   */
  private renew(
    existing: EventPublication,
    request: IncomingRequest['request'],
    contentType: string,
    document: EventPublication['document'],
    now: number,
    seconds: number,
  ): { etag: string; isModify: boolean } {
    const etag = newEntityTag();
    const replacedEtag = existing.etag;
    this.byEtag.delete(existing.etag);
    existing.etag = etag;
    this.byEtag.set(etag, existing);
    this.reschedule(existing, now + seconds * 1000);
    const isModify = request.bodyBytes > 0;
    if (isModify) {
      existing.body = request.body;
      existing.contentType = contentType;
      existing.document = document;
      existing.receivedAt = this.acceptance.stamp(now);
    }
    this.options.persistence?.saved(existing, replacedEtag);
    if (isModify) this.changed(existing.presentity);
    return { etag, isModify };
  }

  /**
   * RFC 3903 §6 step 8 and on for a package other than presence: the body checked by its package (inline: these
   * bodies are small and rare next to presence), then created, refreshed or modified as for presence.
   */
  private publishPackageState(
    incoming: IncomingRequest,
    eventPackageFound: EventPackage,
    toAor: Aor,
    existing: EventPublication | null,
    seconds: number,
    isThirdParty: boolean,
  ): Reply {
    const { request, fromAor } = incoming;
    const headers = request.headers;
    const aor = toAor.uri;
    const accepted = eventPackageFound.contentTypes;
    const accept: Array<[string, string]> = accepted === null ? [] : [['Accept', accepted.join(', ')]];
    let contentType = existing?.contentType ?? '';
    if (request.bodyBytes > 0) {
      const contentTypeHeader = headers.get('content-type');
      if (contentTypeHeader === undefined) return { status: 400, reason: 'Bad Request (body without Content-Type)', aor };
      const encoding = headers.get('content-encoding');
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
        return { status: 415, headers: [['Accept-Encoding', 'identity'], ...accept], aor, note: `encoding ${encoding}` };
      }
      contentType = mediaType(contentTypeHeader);
      if (accepted !== null && !accepted.includes(contentType)) {
        return { status: 415, headers: accept, aor, note: `${eventPackageFound.name}: content type ${contentType}` };
      }
      const refusal = eventPackageFound.check(request.body, contentType, toAor);
      if (refusal !== null) {
        const reason = `${refusal.status === 400 ? 'Bad Request' : 'Forbidden'} (${refusal.reason.replace(/\.$/, '')})`;
        return { status: refusal.status, reason, aor, note: eventPackageFound.name };
      }
    } else if (existing === null) {
      return { status: 400, reason: 'Bad Request (initial publication without a body)', aor };
    }
    const now = this.now();
    const kind = eventPackageFound.name;
    if (existing === null) {
      const etag = newEntityTag();
      if (seconds === 0) return this.ok(aor, etag, 0, `${kind} initial, expired at once`);
      const publisher = isThirdParty && fromAor !== null ? fromAor.key : null;
      this.create(toAor, eventPackageFound.name, publisher, etag, request.body, contentType, null, now, seconds);
      return this.ok(aor, etag, seconds, `${kind} initial${publisher === null ? '' : `, third-party from ${fromAor?.uri ?? ''}`}`);
    }
    // Other packages keep no parsed document: their bodies are composed as they are.
    const { etag, isModify } = this.renew(existing, request, contentType, null, now, seconds);
    return this.ok(aor, etag, seconds, `${kind} ${isModify ? 'modify' : 'refresh'}`);
  }

  /** The composed state of `aor` in a package other than presence (null: nothing to send), cached until it changes. */
  packageDocument(event: string, aor: Aor): PackageDocument | null {
    const eventPackageFound = this.packages.get(event);
    if (eventPackageFound === undefined) return null;
    const presentity = this.presentities.get(presentityKey(event, aor.key));
    if (presentity === undefined) return eventPackageFound.compose(aor, []);
    if (presentity.packageDocument === undefined) presentity.packageDocument = eventPackageFound.compose(aor, presentity.publications);
    return presentity.packageDocument;
  }

  /** A package's state with nothing published (what a politely blocked watcher of that package sees). */
  emptyPackageDocument(event: string, aor: Aor): PackageDocument | null {
    return this.packages.get(event)?.compose(aor, []) ?? null;
  }

  /** A new publication for `aor` would exceed a cap: the 503 to answer (see `overCapacity`), else null. */
  private capacityRefusal(aor: Aor, event: string): Reply | null {
    const { maxPublications, maxPublicationsPerAor } = this.options.limits;
    if (this.byEtag.size >= maxPublications) return overCapacity('maxPublications', `${maxPublications} publications live`, aor.uri);
    const live = this.presentities.get(presentityKey(event, aor.key))?.publications.length ?? 0;
    if (live >= maxPublicationsPerAor)
      return overCapacity('maxPublicationsPerAor', `${maxPublicationsPerAor} publications live for this address-of-record`, aor.uri);
    return null;
  }

  /** A closed document for an AOR whatever is published (what a politely blocked watcher sees, RFC 5025 §3.2.1). */
  closedDocument(aor: Aor, contentType: ComposedContentType = 'application/pidf+xml'): ComposedDocument {
    return composeNow(aor, [], contentType);
  }

  /** The composed document of an AOR (a closed document when nothing is published). */
  composedDocument(aor: Aor, contentType: ComposedContentType = 'application/pidf+xml'): ComposedDocument {
    const presentity = this.presentities.get(aor.key);
    if (presentity === undefined) return composeNow(aor, [], contentType);
    presentity.composites ??= new Map();
    let composite = presentity.composites.get(contentType);
    if (composite === undefined) {
      composite = composeNow(aor, presentity.publications, contentType);
      presentity.composites.set(contentType, composite);
    }
    return composite;
  }

  /**
   * A body came back from the pool (null: its worker died, validate inline). Re-runs every step against the
   * current state — a publication may have expired meanwhile — then answers, then serves the PUBLISHes for
   * the same AOR that queued up behind this one, in order.
   */
  private resume(incoming: IncomingRequest, result: ValidationResult | null): void {
    if (this.isDisposed) return;
    const key = (incoming.toAor as Aor).key;
    const reply = this.process(incoming, result, false) as Reply;
    incoming.respondLater?.(reply);
    const queue = this.waiting.get(key) ?? [];
    this.waiting.delete(key);
    while (queue.length > 0) {
      const next = queue.shift() as IncomingRequest;
      const nextReply = this.process(next, null, true);
      if (nextReply === DEFERRED) {
        // It went to the pool: what is still queued waits behind it.
        this.waiting.get(key)?.push(...queue);
        return;
      }
      next.respondLater?.(nextReply);
    }
  }

  /**
   * The composed PIDF body for a one-off reader (`presently compositor status`): the cached composite when there is one,
   * else composed without caching it or keeping parsed documents, so that reading the status of an AOR nobody watches
   * leaves its memory as it was.
   */
  peekComposedBody(aor: Aor): string {
    const presentity = this.presentities.get(aor.key);
    return (
      presentity?.composites?.get('application/pidf+xml')?.body ??
      composeNow(aor, presentity?.publications ?? [], 'application/pidf+xml', false).body
    );
  }

  /** The presentities with live publications, for `presently compositor status` (read only; do not keep). */
  presentityList(): readonly Presentity[] {
    return [...this.presentities.values()];
  }

  /** Forgets everything (shutdown). */
  dispose(): void {
    this.isDisposed = true;
    this.waiting.clear();
    this.expiries.dispose();
    this.presentities.clear();
    this.byEtag.clear();
  }

  private ok(aor: string, etag: string, seconds: number, kind: string): Reply {
    return {
      status: 200,
      headers: [
        ['SIP-ETag', etag],
        ['Expires', String(seconds)],
      ],
      aor,
      note: `${kind}, etag ${etag}, expires ${seconds}`,
    };
  }

  private create(
    aor: Aor,
    event: string,
    thirdPartyPublisher: string | null,
    etag: string,
    body: string,
    contentType: string,
    document: PidfDocument | null,
    now: number,
    seconds: number,
  ): void {
    const key = presentityKey(event, aor.key);
    const existing = this.presentities.get(key);
    // A new presentity's list is made with its first publication in it: a first push onto [] reserves 17 slots
    // (~150 bytes per AOR that the collector copies and keeps), and most presentities only ever have one.
    const fresh: { -readonly [K in keyof Presentity]: Presentity[K] } | null =
      existing === undefined ? { aor, event, publications: NO_PUBLICATIONS, composites: null } : null;
    const presentity: Presentity = existing ?? (fresh as Presentity);
    const publication: EventPublication = {
      etag,
      presentity,
      body,
      contentType,
      document,
      receivedAt: this.acceptance.stamp(now),
      expiresAt: 0,
      expiryIndex: -1,
      thirdPartyPublisher,
    };
    if (fresh === null) presentity.publications.push(publication);
    else {
      fresh.publications = [publication];
      this.presentities.set(key, presentity);
    }
    this.byEtag.set(etag, publication);
    this.reschedule(publication, now + seconds * 1000);
    this.options.persistence?.saved(publication, null);
    this.changed(presentity);
  }

  /**
   * Puts back publications read from the state file (before any request is served), oldest state first so that
   * composition keeps its newest-wins order and new stamps come after them. Those past their expiry are left out;
   * returns the AORs they belonged to, whose watchers are owed a NOTIFY.
   */
  restore(publications: readonly RestoredPublication[]): {
    restored: number;
    expired: Array<{ event: string; aor: Aor }>;
    unserved: number;
  } {
    const now = this.now();
    const expired = new Map<string, { event: string; aor: Aor }>();
    let restored = 0;
    let unserved = 0;
    for (const saved of [...publications].sort((a, b) => a.receivedAt - b.receivedAt)) {
      const key = presentityKey(saved.event, saved.aor.key);
      if (saved.expiresAt <= now) {
        expired.set(key, { event: saved.event, aor: saved.aor });
        this.options.persistence?.removed(saved);
        continue;
      }
      // A package switched off since (or a content type it no longer takes): nobody could be told of it.
      const eventPackageFound = saved.event === 'presence' ? null : this.packages.get(saved.event);
      const isServed =
        eventPackageFound === null
          ? (PUBLISH_CONTENT_TYPES as readonly string[]).includes(saved.contentType)
          : eventPackageFound !== undefined && (eventPackageFound.contentTypes?.includes(saved.contentType) ?? true);
      if (!isServed) {
        unserved++;
        this.options.persistence?.removed(saved);
        continue;
      }
      let presentity = this.presentities.get(key);
      if (presentity === undefined) {
        presentity = { aor: saved.aor, event: saved.event, publications: [], composites: null };
        this.presentities.set(key, presentity);
      }
      // Spread, so that fields a later version saves come back too.
      const { aor: _aor, event: _event, ...fields } = saved;
      const publication: EventPublication = {
        ...fields,
        presentity,
        document: null,
        receivedAt: this.acceptance.stamp(saved.receivedAt),
        expiresAt: 0,
        expiryIndex: -1,
      };
      presentity.publications.push(publication);
      this.byEtag.set(publication.etag, publication);
      this.reschedule(publication, saved.expiresAt);
      restored++;
    }
    return { restored, expired: [...expired.values()], unserved };
  }

  private reschedule(publication: EventPublication, expiresAt: number): void {
    this.expiries.schedule(publication, expiresAt);
  }

  private remove(publication: EventPublication): void {
    this.expiries.cancel(publication);
    this.byEtag.delete(publication.etag);
    this.options.persistence?.removed(publication);
    const presentity = publication.presentity;
    const index = presentity.publications.indexOf(publication);
    if (index !== -1) presentity.publications.splice(index, 1);
    if (presentity.publications.length === 0) this.presentities.delete(presentityKey(presentity.event, presentity.aor.key));
    this.changed(presentity);
  }

  private expire(publication: EventPublication): void {
    if (this.byEtag.get(publication.etag) !== publication) return;
    this.expiredCount++;
    this.remove(publication);
    this.options.onExpired?.(publication);
  }

  private changed(presentity: Presentity): void {
    presentity.composites = null;
    // Presence presentities never get the field: reading it on them would give their objects a second shape.
    if (presentity.event !== 'presence') presentity.packageDocument = undefined;
    this.options.onChange(presentity);
  }
}

/** The presentities map's key: the AOR key for presence (its hot path builds no string), package-qualified otherwise. */
function presentityKey(event: string, aorKey: string): string {
  return event === 'presence' ? aorKey : `${event}\n${aorKey}`;
}

function composeNow(aor: Aor, publications: readonly EventPublication[], contentType: ComposedContentType, keep = true): ComposedDocument {
  const stored: PublishedDocument[] = [];
  for (const publication of publications) {
    let document = publication.document;
    if (document === null) {
      // Validated when it was published, so it parses; kept from now on when someone is watching.
      const parsed = parsePresenceBody(publication.body, publication.contentType);
      if (!parsed.ok) continue;
      document = parsed.document;
      if (keep) publication.document = document;
    }
    stored.push({ body: publication.body, document, receivedAt: publication.receivedAt });
  }
  const body = composePresenceDocuments(aor.uri, stored, { contentType });
  return { body, byteLength: Buffer.byteLength(body), contentType };
}
