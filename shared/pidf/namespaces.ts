/**
 * XML namespace URIs of the presence formats we read and write. Documents are matched by these URIs,
 * never by prefix: a sender may bind any prefix (or the default namespace) to any of them.
 */

/** RFC 3863: the PIDF namespace, `application/pidf+xml`. */
export const NS_PIDF = 'urn:ietf:params:xml:ns:pidf';
/** The CPIM-era PIDF namespace (draft-ietf-impp-cpim-pidf), `application/cpim-pidf+xml`; same schema. */
export const NS_CPIM_PIDF = 'urn:ietf:params:xml:ns:cpim-pidf';
/** RFC 4479: the presence data model (`dm:person`, `dm:device`, `dm:deviceID`, `dm:note`). */
export const NS_DATA_MODEL = 'urn:ietf:params:xml:ns:pidf:data-model';
/** RFC 4480: Rich Presence Information Data (`rpid:activities`, `rpid:class`, `rpid:mood`, …). */
export const NS_RPID = 'urn:ietf:params:xml:ns:pidf:rpid';
/** RFC 4482: Contact Information (CIPID: `c:card`, `c:display-name`, `c:homepage`, `c:icon`, …). */
const NS_CIPID = 'urn:ietf:params:xml:ns:pidf:cipid';
/** RFC 5196: user agent capabilities (`caps:servcaps`). */
const NS_CAPS = 'urn:ietf:params:xml:ns:pidf:caps';
/** RFC 4589: location types, used inside `rpid:place-type`. */
export const NS_LOCATION_TYPE = 'urn:ietf:params:xml:ns:location-type';
/** Linphone's extension: `<pidfonline:online/>` inside a tuple's status while the app runs. */
export const NS_LINPHONE_ONLINE = 'http://www.linphone.org/xsds/pidfonline.xsd';
/**
 * The RPID drafts' namespaces before RFC 4480, still sent by Asterisk's chan_sip (and FreeSWITCH's
 * copy of it for eyeBeam): `pp:person`, `ep:activities` (rpid-person) and `es:` (rpid-status).
 */
const NS_LEGACY_PERSON = 'urn:ietf:params:xml:ns:pidf:person';
const NS_LEGACY_RPID_PERSON = 'urn:ietf:params:xml:ns:pidf:rpid:rpid-person';
const NS_LEGACY_RPID_STATUS = 'urn:ietf:params:xml:ns:pidf:rpid:status:rpid-status';
/**
 * The CPIM-era instant-messaging status: `<im:im>busy</im:im>` beside `<basic>` in a tuple's `<status>`
 * (draft-ietf-impp-cpim-pidf; RFC 3863 §6's example keeps it). Drafts bound it under the cpim-pidf URN too.
 */
const NS_PIDF_IM = 'urn:ietf:params:xml:ns:pidf:im';
const NS_CPIM_PIDF_IM = 'urn:ietf:params:xml:ns:cpim-pidf:im';
/** The `xml:` prefix's namespace (for `xml:lang`); always bound, never declared. */
export const NS_XML = 'http://www.w3.org/XML/1998/namespace';

/** Namespaces whose `activities`, `class`, `mood`, … elements we read as RPID. */
export const RPID_NAMESPACES: ReadonlySet<string> = new Set([NS_RPID, NS_LEGACY_RPID_PERSON, NS_LEGACY_RPID_STATUS]);

/** Namespaces whose `im` element inside `<status>` we read as the CPIM-era instant-messaging status. */
export const IM_STATUS_NAMESPACES: ReadonlySet<string> = new Set([NS_PIDF_IM, NS_CPIM_PIDF_IM]);

/** Namespaces whose `person` element we read as a person (RFC 4479, and the RPID draft's `pp:person`). */
export const PERSON_NAMESPACES: ReadonlySet<string> = new Set([NS_DATA_MODEL, NS_LEGACY_PERSON]);

/**
 * The prefixes we write for well-known namespaces. FreeSWITCH matches the literal `dm:` and `rpid:`
 * prefixes instead of namespaces, so our documents always use these.
 */
export const CONVENTIONAL_PREFIXES: ReadonlyMap<string, string> = new Map([
  [NS_DATA_MODEL, 'dm'],
  [NS_RPID, 'rpid'],
  [NS_CIPID, 'c'],
  [NS_CAPS, 'caps'],
  [NS_LOCATION_TYPE, 'lt'],
  [NS_LINPHONE_ONLINE, 'pidfonline'],
]);
