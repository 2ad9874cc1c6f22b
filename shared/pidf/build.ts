/**
 * Building our own published presence document (RFC 3863 PIDF + RFC 4479 person + RFC 4480 RPID),
 * the body of every PUBLISH Presently sends (RFC 3903 §4; PIDF is the presence package's mandatory format, RFC 3856).
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <presence xmlns="urn:ietf:params:xml:ns:pidf"
 *       xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"
 *       xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:alice@example.com">
 *     <tuple id="t1">
 *       <status><basic>open</basic></status>
 *       <contact>sip:alice@192.0.2.1:5060</contact>
 *       <note>Back at 3</note>
 *       <timestamp>2024-05-01T10:00:00.000Z</timestamp>
 *     </tuple>
 *     <dm:person id="pt1">
 *       <rpid:activities><rpid:away/></rpid:activities>
 *       <rpid:class>manual</rpid:class>
 *       <dm:note>Back at 3</dm:note>
 *       <dm:timestamp>2024-05-01T10:00:00.000Z</dm:timestamp>
 *     </dm:person>
 *   </presence>
 *
 * Interop choices (docs/interop.md §6): `entity` is the AOR (Flexisip answers 400 otherwise); the literal
 * `dm:` and `rpid:` prefixes (FreeSWITCH matches prefixes, not namespaces); the note in both the tuple
 * (for PIDF-only watchers) and the person (for RPID-aware ones); element order as the schemas require
 * (RFC 3863 §4.1.2: status, extensions, contact, note, timestamp; RFC 4479 person: extensions, note,
 * timestamp).
 *
 * One device, one publication (RFC 3903 §6 composes them): the tuple is the device's service and says
 * whether it is reachable (`basic`) and the device's own note; the RPID activities belong to the person
 * (RFC 4480 §3 defines activities for the person, not for tuples), so each publication carries its own person
 * element tied to its tuple by id — `p` + the tuple id (devicePersonId), unique per device — and a
 * reader that keeps every person (RFC 4479 §3 allows several) knows which device said what. The person
 * is marked `<rpid:class>manual</rpid:class>` (MANUAL_CLASS): RFC 4480 §3 leaves class names to the
 * presentity, to label its elements for the presence agent's processing (RFC 4480's own example names
 * a person's source `calendar`), and every status Presently publishes is one the user picked, so the
 * precedence rule (shared/presence/status-precedence.ts) lets it win over automatic ones. `user-input`
 * would not do: it reports recent keyboard or call use, which idle timers and phones set by themselves.
 * The tuple carries no `class`: watchers show a tuple's class as the device's name. The one exception is
 * a status the app set by itself (`isManual: false`: the automatic Away of shared/presence/auto-status.ts),
 * published without the class so that it does not win over a status the user picked on another device.
 *
 * A timed status ("busy for an hour") carries its end as the activities' `until` attribute (RFC 4480
 * §3.1, an xs:dateTime), so watchers can show "Busy until 15:00". `available` has no activities element
 * to carry it, so its end is not published.
 *
 * Status mapping (what each ChosenStatus publishes):
 *
 *   available       basic open,   no activity
 *   away            basic open,   rpid:away
 *   busy            basic open,   rpid:busy
 *   do-not-disturb  basic open,   rpid:busy + <rpid:other>dnd</rpid:other>   (Linphone's DND; servers
 *                                                                              that know only busy show busy)
 *   on-the-phone    basic open,   rpid:on-the-phone
 *   in-a-meeting    basic open,   rpid:meeting
 *   appear-offline  basic closed, no activity   (watchers see offline; the publication stays alive)
 *
 * Appear offline publishes nothing personal: no note, no contact and no device (neither its id nor its
 * name), so the document says no more than a closed tuple (RFC 3863 §4.1.4). Watchers cannot tell it
 * from a device that is off, and the note comes back with the next status that is not appear-offline.
 */
import { MAX_NOTE_LENGTH, type ChosenStatus } from '../presence/presence-status';
import { escapeAttribute, escapeText, stripNonXmlChars } from './xml';
import { NS_DATA_MODEL, NS_PIDF, NS_RPID } from './namespaces';

export interface BuildPidfInput {
  /** Our AOR, e.g. `sip:alice@example.com`. */
  readonly entity: string;
  /** The tuple id: stable per device, so the compositor replaces our old tuple instead of adding one. */
  readonly tupleId: string;
  readonly status: ChosenStatus;
  /** Free text; cut to MAX_NOTE_LENGTH characters. Omitted when empty. */
  readonly note?: string;
  /** The contact URI watchers may use to reach this device. */
  readonly contact?: string;
  readonly timestamp: Date;
  /**
   * The note's language (`xml:lang`, RFC 3863 §4.1.6), e.g. `en` or `de-CH`, written on the tuple's and the person's note.
   * The device name is not tagged: it is the app's wording, not the user's note.
   */
  readonly lang?: string;
  /**
   * The device this tuple is published from (RFC 4479 §3.3): its `deviceID` URN, e.g. `urn:uuid:…`,
   * and a name a watcher can show ("Desk phone"). Emitted as the tuple's `<dm:deviceID>` and a
   * `<dm:device>` carrying the name as its note; watchers' buddy lists label the device with it.
   */
  readonly device?: { readonly id: string; readonly label: string };
  /** False for a status the app set by itself (automatic Away): the person then carries no manual class. Default true. */
  readonly isManual?: boolean;
  /** When a timed status ends, published as the activities' `until` (RFC 4480 §3.1). */
  readonly until?: Date;
}

/** The RFC 4480 `class` of a person whose status the user chose by hand. */
export const MANUAL_CLASS = 'manual';

/** The id of the person element tied to tuple `tupleId` (unique in the document, as RFC 4479's ids must be). */
export function devicePersonId(tupleId: string): string {
  return `p${tupleId}`;
}

/** What each status publishes: `basic` and the RPID activities (element names; `other:x` → <rpid:other>x</rpid:other>). */
export const PUBLISHED_STATUS: Readonly<
  Record<ChosenStatus, { readonly basic: 'open' | 'closed'; readonly activities: readonly string[] }>
> = {
  available: { basic: 'open', activities: [] },
  away: { basic: 'open', activities: ['away'] },
  busy: { basic: 'open', activities: ['busy'] },
  'do-not-disturb': { basic: 'open', activities: ['busy', 'other:dnd'] },
  'on-the-phone': { basic: 'open', activities: ['on-the-phone'] },
  'in-a-meeting': { basic: 'open', activities: ['meeting'] },
  'appear-offline': { basic: 'closed', activities: [] },
};

/**
 * The note as we publish it: characters XML cannot carry removed, line breaks normalised, surrounding
 * whitespace trimmed, cut to MAX_NOTE_LENGTH characters (code points, so no emoji is split in half).
 */
export function normalizeNote(note: string | undefined): string {
  if (note === undefined) return '';
  const clean = stripNonXmlChars(note).replace(/\r\n?/g, '\n').trim();
  const chars = Array.from(clean);
  return chars.length <= MAX_NOTE_LENGTH ? clean : chars.slice(0, MAX_NOTE_LENGTH).join('').trimEnd();
}

/**
 * Our PUBLISH body. Throws a TypeError only for a programming error: a timestamp that is not a valid
 * date, or an empty entity or tuple id.
 */
export function buildPidf(input: BuildPidfInput): string {
  if (!(input.timestamp instanceof Date) || Number.isNaN(input.timestamp.getTime())) {
    throw new TypeError('buildPidf: timestamp must be a valid Date.');
  }
  if (input.until !== undefined && (!(input.until instanceof Date) || Number.isNaN(input.until.getTime()))) {
    throw new TypeError('buildPidf: until must be a valid Date.');
  }
  if (input.entity.trim() === '' || input.tupleId.trim() === '') {
    throw new TypeError('buildPidf: entity and tupleId must not be empty.');
  }
  const published = PUBLISHED_STATUS[input.status];
  const isHidden = input.status === 'appear-offline';
  const note = isHidden ? '' : normalizeNote(input.note);
  const timestamp = input.timestamp.toISOString();
  const lang = input.lang?.trim() ? ` xml:lang="${escapeAttribute(input.lang.trim())}"` : '';
  const contact = isHidden ? undefined : input.contact?.trim();
  const personId = devicePersonId(input.tupleId);

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<presence xmlns="${NS_PIDF}" xmlns:dm="${NS_DATA_MODEL}" xmlns:rpid="${NS_RPID}" entity="${escapeAttribute(stripNonXmlChars(input.entity))}">\n`,
    `  <tuple id="${escapeAttribute(stripNonXmlChars(input.tupleId))}">\n`,
    `    <status>\n      <basic>${published.basic}</basic>\n    </status>\n`,
  ];
  const deviceId = !isHidden && input.device?.id.trim() ? escapeText(stripNonXmlChars(input.device.id.trim())) : '';
  // RFC 4479's schema puts deviceID after status and before contact (an extension element of the tuple).
  if (deviceId) out.push(`    <dm:deviceID>${deviceId}</dm:deviceID>\n`);
  if (contact) out.push(`    <contact>${escapeText(stripNonXmlChars(contact))}</contact>\n`);
  if (note !== '') out.push(`    <note${lang}>${escapeText(note)}</note>\n`);
  out.push(`    <timestamp>${timestamp}</timestamp>\n`, '  </tuple>\n');

  out.push(`  <dm:person id="${escapeAttribute(stripNonXmlChars(personId))}">\n`);
  if (published.activities.length > 0) {
    const until = input.until === undefined ? '' : ` until="${input.until.toISOString()}"`;
    out.push(`    <rpid:activities${until}>\n`);
    for (const activity of published.activities) {
      out.push(
        activity.startsWith('other:')
          ? `      <rpid:other>${escapeText(activity.slice('other:'.length))}</rpid:other>\n`
          : `      <rpid:${activity}/>\n`,
      );
    }
    out.push('    </rpid:activities>\n');
  }
  if (input.isManual !== false) out.push(`    <rpid:class>${MANUAL_CLASS}</rpid:class>\n`);
  if (note !== '') out.push(`    <dm:note${lang}>${escapeText(note)}</dm:note>\n`);
  out.push(`    <dm:timestamp>${timestamp}</dm:timestamp>\n`, '  </dm:person>\n');
  if (deviceId) {
    const label = normalizeNote(input.device?.label);
    out.push(
      `  <dm:device id="${escapeAttribute(stripNonXmlChars(`d${input.tupleId}`))}">\n`,
      `    <dm:deviceID>${deviceId}</dm:deviceID>\n`,
      label === '' ? '' : `    <dm:note>${escapeText(label)}</dm:note>\n`,
      `    <dm:timestamp>${timestamp}</dm:timestamp>\n`,
      '  </dm:device>\n',
    );
  }
  out.push('</presence>\n');
  return out.join('');
}
