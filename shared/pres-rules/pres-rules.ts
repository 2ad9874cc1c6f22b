/**
 * Presence authorisation rules, `application/auth-policy+xml`: the subset of RFC 5025 (pres-rules) on RFC 4745
 * (common policy) that says who may subscribe — the `<sub-handling>` action (RFC 5025 §3.2.1) per watcher.
 *
 * The model is one handling per listed watcher plus a default for everyone else. `buildPresRules` writes it so that
 * every watcher matches exactly one rule (one `<one id>` rule per listed watcher; the default as `<many>` with an
 * `<except id>` for each of them), so RFC 4745 §10's "highest value wins" combination and a server that takes the
 * first matching rule (Kamailio's presence_xml) decide alike.
 *
 * `parsePresRules` evaluates any document that uses identity conditions only (`<one id>`, `<many>` with `<except
 * id>`, or no conditions at all) by RFC 4745 §10: for each listed watcher and for "anyone else" it combines the
 * sub-handling of every matching rule, highest value (block 0 < confirm 10 < polite-block 20 < allow 30) winning.
 * When no rule matches, the handling is `confirm`, as Kamailio does (RFC 4745 §10.2 leaves nothing allowed; asking
 * the owner is the cautious reading). What the model cannot say — domain conditions, spheres, validity periods,
 * conditions in unknown namespaces — is refused with a reason rather than half applied. Transformations are
 * ignored: an allowed watcher sees the whole composed document.
 *
 * The XML is read by shared/pidf/xml.ts: no DTD or entity declaration, no entity expansion.
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
  textContent,
  type XmlElement,
} from '../pidf/xml';

/** RFC 4745 §13.2 (and RFC 5025 §9.1): the media type of a rules document. */
export const PRES_RULES_CONTENT_TYPE = 'application/auth-policy+xml';
/** RFC 4745 §14.1: the common-policy namespace (`<ruleset>`, `<rule>`, `<conditions>`, `<identity>`). */
export const NS_COMMON_POLICY = 'urn:ietf:params:xml:ns:common-policy';
/** RFC 5025 §11.1: the pres-rules namespace (`<sub-handling>`). */
export const NS_PRES_RULES = 'urn:ietf:params:xml:ns:pres-rules';
/** RFC 5025 §9.1: the XCAP application usage of pres-rules documents. */
export const PRES_RULES_AUID = 'pres-rules';

/** RFC 5025 §3.2.1: what the server does with a watcher's subscription. */
export type SubHandling = 'block' | 'confirm' | 'polite-block' | 'allow';

/** A watcher's handling by AOR URI (e.g. 'sip:bob@example.com'), and the handling of everyone not listed. */
export interface PresRules {
  readonly defaultHandling: SubHandling;
  readonly byWatcher: ReadonlyMap<string, SubHandling>;
}

/** RFC 5025 §3.2.1: the values by which matching rules combine (highest wins). */
const HANDLING_VALUE: Readonly<Record<SubHandling, number>> = { block: 0, confirm: 10, 'polite-block': 20, allow: 30 };
/** When no rule matches (see the module comment). */
const NO_RULE_HANDLING: SubHandling = 'confirm';
/** Rules documents larger than this are refused: a rule per watcher of a large team fits. */
const MAX_PRES_RULES_CHARS = 256 * 1024;

/** A rule as evaluated: who it matches and the sub-handling it gives (null: none). */
interface ReadRule {
  /** Null: the rule has no identity condition and matches everyone. */
  readonly ones: ReadonlySet<string> | null;
  /** Whether a `<many>` matches everyone but the excepted. */
  readonly many: { readonly except: ReadonlySet<string> } | null;
  readonly handling: SubHandling | null;
}

/** Reads a rules document into the model. Never throws. */
export function parsePresRules(xml: string): { ok: true; rules: PresRules } | { ok: false; reason: string } {
  if (xml.length > MAX_PRES_RULES_CHARS) return fail(`The rules document is larger than ${MAX_PRES_RULES_CHARS} characters.`);
  if (MARKUP_DECLARATION.test(xml)) return fail('The rules document contains a DTD or entity declaration, which is not accepted.');
  const parsed = parseXml(xml);
  if (!parsed.ok) return fail(parsed.message);
  const root = parsed.root;
  if (root.name !== 'ruleset' || root.ns !== NS_COMMON_POLICY) {
    return fail(`Root element <${printable(root.name, 30)}> is not <ruleset> in ${NS_COMMON_POLICY}.`);
  }
  const rules: ReadRule[] = [];
  const ruleIds = new Set<string>();
  for (const child of childElements(root)) {
    if (child.ns !== NS_COMMON_POLICY || child.name !== 'rule') return fail(`<${printable(child.name, 30)}> is not a rule.`);
    const id = attribute(child, 'id');
    // RFC 4745 §6: every rule has an id, unique in the ruleset.
    if (id === undefined || id.length === 0) return fail('A rule has no id.');
    if (ruleIds.has(id)) return fail(`Two rules have the id "${printable(id, 30)}".`);
    ruleIds.add(id);
    const rule = readRule(child, id);
    if (typeof rule === 'string') return fail(rule);
    rules.push(rule);
  }
  const listed = new Set<string>();
  for (const rule of rules) {
    for (const uri of rule.ones ?? []) listed.add(uri);
    for (const uri of rule.many?.except ?? []) listed.add(uri);
  }
  const combine = (matches: (rule: ReadRule) => boolean): SubHandling => {
    let best: SubHandling | null = null;
    for (const rule of rules) {
      if (rule.handling === null || !matches(rule)) continue;
      if (best === null || HANDLING_VALUE[rule.handling] > HANDLING_VALUE[best]) best = rule.handling;
    }
    return best ?? NO_RULE_HANDLING;
  };
  const matchesUnlisted = (rule: ReadRule): boolean => rule.ones === null || rule.many !== null;
  const defaultHandling = combine(matchesUnlisted);
  const byWatcher = new Map<string, SubHandling>();
  for (const uri of listed) {
    const handling = combine((rule) => rule.ones === null || rule.ones.has(uri) || (rule.many !== null && !rule.many.except.has(uri)));
    byWatcher.set(uri, handling);
  }
  return { ok: true, rules: { defaultHandling, byWatcher } };
}

/** Writes the rules as a pres-rules document (see the module comment for its shape). */
export function buildPresRules(rules: PresRules): string {
  const ruleElements: XmlElement[] = [];
  let index = 0;
  for (const [uri, handling] of rules.byWatcher) {
    ruleElements.push(ruleElement(`w${index++}`, [element(NS_COMMON_POLICY, 'one', { id: uri })], handling));
  }
  const excepts = [...rules.byWatcher.keys()].map((uri) => element(NS_COMMON_POLICY, 'except', { id: uri }));
  ruleElements.push(ruleElement('default', [element(NS_COMMON_POLICY, 'many', {}, excepts)], rules.defaultHandling));
  return serializeXml(element(NS_COMMON_POLICY, 'ruleset', {}, ruleElements), {
    defaultNamespace: null,
    preferredPrefixes: new Map([
      [NS_COMMON_POLICY, 'cp'],
      [NS_PRES_RULES, 'pr'],
    ]),
    indent: '  ',
  });
}

/** The handling for one watcher (the explicit entry, else the default). */
export function handlingFor(rules: PresRules, watcherUri: string): SubHandling {
  const exact = rules.byWatcher.get(watcherUri);
  if (exact !== undefined) return exact;
  // Scheme and host are case-insensitive (RFC 3261 §19.1.4); the user part is not.
  const wanted = normalizedUri(watcherUri);
  for (const [uri, handling] of rules.byWatcher) if (normalizedUri(uri) === wanted) return handling;
  return rules.defaultHandling;
}

/** The same rules with one watcher's handling set (or removed, with null: back to the default). */
export function withWatcherHandling(rules: PresRules, watcherUri: string, handling: SubHandling | null): PresRules {
  const byWatcher = new Map(rules.byWatcher);
  for (const uri of byWatcher.keys()) if (normalizedUri(uri) === normalizedUri(watcherUri)) byWatcher.delete(uri);
  if (handling !== null) byWatcher.set(watcherUri, handling);
  return { defaultHandling: rules.defaultHandling, byWatcher };
}

function ruleElement(id: string, identity: XmlElement[], handling: SubHandling): XmlElement {
  return element(NS_COMMON_POLICY, 'rule', { id }, [
    element(NS_COMMON_POLICY, 'conditions', {}, [element(NS_COMMON_POLICY, 'identity', {}, identity)]),
    element(NS_COMMON_POLICY, 'actions', {}, [element(NS_PRES_RULES, 'sub-handling', {}, [handling])]),
    element(NS_COMMON_POLICY, 'transformations'),
  ]);
}

function readRule(rule: XmlElement, id: string): ReadRule | string {
  const where = `Rule "${printable(id, 30)}"`;
  const conditions = firstChild(rule, NS_COMMON_POLICY, 'conditions');
  let ones: Set<string> | null = null;
  let many: { except: Set<string> } | null = null;
  for (const condition of conditions === undefined ? [] : childElements(conditions)) {
    if (condition.ns !== NS_COMMON_POLICY || condition.name !== 'identity') {
      return `${where} has a <${printable(condition.name, 30)}> condition; only identity conditions are supported.`;
    }
    // RFC 4745 §7.1: an identity condition matches when any of its <one> or <many> children matches.
    ones ??= new Set();
    for (const entry of childElements(condition)) {
      if (entry.ns === NS_COMMON_POLICY && entry.name === 'one') {
        const uri = attribute(entry, 'id')?.trim();
        if (uri === undefined || uri.length === 0) return `${where} has a <one> without an id.`;
        ones.add(uri);
      } else if (entry.ns === NS_COMMON_POLICY && entry.name === 'many') {
        if (attribute(entry, 'domain') !== undefined)
          return `${where} matches a whole domain; only rules for single watchers and for everyone are supported.`;
        many ??= { except: new Set() };
        for (const except of childElements(entry)) {
          if (except.ns !== NS_COMMON_POLICY || except.name !== 'except')
            return `${where} has <${printable(except.name, 30)}> inside <many>.`;
          const uri = attribute(except, 'id')?.trim();
          if (uri === undefined || uri.length === 0) return `${where} excepts a domain; only single watchers can be excepted.`;
          many.except.add(uri);
        }
      } else {
        return `${where} has <${printable(entry.name, 30)}> in its identity; only <one> and <many> are supported.`;
      }
    }
  }
  if (many !== null && ones !== null && ones.size > 0) {
    // <one> and <many> in one rule: everyone but the excepted, plus the ones (which may be among the excepted).
    for (const uri of ones) many.except.delete(uri);
  }
  const actions = firstChild(rule, NS_COMMON_POLICY, 'actions');
  const subHandling = actions === undefined ? undefined : firstChild(actions, NS_PRES_RULES, 'sub-handling');
  let handling: SubHandling | null = null;
  if (subHandling !== undefined) {
    const value = textContent(subHandling).trim();
    if (!Object.hasOwn(HANDLING_VALUE, value))
      return `${where} has the sub-handling "${printable(value, 30)}"; it must be block, confirm, polite-block or allow.`;
    handling = value as SubHandling;
  }
  return { ones: conditions === undefined ? null : ones, many, handling };
}

function normalizedUri(uri: string): string {
  const at = uri.lastIndexOf('@');
  const colon = uri.indexOf(':');
  if (at < 0) return uri.toLowerCase();
  return `${uri.slice(0, colon + 1).toLowerCase()}${uri.slice(colon + 1, at)}${uri.slice(at).toLowerCase()}`;
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
