/**
 * Every captured or published presence document in test/fixtures/pidf/ parses, and summarises to the
 * status, note, activities and devices a user of the buddy list should see.
 */
import { describe, expect, it } from 'vitest';
import { parsePresenceBody, summarizePresence, type PidfDocument, type PresenceContentType } from '../../../../shared/pidf';
import type { PresenceSummary } from '../../../../shared/presence/presence-state';
import { fixture } from './fixture-files';

interface FixtureCase {
  readonly file: string;
  /** The Content-Type the document arrived with. */
  readonly header: string;
  readonly format: PresenceContentType;
  readonly entity: string;
  readonly status: PresenceSummary['status'];
  readonly note: string | null;
  /** The note's `xml:lang`; absent when the note has none. */
  readonly noteLang?: string;
  readonly activities: readonly string[];
  /** [tuple id, device status, device note, device label] */
  readonly devices: readonly (readonly [string, PresenceSummary['status'], string | null, string | null])[];
}

const PIDF = 'application/pidf+xml';
const CPIM = 'application/cpim-pidf+xml';
const XPIDF = 'application/xpidf+xml';

const CASES: readonly FixtureCase[] = [
  // Captured from a real Linphone and a ComSIPL server, and draft-olson-simple-publish-02 §12's flow.
  {
    file: 'seed-linphone-android-5.1-publish.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:51234@10.0.0.27',
    status: 'available',
    note: null,
    activities: [],
    devices: [['n5z2og', 'available', null, null]],
  },
  {
    file: 'seed-comsipl-presence-server-notify.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'pres:51234@10.0.0.27',
    status: 'available',
    note: 'available',
    activities: [],
    devices: [['bs35r9f', 'available', 'available', null]],
  },
  {
    file: 'seed-draft-olson-m3-notify.cpim-pidf.xml',
    header: 'application/cpim-pidf+xml',
    format: CPIM,
    entity: 'pres:presentity@domain.com',
    status: 'available',
    note: null,
    activities: [],
    devices: [
      ['mobile-phone', 'available', null, null],
      ['desktop', 'available', null, null],
    ],
  },
  {
    file: 'seed-draft-olson-m9-publish.cpim-pidf.xml',
    header: 'application/cpim-pidf+xml',
    format: CPIM,
    entity: 'pres:presentity@domain.com',
    status: 'offline',
    note: null,
    activities: [],
    devices: [['mobile-phone', 'offline', null, null]],
  },
  {
    file: 'seed-draft-olson-m11-notify.cpim-pidf.xml',
    header: 'application/cpim-pidf+xml',
    format: CPIM,
    entity: 'pres:presentity@domain.com',
    status: 'available',
    note: null,
    activities: [],
    devices: [
      ['mobile-phone', 'offline', null, null],
      ['desktop', 'available', null, null],
    ],
  },
  // The RFCs' examples.
  {
    file: 'rfc3863-example.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'pres:someone@example.com',
    // The first tuple's <im:im>busy</im:im> (the CPIM-era IM status RFC 3863 §6 keeps as its extension example).
    status: 'busy',
    note: "Don't Disturb Please!",
    noteLang: 'en',
    activities: [],
    devices: [
      ['bs35r9', 'busy', "Don't Disturb Please!", null],
      ['eg92n8', 'available', null, null],
    ],
  },
  {
    file: 'rfc3863-namespace-prefix-example.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'pres:someone@example.com',
    status: 'available',
    note: null,
    activities: [],
    devices: [['mobile-im', 'available', null, null]],
  },
  {
    file: 'rfc4479-data-model-example.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'pres:someone@example.com',
    status: 'on-the-phone',
    note: null,
    activities: ['on-the-phone'],
    devices: [['sg89ae', 'on-the-phone', null, 'mac:8asd7d7d70']],
  },
  {
    file: 'rfc4480-rpid-example.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'pres:someone@example.com',
    status: 'away',
    note: 'Scoring 120',
    activities: ['away'],
    devices: [
      ['bs35r9', 'away', "Don't Disturb Please!", 'PC'],
      ['ty4658', 'away', null, null],
      ['eg92n8', 'away', null, 'email'],
    ],
  },
  // State and notes outside today's standard places, and documents that say nothing about availability.
  {
    file: 'draft-impp-cpim-pidf-im-berightback.cpim-pidf.xml',
    header: 'application/cpim-pidf+xml',
    format: CPIM,
    entity: 'pres:someone@example.com',
    status: 'away',
    note: 'Back in five minutes',
    noteLang: 'en',
    activities: [],
    devices: [
      ['mobile-im', 'away', 'Back in five minutes', null],
      ['email', 'available', null, null],
    ],
  },
  {
    file: 'draft-impp-cpim-pidf-im-only-no-basic.cpim-pidf.xml',
    header: 'application/cpim-pidf+xml',
    format: CPIM,
    entity: 'pres:someone@example.com',
    status: 'on-the-phone',
    note: null,
    activities: [],
    devices: [['desk-im', 'on-the-phone', null, null]],
  },
  {
    file: 'sipml5-publish-im-away-fr-note.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:alice@example.org',
    status: 'away',
    note: 'Je reviens vers midi',
    noteLang: 'fr',
    activities: [],
    devices: [['w7k2q', 'away', 'Je reviens vers midi', null]],
  },
  {
    file: 'rfc4119-pidf-lo-location-only.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'pres:geotarget@example.com',
    status: 'unknown',
    note: null,
    activities: [],
    devices: [['sg89ae', 'unknown', null, null]],
  },
  {
    file: 'rpid-note-under-person.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:carla@example.de',
    status: 'away',
    note: 'Bin um 15 Uhr zurück',
    noteLang: 'de',
    activities: ['away'],
    devices: [['c4x9', 'away', 'Bin um 15 Uhr zurück', null]],
  },
  // Linphone.
  {
    file: 'linphone-offline-permanent-absence.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:bob@sip.example.org',
    status: 'offline',
    note: null,
    activities: ['permanent-absence'],
    devices: [['qd3wzs', 'offline', null, null]],
  },
  {
    file: 'linphone-do-not-disturb-other-dnd.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:bob@sip.example.org',
    status: 'do-not-disturb',
    note: 'Focus time until 4',
    noteLang: 'en',
    activities: ['other:dnd'],
    devices: [['qd3wzs', 'do-not-disturb', null, null]],
  },
  // Asterisk.
  {
    file: 'asterisk-res-pjsip-pidf-ready.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:300@192.168.1.100',
    status: 'available',
    note: 'Ready',
    activities: [],
    devices: [['300', 'available', null, null]],
  },
  {
    file: 'asterisk-res-pjsip-pidf-in-use-eyebeam.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:300@192.168.1.100',
    status: 'on-the-phone',
    note: 'On the phone',
    activities: ['busy'],
    devices: [['300', 'on-the-phone', null, null]],
  },
  {
    file: 'asterisk-res-pjsip-pidf-ringing.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:300@192.168.1.100',
    status: 'on-the-phone',
    note: 'Ringing',
    activities: [],
    devices: [['300', 'on-the-phone', null, null]],
  },
  {
    file: 'asterisk-res-pjsip-pidf-unavailable-eyebeam.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:300@192.168.1.100',
    status: 'offline',
    note: 'Unavailable',
    activities: ['away'],
    devices: [['300', 'offline', null, null]],
  },
  {
    file: 'asterisk-chan-sip-pidf-busy.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:6001@192.168.1.10',
    status: 'on-the-phone',
    note: 'On the phone',
    activities: ['busy'],
    devices: [['6001', 'on-the-phone', null, null]],
  },
  {
    file: 'asterisk-chan-sip-xpidf-inuse.xml',
    header: 'application/xpidf+xml',
    format: XPIDF,
    entity: 'sip:6001@192.168.1.10',
    status: 'on-the-phone',
    note: null,
    activities: [],
    devices: [['6001', 'on-the-phone', null, null]],
  },
  {
    file: 'asterisk-res-pjsip-xpidf-labelled-cpim-pidf.xml',
    header: 'application/cpim-pidf+xml',
    format: XPIDF,
    entity: 'sip:300@192.168.1.100',
    status: 'offline',
    note: null,
    activities: [],
    devices: [['300', 'offline', null, null]],
  },
  // FreeSWITCH.
  {
    file: 'freeswitch-notify-on-the-phone.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:1000@bling.babblevoice.com',
    status: 'on-the-phone',
    note: 'Talk 07766088671',
    activities: ['on-the-phone'],
    devices: [['t6a5ed77e', 'on-the-phone', null, null]],
  },
  {
    file: 'freeswitch-notify-available.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:1001@pbx.example.com',
    status: 'available',
    note: 'Available',
    activities: ['online'],
    devices: [['t6a5ed77e', 'available', null, null]],
  },
  {
    file: 'freeswitch-xpidf-for-polycom.xml',
    header: 'application/xpidf+xml',
    format: XPIDF,
    entity: 'sip:1002@pbx.example.com',
    status: 'on-the-phone',
    note: 'On The Phone',
    activities: [],
    devices: [['sip:1002@pbx.example.com', 'on-the-phone', null, null]],
  },
  // Phones and softphones.
  {
    file: 'polycom-vvx101-xpidf-online.xml',
    header: 'application/xpidf+xml',
    format: XPIDF,
    entity: 'sip:192.168.0.141:5060',
    status: 'available',
    note: null,
    activities: [],
    devices: [['1004', 'available', null, null]],
  },
  {
    file: 'polycom-vvx101-xpidf-onthephone.xml',
    header: 'application/xpidf+xml',
    format: XPIDF,
    entity: 'sip:1002@bling.babblevoice.com',
    status: 'on-the-phone',
    note: null,
    activities: [],
    devices: [['1385', 'on-the-phone', null, null]],
  },
  {
    file: 'polycom-vvx101-xpidf-busy.xml',
    header: 'application/xpidf+xml',
    format: XPIDF,
    entity: 'sip:1002@bling.babblevoice.com',
    status: 'busy',
    note: null,
    activities: [],
    devices: [['1008', 'busy', null, null]],
  },
  {
    file: 'zoiper5-publish.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:1000@bling.babblevoice.com;transport=UDP',
    status: 'available',
    note: 'Online',
    activities: [],
    devices: [['1000', 'available', 'Online', null]],
  },
  {
    file: 'wengophone-publish-no-namespace.xml',
    header: 'application/pidf+xml',
    format: PIDF,
    entity: 'sip:alice@voip.example.net',
    status: 'away',
    note: 'Away',
    activities: [],
    devices: [['azersdqre', 'away', 'Away', null]],
  },
];

function parseFixture(file: string, header: string): PidfDocument {
  const result = parsePresenceBody(fixture(file), header);
  if (!result.ok) throw new Error(`${file}: ${result.error.code}: ${result.error.message}`);
  return result.document;
}

describe('presence documents from real clients, servers and the RFCs', () => {
  it.each(CASES)('given $file, when parsed and summarised, then it reads as $status', (c) => {
    const document = parseFixture(c.file, c.header);
    expect(document.contentType).toBe(c.format);
    expect(document.entity).toBe(c.entity);
    const summary = summarizePresence(document);
    expect(summary.status).toBe(c.status);
    expect(summary.note).toBe(c.note);
    expect(summary.noteLang).toBe(c.noteLang);
    expect(summary.activities).toEqual(c.activities);
    expect(summary.devices.map((d) => [d.id, d.status, d.note, d.label])).toEqual(c.devices);
  });
});

describe('details the model keeps', () => {
  it('given Linphone’s PUBLISH, then the tuple is online (pidfonline), with its contact priority and timestamp', () => {
    const [tuple] = parseFixture('seed-linphone-android-5.1-publish.xml', PIDF).tuples;
    expect(tuple).toEqual({
      id: 'n5z2og',
      basic: 'open',
      contact: { uri: 'sip:51234@10.0.0.27', priority: 0.8 },
      notes: [],
      timestamp: '2023-12-17T16:45:04Z',
      deviceId: null,
      isOnline: true,
      imStatus: null,
      activities: [],
      class: null,
      userInput: null,
      xpidf: null,
    });
  });

  it('given RFC 3863’s example, then notes keep their languages and the document note is separate', () => {
    const document = parseFixture('rfc3863-example.xml', PIDF);
    expect(document.tuples[0]?.notes).toEqual([
      { text: "Don't Disturb Please!", lang: 'en' },
      { text: "Ne derangez pas, s'il vous plait", lang: 'fr' },
    ]);
    expect(document.tuples[1]?.contact).toEqual({ uri: 'mailto:someone@example.com', priority: 1 });
    expect(document.notes).toEqual([{ text: "I'll be in Tokyo next week" }]);
  });

  it('given a French-speaking watcher, then the French note is chosen', () => {
    const document = parseFixture('rfc3863-example.xml', PIDF);
    expect(summarizePresence(document, { languages: ['fr'] }).note).toBe("Ne derangez pas, s'il vous plait");
  });

  it('given RFC 4480’s example, then the person’s RPID elements and the device are read', () => {
    const document = parseFixture('rfc4480-rpid-example.xml', PIDF);
    expect(document.persons).toEqual([
      {
        id: 'p1',
        activities: ['away'],
        until: '2005-05-30T17:00:00+05:00',
        notes: [{ text: 'Scoring 120' }, { text: 'Far away' }],
        timestamp: '2005-05-30T16:09:44+05:00',
        class: 'calendar',
        placeType: 'residence',
        mood: ['angry', 'other:brooding'],
        userInput: null,
      },
    ]);
    expect(document.devices).toEqual([{ id: 'pc147', deviceId: 'urn:device:0003ba4811e3', notes: [{ text: 'PC' }], timestamp: null }]);
    expect(document.tuples.map((t) => [t.id, t.deviceId, t.class])).toEqual([
      ['bs35r9', 'urn:device:0003ba4811e3', null],
      ['ty4658', null, null],
      ['eg92n8', 'urn:x-mac:0003ba4811e3', 'email'],
    ]);
  });

  it('given chan_sip’s pre-RFC 4480 namespaces (pp:person, ep:activities), then the activity is still found', () => {
    const document = parseFixture('asterisk-chan-sip-pidf-busy.xml', PIDF);
    expect(document.persons).toHaveLength(1);
    expect(document.persons[0]?.id).toBe('');
    expect(document.persons[0]?.activities).toEqual(['busy']);
    expect(document.notes).toEqual([{ text: 'On the phone' }]);
  });

  it('given XPIDF, then each address becomes a tuple with the status words kept', () => {
    const document = parseFixture('polycom-vvx101-xpidf-busy.xml', XPIDF);
    expect(document.tuples).toEqual([
      {
        id: '1008',
        basic: 'open',
        contact: { uri: 'sip:192.168.0.86;user=ip', priority: 0.8 },
        notes: [],
        timestamp: null,
        deviceId: null,
        isOnline: false,
        imStatus: null,
        activities: [],
        class: null,
        userInput: null,
        xpidf: { status: 'inuse', substatus: 'busy' },
      },
    ]);
  });

  it('given CPIM-era documents, then the <im:im> word is kept as sent (lower-cased), in either im namespace', () => {
    expect(parseFixture('draft-impp-cpim-pidf-im-berightback.cpim-pidf.xml', CPIM).tuples.map((t) => [t.id, t.basic, t.imStatus])).toEqual([
      ['mobile-im', 'open', 'berightback'],
      ['email', 'open', null],
    ]);
    expect(parseFixture('draft-impp-cpim-pidf-im-only-no-basic.cpim-pidf.xml', CPIM).tuples[0]).toMatchObject({
      basic: null,
      imStatus: 'on-the-phone',
    });
  });

  it('given a body with CRLF line ends, as it comes off the wire, then it reads the same', () => {
    const crlf = fixture('rfc4480-rpid-example.xml').replace(/\n/g, '\r\n');
    const result = parsePresenceBody(crlf, PIDF);
    expect(result.ok && summarizePresence(result.document).status).toBe('away');
    expect(result.ok && result.document.persons[0]?.notes[0]).toEqual({ text: 'Scoring 120' });
  });
});
