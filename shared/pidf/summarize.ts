/**
 * Reducing a presence document to what the buddy list shows (PresenceSummary): one status, one note,
 * the activities found, and one line per device (tuple).
 *
 * RFC 3863 §4.1.4 gives only `basic` open/closed; RFC 4479 §3.2 says the person, not the services,
 * carries what the presentity is doing; RFC 4480 names the activities. Real servers bend this
 * (docs/interop.md §7), so the rules below are explicit, applied in this order:
 *
 *   1. No tuple at all ........................................ offline
 *   2. Some tuple open (PIDF `basic=open`, or no basic but a CPIM-era `<im:im>` word other than offline;
 *      XPIDF any status but `closed`):
 *      a. each person's activities, and each open tuple's own, are one contribution; the one status
 *         rule of shared/presence/status-precedence.ts picks among them (a person tied to a closed
 *         device contributes nothing, a manual status wins, else the most engaged one; see
 *         "Devices and their persons" below). Within one contribution, by precedence:
 *           permanent-absence ............................... offline  (Linphone's "Offline" keeps basic=open)
 *           other = dnd / "do not disturb" .................. do-not-disturb  (Linphone's DND)
 *           on-the-phone .................................... on-the-phone
 *           meeting, appointment, presentation .............. in-a-meeting
 *           busy, performance ............................... busy  (but see d)
 *           away, vacation, holiday, lunch, breakfast, dinner, meal, sleeping, travel, in-transit,
 *           steering, shopping, playing, spectator, tv, worship ... away
 *           other = text ................................... the text read as a note (e below)
 *      b. else the notes, when a note is exactly one of
 *         Asterisk's or a common phrase: "Ready"/"Available"/"Online" → available; "On the phone"/
 *         "Ringing"/"On hold" → on-the-phone; "Busy" → busy; "Do not disturb"/"DND" → do-not-disturb;
 *         "In a meeting" → in-a-meeting; "Away"/"Be right back"/"Out to lunch" → away;
 *         "Unavailable"/"Offline" → offline. Which notes count: the document-level ones always; the
 *         person and tuple notes only when the document has no person element (see phraseNotes);
 *      c. else XPIDF's substatus/status of the open atoms (onthephone/inuse → on-the-phone, busy → busy,
 *         away/berightback/outtolunch/idle/inactive → away, online/open → available, offline → offline),
 *         or the open tuples' `<im:im>` word in the same vocabulary (hyphens ignored: on-the-phone,
 *         out-to-lunch), the most engaged one winning;
 *      d. `busy` from the activities with a note saying on the phone (Asterisk's in-use extension with
 *         the eyeBeam supplement) → on-the-phone, the more precise of the two;
 *      e. else RFC 4480 `user-input` idle on every person → away; otherwise available.
 *   3. Every tuple closed or silent, some closed ............... offline, with one exception: Asterisk
 *      (res_pjsip) marks an extension in use, ringing, on hold or busy as `closed` with the
 *      presence-level note "On the phone"/"Ringing"/"On hold"; that document shows on-the-phone (or busy
 *      for "Busy"). Only the presence-level note counts: a client that chose to appear offline
 *      (notes in tuple and person, as we publish) stays offline whatever its note says.
 *   4. Every tuple silent (no basic, no im word: a location-only PIDF-LO tuple, RFC 4119) ... unknown,
 *      unless the persons' activities decide (2a); a silent tuple's device row is unknown likewise.
 *
 * RFC 4480's `from`/`until` on activities are not compared with the clock: a document is read as
 * saying what holds now (servers re-NOTIFY when it changes), so the result never depends on the time.
 * The winning person's `until` (RFC 4480 §3.1) is passed on as `until`, in ISO form, so the list can say
 * "Busy until 15:00"; one that is not a date is dropped.
 *
 * The note to show: the note of the person whose contribution won (2a) — for a person tied to a device,
 * else that device's tuple note, and no other device's; else the persons' notes; else the notes of the
 * best tuple that has any (open before closed, higher contact priority, newer timestamp); else the
 * document's own notes. Among several notes: the first in a preferred language (English by default),
 * else the first without a language, else the first; its `xml:lang` goes along as `noteLang`.
 *
 * Devices and their persons: a person element whose id is `p` + a tuple's id (devicePersonId, as our
 * publisher writes it: shared/pidf/build.ts) is tied to that tuple's device; it speaks for that device
 * only, and only while the device is open. A person tied to no tuple speaks for the presentity as a
 * whole, so for every device that has no person of its own. Each device row thus carries its own
 * status (rules 2a–2e applied to its tuple and its persons) and note (its tuple's, else its tied
 * person's) — never another device's.
 */
import type { DevicePresence, LocalizedNote, PresenceSummary } from '../presence/presence-state';
import type { PresenceStatus } from '../presence/presence-status';
import { strongestContribution, type StatusContribution } from '../presence/status-precedence';
import { devicePersonId, MANUAL_CLASS } from './build';
import type { PidfDocument, PidfPerson, PidfTuple, XpidfStatus } from './model';

export interface SummarizeOptions {
  /** Preferred note languages (`xml:lang` prefixes), best first. Default `['en']`. */
  readonly languages?: readonly string[];
}

const AWAY_ACTIVITIES = new Set([
  'away',
  'vacation',
  'holiday',
  'lunch',
  'breakfast',
  'dinner',
  'meal',
  'sleeping',
  'travel',
  'in-transit',
  'steering',
  'shopping',
  'playing',
  'spectator',
  'tv',
  'worship',
]);
const MEETING_ACTIVITIES = new Set(['meeting', 'appointment', 'presentation']);
const BUSY_ACTIVITIES = new Set(['busy', 'performance']);

/** Whole-note phrases (lower case, single spaces, no trailing punctuation) and what they mean. */
const NOTE_PHRASES: ReadonlyMap<string, PresenceStatus> = new Map<string, PresenceStatus>([
  ['ready', 'available'],
  ['available', 'available'],
  ['online', 'available'],
  ['on the phone', 'on-the-phone'],
  ['on-the-phone', 'on-the-phone'],
  ['ringing', 'on-the-phone'],
  ['on hold', 'on-the-phone'],
  ['in a call', 'on-the-phone'],
  ['on a call', 'on-the-phone'],
  ['busy', 'busy'],
  ['do not disturb', 'do-not-disturb'],
  ['do-not-disturb', 'do-not-disturb'],
  ['dnd', 'do-not-disturb'],
  ['in a meeting', 'in-a-meeting'],
  ['meeting', 'in-a-meeting'],
  ['away', 'away'],
  ['be right back', 'away'],
  ['brb', 'away'],
  ['out to lunch', 'away'],
  ['out for lunch', 'away'],
  ['unavailable', 'offline'],
  ['offline', 'offline'],
]);

export function summarizePresence(document: PidfDocument, options: SummarizeOptions = {}): PresenceSummary {
  const languages = options.languages ?? ['en'];
  const personActivities = document.persons.flatMap((p) => p.activities);
  const activities = unique([...personActivities, ...document.tuples.flatMap((t) => t.activities)]);
  const personNotes = document.persons.flatMap((p) => p.notes);
  const openTuples = document.tuples.filter(isOpen);
  const winner = strongestContribution(statusContributions(document));

  let status: PresenceStatus;
  if (document.tuples.length === 0) {
    status = 'offline';
  } else if (openTuples.length > 0) {
    const fromActivities = winner?.status ?? null;
    const fromNotes = statusFromNotes(phraseNotes(document, [...personNotes, ...openTuples.flatMap((t) => t.notes)]));
    if (fromActivities === 'busy' && fromNotes === 'on-the-phone') status = 'on-the-phone';
    else
      status =
        fromActivities ??
        fromNotes ??
        mostEngagedOfTuples(openTuples) ??
        (document.persons.length > 0 && document.persons.every((p) => p.userInput === 'idle') ? 'away' : 'available');
  } else if (document.tuples.every((t) => availabilityOf(t) === null)) {
    // Rule 4: no tuple says whether it is reachable; only the person's activities can still speak.
    status = statusFromActivities(personActivities) ?? 'unknown';
  } else {
    status = closedDocumentStatus(document.notes);
  }

  const persons = devicePersons(document);
  const devices: DevicePresence[] = document.tuples.map((tuple) => {
    const tied = persons.tiedTo.get(tuple.id) ?? [];
    const speaking = tied.length > 0 ? tied : persons.untied;
    return {
      id: tuple.id,
      status: deviceStatus(
        tuple,
        speaking.flatMap((p) => p.activities),
        document,
      ),
      note:
        pickNote(tuple.notes, languages) ??
        pickNote(
          tied.flatMap((p) => p.notes),
          languages,
        ),
      contact: tuple.contact?.uri ?? null,
      label: deviceLabel(tuple, document),
      timestamp: tuple.timestamp,
    };
  });

  const note = leadingNote(winner, document, languages);
  const until = activitiesEnd(winner);
  return {
    status,
    note: note?.text ?? null,
    ...(note?.lang === undefined ? {} : { noteLang: note.lang }),
    activities,
    devices,
    ...(until === null ? {} : { until }),
  };
}

/** The winning person's activities' `until` as an ISO date-time, or null when absent or not a date. */
function activitiesEnd(winner: PersonContribution | null): string | null {
  const until = winner?.person?.until;
  if (until === undefined) return null;
  const time = Date.parse(until);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** The note to show (see the header): the winning person's; for a device's person, else its device's, never another's. */
function leadingNote(winner: PersonContribution | null, document: PidfDocument, languages: readonly string[]): LocalizedNote | null {
  if (winner === null || winner.person === null) return summaryNote(document, languages);
  const own = pickLocalizedNote(winner.person.notes, languages);
  if (own !== null) return own;
  return winner.tuple ? pickLocalizedNote(winner.tuple.notes, languages) : summaryNote(document, languages);
}

// ─── Devices and their persons: the contributions the precedence rule weighs (rule 2a) ───────────

/** One contribution to rule 2a, with the person it came from (null for a tuple's own activities) and its device's tuple. */
export interface PersonContribution extends StatusContribution {
  readonly person: PidfPerson | null;
  /** The tuple the contribution speaks for; null for a person tied to no tuple. */
  readonly tuple: PidfTuple | null;
}

/**
 * Every person's and every tuple's own word on the status, for status-precedence.ts to weigh: a person
 * tied to a tuple (see the header) is open when that tuple is; an untied one when any tuple is. A person
 * marked manual (MANUAL_CLASS) with no activity says "available" by choice; any other without a
 * deciding activity says nothing and leaves the status to rules 2b–2e.
 */
export function statusContributions(document: PidfDocument): PersonContribution[] {
  const anyOpen = document.tuples.some(isOpen);
  const { tupleOf } = devicePersons(document);
  const contributions: PersonContribution[] = [];
  for (const person of document.persons) {
    const isManual = person.class?.trim().toLowerCase() === MANUAL_CLASS;
    const status = statusFromActivities(person.activities) ?? (isManual ? 'available' : null);
    if (status === null) continue;
    const tuple = tupleOf.get(person) ?? null;
    contributions.push({ status, isOpen: tuple ? isOpen(tuple) : anyOpen, isManual, person, tuple });
  }
  for (const tuple of document.tuples) {
    const status = statusFromActivities(tuple.activities);
    if (status !== null) contributions.push({ status, isOpen: isOpen(tuple), isManual: false, person: null, tuple });
  }
  return contributions;
}

/** Which device each person speaks for (see the header), found in one pass over the document. */
interface DevicePersons {
  /** The tuple each tied person is tied to. */
  readonly tupleOf: ReadonlyMap<PidfPerson, PidfTuple>;
  /** The persons tied to each tuple, by tuple id. */
  readonly tiedTo: ReadonlyMap<string, readonly PidfPerson[]>;
  /** The persons tied to no tuple: they speak for the presentity as a whole. */
  readonly untied: readonly PidfPerson[];
}

function devicePersons(document: PidfDocument): DevicePersons {
  const tupleByPersonId = new Map(document.tuples.map((tuple) => [devicePersonId(tuple.id), tuple]));
  const tupleOf = new Map<PidfPerson, PidfTuple>();
  const tiedTo = new Map<string, PidfPerson[]>();
  const untied: PidfPerson[] = [];
  for (const person of document.persons) {
    const tuple = person.id === '' ? undefined : tupleByPersonId.get(person.id);
    if (tuple === undefined) {
      untied.push(person);
      continue;
    }
    tupleOf.set(person, tuple);
    const tied = tiedTo.get(tuple.id);
    if (tied) tied.push(person);
    else tiedTo.set(tuple.id, [person]);
  }
  return { tupleOf, tiedTo, untied };
}

function isOpen(tuple: PidfTuple): boolean {
  if (tuple.xpidf) return tuple.xpidf.status !== 'closed' && tuple.xpidf.substatus !== 'offline';
  return availabilityOf(tuple) === 'open';
}

/**
 * Whether a PIDF tuple is reachable: its `basic` (RFC 3863 §4.1.4, optional), else what its CPIM-era
 * `im` word implies (any known word but offline is open), else null — the tuple does not say (a
 * location-only PIDF-LO tuple, RFC 4119, puts only `<gp:geopriv>` in its status).
 */
function availabilityOf(tuple: PidfTuple): PidfTuple['basic'] {
  if (tuple.basic !== null || tuple.xpidf) return tuple.basic;
  const fromIm = statusFromImWord(tuple.imStatus);
  if (fromIm === null) return null;
  return fromIm === 'offline' ? 'closed' : 'open';
}

/** Rule 3: closed stays offline unless Asterisk's presence-level note says the line is in use. */
function closedDocumentStatus(documentNotes: readonly LocalizedNote[]): PresenceStatus {
  const fromNotes = statusFromNotes(documentNotes);
  return fromNotes === 'on-the-phone' || fromNotes === 'busy' ? fromNotes : 'offline';
}

/** One device's own status: its tuple first, then the activities of the persons that speak for it (devicePersons). */
function deviceStatus(tuple: PidfTuple, personActivities: readonly string[], document: PidfDocument): PresenceStatus {
  if (tuple.xpidf) return statusFromXpidf(tuple.xpidf);
  const availability = availabilityOf(tuple);
  if (availability === null) return statusFromActivities(personActivities) ?? 'unknown';
  if (availability !== 'open') return closedDocumentStatus(document.notes);
  const fromActivities = statusFromActivities(tuple.activities) ?? statusFromActivities(personActivities);
  const fromNotes = statusFromNotes(phraseNotes(document, tuple.notes));
  if (fromActivities === 'busy' && fromNotes === 'on-the-phone') return 'on-the-phone';
  return fromActivities ?? fromNotes ?? statusFromImWord(tuple.imStatus) ?? (tuple.userInput === 'idle' ? 'away' : 'available');
}

/**
 * The notes whose exact wording may stand for a status (rules 2b and 2d). A document with an RPID person
 * speaks the data model: its person and tuple notes are the user's free text ("Unavailable until 3",
 * "In a call with Bob") and must not override the activities it chose, so only the document-level notes
 * count (where Asterisk writes "Ready", "On the phone"). Older clients without a person element (X-Lite,
 * Pidgin) write their status word in the tuple note, so there every note counts.
 */
function phraseNotes(document: PidfDocument, personAndTupleNotes: readonly LocalizedNote[]): LocalizedNote[] {
  return document.persons.length > 0 ? [...document.notes] : [...personAndTupleNotes, ...document.notes];
}

/** Rule 2a. Returns null when no activity decides (none, `unknown`, `working`, …). */
function statusFromActivities(activities: readonly string[]): PresenceStatus | null {
  const names = activities.map((a) => a.trim().toLowerCase());
  const otherTexts = names.filter((n) => n.startsWith('other:')).map((n) => normalizePhrase(n.slice('other:'.length)));
  if (names.includes('permanent-absence')) return 'offline';
  if (names.includes('do-not-disturb') || names.includes('dnd') || otherTexts.some((t) => NOTE_PHRASES.get(t) === 'do-not-disturb')) {
    return 'do-not-disturb';
  }
  if (names.includes('on-the-phone')) return 'on-the-phone';
  if (names.some((n) => MEETING_ACTIVITIES.has(n))) return 'in-a-meeting';
  if (names.some((n) => BUSY_ACTIVITIES.has(n))) return 'busy';
  if (names.some((n) => AWAY_ACTIVITIES.has(n))) return 'away';
  // An <rpid:other> with a recognisable phrase ("On the phone", "Out to lunch") counts like a note.
  for (const text of otherTexts) {
    const status = NOTE_PHRASES.get(text);
    if (status !== undefined) return status;
  }
  return null;
}

/** Rule 2b: the first note that is exactly a known phrase. */
function statusFromNotes(notes: readonly LocalizedNote[]): PresenceStatus | null {
  for (const note of notes) {
    const status = NOTE_PHRASES.get(normalizePhrase(note.text));
    if (status !== undefined) return status;
  }
  return null;
}

function normalizePhrase(text: string): string {
  const folded = text.trim().toLowerCase().replace(/\s+/g, ' ');
  // Trailing punctuation is cut by a scan from the end: the pattern /[.!…]+$/ retries from every dot of
  // a long run that does not reach the end ("....x"), quadratic in a note anyone can publish.
  let end = folded.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(folded.charCodeAt(end - 1))) end--;
  return folded.slice(0, end);
}

/** `.`, `!` and `…`, as char codes. */
const TRAILING_PUNCTUATION = new Set([0x2e, 0x21, 0x2026]);

const XPIDF_SUBSTATUS: Readonly<Record<string, PresenceStatus>> = {
  online: 'available',
  busy: 'busy',
  berightback: 'away',
  away: 'away',
  onthephone: 'on-the-phone',
  outtolunch: 'away',
  idle: 'away',
  offline: 'offline',
};
const XPIDF_STATUS: Readonly<Record<string, PresenceStatus>> = {
  open: 'available',
  inuse: 'on-the-phone',
  inactive: 'away',
  closed: 'offline',
};

/**
 * The CPIM-era `<im:im>` word (rule 2c) in the same vocabulary as XPIDF's substatus, written with or
 * without hyphens (`on-the-phone`, `onthephone`); null for a word we do not know.
 */
function statusFromImWord(word: string | null): PresenceStatus | null {
  return word === null ? null : (statusWord(XPIDF_SUBSTATUS, word.replace(/[-_\s]/g, '')) ?? null);
}

/** A status word's meaning in `table`, own keys only: a sender's word such as `constructor` must not find Object.prototype's members. */
function statusWord(table: Readonly<Record<string, PresenceStatus>>, word: string | null): PresenceStatus | undefined {
  return word !== null && Object.hasOwn(table, word) ? table[word] : undefined;
}

/** Rule 2c: the substatus when known, else the status; an unknown word on an open atom is available. */
function statusFromXpidf(xpidf: XpidfStatus): PresenceStatus {
  if (xpidf.status === 'closed') return 'offline';
  return statusWord(XPIDF_SUBSTATUS, xpidf.substatus) ?? statusWord(XPIDF_STATUS, xpidf.status) ?? 'available';
}

/**
 * Rule 2c across the open tuples — XPIDF atoms' status and CPIM-era `im` words — weighed by the one
 * precedence rule (neither marks anything manual).
 */
function mostEngagedOfTuples(openTuples: readonly PidfTuple[]): PresenceStatus | null {
  const contributions = openTuples.flatMap((t) => {
    const status = t.xpidf ? statusFromXpidf(t.xpidf) : statusFromImWord(t.imStatus);
    return status === null ? [] : [{ status, isOpen: true, isManual: false }];
  });
  return strongestContribution(contributions)?.status ?? null;
}

function summaryNote(document: PidfDocument, languages: readonly string[]): LocalizedNote | null {
  const personNote = pickLocalizedNote(
    document.persons.flatMap((p) => p.notes),
    languages,
  );
  if (personNote !== null) return personNote;
  const withNotes = document.tuples.filter((t) => t.notes.length > 0);
  const best = [...withNotes].sort(compareTuples)[0];
  if (best) return pickLocalizedNote(best.notes, languages);
  return pickLocalizedNote(document.notes, languages);
}

/** Better tuples first: open, then higher contact priority, then newer timestamp, then document order. */
function compareTuples(a: PidfTuple, b: PidfTuple): number {
  const open = Number(isOpen(b)) - Number(isOpen(a));
  if (open !== 0) return open;
  const priority = (b.contact?.priority ?? 0) - (a.contact?.priority ?? 0);
  if (priority !== 0) return priority;
  const time = timeOf(b.timestamp) - timeOf(a.timestamp);
  return Number.isNaN(time) ? 0 : time;
}

function timeOf(timestamp: string | null): number {
  if (timestamp === null) return 0;
  const time = Date.parse(timestamp);
  return Number.isNaN(time) ? 0 : time;
}

/** The first note in a preferred language; else the first without a language; else the first; null when none. */
export function pickNote(notes: readonly LocalizedNote[], languages: readonly string[] = ['en']): string | null {
  return pickLocalizedNote(notes, languages)?.text ?? null;
}

/** pickNote's choice with its language. */
function pickLocalizedNote(notes: readonly LocalizedNote[], languages: readonly string[]): LocalizedNote | null {
  if (notes.length === 0) return null;
  for (const language of languages) {
    const wanted = language.toLowerCase();
    const match = notes.find(
      (n) => n.lang !== undefined && (n.lang.toLowerCase() === wanted || n.lang.toLowerCase().startsWith(`${wanted}-`)),
    );
    if (match) return match;
  }
  return notes.find((n) => n.lang === undefined) ?? notes[0] ?? null;
}

/** RFC 4480 class, else the note of the RFC 4479 device the tuple points to, else the device id. */
function deviceLabel(tuple: PidfTuple, document: PidfDocument): string | null {
  if (tuple.class !== null) return tuple.class;
  if (tuple.deviceId !== null) {
    const device = document.devices.find((d) => d.deviceId === tuple.deviceId);
    const note = device ? pickNote(device.notes) : null;
    return note ?? tuple.deviceId;
  }
  return null;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
