/**
 * Who watches our presence: the `presence.winfo` template package (RFC 3857) of our own AOR, carried on the same
 * subscription machinery as a buddy's presence (buddy-subscription.ts: refresh, back-off, reconnection), with this
 * watch reading its `application/watcherinfo+xml` bodies (RFC 3858) through shared/watcherinfo.
 *
 * RFC 3858 §4.4: a `full` document replaces what we knew, a `partial` one replaces the watchers it names, and each
 * document's version is one above the last:
 *
 *   full (any version) ────────────────────► replace everything, remember the version
 *   partial, version = last + 1 ───────────► apply, remember the version
 *   partial, version ≤ last ───────────────► an old or repeated document: ignored
 *   partial, version > last + 1, or before ► apply what it says (it is newer than anything we have), and ask for a
 *   any full one                             refresh of the subscription, whose NOTIFY carries the full state again
 *   a body we cannot read ─────────────────► the warning of notify-body.ts; what we knew stays
 */
import {
  applyWatcherInfo,
  parseWatcherInfo,
  PRESENCE_WINFO_EVENT,
  WATCHERINFO_CONTENT_TYPE,
  type WatcherEntry,
} from '../../../shared/watcherinfo';
import type { WatchedEvent, WatchVerdict } from './watched-event';

/** The watched event package whose watchers we report (RFC 3858 §4.2: a list's `package`). */
const PRESENCE_PACKAGE = 'presence';

/** Our own watcher information: one per subscription to it, since a partial document names only what changed. */
export class WatcherInfoWatch implements WatchedEvent {
  readonly event = PRESENCE_WINFO_EVENT;
  readonly accept = WATCHERINFO_CONTENT_TYPE;
  private known: ReadonlyMap<string, ReadonlyMap<string, WatcherEntry>> = new Map();
  private version: number | undefined;

  /** `onWatchers` hears the watchers of our presence after every document that changed them. */
  constructor(private readonly onWatchers: (watchers: readonly WatcherEntry[]) => void) {}

  /** The watchers of our presence as last reported, in document order. */
  get watchers(): readonly WatcherEntry[] {
    const watchers: WatcherEntry[] = [];
    for (const [key, list] of this.known) if (key.endsWith(`\n${PRESENCE_PACKAGE}`)) watchers.push(...list.values());
    return watchers;
  }

  readBody(body: string): WatchVerdict {
    if (body.trim() === '') return { kind: 'empty' };
    const parsed = parseWatcherInfo(body);
    if (!parsed.ok)
      return { kind: 'unreadable', problem: { message: `The server sent watcher information Presently could not read: ${parsed.reason}` } };
    const document = parsed.document;
    const last = this.version;
    if (document.state === 'partial' && last !== undefined && document.version <= last) return { kind: 'taken', resync: false };
    const resync = document.state === 'partial' && (last === undefined || document.version !== last + 1);
    this.known = applyWatcherInfo(this.known, document);
    this.version = document.version;
    this.onWatchers(this.watchers);
    return { kind: 'taken', resync };
  }
}
