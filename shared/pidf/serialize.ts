/**
 * Writing a typed PidfDocument back out as PIDF (RFC 3863) with its RFC 4479 / RFC 4480 parts — for a
 * document that came from XPIDF (so it can join a composed PIDF document) or was assembled in code.
 * A document parsed from PIDF carries elements this model does not hold; to keep those, compose from
 * the source tree instead (compose.ts does).
 *
 * Element order follows the schemas: presence (tuple*, note*, extensions: person, device); tuple
 * (status, extensions, contact, note*, timestamp); person and device (extensions, [deviceID], note*,
 * timestamp).
 */
import type { PresenceContentType } from './content-type';
import type { LocalizedNote, PidfDocument, PidfPerson, PidfTuple, PidfDevice } from './model';
import { CONVENTIONAL_PREFIXES, NS_CPIM_PIDF, NS_DATA_MODEL, NS_LINPHONE_ONLINE, NS_LOCATION_TYPE, NS_PIDF, NS_RPID } from './namespaces';
import { element, renameNamespace, serializeXml, stripNonXmlChars, type XmlElement, type XmlNode } from './xml';

export interface SerializeDocumentOptions {
  /** PIDF (default) or the CPIM-era namespace for watchers that accept only `application/cpim-pidf+xml`. */
  readonly contentType?: Exclude<PresenceContentType, 'application/xpidf+xml'>;
}

/** Writes a `<presence>` tree in the PIDF namespace with the conventional prefixes. */
export function serializePresenceTree(root: XmlElement, options: SerializeDocumentOptions = {}): string {
  const cpim = options.contentType === 'application/cpim-pidf+xml';
  const tree = cpim ? renameNamespace(root, NS_PIDF, NS_CPIM_PIDF) : root;
  return serializeXml(tree, {
    defaultNamespace: cpim ? NS_CPIM_PIDF : NS_PIDF,
    preferredPrefixes: CONVENTIONAL_PREFIXES,
    indent: '  ',
  });
}

/** The `<presence>` element tree (PIDF namespace) for a typed document. */
export function documentToTree(document: PidfDocument): XmlElement {
  return element(NS_PIDF, 'presence', { entity: clean(document.entity) }, [
    ...document.tuples.map(tupleToTree),
    ...notesToTree(NS_PIDF, document.notes),
    ...document.persons.map(personToTree),
    ...document.devices.map(deviceToTree),
  ]);
}

function tupleToTree(tuple: PidfTuple): XmlElement {
  const statusChildren: XmlNode[] = [];
  if (tuple.basic !== null) statusChildren.push(element(NS_PIDF, 'basic', {}, [tuple.basic]));
  if (tuple.isOnline) statusChildren.push(element(NS_LINPHONE_ONLINE, 'online'));
  // XPIDF's status words survive as the RPID activities that say the same thing.
  const activities = [...tuple.activities, ...(tuple.xpidf ? xpidfActivities(tuple.xpidf.status, tuple.xpidf.substatus) : [])];
  return element(NS_PIDF, 'tuple', { id: clean(tuple.id) }, [
    element(NS_PIDF, 'status', {}, statusChildren),
    activities.length > 0 ? activitiesToTree(activities) : null,
    tuple.deviceId !== null ? element(NS_DATA_MODEL, 'deviceID', {}, [clean(tuple.deviceId)]) : null,
    tuple.class !== null ? element(NS_RPID, 'class', {}, [clean(tuple.class)]) : null,
    tuple.userInput !== null ? element(NS_RPID, 'user-input', {}, [tuple.userInput]) : null,
    tuple.contact ? element(NS_PIDF, 'contact', { priority: tuple.contact.priority?.toString() }, [clean(tuple.contact.uri)]) : null,
    ...notesToTree(NS_PIDF, tuple.notes),
    tuple.timestamp !== null ? element(NS_PIDF, 'timestamp', {}, [clean(tuple.timestamp)]) : null,
  ]);
}

function personToTree(person: PidfPerson): XmlElement {
  return element(NS_DATA_MODEL, 'person', { id: person.id === '' ? undefined : clean(person.id) }, [
    person.activities.length > 0 ? activitiesToTree(person.activities) : null,
    person.class !== null ? element(NS_RPID, 'class', {}, [clean(person.class)]) : null,
    person.placeType !== null ? element(NS_RPID, 'place-type', {}, [enumerationElement(person.placeType, NS_LOCATION_TYPE)]) : null,
    person.mood.length > 0
      ? element(
          NS_RPID,
          'mood',
          {},
          person.mood.map((m) => enumerationElement(m, NS_RPID)),
        )
      : null,
    person.userInput !== null ? element(NS_RPID, 'user-input', {}, [person.userInput]) : null,
    ...notesToTree(NS_DATA_MODEL, person.notes),
    person.timestamp !== null ? element(NS_DATA_MODEL, 'timestamp', {}, [clean(person.timestamp)]) : null,
  ]);
}

function deviceToTree(device: PidfDevice): XmlElement {
  return element(NS_DATA_MODEL, 'device', { id: device.id === '' ? undefined : clean(device.id) }, [
    device.deviceId !== null ? element(NS_DATA_MODEL, 'deviceID', {}, [clean(device.deviceId)]) : null,
    ...notesToTree(NS_DATA_MODEL, device.notes),
    device.timestamp !== null ? element(NS_DATA_MODEL, 'timestamp', {}, [clean(device.timestamp)]) : null,
  ]);
}

function activitiesToTree(activities: readonly string[]): XmlElement {
  return element(
    NS_RPID,
    'activities',
    {},
    activities.map((a) => enumerationElement(a, NS_RPID)),
  );
}

/** `away` → <rpid:away/>; `other:dnd` → <rpid:other>dnd</rpid:other>; a phrase that is no element name → other. */
function enumerationElement(value: string, ns: string): XmlElement {
  if (value === 'other') return element(NS_RPID, 'other');
  if (value.startsWith('other:')) return element(NS_RPID, 'other', {}, [clean(value.slice('other:'.length))]);
  if (/^[A-Za-z_][\w.-]*$/.test(value)) return element(ns, value);
  return element(NS_RPID, 'other', {}, [clean(value)]);
}

function notesToTree(ns: string, notes: readonly LocalizedNote[]): XmlElement[] {
  return notes.map((note) => element(ns, 'note', { 'xml:lang': note.lang }, [clean(note.text)]));
}

/** What an XPIDF address's status words mean as RPID activities. */
function xpidfActivities(status: string, substatus: string | null): string[] {
  switch (substatus) {
    case 'onthephone':
      return ['on-the-phone'];
    case 'busy':
      return ['busy'];
    case 'away':
    case 'berightback':
    case 'idle':
      return ['away'];
    case 'outtolunch':
      return ['lunch'];
    default:
      break;
  }
  if (status === 'inuse') return ['on-the-phone'];
  if (status === 'inactive') return ['away'];
  return [];
}

function clean(text: string): string {
  return stripNonXmlChars(text);
}
