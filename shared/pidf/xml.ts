/**
 * A small namespace-aware XML layer over fast-xml-parser, just enough for presence documents.
 *
 * fast-xml-parser reports names with their prefixes (`dm:person`) and does not resolve namespaces; this
 * module resolves them per "Namespaces in XML 1.0" §6 (in-scope `xmlns`/`xmlns:p` declarations, the
 * default namespace applies to elements only, `xml:` is always bound) and yields a tree of elements named
 * by (namespace URI, local name). The same tree serialises back with prefixes chosen afresh, so documents
 * from publishers that use different prefixes can be merged (the compositor) without losing anything.
 *
 * Safety (XML 1.0 §4, the "billion laughs" and XXE attacks): the caller has already refused any document
 * with a DTD internal subset or entity declaration; the parser runs with `processEntities: false`, and
 * this module decodes only the five predefined entities and character references itself — any other
 * entity reference is a well-formedness error, never an expansion.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { errorMessage } from '../error-message';
import { NS_XML } from './namespaces';

/** An element named by namespace URI (null: no namespace) and local name. */
export interface XmlElement {
  readonly ns: string | null;
  readonly name: string;
  /** The prefix the sender used (a hint for serialisation), or null for the default namespace. */
  readonly prefix: string | null;
  /** Attributes other than namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  readonly children: readonly XmlNode[];
}

export interface XmlAttribute {
  /** Unprefixed attributes are in no namespace (Namespaces in XML §6.2). */
  readonly ns: string | null;
  readonly name: string;
  readonly prefix: string | null;
  readonly value: string;
}

/** Text (already decoded) or an element. */
export type XmlNode = XmlElement | string;

export type XmlParseResult = { readonly ok: true; readonly root: XmlElement } | { readonly ok: false; readonly message: string };

/** Elements nested deeper than this are refused (presence documents are about 6 levels deep). */
const MAX_DEPTH = 64;
/**
 * The most attribute-like `="`/`='` a document may hold. fast-xml-parser's attribute handling grows
 * faster than linearly (measured: 1,500 attributes 0.7 ms, 5,900 attributes 14 ms), and a presence
 * document has tens; 1,000 leaves room for any real one and keeps a hostile 64 KiB document cheap.
 */
const MAX_ATTRIBUTES = 1_000;
/**
 * The most start tags a document may hold. Reading costs tens of microseconds per element (validation, the parse,
 * namespace resolution), so 284 repeated tuples in one 61 KB PUBLISH held the compositor for 50–350 ms; a
 * presence document has tens of elements, a composed one for a dozen devices a few hundred.
 */
const MAX_ELEMENTS = 1_000;

const TEXT = '#text';
const CDATA = '#cdata';
const ATTRIBUTES = ':@';

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  allowBooleanAttributes: false,
  cdataPropName: CDATA,
  commentPropName: false,
  maxNestedTags: MAX_DEPTH + 1,
  // No callbacks use paths; skipping the per-tag path strings makes parsing about a fifth faster.
  jPath: false,
});

type RawNode = Record<string, unknown>;

class XmlSyntaxError extends Error {}

/**
 * How a document is read: `fast` tries the one-pass reader of the plain form presence documents have (see
 * readPlainDocument) and leaves anything else to fast-xml-parser; `fast-xml-parser` always validates and parses with
 * it (the reference the fast reader is tested against).
 */
export type XmlReader = 'fast' | 'fast-xml-parser';

/**
 * Count limits a caller may raise for documents that list many resources (an RLMI document or a resource list with
 * thousands of members). Presence documents keep the defaults.
 */
export interface XmlLimits {
  /** The most start tags (default 1,000). */
  readonly maxElements?: number;
  /** The most attribute values (default 1,000). */
  readonly maxAttributes?: number;
}

/**
 * Parses a whole document (the caller has refused DTDs). Never throws: malformed input, an undeclared
 * prefix or entity, or several root elements give `{ ok: false, message }` with one readable sentence.
 */
export function parseXml(source: string, reader: XmlReader = 'fast', limits: XmlLimits = {}): XmlParseResult {
  // XML 1.0 §2.11: line ends are normalised to LF before anything else (bodies arrive with CRLF).
  const text = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  const maxAttributes = limits.maxAttributes ?? MAX_ATTRIBUTES;
  const maxElements = limits.maxElements ?? MAX_ELEMENTS;
  if (countAttributeValues(text) > maxAttributes) return { ok: false, message: `Malformed XML: more than ${maxAttributes} attributes.` };
  if (countStartTags(text) > maxElements) return { ok: false, message: `Malformed XML: more than ${maxElements} elements.` };
  if (reader === 'fast') {
    const plain = readPlainDocument(text);
    if (plain !== null) {
      try {
        return { ok: true, root: toElement(plain, DEFAULT_SCOPE, 0) };
      } catch {
        // A namespace error: the complete reader below finds it too and words it the same way.
      }
    }
  }
  const validation = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (validation !== true) return { ok: false, message: describeValidationError(validation.err) };
  let raw: unknown;
  try {
    raw = parser.parse(text);
  } catch (error) {
    return { ok: false, message: `Malformed XML: ${printable(errorMessage(error))}` };
  }
  try {
    const roots = (Array.isArray(raw) ? (raw as RawNode[]) : []).filter((node) => !isTextNode(node));
    if (roots.length !== 1 || roots[0] === undefined) {
      return { ok: false, message: roots.length === 0 ? 'Malformed XML: no root element.' : 'Malformed XML: more than one root element.' };
    }
    return { ok: true, root: toElement(roots[0], DEFAULT_SCOPE, 0) };
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { ok: false, message: error.message };
    return { ok: false, message: `Malformed XML: ${printable(errorMessage(error))}` };
  }
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const GT = 62;
const SLASH = 47;
const EQUALS = 61;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
/** A name of ASCII letters, digits, `_`, `.` and `-`, with at most one prefix (XML 1.0 §2.3 Name, Namespaces §3 QName). */
const PLAIN_NAME = /[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/y;
/** The XML declaration (XML 1.0 §2.8 XMLDecl) with the usual pseudo-attributes. */
const XML_DECLARATION =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]+\1(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])[A-Za-z][\w.-]*\2)?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\3)?[ \t\n]*\?>/y;
/** Characters the fast reader leaves to the complete one wherever they occur: other controls, and `<`/`>` out of place. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNUSUAL_TEXT = /[\u0000-\u0008\u000B-\u001F>]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNUSUAL_VALUE = /[\u0000-\u0008\u000B-\u001F<>]/;

const isSpace = (code: number) => code === SPACE || code === TAB || code === LF;
/** fast-xml-parser refuses or renames names of JavaScript's object properties (`__proto__`, `toString`, …): left to it. */
const isObjectPropertyName = (name: string) => name in Object.prototype || name === 'prototype';

/**
 * Reads, in one pass, a document of the plain form every presence document we have seen has — an optional XML
 * declaration, one root element, ASCII names, quoted attribute values, text, nothing else — into the nodes
 * fast-xml-parser would give. Null for anything outside that form (comments, CDATA, processing instructions, a DTD,
 * an unusual character, an error of any kind): the complete reader then decides, so every answer, and every error's
 * wording, is the one it gives. Replaces validating, parsing and walking three times with one scan of the text.
 */
function readPlainDocument(text: string): RawNode | null {
  let at = 0;
  XML_DECLARATION.lastIndex = 0;
  if (XML_DECLARATION.test(text)) at = XML_DECLARATION.lastIndex;
  const open: { qname: string; children: RawNode[] }[] = [];
  let root: RawNode | null = null;
  while (at < text.length) {
    const lt = text.indexOf('<', at);
    const textEnd = lt === -1 ? text.length : lt;
    if (textEnd > at) {
      const chars = text.slice(at, textEnd);
      const parent = open[open.length - 1];
      if (parent === undefined) {
        if (chars.trim() !== '') return null;
      } else {
        if (UNUSUAL_TEXT.test(chars)) return null;
        parent.children.push({ [TEXT]: chars });
      }
    }
    if (lt === -1) break;
    at = lt + 1;
    if (text.charCodeAt(at) === SLASH) {
      // An end tag: exactly the open element's name, then `>`.
      const parent = open.pop();
      if (parent === undefined || !text.startsWith(parent.qname, at + 1)) return null;
      at += 1 + parent.qname.length;
      if (text.charCodeAt(at) !== GT) return null;
      at += 1;
      continue;
    }
    // A start tag (a comment, CDATA section or processing instruction does not start with a name).
    PLAIN_NAME.lastIndex = at;
    const nameMatch = PLAIN_NAME.exec(text);
    const parent = open[open.length - 1];
    if (nameMatch === null || (parent === undefined && root !== null) || isObjectPropertyName(nameMatch[0])) return null;
    const qname = nameMatch[0];
    at = PLAIN_NAME.lastIndex;
    let attributes: Record<string, string> | undefined;
    for (;;) {
      const before = at;
      while (isSpace(text.charCodeAt(at))) at++;
      const code = text.charCodeAt(at);
      if (code === GT || code === SLASH) break;
      // Attributes are separated from the name and from each other by white space (XML 1.0 §3.1).
      if (at === before) return null;
      PLAIN_NAME.lastIndex = at;
      const attrMatch = PLAIN_NAME.exec(text);
      if (attrMatch === null || isObjectPropertyName(attrMatch[0])) return null;
      at = PLAIN_NAME.lastIndex;
      while (isSpace(text.charCodeAt(at))) at++;
      if (text.charCodeAt(at) !== EQUALS) return null;
      at++;
      while (isSpace(text.charCodeAt(at))) at++;
      const quote = text.charCodeAt(at);
      if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return null;
      const close = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", at + 1);
      if (close === -1) return null;
      const value = text.slice(at + 1, close);
      if (UNUSUAL_VALUE.test(value)) return null;
      attributes ??= Object.create(null) as Record<string, string>;
      if (attrMatch[0] in attributes) return null;
      attributes[attrMatch[0]] = value;
      at = close + 1;
    }
    const selfClosing = text.charCodeAt(at) === SLASH;
    if (selfClosing && text.charCodeAt(++at) !== GT) return null;
    at++;
    const children: RawNode[] = [];
    const node: RawNode = attributes === undefined ? { [qname]: children } : { [qname]: children, [ATTRIBUTES]: attributes };
    if (parent === undefined) root = node;
    else parent.children.push(node);
    if (!selfClosing) {
      if (open.length >= MAX_DEPTH) return null;
      open.push({ qname, children });
    }
  }
  return open.length === 0 ? root : null;
}

/** How often `="` or `='` occurs (an upper bound of the attributes), by one scan. */
function countAttributeValues(text: string): number {
  let count = 0;
  for (let at = text.indexOf('='); at !== -1; at = text.indexOf('=', at + 1)) {
    const next = text.charCodeAt(at + 1);
    if (next === 34 /* " */ || next === 39 /* ' */) count++;
  }
  return count;
}

/** An upper bound of the elements: `<` followed by a name's first character (not `</`, `<!`, `<?`), by one scan. */
function countStartTags(text: string): number {
  let count = 0;
  for (let at = text.indexOf('<'); at !== -1; at = text.indexOf('<', at + 1)) {
    const next = text.charCodeAt(at + 1);
    if (next !== 47 /* / */ && next !== 33 /* ! */ && next !== 63 /* ? */) count++;
  }
  return count;
}

/** One readable sentence for a fast-xml-parser validation error. */
function describeValidationError(err: { code: string; msg: string; line: number; col?: number }): string {
  // A document cut short is reported with the list of still-open elements as JSON; say it plainly.
  const unclosed = /^Invalid '\[([\s\S]*)\]' found\.$/.exec(err.msg);
  if (unclosed?.[1] !== undefined) {
    const names = unclosed[1].split(',').map((n) => n.trim().replace(/^"|"$/g, ''));
    return `Malformed XML: the document ends before <${printable(names[names.length - 1] ?? '', 30)}> is closed.`;
  }
  if (err.msg === 'Start tag expected.') return 'Malformed XML: no root element.';
  const where = err.col === undefined ? `line ${err.line}` : `line ${err.line}, column ${err.col}`;
  return `Malformed XML at ${where}: ${printable(err.msg)}`;
}

/** In-scope prefix bindings; '' is the default namespace. */
type Scope = ReadonlyMap<string, string | null>;
const DEFAULT_SCOPE: Scope = new Map<string, string | null>([
  ['xml', NS_XML],
  ['', null],
]);

function isTextNode(node: RawNode): boolean {
  return TEXT in node && Object.keys(node).length === 1;
}

function toElement(raw: RawNode, parentScope: Scope, depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw new XmlSyntaxError(`Malformed XML: elements nested deeper than ${MAX_DEPTH} levels.`);
  let qname: string | undefined;
  for (const key of Object.keys(raw)) {
    if (key !== ATTRIBUTES) {
      qname = key;
      break;
    }
  }
  if (qname === undefined) throw new XmlSyntaxError('Malformed XML: an element without a name.');
  const rawAttributes = (raw[ATTRIBUTES] ?? {}) as Record<string, unknown>;

  // Namespace declarations first: they apply to the element's own name and attributes.
  let scope = parentScope;
  const plain: [string, string][] = [];
  for (const [attrName, attrValue] of Object.entries(rawAttributes)) {
    // XML 1.0 §3.3.3: literal tabs and line ends in an attribute value read as spaces (references stay).
    const value = decodeText(String(attrValue).replace(/[\t\n\r]/g, ' '));
    if (attrName === 'xmlns' || attrName.startsWith('xmlns:')) {
      const prefix = attrName === 'xmlns' ? '' : attrName.slice(6);
      if (prefix === 'xmlns' || (prefix === 'xml' && value !== NS_XML)) {
        throw new XmlSyntaxError(`Malformed XML: the reserved prefix "${printable(prefix)}" is redeclared.`);
      }
      if (prefix !== '' && value === '') {
        throw new XmlSyntaxError(`Malformed XML: the prefix "${printable(prefix)}" is bound to an empty namespace.`);
      }
      if (scope === parentScope) scope = new Map(parentScope);
      (scope as Map<string, string | null>).set(prefix, value === '' ? null : value);
    } else {
      plain.push([attrName, value]);
    }
  }

  const [prefix, name] = splitQName(qname);
  const ns = resolve(scope, prefix ?? '', qname);
  const attributes: XmlAttribute[] = [];
  const seen = plain.length > 1 ? new Set<string>() : null;
  for (const [attrName, value] of plain) {
    const [attrPrefix, localName] = splitQName(attrName);
    const attrNs = attrPrefix === null ? null : resolve(scope, attrPrefix, attrName);
    if (seen !== null) {
      // Namespaces §6.3: two prefixes bound to one namespace still make the same attribute.
      const key = `${attrNs ?? ''} ${localName}`;
      if (seen.has(key)) throw new XmlSyntaxError(`Malformed XML: the attribute "${printable(attrName)}" appears twice.`);
      seen.add(key);
    }
    attributes.push({ ns: attrNs, name: localName, prefix: attrPrefix, value });
  }

  const children: XmlNode[] = [];
  const rawChildren = raw[qname];
  if (Array.isArray(rawChildren)) {
    for (const child of rawChildren as RawNode[]) {
      if (TEXT in child && Object.keys(child).length === 1) {
        appendText(children, decodeText(String(child[TEXT])));
      } else if (CDATA in child) {
        // CDATA content is literal: no entity decoding.
        const parts = child[CDATA];
        if (Array.isArray(parts)) for (const part of parts as RawNode[]) appendText(children, String(part[TEXT] ?? ''));
      } else {
        children.push(toElement(child, scope, depth + 1));
      }
    }
  }
  return { ns, name, prefix, attributes, children };
}

function appendText(children: XmlNode[], text: string): void {
  if (text === '') return;
  const last = children[children.length - 1];
  if (typeof last === 'string') children[children.length - 1] = last + text;
  else children.push(text);
}

function splitQName(qname: string): [string | null, string] {
  const colon = qname.indexOf(':');
  if (colon === -1) return [null, qname];
  if (colon === 0 || colon === qname.length - 1 || qname.indexOf(':', colon + 1) !== -1) {
    throw new XmlSyntaxError(`Malformed XML: "${printable(qname)}" is not a valid qualified name.`);
  }
  return [qname.slice(0, colon), qname.slice(colon + 1)];
}

function resolve(scope: Scope, prefix: string, qname: string): string | null {
  if (!scope.has(prefix)) {
    throw new XmlSyntaxError(`Malformed XML: the namespace prefix "${printable(prefix)}" of "${printable(qname)}" is not declared.`);
  }
  return scope.get(prefix) ?? null;
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_][\w.-]*);|&/g;

/**
 * Decodes the five predefined entities and character references (XML 1.0 §4.1, §4.6). Any other
 * reference is refused: with no DTD there is nothing it could legally refer to.
 */
function decodeText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (match: string, body: string | undefined) => {
    if (body === undefined) throw new XmlSyntaxError('Malformed XML: a bare "&" (write &amp;).');
    if (body.startsWith('#')) {
      const code = body[1] === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!isXmlChar(code))
        throw new XmlSyntaxError(`Malformed XML: the character reference "${printable(match)}" is not an XML character.`);
      return String.fromCodePoint(code);
    }
    const replacement = PREDEFINED[body];
    if (replacement === undefined) throw new XmlSyntaxError(`Malformed XML: the entity "${printable(match)}" is not declared.`);
    return replacement;
  });
}

/** XML 1.0 §2.2 Char. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML_CHARS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Removes what XML 1.0 cannot carry, so user text never makes our documents malformed. */
export function stripNonXmlChars(text: string): string {
  return text.replace(NOT_XML_CHARS, '');
}

/** Escapes character data (XML 1.0 §2.4). `>` too, so `]]>` never appears. */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Escapes an attribute value for double quotes; whitespace other than space as references (§3.3.3). */
export function escapeAttribute(text: string): string {
  return text.replace(/[&<>"\t\n\r]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** Keeps messages that quote the input one printable ASCII line of bounded length (they become SIP reason phrases). */
export function printable(text: string, max = 60): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}

// ─── Tree helpers ────────────────────────────────────────────────────────────────────────────────

/** A namespace to match: one URI, null for "no namespace", or a set of URIs. */
export type NamespaceMatch = string | null | ReadonlySet<string>;

/** Child elements, optionally only those with the given namespace and local name (undefined: any). */
export function childElements(parent: XmlElement, ns?: NamespaceMatch, name?: string): XmlElement[] {
  const result: XmlElement[] = [];
  for (const child of parent.children) {
    if (typeof child === 'string') continue;
    if (name !== undefined && child.name !== name) continue;
    if (ns !== undefined && !nsMatches(child.ns, ns)) continue;
    result.push(child);
  }
  return result;
}

export function firstChild(parent: XmlElement, ns: NamespaceMatch, name: string): XmlElement | undefined {
  for (const child of parent.children) {
    if (typeof child !== 'string' && child.name === name && nsMatches(child.ns, ns)) return child;
  }
  return undefined;
}

/** Descendants (not the element itself) matching namespace and name, down to `maxDepth` levels. */
export function findDescendants(parent: XmlElement, ns: NamespaceMatch, name: string, maxDepth: number): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (element: XmlElement, depth: number): void => {
    for (const child of element.children) {
      if (typeof child === 'string') continue;
      if (child.name === name && nsMatches(child.ns, ns)) found.push(child);
      else if (depth < maxDepth) walk(child, depth + 1);
    }
  };
  walk(parent, 1);
  return found;
}

function nsMatches(actual: string | null, wanted: NamespaceMatch): boolean {
  if (wanted === null || typeof wanted === 'string') return actual === wanted;
  return actual !== null && wanted.has(actual);
}

/** The element's text content (all descendant text, in order). */
export function textContent(element: XmlElement): string {
  let text = '';
  for (const child of element.children) text += typeof child === 'string' ? child : textContent(child);
  return text;
}

/** An attribute in no namespace (or the given one), or undefined. */
export function attribute(element: XmlElement, name: string, ns: string | null = null): string | undefined {
  for (const a of element.attributes) if (a.name === name && a.ns === ns) return a.value;
  return undefined;
}

/** Builds an element (for documents we write). */
export function element(
  ns: string | null,
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: readonly (XmlNode | null | undefined)[] = [],
): XmlElement {
  const attrs: XmlAttribute[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (key === 'xml:lang') attrs.push({ ns: NS_XML, name: 'lang', prefix: 'xml', value });
    else attrs.push({ ns: null, name: key, prefix: null, value });
  }
  return { ns, name, prefix: null, attributes: attrs, children: children.filter((c): c is XmlNode => c != null) };
}

/** The same tree with every element in namespace `from` moved to `to` (cpim-pidf ↔ pidf). */
export function renameNamespace(node: XmlElement, from: string | null, to: string): XmlElement {
  const children = node.children.map((child) => (typeof child === 'string' ? child : renameNamespace(child, from, to)));
  return { ...node, ns: node.ns === from ? to : node.ns, children };
}

// ─── Serialisation ───────────────────────────────────────────────────────────────────────────────

export interface SerializeOptions {
  /** The namespace written as the default (unprefixed) one, normally PIDF's. */
  readonly defaultNamespace: string | null;
  /** Preferred prefixes by namespace (the conventional `dm`, `rpid`, …). */
  readonly preferredPrefixes: ReadonlyMap<string, string>;
  /** Indentation per level; '' writes everything on one line. */
  readonly indent?: string;
}

/**
 * Writes `root` as a complete document with every namespace declared once, on the root element.
 * Prefixes: the default namespace unprefixed; a preferred prefix where given; else the sender's own
 * prefix if it is still free; else `ns1`, `ns2`, …. Elements in no namespace inside a default namespace
 * get `xmlns=""` (this happens only for foreign content).
 */
export function serializeXml(root: XmlElement, options: SerializeOptions): string {
  const prefixes = assignPrefixes(root, options);
  const declarations: string[] = [];
  if (options.defaultNamespace !== null) declarations.push(` xmlns="${escapeAttribute(options.defaultNamespace)}"`);
  for (const [ns, prefix] of prefixes.attributes) declarations.push(` xmlns:${prefix}="${escapeAttribute(ns)}"`);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  writeElement(root, out, prefixes, options, 0, declarations.join(''), options.defaultNamespace);
  if (options.indent !== '') out.push('\n');
  return out.join('');
}

interface Prefixes {
  /** Element prefixes by namespace; '' for the default namespace. */
  readonly elements: Map<string, string>;
  /** Attribute prefixes by namespace: never '' (an unprefixed attribute is in no namespace). */
  readonly attributes: Map<string, string>;
}

function assignPrefixes(root: XmlElement, options: SerializeOptions): Prefixes {
  const used = new Map<string, string>(); // ns → prefix
  const taken = new Set<string>(['xml', 'xmlns']);
  const wanted = new Map<string, string | null>(); // ns → sender's prefix
  let defaultNamespaceAttributePrefix: string | null | undefined; // sender's prefix, if any attribute needs one
  const collect = (node: XmlElement): void => {
    if (node.ns !== null && node.ns !== options.defaultNamespace && !wanted.has(node.ns)) wanted.set(node.ns, node.prefix);
    for (const a of node.attributes) {
      if (a.ns === null || a.ns === NS_XML) continue;
      if (a.ns === options.defaultNamespace) defaultNamespaceAttributePrefix ??= a.prefix;
      else if (!wanted.has(a.ns)) wanted.set(a.ns, a.prefix);
    }
    for (const child of node.children) if (typeof child !== 'string') collect(child);
  };
  collect(root);
  // Preferred prefixes first, so a sender's odd use of `dm` for something else cannot displace ours.
  for (const ns of wanted.keys()) {
    const preferred = options.preferredPrefixes.get(ns);
    if (preferred !== undefined && !taken.has(preferred)) {
      used.set(ns, preferred);
      taken.add(preferred);
    }
  }
  let counter = 1;
  const pick = (senderPrefix: string | null): string => {
    let prefix =
      senderPrefix !== null && isNcName(senderPrefix) && !taken.has(senderPrefix) && !/^xml/i.test(senderPrefix) ? senderPrefix : null;
    while (prefix === null || taken.has(prefix)) prefix = `ns${counter++}`;
    taken.add(prefix);
    return prefix;
  };
  for (const [ns, senderPrefix] of wanted) if (!used.has(ns)) used.set(ns, pick(senderPrefix));
  const attributes = new Map(used);
  if (options.defaultNamespace !== null) {
    used.set(options.defaultNamespace, '');
    if (defaultNamespaceAttributePrefix !== undefined) attributes.set(options.defaultNamespace, pick(defaultNamespaceAttributePrefix));
  }
  return { elements: used, attributes };
}

function isNcName(text: string): boolean {
  return /^[A-Za-z_][\w.-]*$/.test(text);
}

function qualified(ns: string | null, name: string, prefixes: ReadonlyMap<string, string>): string {
  // Callers pass Prefixes.elements for element names and Prefixes.attributes for attribute names.
  if (ns === null) return name;
  if (ns === NS_XML) return `xml:${name}`;
  const prefix = prefixes.get(ns);
  return prefix ? `${prefix}:${name}` : name;
}

function writeElement(
  node: XmlElement,
  out: string[],
  prefixes: Prefixes,
  options: SerializeOptions,
  depth: number,
  declarations: string,
  inScopeDefault: string | null,
): void {
  const pad = options.indent === '' ? '' : (options.indent ?? '  ').repeat(depth);
  const tag = qualified(node.ns, node.name, prefixes.elements);
  out.push(pad, '<', tag, declarations);
  let childDefault = inScopeDefault;
  if (node.ns === null && inScopeDefault !== null) {
    out.push(' xmlns=""');
    childDefault = null;
  } else if (node.ns !== null && node.ns === options.defaultNamespace && inScopeDefault !== node.ns) {
    // Back in the default namespace below an element that reset it.
    out.push(` xmlns="${escapeAttribute(node.ns)}"`);
    childDefault = node.ns;
  }
  for (const a of node.attributes) {
    const attrName = a.ns === null ? a.name : qualified(a.ns, a.name, prefixes.attributes);
    out.push(' ', attrName, '="', escapeAttribute(a.value), '"');
  }
  if (node.children.length === 0) {
    out.push('/>');
    return;
  }
  const hasElements = node.children.some((c) => typeof c !== 'string');
  const onlyWhitespaceText = node.children.every((c) => typeof c !== 'string' || c.trim() === '');
  out.push('>');
  if (hasElements && onlyWhitespaceText && options.indent !== '') {
    // Pretty-print element-only content; the original whitespace between elements carries no meaning.
    for (const child of node.children) {
      if (typeof child === 'string') continue;
      out.push('\n');
      writeElement(child, out, prefixes, options, depth + 1, '', childDefault);
    }
    out.push('\n', pad);
  } else {
    // Mixed or text content is written exactly as it was.
    for (const child of node.children) {
      if (typeof child === 'string') out.push(escapeText(child));
      else writeElement(child, out, prefixes, { ...options, indent: '' }, 0, '', childDefault);
    }
  }
  out.push('</', tag, '>');
}
