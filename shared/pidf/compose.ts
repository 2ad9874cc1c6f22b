/**
 * Composition for the built-in presence server: the Event State Compositor of RFC 3903 §6 turns all
 * live publications of one AOR into the single document its watchers receive (RFC 3903 leaves the
 * composition policy to the server; docs/protocol.md §4 states ours):
 *
 *   - the union of all publications' tuples; the same tuple id in several → the newest publication's
 *     tuple wins (a device re-publishing replaces its own tuple: tuples are RFC 3903's event state segments);
 *   - the person element(s) of every publication (RFC 4479 §3 allows several occurrences of the person;
 *     each device's person says what the presentity does on that device): the same person id in several
 *     → the newest publication's (an id names one element, as for tuples); ordered by the one status
 *     precedence rule (shared/presence/status-precedence.ts) applied to each publication's own persons
 *     and tuples, the winning publication's first and newest first among equals — so a watcher that reads
 *     only the first person sees the status our summariser derives from them all;
 *   - `dm:device` elements by id, newest wins; the presence-level notes of all publications, newest
 *     first, without repeats;
 *   - every element we do not understand kept where it was (inside tuples and persons as they are; at
 *     the top level by id, or once per identical content): a presence server must not drop a
 *     publisher's data just because it does not know it (PIDF is extended by foreign-namespace elements);
 *   - `entity` = the AOR; every namespace declared once on the root with fresh prefixes (`dm:`, `rpid:`
 *     for the conventional ones); CPIM-PIDF publications are moved into the PIDF namespace; XPIDF
 *     publications are converted through the typed model (serialize.ts);
 *   - no publications → one `closed` tuple, so watchers see offline (a valid, non-empty document).
 *
 * `xml:lang` declared on a publication's root is copied onto the elements taken from it, so notes keep
 * their language in the merged document (XML 1.0 §2.12 inheritance).
 */
import { compareByPrecedence, strongestContribution, type StatusContribution } from '../presence/status-precedence';
import type { PresenceContentType } from './content-type';
import type { PublishedDocument } from './model';
import { NS_CPIM_PIDF, NS_DATA_MODEL, NS_PIDF, NS_XML, PERSON_NAMESPACES } from './namespaces';
import { parsePresenceBody, sourceTreeOf } from './parse';
import { documentToTree, serializePresenceTree } from './serialize';
import { statusContributions } from './summarize';
import { attribute, element, renameNamespace, serializeXml, type XmlElement } from './xml';

export interface ComposeOptions {
  /** Write PIDF (default) or CPIM-PIDF, for a watcher that accepts only `application/cpim-pidf+xml`. */
  readonly contentType?: Exclude<PresenceContentType, 'application/xpidf+xml'>;
}

/** The tuple id of the document that stands for "nobody published": one closed tuple. */
export const CLOSED_TUPLE_ID = 'presently-offline';

export function composePresenceDocuments(entity: string, publications: readonly PublishedDocument[], options: ComposeOptions = {}): string {
  // Oldest first, so later (newer) publications overwrite; equal times keep the caller's order.
  const ordered = [...publications].sort((a, b) => a.receivedAt - b.receivedAt);

  const tuples = new Map<string, XmlElement>();
  const devices = new Map<string, XmlElement>();
  const extensions = new Map<string, XmlElement>();
  const notesByPublication: XmlElement[][] = [];
  const personGroups: PersonGroup[] = [];

  for (const publication of ordered) {
    const root = presenceTreeOf(publication);
    if (root === null) continue;
    const rootLang = attribute(root, 'lang', NS_XML);
    const ownPersons: XmlElement[] = [];
    const ownNotes: XmlElement[] = [];
    let anonymousDevices = 0;
    for (const child of root.children) {
      if (typeof child === 'string') continue;
      const node = inheritLang(child, rootLang);
      if (node.ns === NS_PIDF && node.name === 'tuple') {
        tuples.set(attribute(node, 'id')?.trim() ?? '', node);
      } else if (node.ns === NS_PIDF && node.name === 'note') {
        ownNotes.push(node);
      } else if (node.ns !== null && PERSON_NAMESPACES.has(node.ns) && node.name === 'person') {
        ownPersons.push(node);
      } else if (node.ns === NS_DATA_MODEL && node.name === 'device') {
        devices.set(attribute(node, 'id')?.trim() ?? `#${anonymousDevices++}`, node);
      } else {
        const id = attribute(node, 'id');
        const key = id !== undefined ? `${node.ns ?? ''} ${node.name} #${id}` : canonical(node);
        extensions.delete(key); // re-insert so the newest copy is written in the newest position
        extensions.set(key, node);
      }
    }
    if (ownPersons.length > 0)
      personGroups.push({ persons: ownPersons, lead: strongestContribution(statusContributions(publication.document)) });
    notesByPublication.push(ownNotes);
  }
  const persons = rankedPersons(personGroups);

  const notes: XmlElement[] = [];
  const seenNotes = new Set<string>();
  for (const own of notesByPublication.reverse()) {
    for (const note of own) {
      const key = canonical(note);
      if (seenNotes.has(key)) continue;
      seenNotes.add(key);
      notes.push(note);
    }
  }

  const tupleElements = [...tuples.values()];
  if (publications.length === 0) {
    tupleElements.push(
      element(NS_PIDF, 'tuple', { id: CLOSED_TUPLE_ID }, [element(NS_PIDF, 'status', {}, [element(NS_PIDF, 'basic', {}, ['closed'])])]),
    );
  }
  const composed = element(NS_PIDF, 'presence', { entity }, [
    ...tupleElements,
    ...notes,
    ...persons,
    ...devices.values(),
    ...extensions.values(),
  ]);
  return serializePresenceTree(composed, options);
}

/** One publication's person elements and the contribution that leads its own status (null: none decides). */
interface PersonGroup {
  readonly persons: readonly XmlElement[];
  readonly lead: StatusContribution | null;
}

/**
 * Every publication's persons (groups oldest first), an id taken by a newer publication dropped from
 * older ones, the groups ordered by their leads' precedence and newest first among equals.
 */
function rankedPersons(groupsOldestFirst: readonly PersonGroup[]): XmlElement[] {
  const takenIds = new Set<string>();
  const newestFirst = [...groupsOldestFirst].reverse().map((group) => ({
    lead: group.lead,
    persons: group.persons.filter((person) => {
      const id = attribute(person, 'id')?.trim();
      if (!id) return true;
      if (takenIds.has(id)) return false;
      takenIds.add(id);
      return true;
    }),
  }));
  // A stable sort: equal leads stay newest first.
  newestFirst.sort((a, b) =>
    a.lead === null || b.lead === null ? Number(a.lead === null) - Number(b.lead === null) : compareByPrecedence(a.lead, b.lead),
  );
  return newestFirst.flatMap((group) => group.persons);
}

/** The publication's `<presence>` tree in the PIDF namespace, or null if its body no longer parses. */
function presenceTreeOf(publication: PublishedDocument): XmlElement | null {
  const { document, body } = publication;
  if (document.contentType === 'application/xpidf+xml') return documentToTree(document);
  let tree = sourceTreeOf(document);
  if (tree === undefined) {
    // The document was made elsewhere (or crossed a structured clone): read the body again.
    const reparsed = parsePresenceBody(body, document.contentType, { maxBytes: Number.MAX_SAFE_INTEGER });
    if (!reparsed.ok) return documentToTree(document);
    tree = sourceTreeOf(reparsed.document) ?? documentToTree(reparsed.document);
  }
  // CPIM-PIDF and legacy namespace-less PIDF join the composed document in the PIDF namespace.
  if (tree.ns === NS_CPIM_PIDF) return renameNamespace(tree, NS_CPIM_PIDF, NS_PIDF);
  if (tree.ns === null) return renameNamespace(tree, null, NS_PIDF);
  return tree;
}

/** The element with the root's `xml:lang` made explicit, unless it has its own. */
function inheritLang(node: XmlElement, rootLang: string | undefined): XmlElement {
  if (rootLang === undefined || attribute(node, 'lang', NS_XML) !== undefined) return node;
  return { ...node, attributes: [...node.attributes, { ns: NS_XML, name: 'lang', prefix: 'xml', value: rootLang }] };
}

/** A stable text form of an element, to recognise identical top-level extensions and notes. */
function canonical(node: XmlElement): string {
  return serializeXml(node, { defaultNamespace: null, preferredPrefixes: new Map(), indent: '' });
}
