/**
 * The buddy list as one resource list subscription (RFC 4662): `Event: presence` to the list URI with
 * `Supported: eventlist`, carried on the same subscription machinery as one buddy's presence (buddy-subscription.ts:
 * refresh, back-off, reconnection). Its NOTIFYs are `multipart/related` (RFC 2387): an RLMI root (RFC 4662 §5) naming
 * each member and the Content-ID of the part with its presence document.
 *
 * RFC 4662 §5.2 and §4.5 — versions and state:
 *
 *   fullState="true" (any version) ────────────► the members named are the whole list; others leave it
 *   fullState="false", version = last + 1 ─────► the members named change; the rest stay as they were
 *   fullState="false", version ≤ last ─────────► an old or repeated document: ignored
 *   fullState="false", version > last + 1, or ─► applied (it is newer than anything we have), and the subscription
 *   before any full state                        refreshed: the notifier answers with full state again
 *
 * Per member, its instance says the back-end subscription's state (`active`, `pending`, `terminated;reason`); an
 * active instance's `cid` names the part with its presence. Nested lists (a member's part is itself a
 * `multipart/related` list) are flattened into the one buddy list, a few levels deep.
 *
 * Bad input never ends the subscription (every NOTIFY we can screen is answered 200, RFC 6665 §4.2.2): an RLMI or
 * multipart that cannot be read leaves every member as it was and puts one sentence on the list subscription; a part
 * that cannot be placed (no Content-ID, an unread encoding) or a cid with no part leaves that member's last good
 * presence with a warning of its own. A plain presence document instead of a list means the URI is not a list: the
 * owner (sip-client.ts) then falls back to one subscription per buddy.
 */
import { addressKey } from '../../../shared/buddy/buddy';
import { PRESENCE_ACCEPT_HEADER, parsePresenceContentType } from '../../../shared/pidf';
import type { PresenceSummary, SipProblem, SubscriptionState } from '../../../shared/presence/presence-state';
import {
  EVENTLIST_OPTION_TAG,
  MULTIPART_RELATED,
  RLMI_CONTENT_TYPE,
  parseMultipartRelated,
  parseRlmi,
  type MultipartPart,
  type RlmiDocument,
  type RlmiResource,
} from '../../../shared/resource-lists';
import { mediaType } from '../../../shared/sip/header-values';
import { NO_PUBLISHED_STATE, detachedSummary, readNotifyBody } from './notify-body';
import { PRESENCE_EVENT } from './notify-screen';
import type { WatchedEvent, WatchVerdict } from './watched-event';

/** RFC 4662 §4.3: the types a list subscriber accepts — RLMI in multipart/related, and the members' presence types. */
export const RESOURCE_LIST_ACCEPT = `${RLMI_CONTENT_TYPE}, ${MULTIPART_RELATED}, ${PRESENCE_ACCEPT_HEADER}`;

/** Nested lists deeper than this are not followed (a buddy list is flat, or grouped once). */
const MAX_NESTED_LISTS = 4;

/** One member of the list, as the buddy list needs it. */
export interface ListMember {
  /** The member's URI as the RLMI names it. */
  readonly uri: string;
  /** Its back-end subscription, as the RLMI instance says. */
  readonly subscription: SubscriptionState;
  /** Its last presence document, summarised; null until one arrived. */
  readonly presence: PresenceSummary | null;
  /** When `presence` last changed (ms since the epoch), or null. */
  readonly changedAt: number | null;
}

/** What one list NOTIFY changed. */
export interface ListUpdate {
  /** Full state: `members` is the whole list (members not in it have left). */
  readonly isFullState: boolean;
  /** The members named in this NOTIFY, keyed by addressKey. */
  readonly changed: ReadonlyMap<string, ListMember>;
}

/** What the owner hears from the watch. */
export interface ResourceListListener {
  /** After every NOTIFY that changed members. */
  onUpdate(update: ListUpdate): void;
  /** The URI answered with a single presence document: it is not a list (RFC 4662 §4.1: the server may do so). */
  onNotAList(): void;
  /** A sentence for the log (a part left out, a nested list too deep). */
  onWarning(message: string): void;
}

/** The list subscription's body reader; one per subscription, since partial state names only what changed. */
export class ResourceListWatch implements WatchedEvent {
  readonly event = PRESENCE_EVENT;
  readonly accept = RESOURCE_LIST_ACCEPT;
  readonly requestHeaders = [`Supported: ${EVENTLIST_OPTION_TAG}`];
  private readonly membersByKey = new Map<string, ListMember>();
  private version: number | undefined;
  private hasFullState = false;

  constructor(
    private readonly listener: ResourceListListener,
    private readonly noteLanguages?: readonly string[],
  ) {}

  /** Every member as last reported, keyed by addressKey. */
  get members(): ReadonlyMap<string, ListMember> {
    return this.membersByKey;
  }

  /** Whether a full state has arrived since the watch began (before that, the list's members are not all known). */
  get isComplete(): boolean {
    return this.hasFullState;
  }

  readBody(body: string, contentType: string | undefined): WatchVerdict {
    if (body.trim() === '') {
      // RFC 4662 §5: every list NOTIFY carries an RLMI document; a bodyless one before any list arrived is a server
      // treating the URI as one presentity (Kamailio's rls hands such SUBSCRIBEs to its presence module).
      if (!this.hasFullState) this.listener.onNotAList();
      return { kind: 'empty' };
    }
    const type = mediaType(contentType ?? '');
    if (type !== MULTIPART_RELATED && type !== RLMI_CONTENT_TYPE) {
      if (parsePresenceContentType(contentType ?? '') !== null) {
        this.listener.onNotAList();
        return {
          kind: 'taken',
          resync: false,
          problem: { message: 'The presence list URI is not a list: the server sent one presence document.' },
        };
      }
      return unreadable(`a body of type "${type.slice(0, 60)}"`);
    }
    const read = type === RLMI_CONTENT_TYPE ? readRlmiOnly(body) : readList(body, contentType ?? '', 0);
    if (typeof read === 'string') return unreadable(read);
    for (const warning of read.warnings) this.listener.onWarning(warning);
    const document = read.rlmi;
    const last = this.version;
    if (!document.isFullState && last !== undefined && document.version <= last) return { kind: 'taken', resync: false };
    const resync = !document.isFullState && (last === undefined || document.version !== last + 1 || !this.hasFullState);
    this.version = document.version;
    if (document.isFullState) this.hasFullState = true;
    const changed = this.apply(read, document.isFullState);
    this.listener.onUpdate({ isFullState: document.isFullState, changed });
    const problems = read.warnings.length === 0 ? undefined : { message: read.warnings[0] ?? '' };
    return { kind: 'taken', resync, ...(problems === undefined ? {} : { problem: problems }) };
  }

  private apply(read: ReadList, isFullState: boolean): Map<string, ListMember> {
    const changed = new Map<string, ListMember>();
    const now = Date.now();
    for (const { resource, parts } of read.resources) {
      const key = addressKey(resource.uri);
      const before = this.membersByKey.get(key);
      const member = memberAfter(resource, parts, before, now, this.noteLanguages);
      this.membersByKey.set(key, member);
      changed.set(key, member);
    }
    if (isFullState) {
      for (const key of [...this.membersByKey.keys()]) if (!changed.has(key)) this.membersByKey.delete(key);
    }
    return changed;
  }
}

/** An RLMI document with each resource and the parts of its list NOTIFY, nested lists flattened. */
interface ReadList {
  readonly rlmi: RlmiDocument;
  readonly resources: readonly { readonly resource: RlmiResource; readonly parts: ReadonlyMap<string, MultipartPart> }[];
  readonly warnings: readonly string[];
}

function readRlmiOnly(body: string): ReadList | string {
  const rlmi = parseRlmi(body);
  if (!rlmi.ok) return rlmi.message;
  return { rlmi: rlmi.document, resources: rlmi.document.resources.map((resource) => ({ resource, parts: new Map() })), warnings: [] };
}

function readList(body: string, contentType: string, depth: number): ReadList | string {
  const multipart = parseMultipartRelated(body, contentType);
  if (!multipart.ok) return multipart.message;
  const { root, parts, problems } = multipart.multipart;
  if (root === undefined) return 'the list NOTIFY has no root part (its start names none)';
  if (mediaType(root.contentType) !== RLMI_CONTENT_TYPE)
    return `the list NOTIFY's root part is "${mediaType(root.contentType).slice(0, 60)}", not RLMI`;
  const rlmi = parseRlmi(root.body);
  if (!rlmi.ok) return rlmi.message;
  const warnings = [...problems];
  const byId = new Map<string, MultipartPart>();
  for (const [index, part] of parts.entries()) {
    if (part === root) continue;
    if (part.contentId === undefined) warnings.push(`Part ${index + 1} of the list NOTIFY has no Content-ID; it was ignored.`);
    else byId.set(part.contentId, part);
  }
  const resources: { resource: RlmiResource; parts: ReadonlyMap<string, MultipartPart> }[] = [];
  for (const resource of rlmi.document.resources) {
    const nested = resource.instances
      .map((instance) => (instance.cid === undefined ? undefined : byId.get(instance.cid)))
      .find((part) => part !== undefined && mediaType(part.contentType) === MULTIPART_RELATED);
    if (nested === undefined) {
      resources.push({ resource, parts: byId });
      continue;
    }
    if (depth + 1 >= MAX_NESTED_LISTS) {
      warnings.push(`The list ${resource.uri.slice(0, 80)} is nested more than ${MAX_NESTED_LISTS} levels deep; its members were ignored.`);
      continue;
    }
    const inner = readList(nested.body, nested.contentType, depth + 1);
    if (typeof inner === 'string') {
      warnings.push(`The nested list ${resource.uri.slice(0, 80)} could not be read: ${inner}`);
      continue;
    }
    warnings.push(...inner.warnings);
    resources.push(...inner.resources);
  }
  return { rlmi: rlmi.document, resources, warnings };
}

/** One member after its RLMI resource and parts (RFC 4662 §5.2: the instance's state; its cid's part for presence). */
function memberAfter(
  resource: RlmiResource,
  parts: ReadonlyMap<string, MultipartPart>,
  before: ListMember | undefined,
  now: number,
  noteLanguages: readonly string[] | undefined,
): ListMember {
  // Of several instances (several back-end subscriptions), an active one with content speaks for the member.
  const instance =
    resource.instances.find((i) => i.state === 'active' && i.cid !== undefined) ??
    resource.instances.find((i) => i.state === 'active') ??
    resource.instances.find((i) => i.state === 'pending') ??
    resource.instances[0];
  let presence = before?.presence ?? null;
  let changedAt = before?.changedAt ?? null;
  if (instance === undefined) {
    // RFC 4662 §5.2: a resource without instances has no back-end subscription yet.
    return { uri: resource.uri, subscription: { phase: 'unknown' }, presence, changedAt };
  }
  if (instance.state === 'terminated') {
    return {
      uri: resource.uri,
      subscription: { phase: 'terminated', ...(instance.reason === undefined ? {} : { reason: instance.reason }) },
      presence,
      changedAt,
    };
  }
  let problem: SipProblem | undefined;
  if (instance.cid !== undefined) {
    const part = parts.get(instance.cid);
    if (part === undefined) {
      problem = { message: `The list NOTIFY named a presence part for ${resource.uri.slice(0, 80)} but did not carry it.` };
    } else {
      const verdict = readNotifyBody(part.body, part.contentType, noteLanguages);
      if (verdict.kind === 'presence') {
        presence = detachedSummary(verdict.presence);
        changedAt = now;
      } else if (verdict.kind === 'empty' && instance.state === 'active') {
        presence = NO_PUBLISHED_STATE;
        changedAt = now;
      } else if (verdict.kind === 'unreadable') {
        problem = verdict.problem;
      }
    }
  }
  return { uri: resource.uri, subscription: { phase: instance.state, ...(problem === undefined ? {} : { problem }) }, presence, changedAt };
}

function unreadable(what: string): WatchVerdict {
  return { kind: 'unreadable', problem: { message: `The server sent a buddy list update Presently could not read: ${what}.` } };
}
