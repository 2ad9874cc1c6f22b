/**
 * XML formats for the content of resource lists (RFC 4826): `application/resource-lists+xml` (§3), the lists a user
 * keeps (for Presently, the buddy list), and `application/rls-services+xml` (§4), which a resource list server
 * such as Kamailio's `rls` reads to learn which list URI expands to which list, for which event packages.
 *
 *   <resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">
 *     <list name="buddies">
 *       <display-name>Buddies</display-name>
 *       <entry uri="sip:bob@example.com"><display-name>Bob</display-name></entry>
 *       <entry-ref ref="resource-lists/users/sip:bob@example.com/index/~~/resource-lists/list%5b@name=%22a%22%5d"/>
 *       <external anchor="http://xcap.example.com/resource-lists/users/sip:a@example.com/index/~~/…"/>
 *       <list name="close-friends">…</list>
 *     </list>
 *   </resource-lists>
 *
 *   <rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">
 *     <service uri="sip:alice-buddies@example.com">
 *       <resource-list>http://xcap.example.com/resource-lists/users/sip:alice@example.com/index/~~/resource-lists/list%5b@name=%22buddies%22%5d</resource-list>
 *       <packages><package>presence</package></packages>
 *     </service>
 *   </rls-services>
 *
 * A `<service>` has either a `<resource-list>` (a reference, §4.1) or an inline `<list>` (the resource-lists
 * schema's list type). The XML is read by shared/pidf/xml.ts: no DTD, no entity expansion, bounded counts.
 */
import { MARKUP_DECLARATION } from '../pidf/parse';
import {
  attribute,
  childElements,
  element,
  firstChild,
  parseXml,
  printable,
  serializeXml,
  stripNonXmlChars,
  textContent,
} from '../pidf/xml';
import type { XmlElement } from '../pidf/xml';

/** RFC 4826 §3.1: the media type of a resource-lists document. */
export const RESOURCE_LISTS_CONTENT_TYPE = 'application/resource-lists+xml';
/** RFC 4826 §3.1: the namespace. */
export const NS_RESOURCE_LISTS = 'urn:ietf:params:xml:ns:resource-lists';
/** RFC 4826 §4.1: the media type of an rls-services document. */
export const RLS_SERVICES_CONTENT_TYPE = 'application/rls-services+xml';
/** RFC 4826 §4.1: the namespace. */
export const NS_RLS_SERVICES = 'urn:ietf:params:xml:ns:rls-services';
/** RFC 4826 §3.4.1 and §4.4.1: the XCAP application usages (the first segment of a document's path). */
export const RESOURCE_LISTS_AUID = 'resource-lists';
export const RLS_SERVICES_AUID = 'rls-services';

/** One item of a list, in document order. */
export type ResourceListItem =
  | { readonly kind: 'entry'; readonly uri: string; readonly displayName?: string }
  | { readonly kind: 'entry-ref'; readonly ref: string; readonly displayName?: string }
  | { readonly kind: 'external'; readonly anchor: string; readonly displayName?: string }
  | { readonly kind: 'list'; readonly list: ResourceList };

/** A `<list>` (RFC 4826 §3.2). */
export interface ResourceList {
  readonly name?: string;
  readonly displayName?: string;
  readonly items: readonly ResourceListItem[];
}

/** A resource-lists document. */
export interface ResourceListsDocument {
  readonly lists: readonly ResourceList[];
}

/** One `<service>` of an rls-services document (RFC 4826 §4.2). */
export interface RlsService {
  /** The list URI a watcher subscribes to. */
  readonly uri: string;
  /** Either a reference to a list (an XCAP URI) or the list itself. */
  readonly source: { readonly kind: 'resource-list'; readonly href: string } | { readonly kind: 'list'; readonly list: ResourceList };
  /** The event packages the service offers; empty means any. */
  readonly packages: readonly string[];
}

/** An rls-services document. */
export interface RlsServicesDocument {
  readonly services: readonly RlsService[];
}

/** How much a document may hold. */
export interface ResourceListsLimits {
  /** The most items (entries, references, nested lists) in the whole document (default 10,000). */
  readonly maxItems?: number;
  /** The most characters (default 4 MiB). */
  readonly maxChars?: number;
}

type Result<T> = { readonly ok: true; readonly document: T } | { readonly ok: false; readonly message: string };

const DEFAULT_MAX_ITEMS = 10_000;
const DEFAULT_MAX_CHARS = 4 * 1024 * 1024;
/** Nested lists deeper than this are refused (the XML layer's own depth limit is higher). */
const MAX_LIST_DEPTH = 16;

/** Reads a resource-lists document. Never throws. */
export function parseResourceLists(body: string, limits: ResourceListsLimits = {}): Result<ResourceListsDocument> {
  const root = readRoot(body, limits, 'resource-lists', NS_RESOURCE_LISTS);
  if (typeof root === 'string') return fail(root);
  const budget = { left: limits.maxItems ?? DEFAULT_MAX_ITEMS };
  const lists: ResourceList[] = [];
  for (const list of childElements(root, NS_RESOURCE_LISTS, 'list')) {
    const read = readList(list, budget, 0);
    if (typeof read === 'string') return fail(read);
    lists.push(read);
  }
  return { ok: true, document: { lists } };
}

/** Writes a resource-lists document (RFC 4826 §3). */
export function buildResourceLists(document: ResourceListsDocument): string {
  const root = element(NS_RESOURCE_LISTS, 'resource-lists', {}, document.lists.map(listElement));
  return serializeXml(root, { defaultNamespace: NS_RESOURCE_LISTS, preferredPrefixes: new Map(), indent: '  ' });
}

/** Reads an rls-services document. Never throws. */
export function parseRlsServices(body: string, limits: ResourceListsLimits = {}): Result<RlsServicesDocument> {
  const root = readRoot(body, limits, 'rls-services', NS_RLS_SERVICES);
  if (typeof root === 'string') return fail(root);
  const budget = { left: limits.maxItems ?? DEFAULT_MAX_ITEMS };
  const services: RlsService[] = [];
  for (const service of childElements(root, NS_RLS_SERVICES, 'service')) {
    const uri = attribute(service, 'uri')?.trim();
    if (uri === undefined || uri === '') return fail('A service in the rls-services document has no URI.');
    const reference = firstChild(service, NS_RLS_SERVICES, 'resource-list');
    // The inline list is of the resource-lists schema's list type, in the rls-services namespace (RFC 4826 §4.2).
    const inline = firstChild(service, NS_RLS_SERVICES, 'list');
    let source: RlsService['source'];
    if (reference !== undefined) {
      const href = textContent(reference).trim();
      if (href === '') return fail(`The service ${printable(uri, 40)} has an empty resource-list reference.`);
      source = { kind: 'resource-list', href };
    } else if (inline !== undefined) {
      const list = readList(inline, budget, 0);
      if (typeof list === 'string') return fail(list);
      source = { kind: 'list', list };
    } else {
      return fail(`The service ${printable(uri, 40)} has neither a resource-list nor a list.`);
    }
    const packagesElement = firstChild(service, NS_RLS_SERVICES, 'packages');
    const packages =
      packagesElement === undefined
        ? []
        : childElements(packagesElement, NS_RLS_SERVICES, 'package')
            .map((p) => textContent(p).trim())
            .filter((p) => p !== '');
    services.push({ uri, source, packages });
  }
  return { ok: true, document: { services } };
}

/** Writes an rls-services document (RFC 4826 §4); inline lists use the resource-lists element names. */
export function buildRlsServices(document: RlsServicesDocument): string {
  const root = element(
    NS_RLS_SERVICES,
    'rls-services',
    {},
    document.services.map((service) =>
      element(NS_RLS_SERVICES, 'service', { uri: clean(service.uri) }, [
        service.source.kind === 'resource-list'
          ? element(NS_RLS_SERVICES, 'resource-list', {}, [clean(service.source.href)])
          : { ...listElement(service.source.list), ns: NS_RLS_SERVICES },
        service.packages.length === 0
          ? null
          : element(
              NS_RLS_SERVICES,
              'packages',
              {},
              service.packages.map((p) => element(NS_RLS_SERVICES, 'package', {}, [clean(p)])),
            ),
      ]),
    ),
  );
  return serializeXml(root, {
    defaultNamespace: NS_RLS_SERVICES,
    preferredPrefixes: new Map([[NS_RESOURCE_LISTS, 'rl']]),
    indent: '  ',
  });
}

/**
 * The entry URIs of a list and its nested lists, each once, in document order (references and externals are not
 * followed: resolving them needs the XCAP server).
 */
export function entryUris(list: ResourceList): string[] {
  const seen = new Set<string>();
  const walk = (current: ResourceList): void => {
    for (const item of current.items) {
      if (item.kind === 'entry') seen.add(item.uri);
      else if (item.kind === 'list') walk(item.list);
    }
  };
  walk(list);
  return [...seen];
}

function readRoot(body: string, limits: ResourceListsLimits, name: string, ns: string): XmlElement | string {
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  const what = `The ${name} document`;
  if (body.length > maxChars) return `${what} is larger than ${maxChars} characters.`;
  if (MARKUP_DECLARATION.test(body)) return `${what} contains a DTD or entity declaration, which is not accepted.`;
  // An entry is an element with an attribute and usually a display name.
  const budget = 16 + 3 * (limits.maxItems ?? DEFAULT_MAX_ITEMS);
  const xml = parseXml(body, 'fast', { maxElements: budget, maxAttributes: budget });
  if (!xml.ok) return xml.message;
  if (xml.root.name !== name || xml.root.ns !== ns) return `Root element <${printable(xml.root.name, 30)}> is not <${name}> in ${ns}.`;
  return xml.root;
}

/**
 * Reads a `<list>`. Its children are always in the resource-lists namespace, also below an rls-services `<list>`,
 * which is that schema's list type under another element name (RFC 4826 §4.3's example: `<list>` then `<rl:entry>`).
 */
function readList(list: XmlElement, budget: { left: number }, depth: number): ResourceList | string {
  if (depth >= MAX_LIST_DEPTH) return `Lists are nested deeper than ${MAX_LIST_DEPTH} levels.`;
  const ns = NS_RESOURCE_LISTS;
  const name = attribute(list, 'name');
  const displayName = displayNameOf(list, ns);
  const items: ResourceListItem[] = [];
  for (const child of childElements(list, ns)) {
    if (child.name === 'display-name') continue;
    if (--budget.left < 0) return 'The document has more entries than are accepted.';
    const childDisplayName = displayNameOf(child, ns);
    const named = childDisplayName === undefined ? {} : { displayName: childDisplayName };
    switch (child.name) {
      case 'entry': {
        const uri = attribute(child, 'uri')?.trim();
        if (uri === undefined || uri === '') return 'An entry in the list has no URI.';
        items.push({ kind: 'entry', uri, ...named });
        break;
      }
      case 'entry-ref': {
        const ref = attribute(child, 'ref')?.trim();
        if (ref === undefined || ref === '') return 'An entry-ref in the list has no ref.';
        items.push({ kind: 'entry-ref', ref, ...named });
        break;
      }
      case 'external': {
        const anchor = attribute(child, 'anchor')?.trim();
        if (anchor === undefined || anchor === '') return 'An external in the list has no anchor.';
        items.push({ kind: 'external', anchor, ...named });
        break;
      }
      case 'list': {
        const nested = readList(child, budget, depth + 1);
        if (typeof nested === 'string') return nested;
        items.push({ kind: 'list', list: nested });
        break;
      }
      default:
        // RFC 4826 §3.2: other elements are extensions; they carry nothing we use.
        break;
    }
  }
  return { ...(name === undefined ? {} : { name }), ...(displayName === undefined ? {} : { displayName }), items };
}

function displayNameOf(parent: XmlElement, ns: string | null): string | undefined {
  const found = firstChild(parent, ns, 'display-name');
  return found === undefined ? undefined : textContent(found).trim();
}

function listElement(list: ResourceList): XmlElement {
  return element(NS_RESOURCE_LISTS, 'list', { name: list.name === undefined ? undefined : clean(list.name) }, [
    displayNameElement(list.displayName),
    ...list.items.map((item): XmlElement => {
      switch (item.kind) {
        case 'entry':
          return element(NS_RESOURCE_LISTS, 'entry', { uri: clean(item.uri) }, [displayNameElement(item.displayName)]);
        case 'entry-ref':
          return element(NS_RESOURCE_LISTS, 'entry-ref', { ref: clean(item.ref) }, [displayNameElement(item.displayName)]);
        case 'external':
          return element(NS_RESOURCE_LISTS, 'external', { anchor: clean(item.anchor) }, [displayNameElement(item.displayName)]);
        case 'list':
          return listElement(item.list);
      }
    }),
  ]);
}

function displayNameElement(text: string | undefined): XmlElement | null {
  return text === undefined ? null : element(NS_RESOURCE_LISTS, 'display-name', {}, [clean(text)]);
}

function clean(text: string): string {
  return stripNonXmlChars(text);
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}
