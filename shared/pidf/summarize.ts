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
 *      a. the activities of every person and of the open tuples, by precedence:
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
 *
 * The note to show: the persons' notes; else the notes of the best tuple that has any (open before
 * closed, higher contact priority, newer timestamp); else the document's own notes. Among several
 * notes: the first in a preferred language (English by default), else the first without a language,
 * else the first; its `xml:lang` goes along as `noteLang`.
 */
import type { DevicePresence, LocalizedNote, PresenceSummary } from '../presence/presence-state';
import type { PresenceStatus } from '../presence/presence-status';
import type { PidfDocument, PidfTuple, XpidfStatus } from './model';

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

/** How engaged each status is, to pick one among several devices (higher wins). */
const ENGAGEMENT: Readonly<Record<PresenceStatus, number>> = {
  unknown: 0,
  offline: 0,
  'appear-offline': 0,
  available: 1,
  away: 2,
  busy: 3,
  'in-a-meeting': 4,
  'on-the-phone': 5,
  'do-not-disturb': 6,
};

export function summarizePresence(document: PidfDocument, options: SummarizeOptions = {}): PresenceSummary {
  const languages = options.languages ?? ['en'];
  const personActivities = document.persons.flatMap((p) => p.activities);
  const activities = unique([...personActivities, ...document.tuples.flatMap((t) => t.activities)]);
  const personNotes = document.persons.flatMap((p) => p.notes);
  const openTuples = document.tuples.filter(isOpen);

  let status: PresenceStatus;
  if (document.tuples.length === 0) {
    status = 'offline';
  } else if (openTuples.length > 0) {
    const fromActivities = statusFromActivities([...personActivities, ...openTuples.flatMap((t) => t.activities)]);
    const fromNotes = statusFromNotes(phraseNotes(document, [...personNotes, ...openTuples.flatMap((t) => t.notes)]));
    if (fromActivities === 'busy' && fromNotes === 'on-the-phone') status = 'on-the-phone';
    else
      status =
        fromActivities ??
        fromNotes ??
        mostEngaged(openTuples.map((t) => (t.xpidf ? statusFromXpidf(t.xpidf) : statusFromImWord(t.imStatus)))) ??
        (document.persons.length > 0 && document.persons.every((p) => p.userInput === 'idle') ? 'away' : 'available');
  } else if (document.tuples.every((t) => availabilityOf(t) === null)) {
    // Rule 4: no tuple says whether it is reachable; only the person's activities can still speak.
    status = statusFromActivities(personActivities) ?? 'unknown';
  } else {
    status = closedDocumentStatus(document.notes);
  }

  const devices: DevicePresence[] = document.tuples.map((tuple) => ({
    id: tuple.id,
    status: deviceStatus(tuple, personActivities, document),
    note: pickNote(tuple.notes, languages),
    contact: tuple.contact?.uri ?? null,
    label: deviceLabel(tuple, document),
    timestamp: tuple.timestamp,
  }));

  const note = summaryNote(document, languages);
  return { status, note: note?.text ?? null, ...(note?.lang === undefined ? {} : { noteLang: note.lang }), activities, devices };
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

/** One device's own status: its tuple first, the person's activities next (the person uses the device). */
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

function mostEngaged(statuses: readonly (PresenceStatus | null)[]): PresenceStatus | null {
  let best: PresenceStatus | null = null;
  for (const status of statuses) if (status !== null && (best === null || ENGAGEMENT[status] > ENGAGEMENT[best])) best = status;
  return best;
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
