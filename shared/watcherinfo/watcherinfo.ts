/**
 * Watcher information documents, `application/watcherinfo+xml` (RFC 3858), the bodies of the `presence.winfo`
 * template package (RFC 3857): who watches a resource, and in which subscription state.
 *
 *   <watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="0" state="full">
 *     <watcher-list resource="sip:alice@example.com" package="presence">
 *       <watcher id="w1" status="pending" event="subscribe" display-name="Bob">sip:bob@example.com</watcher>
 *     </watcher-list>
 *   </watcherinfo>
 *
 * The XML is read by shared/pidf/xml.ts with the same safety as presence bodies: a DTD or entity declaration is
 * refused before the parser sees the body, and no entity is expanded. A `full` document lists every watcher; a
 * `partial` one only the watchers that changed (RFC 3858 §4.4), which `applyWatcherInfo` merges.
 */
import { MARKUP_DECLARATION } from '../pidf/parse';
import {
  attribute,
  childElements,
  element,
  parseXml,
  printable,
  serializeXml,
  stripNonXmlChars,
  textContent,
  type XmlElement,
} from '../pidf/xml';

/** RFC 3858 §6: the media type of a watcher information document. */
export const WATCHERINFO_CONTENT_TYPE = 'application/watcherinfo+xml';
/** RFC 3858 §6: the namespace of `<watcherinfo>`. */
export const NS_WATCHERINFO = 'urn:ietf:params:xml:ns:watcherinfo';
/** RFC 3857 §3 with RFC 3856: the event package a presence owner subscribes to. */
export const PRESENCE_WINFO_EVENT = 'presence.winfo';

/** RFC 3857 §3.6: a subscription's state as the watcher information shows it. */
export type WatcherStatus = 'pending' | 'active' | 'waiting' | 'terminated';
/** RFC 3857 §3.6: the event that moved a subscription into its state. */
export type WatcherEvent = 'subscribe' | 'approved' | 'deactivated' | 'probation' | 'rejected' | 'timeout' | 'giveup' | 'noresource';

/** One `<watcher>`: a subscription to the resource. */
export interface WatcherEntry {
  /** RFC 3858 §4.3: unique for the subscription within the watcher list. */
  readonly id: string;
  /** The watcher's URI (the SUBSCRIBE's From). */
  readonly uri: string;
  readonly displayName?: string;
  readonly status: WatcherStatus;
  readonly event: WatcherEvent;
  /** Seconds since the subscription was created. */
  readonly durationSubscribed?: number;
  /** Seconds until the subscription expires. */
  readonly expiration?: number;
}

/** One `<watcher-list>`: the watchers of one resource for one package. */
export interface WatcherList {
  readonly resource: string;
  readonly package: string;
  readonly watchers: readonly WatcherEntry[];
}

/** A watcher information document, read or to be written. */
export interface WatcherInfoDocument {
  /** RFC 3858 §4.2: increases by one with every notification of the subscription, from 0. */
  readonly version: number;
  readonly state: 'full' | 'partial';
  readonly lists: readonly WatcherList[];
}

const STATUSES: readonly WatcherStatus[] = ['pending', 'active', 'waiting', 'terminated'];
const EVENTS: readonly WatcherEvent[] = [
  'subscribe',
  'approved',
  'deactivated',
  'probation',
  'rejected',
  'timeout',
  'giveup',
  'noresource',
];

/** Bodies larger than this are refused: hundreds of watchers fit in it. */
const MAX_WATCHERINFO_CHARS = 256 * 1024;

/** Reads a watcher information body. Never throws. */
export function parseWatcherInfo(xml: string): { ok: true; document: WatcherInfoDocument } | { ok: false; reason: string } {
  if (xml.length > MAX_WATCHERINFO_CHARS)
    return fail(`The watcher information document is larger than ${MAX_WATCHERINFO_CHARS} characters.`);
  if (MARKUP_DECLARATION.test(xml))
    return fail('The watcher information document contains a DTD or entity declaration, which is not accepted.');
  const parsed = parseXml(xml);
  if (!parsed.ok) return fail(parsed.message);
  const root = parsed.root;
  if (root.name !== 'watcherinfo' || root.ns !== NS_WATCHERINFO) {
    return fail(`Root element <${printable(root.name, 30)}> is not <watcherinfo> in ${NS_WATCHERINFO}.`);
  }
  const version = wholeNumber(attribute(root, 'version'));
  const state = attribute(root, 'state');
  // RFC 3858 §4.2: version and state are mandatory.
  if (version === undefined) return fail('The watcher information document has no valid version.');
  if (state !== 'full' && state !== 'partial') return fail('The watcher information document\'s state is neither "full" nor "partial".');
  const lists: WatcherList[] = [];
  for (const list of childElements(root, NS_WATCHERINFO, 'watcher-list')) {
    const resource = attribute(list, 'resource');
    const eventPackage = attribute(list, 'package');
    if (resource === undefined || eventPackage === undefined) return fail('A watcher list has no resource or no package.');
    const watchers: WatcherEntry[] = [];
    for (const watcher of childElements(list, NS_WATCHERINFO, 'watcher')) {
      const entry = readWatcher(watcher);
      if (typeof entry === 'string') return fail(entry);
      watchers.push(entry);
    }
    lists.push({ resource, package: eventPackage, watchers });
  }
  return { ok: true, document: { version, state, lists } };
}

/** Writes a watcher information document (RFC 3858 §4), watcher lists and watchers in the given order. */
export function buildWatcherInfo(document: WatcherInfoDocument): string {
  const root = element(NS_WATCHERINFO, 'watcherinfo', { version: String(document.version), state: document.state }, [
    ...document.lists.map((list) =>
      element(
        NS_WATCHERINFO,
        'watcher-list',
        { resource: clean(list.resource), package: clean(list.package) },
        list.watchers.map((watcher) =>
          element(
            NS_WATCHERINFO,
            'watcher',
            {
              id: clean(watcher.id),
              status: watcher.status,
              event: watcher.event,
              'display-name': watcher.displayName === undefined ? undefined : clean(watcher.displayName),
              'duration-subscribed':
                watcher.durationSubscribed === undefined ? undefined : String(Math.max(0, Math.floor(watcher.durationSubscribed))),
              expiration: watcher.expiration === undefined ? undefined : String(Math.max(0, Math.floor(watcher.expiration))),
            },
            [clean(watcher.uri)],
          ),
        ),
      ),
    ),
  ]);
  return serializeXml(root, { defaultNamespace: NS_WATCHERINFO, preferredPrefixes: new Map(), indent: '  ' });
}

/**
 * The watchers known after `document` (RFC 3858 §4.4), by list (`resource` + newline + `package`) and watcher id:
 * a full document replaces everything, a partial one replaces the watchers it names.
 */
export function applyWatcherInfo(
  known: ReadonlyMap<string, ReadonlyMap<string, WatcherEntry>>,
  document: WatcherInfoDocument,
): Map<string, Map<string, WatcherEntry>> {
  const next = new Map<string, Map<string, WatcherEntry>>();
  if (document.state === 'partial') for (const [key, watchers] of known) next.set(key, new Map(watchers));
  for (const list of document.lists) {
    const key = `${list.resource}\n${list.package}`;
    let watchers = next.get(key);
    if (watchers === undefined) {
      watchers = new Map();
      next.set(key, watchers);
    }
    for (const watcher of list.watchers) watchers.set(watcher.id, watcher);
  }
  return next;
}

function readWatcher(watcher: XmlElement): WatcherEntry | string {
  const id = attribute(watcher, 'id');
  const status = attribute(watcher, 'status');
  const event = attribute(watcher, 'event');
  const uri = textContent(watcher).trim();
  // RFC 3858 §4.3: id, status and event are mandatory, and the content is the watcher's URI.
  if (id === undefined || uri.length === 0) return 'A watcher in the document has no id or no URI.';
  if (!isOneOf(STATUSES, status)) return `The watcher ${printable(uri, 40)} has no known status.`;
  if (!isOneOf(EVENTS, event)) return `The watcher ${printable(uri, 40)} has no known event.`;
  const displayName = attribute(watcher, 'display-name');
  const durationSubscribed = wholeNumber(attribute(watcher, 'duration-subscribed'));
  const expiration = wholeNumber(attribute(watcher, 'expiration'));
  return {
    id,
    uri,
    status,
    event,
    ...(displayName === undefined ? {} : { displayName }),
    ...(durationSubscribed === undefined ? {} : { durationSubscribed }),
    ...(expiration === undefined ? {} : { expiration }),
  };
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d{1,15}\s*$/.test(text)) return undefined;
  return Number(text);
}

function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return (values as readonly (string | undefined)[]).includes(value);
}

/** Text we write must be XML characters only (a display name comes from a SIP header). */
function clean(text: string): string {
  return stripNonXmlChars(text);
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
