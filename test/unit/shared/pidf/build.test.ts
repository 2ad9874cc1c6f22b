/**
 * Our own PUBLISH body (buildPidf): what each status publishes, the interop choices of docs/interop.md §6,
 * and a round trip through parsePresenceBody for every status with awkward notes.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPidf,
  devicePersonId,
  MANUAL_CLASS,
  normalizeNote,
  parsePresenceBody,
  summarizePresence,
  type BuildPidfInput,
} from '../../../../shared/pidf';
import { CHOSEN_STATUSES, MAX_NOTE_LENGTH, type ChosenStatus } from '../../../../shared/presence/presence-status';

const BASE: BuildPidfInput = {
  entity: 'sip:alice@example.com',
  tupleId: 'tk2p9x',
  status: 'available',
  contact: 'sip:alice@192.0.2.10:5060;transport=tcp',
  timestamp: new Date('2024-05-01T10:00:00.000Z'),
};

function parse(body: string) {
  const result = parsePresenceBody(body, 'application/pidf+xml');
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.document;
}

/** Awkward notes: markup characters, non-ASCII (accents, CJK, emoji outside the BMP), and length. */
const NOTES: readonly (readonly [string, string])[] = [
  ['markup characters', `Tom & Jerry <3 "quotes" 'apostrophes' ]]> done`],
  ['non-ASCII', 'Réunion à 15 h — 会議中 — 🎧 focus'],
  ['exactly 140 characters', 'x'.repeat(MAX_NOTE_LENGTH)],
];

describe('buildPidf: what each status publishes', () => {
  const expected: Record<ChosenStatus, { basic: 'open' | 'closed'; activities: string[] }> = {
    available: { basic: 'open', activities: [] },
    away: { basic: 'open', activities: ['away'] },
    busy: { basic: 'open', activities: ['busy'] },
    'do-not-disturb': { basic: 'open', activities: ['busy', 'other:dnd'] },
    'on-the-phone': { basic: 'open', activities: ['on-the-phone'] },
    'in-a-meeting': { basic: 'open', activities: ['meeting'] },
    'appear-offline': { basic: 'closed', activities: [] },
  };

  it.each(CHOSEN_STATUSES)('given %s, when built and parsed back, then basic and activities are as mapped', (status) => {
    const document = parse(buildPidf({ ...BASE, status }));
    expect(document.tuples.map((t) => t.basic)).toEqual([expected[status].basic]);
    expect(document.persons.map((p) => p.activities)).toEqual([expected[status].activities]);
  });

  it.each(CHOSEN_STATUSES)(
    'given %s with awkward notes, when built, parsed and summarised, then the watcher sees that status and note',
    (status) => {
      for (const [, note] of NOTES) {
        const summary = summarizePresence(parse(buildPidf({ ...BASE, status, note })));
        expect(summary.status).toBe(status === 'appear-offline' ? 'offline' : status);
        // Appear offline sends no note at all (see the test below).
        expect(summary.note).toBe(status === 'appear-offline' ? null : note);
      }
    },
  );
});

describe('buildPidf: the document on the wire', () => {
  it('uses the entity, the literal dm:/rpid: prefixes and puts the note in both tuple and person', () => {
    const body = buildPidf({ ...BASE, status: 'away', note: 'Back at 3' });
    expect(body).toContain('entity="sip:alice@example.com"');
    expect(body).toContain('xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"');
    expect(body).toContain('xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"');
    expect(body).toContain('<dm:person id="ptk2p9x">');
    expect(body).toContain('<rpid:activities>');
    expect(body).toContain('<rpid:away/>');
    expect(body).toContain('<note>Back at 3</note>');
    expect(body).toContain('<dm:note>Back at 3</dm:note>');
    const document = parse(body);
    expect(document.tuples[0]).toMatchObject({
      id: 'tk2p9x',
      contact: { uri: 'sip:alice@192.0.2.10:5060;transport=tcp' },
      notes: [{ text: 'Back at 3' }],
      timestamp: '2024-05-01T10:00:00.000Z',
    });
    expect(document.persons[0]).toMatchObject({ id: 'ptk2p9x', notes: [{ text: 'Back at 3' }], timestamp: '2024-05-01T10:00:00.000Z' });
  });

  it.each(CHOSEN_STATUSES)(
    'given %s, ties its person to its tuple (p + tuple id) and marks the status manual (RFC 4480 class)',
    (status) => {
      const body = buildPidf({ ...BASE, status });
      expect(body).toContain('<rpid:class>manual</rpid:class>');
      expect(body.indexOf('<rpid:class>')).toBeGreaterThan(body.indexOf('<dm:person'));
      const document = parse(body);
      expect(document.persons.map((p) => [p.id, p.class])).toEqual([[devicePersonId('tk2p9x'), MANUAL_CLASS]]);
      expect(devicePersonId('tk2p9x')).toBe('ptk2p9x');
      expect(document.tuples[0]?.class).toBeNull();
    },
  );

  it('writes the tuple children in RFC 3863 order: status, contact, note, timestamp', () => {
    const body = buildPidf({ ...BASE, note: 'x' });
    const order = ['<status>', '<contact>', '<note>', '<timestamp>'].map((tag) => body.indexOf(tag));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('writes Linphone’s DND: busy plus <rpid:other>dnd</rpid:other>', () => {
    const body = buildPidf({ ...BASE, status: 'do-not-disturb' });
    expect(body).toMatch(/<rpid:busy\/>\s*<rpid:other>dnd<\/rpid:other>/);
  });

  it('given appear-offline, publishes basic closed and no activity', () => {
    const body = buildPidf({ ...BASE, status: 'appear-offline' });
    expect(body).toContain('<basic>closed</basic>');
    expect(body).not.toContain('rpid:activities');
  });

  it('given appear-offline with a note and a device, publishes neither, nor the contact', () => {
    const body = buildPidf({
      ...BASE,
      status: 'appear-offline',
      note: 'Dentist at 4',
      device: { id: 'urn:uuid:0f3c1d2e-9a8b-4c7d-8e6f-5a4b3c2d1e0f', label: 'Desk phone' },
    });
    expect(body).not.toContain('Dentist');
    expect(body).not.toContain('Desk phone');
    expect(body).not.toContain('urn:uuid:');
    expect(body).not.toContain('<contact>');
    expect(body).not.toMatch(/<(dm:)?note/);
    expect(parse(body).tuples.map((t) => t.basic)).toEqual(['closed']);
  });

  it('escapes the note so that markup in it stays text', () => {
    const body = buildPidf({ ...BASE, note: '</note><injected/>&amp;' });
    expect(body).toContain('&lt;/note&gt;&lt;injected/&gt;&amp;amp;');
    expect(parse(body).tuples[0]?.notes).toEqual([{ text: '</note><injected/>&amp;' }]);
  });

  it('given a language, labels both notes with xml:lang', () => {
    const document = parse(buildPidf({ ...BASE, note: 'Bin gleich zurück', lang: 'de' }));
    expect(document.tuples[0]?.notes).toEqual([{ text: 'Bin gleich zurück', lang: 'de' }]);
    expect(document.persons[0]?.notes).toEqual([{ text: 'Bin gleich zurück', lang: 'de' }]);
  });

  it('given a language, a watcher’s summary says which language the note is in, and the device name carries none', () => {
    const document = parse(
      buildPidf({ ...BASE, note: 'Bin gleich zurück', lang: 'de-CH', device: { id: 'urn:uuid:1', label: 'Desk phone' } }),
    );
    expect(summarizePresence(document)).toMatchObject({ note: 'Bin gleich zurück', noteLang: 'de-CH' });
    expect(document.devices[0]?.notes).toEqual([{ text: 'Desk phone' }]);
  });

  it('omits empty notes and the contact when none is given', () => {
    const body = buildPidf({ ...BASE, contact: undefined, note: '   ' });
    expect(body).not.toContain('<note');
    expect(body).not.toContain('<contact');
    expect(parse(body).tuples[0]?.contact).toBeNull();
  });

  it('given a device, names it per RFC 4479 (tuple deviceID, a device element with the name as note) and watchers read the name back', () => {
    const body = buildPidf({ ...BASE, device: { id: 'urn:uuid:3a2c1d2e-0000-4000-8000-000000000001', label: 'Desk phone <main>' } });
    expect(body).toContain('<dm:deviceID>urn:uuid:3a2c1d2e-0000-4000-8000-000000000001</dm:deviceID>\n    <contact>');
    expect(body).toContain('<dm:device id="dtk2p9x">');
    expect(body).toContain('<dm:note>Desk phone &lt;main&gt;</dm:note>');
    const summary = summarizePresence(parse(body));
    expect(summary.devices.map((d) => d.label)).toEqual(['Desk phone <main>']);
  });

  it('given no device, writes neither deviceID nor a device element', () => {
    const body = buildPidf(BASE);
    expect(body).not.toContain('deviceID');
    expect(body).not.toContain('<dm:device');
  });

  it('given an invalid timestamp or an empty entity, throws a TypeError (a programming error, not input)', () => {
    expect(() => buildPidf({ ...BASE, timestamp: new Date('not a date') })).toThrow(TypeError);
    expect(() => buildPidf({ ...BASE, entity: ' ' })).toThrow(TypeError);
  });
});

describe('normalizeNote: the note as published', () => {
  it('cuts a 141+ character note to MAX_NOTE_LENGTH characters', () => {
    const long = 'a'.repeat(MAX_NOTE_LENGTH + 1);
    expect(normalizeNote(long)).toBe('a'.repeat(MAX_NOTE_LENGTH));
    const summary = summarizePresence(parse(buildPidf({ ...BASE, note: `${'b'.repeat(200)}` })));
    expect(summary.note).toBe('b'.repeat(MAX_NOTE_LENGTH));
  });

  it('counts characters, not UTF-16 units, so an emoji at the cut is kept whole', () => {
    const note = `${'x'.repeat(MAX_NOTE_LENGTH - 1)}😀😀`;
    const cut = normalizeNote(note);
    expect(Array.from(cut)).toHaveLength(MAX_NOTE_LENGTH);
    expect(cut.endsWith('😀')).toBe(true);
  });

  it('removes characters XML cannot carry and normalises line ends', () => {
    expect(normalizeNote('a\u0000b\u0007c\r\nd\uFFFEe')).toBe('abc\nde');
    const document = parse(buildPidf({ ...BASE, note: 'bell\u0007 here' }));
    expect(document.tuples[0]?.notes).toEqual([{ text: 'bell here' }]);
  });

  it('trims surrounding whitespace', () => {
    expect(normalizeNote('  lunch  ')).toBe('lunch');
    expect(normalizeNote(undefined)).toBe('');
  });
});

describe('buildPidf: automatic and timed statuses', () => {
  it('given an automatic Away (isManual false), then the person has no manual class, and Available picked on another device wins over it', () => {
    const automatic = parse(buildPidf({ ...BASE, status: 'away', isManual: false }));
    expect(automatic.persons[0]?.class).toBeNull();
    expect(summarizePresence(automatic).status).toBe('away');
    // Away ranks above Available (status-precedence.ts step 3), so only the missing manual mark lets Available win.
    const desk = parse(buildPidf({ ...BASE, tupleId: 'desk', status: 'available' }));
    const both = { ...automatic, tuples: [...automatic.tuples, ...desk.tuples], persons: [...automatic.persons, ...desk.persons] };
    expect(summarizePresence(both).status).toBe('available');
  });

  it('given Busy until 15:00, then the activities carry RFC 4480 until and the summary reads it back as ISO', () => {
    const until = new Date('2024-05-01T15:00:00.000Z');
    const body = buildPidf({ ...BASE, status: 'busy', until });
    expect(body).toContain('<rpid:activities until="2024-05-01T15:00:00.000Z">');
    const document = parse(body);
    expect(document.persons[0]?.until).toBe('2024-05-01T15:00:00.000Z');
    expect(summarizePresence(document)).toMatchObject({ status: 'busy', until: '2024-05-01T15:00:00.000Z' });
  });

  it("given another client's until with an offset, then the summary has it in UTC; one that is not a date is dropped", () => {
    const body = (until: string) =>
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:bob@example.com">` +
      `<tuple id="t"><status><basic>open</basic></status></tuple>` +
      `<dm:person id="p"><rpid:activities until="${until}"><rpid:meeting/></rpid:activities></dm:person></presence>`;
    expect(summarizePresence(parse(body('2024-05-01T17:00:00+02:00'))).until).toBe('2024-05-01T15:00:00.000Z');
    expect(summarizePresence(parse(body('after lunch'))).until).toBeUndefined();
  });

  it('given no end time or an Available without activities, then no until is written', () => {
    expect(buildPidf({ ...BASE, status: 'busy' })).not.toContain('until=');
    expect(buildPidf({ ...BASE, status: 'available', until: new Date() })).not.toContain('until=');
  });

  it('given an invalid until, then it throws a TypeError (a programming error)', () => {
    expect(() => buildPidf({ ...BASE, until: new Date(Number.NaN) })).toThrow(TypeError);
  });
});
