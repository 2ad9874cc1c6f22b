/**
 * Resource List Meta-Information, `application/rlmi+xml` (RFC 4662 §5): the root part of every list NOTIFY, naming
 * the list, its version, whether it carries full or partial state, and each member resource with its subscription
 * instances. An instance with a `cid` has its state in the `multipart/related` part whose Content-ID is that cid.
 *
 *   <list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:alice-buddies@example.com" version="1" fullState="true">
 *     <resource uri="sip:bob@example.com">
 *       <name>Bob</name>
 *       <instance id="juwigmtboe" state="active" cid="bUZBsM@pres.example.com"/>
 *     </resource>
 *     <resource uri="sip:carol@example.com"><instance id="hqzsuxtfyq" state="pending"/></resource>
 *   </list>
 *
 * RFC 4662 §5.2: `version` increases by one with each notification; with `fullState="false"` only the resources
 * that changed are listed, and a watcher that sees a gap in the versions refreshes the subscription to get full
 * state again. The XML is read by shared/pidf/xml.ts: no DTD, no entity expansion, bounded size and counts.
 */
import { NS_XML } from '../pidf/namespaces';
import { MARKUP_DECLARATION } from '../pidf/parse';
import { attribute, childElements, element, parseXml, printable, serializeXml, stripNonXmlChars, textContent } from '../pidf/xml';
import type { XmlElement } from '../pidf/xml';

/** RFC 4662 §5: the media type of an RLMI document. */
export const RLMI_CONTENT_TYPE = 'application/rlmi+xml';
/** RFC 4662 §5: the namespace of `<list>`. */
export const NS_RLMI = 'urn:ietf:params:xml:ns:rlmi';
/** RFC 4662 §4: the option tag a list subscriber puts in `Supported`. */
export const EVENTLIST_OPTION_TAG = 'eventlist';

/** RFC 4662 §5.2: the state of one back-end subscription. */
export type RlmiInstanceState = 'active' | 'pending' | 'terminated';
const INSTANCE_STATES: readonly RlmiInstanceState[] = ['active', 'pending', 'terminated'];

/** A `<name>` with its optional language. */
export interface RlmiName {
  readonly text: string;
  readonly lang?: string;
}

/** One `<instance>`: a back-end subscription to the resource. */
export interface RlmiInstance {
  readonly id: string;
  readonly state: RlmiInstanceState;
  /** With `terminated`: why (RFC 6665 §4.2.2 reasons such as `rejected`, `noresource`). */
  readonly reason?: string;
  /** The Content-ID (without angle brackets) of the part that carries this instance's state. */
  readonly cid?: string;
}

/** One `<resource>`: a member of the list. */
export interface RlmiResource {
  readonly uri: string;
  readonly names: readonly RlmiName[];
  readonly instances: readonly RlmiInstance[];
}

/** An RLMI document, read or to be written. */
export interface RlmiDocument {
  /** The list's URI (the Request-URI the watcher subscribed to). */
  readonly uri: string;
  readonly version: number;
  readonly isFullState: boolean;
  readonly names: readonly RlmiName[];
  readonly resources: readonly RlmiResource[];
}

/** The result of reading an RLMI body. */
export type RlmiParseResult = { readonly ok: true; readonly document: RlmiDocument } | { readonly ok: false; readonly message: string };

/** How much an RLMI body may hold. */
export interface RlmiLimits {
  /** The most `<resource>` elements (default 10,000: twice the app's buddy limit). */
  readonly maxResources?: number;
  /** The most characters (default 4 MiB). */
  readonly maxChars?: number;
}

const DEFAULT_MAX_RESOURCES = 10_000;
const DEFAULT_MAX_CHARS = 4 * 1024 * 1024;
/** Per resource an RLMI document has about three elements (resource, name, instance) and four attributes. */
const ELEMENTS_PER_RESOURCE = 6;

/** Reads an RLMI body. Never throws; a malformed document gives one sentence saying why. */
export function parseRlmi(body: string, limits: RlmiLimits = {}): RlmiParseResult {
  const maxResources = limits.maxResources ?? DEFAULT_MAX_RESOURCES;
  const maxChars = limits.maxChars ?? DEFAULT_MAX_CHARS;
  if (body.length > maxChars) return fail(`The list document (RLMI) is larger than ${maxChars} characters.`);
  if (MARKUP_DECLARATION.test(body)) return fail('The list document (RLMI) contains a DTD or entity declaration, which is not accepted.');
  const budget = 16 + maxResources * ELEMENTS_PER_RESOURCE;
  const xml = parseXml(body, 'fast', { maxElements: budget, maxAttributes: budget });
  if (!xml.ok) return fail(xml.message);
  const root = xml.root;
  if (root.name !== 'list' || root.ns !== NS_RLMI) return fail(`Root element <${printable(root.name, 30)}> is not <list> in ${NS_RLMI}.`);
  const uri = attribute(root, 'uri');
  const version = wholeNumber(attribute(root, 'version'));
  const fullState = attribute(root, 'fullState');
  // RFC 4662 §5.2: uri, version and fullState are mandatory on <list>.
  if (uri === undefined || uri.trim() === '') return fail('The list document (RLMI) names no list URI.');
  if (version === undefined) return fail('The list document (RLMI) has no valid version.');
  if (fullState !== 'true' && fullState !== 'false' && fullState !== '1' && fullState !== '0') {
    return fail('The list document (RLMI) says neither fullState="true" nor "false".');
  }
  const resourceElements = childElements(root, NS_RLMI, 'resource');
  if (resourceElements.length > maxResources) return fail(`The list document (RLMI) has more than ${maxResources} resources.`);
  const resources: RlmiResource[] = [];
  for (const resource of resourceElements) {
    const read = readResource(resource);
    if (typeof read === 'string') return fail(read);
    resources.push(read);
  }
  return {
    ok: true,
    document: { uri: uri.trim(), version, isFullState: fullState === 'true' || fullState === '1', names: readNames(root), resources },
  };
}

/** Writes an RLMI document (RFC 4662 §5), resources in the given order. */
export function buildRlmi(document: RlmiDocument): string {
  const root = element(
    NS_RLMI,
    'list',
    { uri: clean(document.uri), version: String(Math.max(0, Math.floor(document.version))), fullState: String(document.isFullState) },
    [
      ...document.names.map(nameElement),
      ...document.resources.map((resource) =>
        element(NS_RLMI, 'resource', { uri: clean(resource.uri) }, [
          ...resource.names.map(nameElement),
          ...resource.instances.map((instance) =>
            element(NS_RLMI, 'instance', {
              id: clean(instance.id),
              state: instance.state,
              reason: instance.reason === undefined ? undefined : clean(instance.reason),
              cid: instance.cid === undefined ? undefined : clean(instance.cid),
            }),
          ),
        ]),
      ),
    ],
  );
  return serializeXml(root, { defaultNamespace: NS_RLMI, preferredPrefixes: new Map(), indent: '  ' });
}

function readResource(resource: XmlElement): RlmiResource | string {
  const uri = attribute(resource, 'uri')?.trim();
  if (uri === undefined || uri === '') return 'A resource in the list document (RLMI) has no URI.';
  const instances: RlmiInstance[] = [];
  for (const instance of childElements(resource, NS_RLMI, 'instance')) {
    const id = attribute(instance, 'id');
    const state = attribute(instance, 'state');
    // RFC 4662 §5.2: id and state are mandatory on <instance>.
    if (id === undefined || id === '') return `An instance of ${printable(uri, 40)} in the list document (RLMI) has no id.`;
    if (!isInstanceState(state)) return `An instance of ${printable(uri, 40)} in the list document (RLMI) has no known state.`;
    const reason = attribute(instance, 'reason');
    const cid = attribute(instance, 'cid');
    instances.push({ id, state, ...(reason === undefined ? {} : { reason }), ...(cid === undefined ? {} : { cid: stripAngles(cid) }) });
  }
  return { uri, names: readNames(resource), instances };
}

function readNames(parent: XmlElement): RlmiName[] {
  return childElements(parent, NS_RLMI, 'name').map((name) => {
    const lang = attribute(name, 'lang', NS_XML);
    return { text: textContent(name).trim(), ...(lang === undefined ? {} : { lang }) };
  });
}

function nameElement(name: RlmiName): XmlElement {
  return element(NS_RLMI, 'name', { 'xml:lang': name.lang === undefined ? undefined : clean(name.lang) }, [clean(name.text)]);
}

/** Some servers write the cid as a Content-ID header value, in angle brackets; the attribute is the bare id. */
function stripAngles(cid: string): string {
  const trimmed = cid.trim();
  return trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
}

function isInstanceState(value: string | undefined): value is RlmiInstanceState {
  return (INSTANCE_STATES as readonly (string | undefined)[]).includes(value);
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d{1,15}\s*$/.test(text)) return undefined;
  return Number(text);
}

function clean(text: string): string {
  return stripNonXmlChars(text);
}

function fail(message: string): RlmiParseResult {
  return { ok: false, message };
}
