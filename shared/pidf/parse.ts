/**
 * Reading presence bodies: RFC 3863 PIDF (`application/pidf+xml`), its CPIM-era twin
 * (`application/cpim-pidf+xml`) and the pre-standard XPIDF (`application/xpidf+xml`), with the
 * RFC 4479 data model, RFC 4480 RPID, the RPID drafts' namespaces and Linphone's `pidfonline`.
 *
 * The steps, each of which can refuse the body with a typed error (never a throw):
 *
 *   content type ──► size ──► DTD check ──► XML well-formedness ──► root element ──► PIDF rules
 *   unsupported-type  too-large  forbidden-dtd   malformed-xml         not-presence     invalid
 *
 * Elements are matched by namespace URI and local name, never by prefix. Unknown elements are ignored
 * here (PIDF is extended with foreign-namespace elements a reader may not know); the compositor keeps
 * them (compose.ts).
 *
 * Security: no DTD is ever processed. A DOCTYPE or any markup declaration is refused before the parser
 * sees the body — the one exception is XPIDF's customary `<!DOCTYPE presence PUBLIC "…" "xpidf.dtd">`,
 * which has no internal subset, is never fetched, and is blanked out before parsing. Entity references
 * other than the five predefined ones are refused (xml.ts).
 */
import { ACCEPTED_PRESENCE_TYPES, parsePresenceContentType, type PresenceContentType } from './content-type';
import { errorMessage } from '../error-message';
import type {
  LocalizedNote,
  ParsePresenceResult,
  PidfContact,
  PidfDevice,
  PidfDocument,
  PidfError,
  PidfPerson,
  PidfTuple,
  XpidfStatus,
} from './model';
import {
  IM_STATUS_NAMESPACES,
  NS_CPIM_PIDF,
  NS_DATA_MODEL,
  NS_LINPHONE_ONLINE,
  NS_PIDF,
  NS_XML,
  PERSON_NAMESPACES,
  RPID_NAMESPACES,
} from './namespaces';
import { attribute, childElements, findDescendants, firstChild, parseXml, printable, textContent, type XmlElement } from './xml';

/** RFC 3903 leaves the limit to the server; presence documents are a few hundred bytes to a few KiB. */
export const DEFAULT_MAX_PRESENCE_BYTES = 64 * 1024;

export interface ParsePresenceOptions {
  /** Bodies larger than this many UTF-8 bytes are refused (`too-large`). Default 64 KiB. */
  readonly maxBytes?: number;
}

/** The markup declarations of a DTD (XML 1.0 §2.8, §4.2); matched case-insensitively to be safe. */
export const MARKUP_DECLARATION = /<!(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
/** XPIDF's external-only DOCTYPE: name `presence`, a public/system identifier, no internal subset. */
const XPIDF_DOCTYPE =
  /<!DOCTYPE\s+presence(?:\s+PUBLIC\s+(?:"[^"<>[\]]*"|'[^'<>[\]]*')\s+(?:"[^"<>[\]]*"|'[^'<>[\]]*')|\s+SYSTEM\s+(?:"[^"<>[\]]*"|'[^'<>[\]]*'))?\s*>/;

/**
 * Parses a presence body into the typed model. Never throws.
 *
 * The `contentType` header value must name one of ACCEPTED_PRESENCE_TYPES (parameters and case do not
 * matter); the document's format is then decided by its root element, so a PIDF body labelled
 * `application/cpim-pidf+xml` (or the reverse) is still read — `document.contentType` says what it was.
 */
export function parsePresenceBody(body: string, contentType: string, options: ParsePresenceOptions = {}): ParsePresenceResult {
  try {
    return parseUnsafe(body, contentType, options);
  } catch (error) {
    // Defence in depth: every known failure is a typed error already; anything else is still not a throw.
    const detail = errorMessage(error);
    return fail('malformed-xml', `Presence body could not be read: ${printable(detail)}`);
  }
}

function parseUnsafe(body: string, contentType: string, options: ParsePresenceOptions): ParsePresenceResult {
  const declared = parsePresenceContentType(contentType);
  if (declared === null) {
    return fail(
      'unsupported-type',
      `Content type "${printable(String(contentType))}" is not a presence format (${ACCEPTED_PRESENCE_TYPES.join(', ')}).`,
    );
  }
  if (typeof body !== 'string') return fail('invalid', 'Presence body is not text.');

  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PRESENCE_BYTES;
  const bytes = utf8Length(body, maxBytes);
  if (bytes > maxBytes) return fail('too-large', `Presence body exceeds the limit of ${maxBytes} bytes.`);

  let text = body;
  let hadXpidfDoctype = false;
  if (MARKUP_DECLARATION.test(text)) {
    const doctype = XPIDF_DOCTYPE.exec(text);
    const rest = doctype === null ? text : text.slice(0, doctype.index) + text.slice(doctype.index + doctype[0].length);
    if (doctype === null || MARKUP_DECLARATION.test(rest)) return forbiddenDtd();
    // Blank it out rather than cut it, so line and column numbers in later messages stay true.
    text = text.slice(0, doctype.index) + ' '.repeat(doctype[0].length) + text.slice(doctype.index + doctype[0].length);
    hadXpidfDoctype = true;
  }

  const xml = parseXml(text);
  if (!xml.ok) return fail('malformed-xml', xml.message);
  const root = xml.root;

  // XPIDF arrives as application/xpidf+xml, and from Asterisk also labelled application/cpim-pidf+xml.
  const isXpidf =
    root.name === 'presence' && root.ns === null && (declared === 'application/xpidf+xml' || xpidfChildren(root, 'presentity').length > 0);
  // The external-only DOCTYPE is tolerated on XPIDF alone, where it is customary.
  if (hadXpidfDoctype && !isXpidf) return forbiddenDtd();
  if (isXpidf) return readXpidf(root);
  if (root.name === 'presence' && (root.ns === NS_PIDF || root.ns === NS_CPIM_PIDF)) {
    return readPidf(root, root.ns === NS_PIDF ? 'application/pidf+xml' : 'application/cpim-pidf+xml');
  }
  // Some old clients (WengoPhone, early SIP Express Router scripts) send PIDF with no namespace at
  // all. A <presence entity> holding <tuple>s is unmistakable, so it is read as PIDF.
  if (
    root.name === 'presence' &&
    root.ns === null &&
    attribute(root, 'entity') !== undefined &&
    childElements(root, null, 'tuple').length > 0
  ) {
    return readPidf(root, declared === 'application/cpim-pidf+xml' ? 'application/cpim-pidf+xml' : 'application/pidf+xml');
  }
  const where = root.ns === null ? 'no namespace' : `namespace ${printable(root.ns)}`;
  return fail('not-presence', `Root element <${printable(root.name, 30)}> in ${where} is not a presence document.`);
}

function forbiddenDtd(): ParsePresenceResult {
  return fail('forbidden-dtd', 'Presence body contains a DTD or entity declaration, which is not accepted.');
}

function fail(code: PidfError['code'], message: string): ParsePresenceResult {
  return { ok: false, error: { code, message } };
}

/** UTF-8 length of `text`, counting no further than just past `limit`. */
function utf8Length(text: string, limit: number): number {
  if (text.length > limit) return text.length; // every UTF-16 unit is at least one byte
  if (text.length * 3 <= limit) return text.length; // every UTF-16 unit is at most three bytes
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a surrogate pair is four bytes
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// ─── PIDF (RFC 3863 §4) ──────────────────────────────────────────────────────────────────────────

class InvalidDocument extends Error {}

function readPidf(root: XmlElement, contentType: PresenceContentType): ParsePresenceResult {
  /** The namespace of <tuple>, <status>, <note>…: the root's (PIDF, CPIM-PIDF, or none for legacy senders). */
  const base = root.ns;
  const format = contentType === 'application/pidf+xml' ? 'PIDF' : 'CPIM-PIDF';
  const entity = attribute(root, 'entity')?.trim();
  if (!entity) return fail('invalid', `${format} presence without entity.`);
  const rootLang = langOf(root, undefined);

  try {
    const tuples: PidfTuple[] = [];
    const ids = new Set<string>();
    for (const tupleElement of childElements(root, base, 'tuple')) {
      const tuple = readTuple(tupleElement, base, format, rootLang);
      if (ids.has(tuple.id)) throw new InvalidDocument(`${format} tuple id "${printable(tuple.id, 40)}" appears twice.`);
      ids.add(tuple.id);
      tuples.push(tuple);
    }
    const persons = childElements(root, PERSON_NAMESPACES, 'person').map((p) => readPerson(p, base, rootLang));
    const devices = childElements(root, NS_DATA_MODEL, 'device').map((d) => readDevice(d, rootLang));
    const notes = readNotes(childElements(root, base, 'note'), rootLang);
    const document: PidfDocument = { entity, contentType, tuples, persons, devices, notes };
    rememberTree(document, root);
    return { ok: true, document };
  } catch (error) {
    if (error instanceof InvalidDocument) return fail('invalid', error.message);
    throw error;
  }
}

function readTuple(tuple: XmlElement, base: string | null, format: string, parentLang: string | undefined): PidfTuple {
  const id = attribute(tuple, 'id')?.trim();
  if (!id) throw new InvalidDocument(`${format} tuple without id.`);
  const lang = langOf(tuple, parentLang);
  const status = firstChild(tuple, base, 'status');
  const contactElement = firstChild(tuple, base, 'contact');
  const timestamp = firstChild(tuple, base, 'timestamp');
  const deviceId = firstChild(tuple, NS_DATA_MODEL, 'deviceID');
  // Notes belong in the tuple (RFC 3863 §4.1.6); some servers (e.g. ComSIPL) put them in <status>.
  const notes = readNotes(childElements(tuple, base, 'note'), lang);
  if (status) notes.push(...readNotes(childElements(status, base, 'note'), langOf(status, lang)));
  const imStatus = status ? textOrNull(firstChild(status, IM_STATUS_NAMESPACES, 'im')) : null;
  const rpidClass = firstChild(tuple, RPID_NAMESPACES, 'class');
  const userInput = findDescendants(tuple, RPID_NAMESPACES, 'user-input', 2)[0];
  return {
    id,
    basic: status ? readBasic(firstChild(status, base, 'basic')) : null,
    contact: contactElement ? readContact(contactElement) : null,
    notes,
    timestamp: textOrNull(timestamp),
    deviceId: textOrNull(deviceId),
    isOnline: status !== undefined && firstChild(status, NS_LINPHONE_ONLINE, 'online') !== undefined,
    imStatus: imStatus?.toLowerCase() ?? null,
    activities: findDescendants(tuple, RPID_NAMESPACES, 'activities', 3).flatMap(readActivities),
    class: textOrNull(rpidClass),
    userInput: readUserInput(userInput),
    xpidf: null,
  };
}

function readBasic(basic: XmlElement | undefined): PidfTuple['basic'] {
  if (!basic) return null;
  const value = textContent(basic).trim().toLowerCase();
  return value === 'open' || value === 'closed' ? value : null;
}

function readContact(contact: XmlElement): PidfContact | null {
  const uri = textContent(contact).trim();
  if (uri === '') return null;
  const priority = readPriority(attribute(contact, 'priority'));
  return priority === undefined ? { uri } : { uri, priority };
}

/** RFC 3863 §4.1.5: a decimal from 0 to 1 with at most three decimals; we accept any number in range. */
function readPriority(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const priority = Number(value.trim());
  return Number.isFinite(priority) && priority >= 0 && priority <= 1 ? priority : undefined;
}

function readPerson(person: XmlElement, base: string | null, parentLang: string | undefined): PidfPerson {
  const lang = langOf(person, parentLang);
  const activityElements = findDescendants(person, RPID_NAMESPACES, 'activities', 3);
  const notes = readNotes(childElements(person, NS_DATA_MODEL, 'note'), lang);
  // RFC 4480 lets <activities> carry its own notes; the RPID drafts' person had PIDF notes, and older
  // clients write <rpid:note> straight under the person, where RFC 4480 has none.
  for (const activities of activityElements)
    notes.push(...readNotes(childElements(activities, RPID_NAMESPACES, 'note'), langOf(activities, lang)));
  notes.push(...readNotes(childElements(person, base, 'note'), lang));
  notes.push(...readNotes(childElements(person, RPID_NAMESPACES, 'note'), lang));
  const mood = firstChild(person, RPID_NAMESPACES, 'mood');
  const placeType = firstChild(person, RPID_NAMESPACES, 'place-type');
  const until = activityElements.map((a) => attribute(a, 'until')?.trim()).find((value) => value !== undefined && value !== '');
  return {
    id: attribute(person, 'id')?.trim() ?? '',
    activities: activityElements.flatMap(readActivities),
    ...(until === undefined ? {} : { until }),
    notes,
    timestamp: textOrNull(firstChild(person, NS_DATA_MODEL, 'timestamp')),
    class: textOrNull(firstChild(person, RPID_NAMESPACES, 'class')),
    placeType: placeType ? (readEnumeration(placeType)[0] ?? null) : null,
    mood: mood ? readEnumeration(mood) : [],
    userInput: readUserInput(findDescendants(person, RPID_NAMESPACES, 'user-input', 2)[0]),
  };
}

function readDevice(device: XmlElement, parentLang: string | undefined): PidfDevice {
  return {
    id: attribute(device, 'id')?.trim() ?? '',
    deviceId: textOrNull(firstChild(device, NS_DATA_MODEL, 'deviceID')),
    notes: readNotes(childElements(device, NS_DATA_MODEL, 'note'), langOf(device, parentLang)),
    timestamp: textOrNull(firstChild(device, NS_DATA_MODEL, 'timestamp')),
  };
}

/**
 * RFC 4480 activities: one element per activity; `<other>` keeps its text (`other:dnd`). The
 * RPID drafts' text form `<activity>busy</activity>` is read too.
 */
function readActivities(activities: XmlElement): string[] {
  const result: string[] = [];
  for (const child of childElements(activities)) {
    if (child.name === 'note' && child.ns !== null && RPID_NAMESPACES.has(child.ns)) continue;
    if (child.name === 'activity') {
      const text = textContent(child).trim();
      if (text !== '') result.push(text);
      continue;
    }
    result.push(enumerationValue(child));
  }
  return result;
}

/** Enumerations like `<mood>` and `<place-type>`: element names, `other` with its text; notes skipped. */
function readEnumeration(parent: XmlElement): string[] {
  return childElements(parent)
    .filter((child) => child.name !== 'note')
    .map(enumerationValue);
}

function enumerationValue(child: XmlElement): string {
  if (child.name !== 'other') return child.name;
  const text = textContent(child).trim();
  return text === '' ? 'other' : `other:${text}`;
}

function readUserInput(element: XmlElement | undefined): 'active' | 'idle' | null {
  if (!element) return null;
  const value = textContent(element).trim().toLowerCase();
  return value === 'active' || value === 'idle' ? value : null;
}

function readNotes(elements: readonly XmlElement[], parentLang: string | undefined): LocalizedNote[] {
  const notes: LocalizedNote[] = [];
  for (const element of elements) {
    const text = textContent(element).trim();
    if (text === '') continue;
    const lang = langOf(element, parentLang);
    notes.push(lang === undefined ? { text } : { text, lang });
  }
  return notes;
}

/** `xml:lang` is inherited (XML 1.0 §2.12); '' means "no language". */
function langOf(element: XmlElement, inherited: string | undefined): string | undefined {
  const own = attribute(element, 'lang', NS_XML);
  if (own === undefined) return inherited;
  const trimmed = own.trim();
  return trimmed === '' ? undefined : trimmed;
}

function textOrNull(element: XmlElement | undefined): string | null {
  if (!element) return null;
  const text = textContent(element).trim();
  return text === '' ? null : text;
}

// ─── XPIDF ───────────────────────────────────────────────────────────────────────────────────────

/** XPIDF elements are in no namespace (childElements without a namespace would match any). */
function xpidfChildren(parent: XmlElement, name: string): XmlElement[] {
  return childElements(parent).filter((child) => child.ns === null && child.name === name);
}

/**
 * XPIDF (draft-rosenberg-impp-pidf-00 as deployed by Microsoft, Cisco, Polycom and Asterisk):
 *
 *   <presence>
 *     <presentity uri="sip:bob@example.com;method=SUBSCRIBE"/>
 *     <atom id="1000">
 *       <address uri="sip:bob@192.0.2.4;user=ip" priority="0.8">
 *         <status status="open|closed|inuse|inactive"/>
 *         <msnsubstatus substatus="online|busy|berightback|away|onthephone|outtolunch|idle|offline"/>
 *       </address>
 *     </atom>
 *   </presence>
 *
 * Each `<address>` becomes a tuple (id = the atom's id, suffixed when an atom has several addresses).
 */
function readXpidf(root: XmlElement): ParsePresenceResult {
  const presentity = xpidfChildren(root, 'presentity')[0];
  const uri = presentity ? attribute(presentity, 'uri')?.trim() : undefined;
  if (!uri) return fail('invalid', 'XPIDF presence without presentity URI.');
  const entity = stripUriParameters(uri);
  const tuples: PidfTuple[] = [];
  xpidfChildren(root, 'atom').forEach((atom, atomIndex) => {
    // Asterisk writes `id`; pjsip's own XPIDF writes `atomid`.
    const atomId = attribute(atom, 'id')?.trim() || attribute(atom, 'atomid')?.trim() || `atom-${atomIndex + 1}`;
    const addresses = xpidfChildren(atom, 'address');
    addresses.forEach((address, addressIndex) => {
      const status = xpidfChildren(address, 'status')[0];
      const substatus = xpidfChildren(address, 'msnsubstatus')[0];
      const statusWord = (status ? attribute(status, 'status') : undefined)?.trim().toLowerCase() ?? '';
      const substatusWord = (substatus ? attribute(substatus, 'substatus') : undefined)?.trim().toLowerCase() || null;
      const xpidf: XpidfStatus = { status: statusWord, substatus: substatusWord };
      const addressUri = attribute(address, 'uri')?.trim();
      const priority = readPriority(attribute(address, 'priority'));
      const contact: PidfContact | null = addressUri
        ? priority === undefined
          ? { uri: addressUri }
          : { uri: addressUri, priority }
        : null;
      tuples.push({
        id: addresses.length === 1 ? atomId : `${atomId}-${addressIndex + 1}`,
        basic: statusWord === 'closed' ? 'closed' : statusWord === '' ? null : 'open',
        contact,
        notes: [
          ...readNotes(xpidfChildren(address, 'note'), undefined),
          ...(status ? readNotes(xpidfChildren(status, 'note'), undefined) : []),
        ],
        timestamp: null,
        deviceId: null,
        isOnline: false,
        imStatus: null,
        activities: [],
        class: null,
        userInput: null,
        xpidf,
      });
    });
  });
  // Document-level notes: <note> under <presence>, or under a presence-level <status> (FreeSWITCH).
  const notes = readNotes(xpidfChildren(root, 'note'), undefined);
  for (const status of xpidfChildren(root, 'status')) notes.push(...readNotes(xpidfChildren(status, 'note'), undefined));
  const document: PidfDocument = {
    entity,
    contentType: 'application/xpidf+xml',
    tuples,
    persons: [],
    devices: [],
    notes,
  };
  return { ok: true, document };
}

/** `sip:1000@host;method=SUBSCRIBE` → `sip:1000@host` (Asterisk decorates the presentity URI). */
function stripUriParameters(uri: string): string {
  const semicolon = uri.indexOf(';');
  return semicolon === -1 ? uri : uri.slice(0, semicolon);
}

// ─── The parsed tree, kept for the compositor ────────────────────────────────────────────────────

/**
 * The element tree each parsed PIDF document came from, so the compositor can carry elements we do
 * not model (extensions) into the composed document without parsing the body again. It hangs off the
 * document under a non-enumerable symbol: invisible to JSON, structured clone (IPC), spreading and
 * equality checks, so PidfDocument stays plain data, and it goes when the document goes. (A WeakMap
 * did the same but cost more than the parse itself in garbage-collector time.)
 */
const SOURCE_TREE: unique symbol = Symbol('presently.pidf.sourceTree');

function rememberTree(document: PidfDocument, root: XmlElement): void {
  Object.defineProperty(document, SOURCE_TREE, { value: root, enumerable: false, writable: false, configurable: false });
}

/** The `<presence>` element `document` was read from, if this module parsed it (and it was PIDF). */
export function sourceTreeOf(document: PidfDocument): XmlElement | undefined {
  return (document as { [SOURCE_TREE]?: XmlElement })[SOURCE_TREE];
}
