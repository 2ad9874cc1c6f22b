/**
 * Subscriptions to resource lists — RFC 4662 (event notification for resource lists) with the list content of
 * RFC 4826 (lists/resource-list-book.ts): one presence subscription to a list URI (lists/list-uri.ts) stands for a
 * subscription to each member, and each NOTIFY is `multipart/related;type="application/rlmi+xml"` (RFC 4662 §5): an
 * RLMI document, then one PIDF part per member with state.
 *
 *   subscribe / refresh / list changed (XCAP PUT) ─► full state: every member, fullState="true"
 *   a member's presence or presence rules changed ─► partial state: only the members changed since the last NOTIFY,
 *                                                    fullState="false" (several changes inside the coalescing window,
 *                                                    or while a NOTIFY is in flight, go in one)
 *   `version` counts the subscription's NOTIFYs from 0 (RFC 4662 §5.2), kept in the dialog's `bodyVersion`.
 *
 * Each member is a "virtual subscription" of the list's owner to the member (RFC 4662 §4.4), so the member's presence
 * rules decide what the owner sees, as for a subscription of their own (authorization/decision.ts) — RFC 4662 §5.2
 * instance states:
 *
 *   allow          active, with the member's composed PIDF        polite-block  active, with a closed PIDF
 *   confirm        pending, no part                               block         terminated, reason="rejected", no part
 *   a member in a domain not served here: terminated, reason="noresource" — this compositor keeps back-end
 *   subscriptions to nobody else (no RFC 4662 §4.4 subscriptions to other servers).
 *
 * Members are indexed by AOR key, so a PUBLISH finds the lists that name its presentity without a scan.
 */
import { createHash } from 'node:crypto';
import type { SubHandling } from '../../../shared/pres-rules';
import { buildMultipartRelated } from '../../../shared/resource-lists/multipart';
import { buildRlmi, RLMI_CONTENT_TYPE, type RlmiInstance, type RlmiResource } from '../../../shared/resource-lists/rlmi';
import type { ComposedDocument } from '../esc/event-state-compositor';
import type { ListMember } from '../lists/resource-list-book';
import type { Aor } from '../message/aor';

/** Which list a subscription is to: saved with the dialog. */
export interface ListTarget {
  /** The list URI subscribed to (the RLMI `uri`). */
  readonly uri: string;
  /** The list's owner: the only one who may subscribe, and the "watcher" of every member. */
  readonly owner: Aor;
}

/** What the next NOTIFY of a list subscription must carry; lives only in this process (a restart sends full state). */
export interface ListProgress {
  needsFullState: boolean;
  /** Members (AOR keys) changed since the last NOTIFY. */
  readonly changedMembers: Set<string>;
  /** The coalescing timer, while one runs. */
  timer: NodeJS.Timeout | null;
}

/** The part of a list subscription this module reads and writes. */
export interface ListSubscriptionView {
  readonly list: ListTarget | null;
  listProgress: ListProgress | null;
  bodyVersion: number;
}

/** What list NOTIFYs need from the compositor. */
export interface ListSources {
  membersOf(ownerAorKey: string): readonly ListMember[];
  /** The member's rules for the owner as watcher. */
  handlingFor(member: Aor, owner: Aor): SubHandling;
  isServedHost(host: string): boolean;
  /** The member's composed PIDF, and the closed one a politely blocked owner sees. */
  documentFor(member: Aor): ComposedDocument;
  closedDocumentFor(member: Aor): ComposedDocument;
  /** The host part of Content-IDs (our advertised host). */
  readonly contentIdHost: string;
}

/** A NOTIFY body ready to send. */
export interface ListBody {
  readonly body: string;
  readonly byteLength: number;
  readonly contentType: string;
  /** The resources it describes (for the log line). */
  readonly resources: number;
  readonly isFullState: boolean;
}

/** A fresh progress record: the first NOTIFY carries full state. */
export function fullStateProgress(): ListProgress {
  return { needsFullState: true, changedMembers: new Set(), timer: null };
}

/** The list subscriptions, indexed by member and by owner. */
export class ListSubscriptions<S extends ListSubscriptionView> {
  private readonly byMember = new Map<string, Set<S>>();
  private readonly byOwner = new Map<string, Set<S>>();
  /** The members each subscription is indexed under (the list as it was when last indexed). */
  private readonly indexed = new Map<S, readonly string[]>();

  constructor(private readonly sources: ListSources) {}

  /** Whether any list subscription is live: a presence change looks further only then. */
  get isEmpty(): boolean {
    return this.indexed.size === 0;
  }

  add(subscription: S): void {
    const list = subscription.list as ListTarget;
    let owned = this.byOwner.get(list.owner.key);
    if (owned === undefined) {
      owned = new Set();
      this.byOwner.set(list.owner.key, owned);
    }
    owned.add(subscription);
    this.index(subscription);
  }

  remove(subscription: S): void {
    const list = subscription.list;
    if (list === null) return;
    this.unindex(subscription);
    const owned = this.byOwner.get(list.owner.key);
    owned?.delete(subscription);
    if (owned?.size === 0) this.byOwner.delete(list.owner.key);
    const timer = subscription.listProgress?.timer;
    if (timer !== null && timer !== undefined) clearTimeout(timer);
  }

  /** A member's state (its presence, or its rules for the owner) changed: the lists naming it, now marked. */
  memberChanged(memberKey: string): readonly S[] {
    const lists = this.byMember.get(memberKey);
    if (lists === undefined) return [];
    for (const subscription of lists) subscription.listProgress?.changedMembers.add(memberKey);
    return [...lists];
  }

  /** The owner's list was written: its subscriptions, re-indexed and marked for full state. */
  listChanged(ownerAorKey: string): readonly S[] {
    const owned = [...(this.byOwner.get(ownerAorKey) ?? [])];
    for (const subscription of owned) {
      this.unindex(subscription);
      this.index(subscription);
      if (subscription.listProgress !== null) subscription.listProgress.needsFullState = true;
    }
    return owned;
  }

  /**
   * The next NOTIFY body: full state when due, else the changed members; null when nothing changed (a NOTIFY that
   * would say nothing is not sent). Counts the version and clears what it reported.
   */
  nextBody(subscription: S): ListBody | null {
    const progress = (subscription.listProgress ??= fullStateProgress());
    const list = subscription.list as ListTarget;
    const members = this.sources.membersOf(list.owner.key);
    const isFullState = progress.needsFullState;
    const reported = isFullState ? members : members.filter((member) => progress.changedMembers.has(member.aor.key));
    if (!isFullState && reported.length === 0) {
      progress.changedMembers.clear();
      return null;
    }
    progress.needsFullState = false;
    progress.changedMembers.clear();
    return this.build(subscription, list, reported, isFullState);
  }

  /** The full state now, without counting a version or clearing anything (to measure it before accepting over UDP). */
  fullStateBytes(subscription: S): number {
    const list = subscription.list as ListTarget;
    return this.build(subscription, list, this.sources.membersOf(list.owner.key), true, subscription.bodyVersion).byteLength;
  }

  private build(
    subscription: S,
    list: ListTarget,
    members: readonly ListMember[],
    isFullState: boolean,
    version = subscription.bodyVersion++,
  ): ListBody {
    const parts: Array<{ contentId: string; contentType: string; body: string }> = [];
    const resources: RlmiResource[] = [];
    const host = this.sources.contentIdHost;
    for (const member of members) {
      const id = instanceId(member.aor.key);
      let instance: RlmiInstance;
      if (!this.sources.isServedHost(member.aor.host)) {
        instance = { id, state: 'terminated', reason: 'noresource' };
      } else {
        const handling = this.sources.handlingFor(member.aor, list.owner);
        switch (handling) {
          case 'block':
            instance = { id, state: 'terminated', reason: 'rejected' };
            break;
          case 'confirm':
            instance = { id, state: 'pending' };
            break;
          case 'polite-block':
          case 'allow': {
            const document = handling === 'allow' ? this.sources.documentFor(member.aor) : this.sources.closedDocumentFor(member.aor);
            const cid = `${id}.${version}@${host}`;
            instance = { id, state: 'active', cid };
            parts.push({ contentId: cid, contentType: document.contentType, body: document.body });
            break;
          }
        }
      }
      resources.push({
        uri: member.aor.uri,
        names: member.displayName === null ? [] : [{ text: member.displayName }],
        instances: [instance],
      });
    }
    const rlmi = buildRlmi({ uri: list.uri, version, isFullState, names: [], resources });
    const rootId = `list.${version}@${host}`;
    const multipart = buildMultipartRelated({
      type: RLMI_CONTENT_TYPE,
      start: rootId,
      parts: [{ contentId: rootId, contentType: `${RLMI_CONTENT_TYPE};charset="UTF-8"`, body: rlmi }, ...parts],
    });
    return {
      body: multipart.body,
      byteLength: Buffer.byteLength(multipart.body),
      contentType: multipart.contentType,
      resources: resources.length,
      isFullState,
    };
  }

  private index(subscription: S): void {
    const list = subscription.list as ListTarget;
    const keys = this.sources.membersOf(list.owner.key).map((member) => member.aor.key);
    for (const key of keys) {
      let lists = this.byMember.get(key);
      if (lists === undefined) {
        lists = new Set();
        this.byMember.set(key, lists);
      }
      lists.add(subscription);
    }
    this.indexed.set(subscription, keys);
  }

  private unindex(subscription: S): void {
    for (const key of this.indexed.get(subscription) ?? []) {
      const lists = this.byMember.get(key);
      lists?.delete(subscription);
      if (lists?.size === 0) this.byMember.delete(key);
    }
    this.indexed.delete(subscription);
  }
}

/**
 * A member's RLMI instance id: the same in every NOTIFY of every subscription (RFC 4662 §5.2 lets a watcher follow an
 * instance by it), short, and free of characters a Content-ID cannot hold (RFC 2392).
 */
function instanceId(memberKey: string): string {
  return createHash('sha256').update(memberKey, 'utf8').digest('base64url').slice(0, 12).replace(/[-_]/g, 'x');
}
