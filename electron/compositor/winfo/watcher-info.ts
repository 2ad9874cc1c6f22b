/**
 * The `presence.winfo` event template package (RFC 3857) for the owner of a presentity: who watches them, and in
 * which state. The notifier keeps the subscription dialogs (both packages share RFC 6665's machinery); this module
 * decides who may subscribe and what each NOTIFY carries — `application/watcherinfo+xml` (RFC 3858):
 *
 *   first NOTIFY (and after each refresh)   state="full": every live presence watcher of the owner
 *   later NOTIFYs                           state="partial": the watchers that changed since the last one
 *                                           (new pending watcher, approved, rejected, gone)
 *
 * `version` counts up from 0 per subscription (RFC 3858 §4.2), so the owner's client can tell a lost NOTIFY.
 *
 * RFC 3857 §5.1: watcher information is sensitive, so only the owner may subscribe — the From AOR must be the
 * watched AOR (with a users file the authenticator has already tied From to the logged-in user); anyone else gets
 * 403.
 */
import {
  buildWatcherInfo,
  PRESENCE_WINFO_EVENT,
  WATCHERINFO_CONTENT_TYPE,
  type WatcherEntry,
  type WatcherEvent,
  type WatcherStatus,
} from '../../../shared/watcherinfo';
import { mediaType, splitCommaValues } from '../../../shared/sip/header-values';
import type { Aor } from '../message/aor';
import type { Reply } from '../request-context';

/** A NOTIFY body ready to send. */
export interface WinfoBody {
  readonly body: string;
  readonly byteLength: number;
  readonly contentType: string;
}

/** What the watcher information shows of one presence subscription. */
export interface WatchedSubscription {
  /** Unique per dialog (the notifier's To tag). */
  readonly id: string;
  readonly watcherUri: string;
  readonly displayName: string;
  readonly status: WatcherStatus;
  readonly event: WatcherEvent;
  /** When the subscription was created and when it expires (ms since the epoch). */
  readonly createdAt: number;
  readonly expiresAt: number;
}

/**
 * The 403 for a SUBSCRIBE that only the owner may send — watcher information, or another owner-only package such as
 * message-summary (RFC 3842 §6) — when it is not from the owner; null when it is theirs.
 */
export function ownerOnlyRefusal(owner: Aor, from: Aor | null, event: string = PRESENCE_WINFO_EVENT): Reply | null {
  if (from !== null && from.key === owner.key) return null;
  const what = event === PRESENCE_WINFO_EVENT ? `who watches ${owner.uri}` : `the ${event} state of ${owner.uri}`;
  return {
    status: 403,
    reason: `Forbidden: only ${owner.uri} may see ${what}`,
    aor: owner.uri,
    note: `${event} from ${from?.uri ?? 'no address-of-record'}`,
  };
}

/** Whether a winfo SUBSCRIBE's Accept values allow watcher information documents (RFC 3857 §3.3; absent: yes). */
export function acceptsWatcherInfo(acceptLines: readonly string[]): boolean {
  if (acceptLines.length === 0) return true;
  return acceptLines.flatMap(splitCommaValues).some((value) => {
    const type = mediaType(value);
    return type === WATCHERINFO_CONTENT_TYPE || type === '*/*' || type === 'application/*';
  });
}

/** RFC 3858 §4.3 for one presence subscription, at `now`. */
export function watcherEntry(watched: WatchedSubscription, now: number): WatcherEntry {
  const displayName = watched.displayName.replace(/^"|"$/g, '').trim();
  return {
    id: watched.id,
    uri: watched.watcherUri,
    ...(displayName.length === 0 ? {} : { displayName }),
    status: watched.status,
    event: watched.event,
    durationSubscribed: Math.max(0, Math.floor((now - watched.createdAt) / 1000)),
    ...(watched.status === 'terminated' ? {} : { expiration: Math.max(0, Math.ceil((watched.expiresAt - now) / 1000)) }),
  };
}

/** The document state of each live winfo subscription: its version and the changes not yet sent. */
export class WatcherInfoDocuments {
  private readonly bySubscription = new Map<string, { version: number; needsFull: boolean; changed: Map<string, WatcherEntry> }>();

  /** A new subscription, or a refresh of one: its next NOTIFY carries the full state. */
  wantFull(subscriptionId: string): void {
    const known = this.bySubscription.get(subscriptionId);
    if (known === undefined) this.bySubscription.set(subscriptionId, { version: 0, needsFull: true, changed: new Map() });
    else {
      known.needsFull = true;
      known.changed.clear();
    }
  }

  /** A presence watcher of the owner changed: remembered for the next partial document. */
  changed(subscriptionId: string, entry: WatcherEntry): void {
    const known = this.bySubscription.get(subscriptionId);
    if (known !== undefined && !known.needsFull) known.changed.set(entry.id, entry);
  }

  /** The subscription ended. */
  forget(subscriptionId: string): void {
    this.bySubscription.delete(subscriptionId);
  }

  /** The next NOTIFY's body: full (all current watchers) or partial (the changes), and the version moves on. */
  next(subscriptionId: string, owner: Aor, current: () => readonly WatcherEntry[]): WinfoBody {
    let known = this.bySubscription.get(subscriptionId);
    if (known === undefined) {
      known = { version: 0, needsFull: true, changed: new Map() };
      this.bySubscription.set(subscriptionId, known);
    }
    const isFull = known.needsFull;
    const watchers = isFull ? current() : [...known.changed.values()];
    const body = buildWatcherInfo({
      version: known.version,
      state: isFull ? 'full' : 'partial',
      lists: [{ resource: owner.uri, package: 'presence', watchers }],
    });
    known.version++;
    known.needsFull = false;
    known.changed.clear();
    return { body, byteLength: Buffer.byteLength(body), contentType: WATCHERINFO_CONTENT_TYPE };
  }
}
