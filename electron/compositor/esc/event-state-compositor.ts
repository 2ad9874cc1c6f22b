/**
 * The Event State Compositor for the `presence` event package — RFC 3903 §6 (processing PUBLISH), with
 * the seed draft's §10 steps where RFC 3903 agrees (draft-olson-simple-publish-02, ../shared/seeds/002),
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
 * stale or replayed request gets 412 rather than changing state. Requests are handled synchronously, so
 * each is atomic and requests for one AOR are processed in arrival order (RFC 3903 §6, "MUST be processed
 * in the order that they are received … atomically").
 *
 * Composition (issue 4, RFC 3903 §6 leaves it to local policy): the live publications of an AOR become
 * one PIDF document through the shared codec's `composePresenceDocuments` — the union of their tuples
 * (same tuple id → the newest publication wins), the newest person, and a closed document when none is
 * left. The composite is built lazily and cached until the next change: a PUBLISH for an AOR nobody
 * watches costs no composition.
 */
import { composePresenceDocuments, parsePresenceBody, type PidfDocument } from '../../../shared/pidf';
import { aorOfText, type Aor } from '../message/aor';
import { newEntityTag } from '../message/ids';
import { eventPackage, mediaType } from '../message/sip-headers';
import { decideExpiry, intervalTooBrief, type ExpiryPolicy, type IncomingRequest, type Reply } from '../request-context';
import { ExpiryQueue, type ExpiryEntry } from './expiry-queue';

/** Media types a PUBLISH body may have (RFC 3903 §4 + RFC 3863; the seed draft publishes cpim-pidf). */
export const PUBLISH_CONTENT_TYPES = ['application/pidf+xml', 'application/cpim-pidf+xml'] as const;
export const PUBLISH_ACCEPT = PUBLISH_CONTENT_TYPES.join(', ');
/** Media types a composed document can be written in: PIDF (RFC 3856 §6: mandatory) first, then CPIM-PIDF. */
export type ComposedContentType = 'application/pidf+xml' | 'application/cpim-pidf+xml';
export const COMPOSED_CONTENT_TYPES: readonly ComposedContentType[] = ['application/pidf+xml', 'application/cpim-pidf+xml'];

/** One live publication: the state one device (EPA) published for an AOR. */
export interface Publication {
  /** The current entity-tag; replaced on every refresh/modify. */
  etag: string;
  readonly presentity: Presentity;
  body: string;
  document: PidfDocument;
  /** When the current state was accepted (ms): the newer publication wins a tuple-id clash. */
  receivedAt: number;
  expiresAt: number;
  expiry: ExpiryEntry<Publication> | null;
  /** The publisher's AOR key (From); differs from the presentity for third-party publications. */
  readonly publisher: string;
}

/** The event state of one AOR: its live publications and the cached composite. */
export interface Presentity {
  readonly aor: Aor;
  /** In order of creation; iteration order does not decide composition (receivedAt does). */
  readonly publications: Map<string, Publication>;
  /** Composed documents by media type, until the next change. */
  readonly composites: Map<ComposedContentType, ComposedDocument>;
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
  readonly onExpired?: (publication: Publication) => void;
  readonly now?: () => number;
}

export class EventStateCompositor {
  private readonly presentities = new Map<string, Presentity>();
  private readonly byEtag = new Map<string, Publication>();
  private readonly expiries: ExpiryQueue<Publication>;
  private readonly now: () => number;
  /** Publications that reached their expiry, for the counters. */
  expiredCount = 0;

  constructor(private readonly options: EscOptions) {
    this.now = options.now ?? Date.now;
    this.expiries = new ExpiryQueue((publication) => this.expire(publication), this.now);
  }

  /** Live publications, all AORs. */
  get publicationCount(): number {
    return this.byEtag.size;
  }

  /** RFC 3903 §6 steps 4–9 for one PUBLISH; the router has done steps 1–3 (domain, Require). */
  publish(incoming: IncomingRequest): Reply {
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
    if (event !== 'presence') {
      return {
        status: 489,
        headers: [['Allow-Events', 'presence']],
        aor,
        note: events.length === 0 ? 'no Event header' : `event ${events[0]} not supported`,
      };
    }

    // RFC 3903 §6 step 6: SIP-If-Match names a live publication of this AOR, or 412.
    const ifMatches = headers.getAll('sip-if-match');
    let existing: Publication | null = null;
    if (ifMatches.length > 0) {
      const etag = (ifMatches[0] as string).trim();
      if (ifMatches.length > 1 || etag.length === 0 || /[\s,]/.test(etag)) {
        return { status: 400, reason: 'Bad Request (SIP-If-Match must carry exactly one entity-tag)', aor };
      }
      const found = this.byEtag.get(etag);
      if (found === undefined || found.presentity.aor.key !== toAor.key) {
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

    // RFC 3903 §6 step 8: the body, when there is one, must be a presence document for this AOR.
    let document: PidfDocument | null = null;
    if (request.bodyBytes > 0) {
      const contentTypeHeader = headers.get('content-type');
      if (contentTypeHeader === undefined) return { status: 400, reason: 'Bad Request (body without Content-Type)', aor };
      const encoding = headers.get('content-encoding');
      if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
        return { status: 415, headers: [['Accept-Encoding', 'identity'], ['Accept', PUBLISH_ACCEPT]], aor, note: `encoding ${encoding}` };
      }
      const type = mediaType(contentTypeHeader);
      if (!(PUBLISH_CONTENT_TYPES as readonly string[]).includes(type)) {
        return { status: 415, headers: [['Accept', PUBLISH_ACCEPT]], aor, note: `content type ${type}` };
      }
      const parsed = parsePresenceBody(request.body, contentTypeHeader);
      if (!parsed.ok) return { status: 400, reason: `Bad Request (${parsed.error.message.replace(/\.$/, '')})`, aor, note: parsed.error.code };
      const entity = aorOfText(parsed.document.entity);
      if (entity === null || entity.key !== toAor.key) {
        return { status: 403, reason: 'Forbidden (PIDF entity does not match the address-of-record)', aor, note: `entity ${parsed.document.entity}` };
      }
      document = parsed.document;
    } else if (existing === null) {
      return { status: 400, reason: 'Bad Request (initial publication without a body)', aor };
    }

    const now = this.now();
    if (existing === null) {
      const etag = newEntityTag();
      if (seconds === 0) return this.ok(aor, etag, 0, 'initial, expired at once');
      this.create(toAor, fromAor.key, etag, request.body, document as PidfDocument, now, seconds);
      return this.ok(aor, etag, seconds, isThirdParty ? `initial, third-party from ${fromAor.uri}` : 'initial');
    }

    const etag = newEntityTag();
    this.byEtag.delete(existing.etag);
    existing.etag = etag;
    this.byEtag.set(etag, existing);
    this.reschedule(existing, now + seconds * 1000);
    if (document === null) return this.ok(aor, etag, seconds, 'refresh');
    existing.body = request.body;
    existing.document = document;
    existing.receivedAt = now;
    this.changed(existing.presentity);
    return this.ok(aor, etag, seconds, 'modify');
  }

  /** The composed document of an AOR (a closed document when nothing is published). */
  composedDocument(aor: Aor, contentType: ComposedContentType = 'application/pidf+xml'): ComposedDocument {
    const presentity = this.presentities.get(aor.key);
    if (presentity === undefined) return composeNow(aor, [], contentType);
    let composite = presentity.composites.get(contentType);
    if (composite === undefined) {
      composite = composeNow(aor, [...presentity.publications.values()], contentType);
      presentity.composites.set(contentType, composite);
    }
    return composite;
  }

  /** Forgets everything (shutdown). */
  dispose(): void {
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

  private create(aor: Aor, publisher: string, etag: string, body: string, document: PidfDocument, now: number, seconds: number): void {
    let presentity = this.presentities.get(aor.key);
    if (presentity === undefined) {
      presentity = { aor, publications: new Map(), composites: new Map() };
      this.presentities.set(aor.key, presentity);
    }
    const publication: Publication = {
      etag,
      presentity,
      body,
      document,
      receivedAt: now,
      expiresAt: 0,
      expiry: null,
      publisher,
    };
    // Keyed by a stable identity (the first tag), not the rotating one: only `byEtag` tracks the current tag.
    presentity.publications.set(etag, publication);
    this.byEtag.set(etag, publication);
    this.reschedule(publication, now + seconds * 1000);
    this.changed(presentity);
  }

  private reschedule(publication: Publication, expiresAt: number): void {
    this.expiries.cancel(publication.expiry);
    publication.expiresAt = expiresAt;
    publication.expiry = this.expiries.schedule(publication, expiresAt);
  }

  private remove(publication: Publication): void {
    this.expiries.cancel(publication.expiry);
    publication.expiry = null;
    this.byEtag.delete(publication.etag);
    const presentity = publication.presentity;
    for (const [key, candidate] of presentity.publications) {
      if (candidate === publication) {
        presentity.publications.delete(key);
        break;
      }
    }
    if (presentity.publications.size === 0) this.presentities.delete(presentity.aor.key);
    this.changed(presentity);
  }

  private expire(publication: Publication): void {
    if (this.byEtag.get(publication.etag) !== publication) return;
    this.expiredCount++;
    publication.expiry = null;
    this.remove(publication);
    this.options.onExpired?.(publication);
  }

  private changed(presentity: Presentity): void {
    presentity.composites.clear();
    this.options.onChange(presentity);
  }
}

function composeNow(aor: Aor, publications: readonly Publication[], contentType: ComposedContentType): ComposedDocument {
  const body = composePresenceDocuments(
    aor.uri,
    publications.map((p) => ({ body: p.body, document: p.document, receivedAt: p.receivedAt })),
    { contentType },
  );
  return { body, byteLength: Buffer.byteLength(body), contentType };
}
