/**
 * Composition for the built-in presence server (RFC 3903 §6; our policy: docs/protocol.md §4): several live
 * publications of one AOR become the one document its watchers receive.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPidf,
  CLOSED_TUPLE_ID,
  composePresenceDocuments,
  parsePresenceBody,
  summarizePresence,
  type PidfDocument,
  type PublishedDocument,
} from '../../../../shared/pidf';
import { parseXml, type XmlElement } from '../../../../shared/pidf/xml';
import { fixture } from './fixture-files';

const AOR = 'sip:alice@example.com';

function publication(body: string, receivedAt: number, contentType = 'application/pidf+xml'): PublishedDocument {
  const result = parsePresenceBody(body, contentType);
  if (!result.ok) throw new Error(result.error.message);
  return { body, document: result.document, receivedAt };
}

function published(
  tupleId: string,
  status: Parameters<typeof buildPidf>[0]['status'],
  receivedAt: number,
  note?: string,
): PublishedDocument {
  return publication(
    buildPidf({ entity: AOR, tupleId, status, note, timestamp: new Date(receivedAt), contact: `sip:alice@${tupleId}.example.com` }),
    receivedAt,
  );
}

function reparse(body: string): PidfDocument {
  const result = parsePresenceBody(body, 'application/pidf+xml');
  if (!result.ok) throw new Error(`composed document does not parse: ${result.error.message}\n${body}`);
  return result.document;
}

/** All elements of the composed document, as {namespace}name, depth-first. */
function elementNames(body: string): string[] {
  const xml = parseXml(body);
  if (!xml.ok) throw new Error(xml.message);
  const names: string[] = [];
  const walk = (e: XmlElement): void => {
    names.push(`{${e.ns ?? ''}}${e.name}`);
    for (const c of e.children) if (typeof c !== 'string') walk(c);
  };
  walk(xml.root);
  return names;
}

describe('composePresenceDocuments', () => {
  it('given no publication, then a valid document with one closed tuple: watchers see offline', () => {
    const body = composePresenceDocuments(AOR, []);
    const document = reparse(body);
    expect(document.entity).toBe(AOR);
    expect(document.tuples.map((t) => [t.id, t.basic])).toEqual([[CLOSED_TUPLE_ID, 'closed']]);
    expect(summarizePresence(document).status).toBe('offline');
  });

  it('given two devices, then both tuples are in the document', () => {
    const body = composePresenceDocuments(AOR, [
      published('deskphone', 'available', 1000),
      published('laptop', 'in-a-meeting', 2000, 'Standup'),
    ]);
    const document = reparse(body);
    expect(document.entity).toBe(AOR);
    expect(document.tuples.map((t) => [t.id, t.contact?.uri])).toEqual([
      ['deskphone', 'sip:alice@deskphone.example.com'],
      ['laptop', 'sip:alice@laptop.example.com'],
    ]);
    const summary = summarizePresence(document);
    expect(summary.status).toBe('in-a-meeting');
    expect(summary.note).toBe('Standup');
  });

  it('given the same tuple id twice, then the newest publication’s tuple wins, whatever the order given', () => {
    const older = published('laptop', 'available', 1000, 'old');
    const newer = published('laptop', 'busy', 5000, 'new');
    for (const order of [
      [older, newer],
      [newer, older],
    ]) {
      const document = reparse(composePresenceDocuments(AOR, order));
      expect(document.tuples).toHaveLength(1);
      expect(document.tuples[0]?.notes).toEqual([{ text: 'new' }]);
      expect(summarizePresence(document).status).toBe('busy');
    }
  });

  it('keeps every publication’s person, the winning device’s first, whatever the order they came in', () => {
    const phone = (at: number) => published('phone', 'on-the-phone', at, 'call');
    const laptop = (at: number) => published('laptop', 'available', at, 'At my desk');
    for (const order of [
      [phone(1000), laptop(2000)],
      [laptop(1000), phone(2000)],
    ]) {
      const document = reparse(composePresenceDocuments(AOR, order));
      expect(document.persons.map((p) => [p.id, p.activities])).toEqual([
        ['pphone', ['on-the-phone']],
        ['plaptop', []],
      ]);
      const summary = summarizePresence(document);
      expect([summary.status, summary.note]).toEqual(['on-the-phone', 'call']);
      expect(summary.devices.map((d) => [d.id, d.status, d.note]).sort()).toEqual([
        ['laptop', 'available', 'At my desk'],
        ['phone', 'on-the-phone', 'call'],
      ]);
    }
  });

  it('orders equal persons newest first and puts a closed device’s person last', () => {
    const document = reparse(
      composePresenceDocuments(AOR, [
        published('hidden', 'appear-offline', 1000),
        published('old', 'away', 2000),
        published('new', 'away', 3000),
      ]),
    );
    expect(document.persons.map((p) => p.id)).toEqual(['pnew', 'pold', 'phidden']);
  });

  it('given the same person id in two publications, then only the newest publication’s person is kept (ids name one element)', () => {
    const person = (activity: string) =>
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${AOR}"><tuple id="${activity}"><status><basic>open</basic></status></tuple><dm:person id="p1"><rpid:activities><rpid:${activity}/></rpid:activities></dm:person></presence>`;
    const document = reparse(composePresenceDocuments(AOR, [publication(person('busy'), 1000), publication(person('away'), 2000)]));
    expect(document.persons.map((p) => [p.id, p.activities])).toEqual([['p1', ['away']]]);
  });

  it('keeps the person of an older publication when the newest has none', () => {
    const bare = publication(
      `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${AOR}"><tuple id="bare"><status><basic>open</basic></status></tuple></presence>`,
      9000,
    );
    const document = reparse(composePresenceDocuments(AOR, [published('laptop', 'away', 1000), bare]));
    expect(document.persons.map((p) => p.activities)).toEqual([['away']]);
  });

  it('keeps presence-level notes of all publications, newest first, without repeats', () => {
    const a = publication(fixture('asterisk-res-pjsip-pidf-ready.xml'), 1000);
    const b = publication(fixture('rfc3863-example.xml'), 2000);
    const c = publication(fixture('asterisk-res-pjsip-pidf-ready.xml').replace('id="300"', 'id="301"'), 3000);
    const document = reparse(composePresenceDocuments(AOR, [a, b, c]));
    expect(document.notes).toEqual([{ text: 'Ready' }, { text: "I'll be in Tokyo next week" }]);
  });

  it('keeps extension elements it does not understand, in their own namespaces, inside tuples, persons and at the top', () => {
    const withExtensions = `<?xml version="1.0"?>
<p:presence xmlns:p="urn:ietf:params:xml:ns:pidf" xmlns:x="urn:example:geo" xmlns:c="urn:ietf:params:xml:ns:pidf:cipid"
    xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" entity="${AOR}">
  <p:tuple id="car">
    <p:status><p:basic>open</p:basic><x:speed unit="km/h">88</x:speed></p:status>
    <x:location x:accuracy="5">Motorway A1</x:location>
  </p:tuple>
  <dm:person id="pcar"><c:card>http://example.com/alice.vcf</c:card></dm:person>
  <x:trip id="t7"><x:to>Lyon</x:to></x:trip>
</p:presence>`;
    // A second publisher binds the same prefix "x" to a different namespace: both must survive intact.
    const clash = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:x="urn:example:weather" entity="${AOR}">
  <tuple id="phone"><status><basic>open</basic></status><x:forecast>rain</x:forecast></tuple>
</presence>`;
    const body = composePresenceDocuments(AOR, [publication(withExtensions, 1000), publication(clash, 2000)]);
    const names = elementNames(body);
    expect(names).toEqual(
      expect.arrayContaining([
        '{urn:example:geo}speed',
        '{urn:example:geo}location',
        '{urn:ietf:params:xml:ns:pidf:cipid}card',
        '{urn:example:geo}trip',
        '{urn:example:geo}to',
        '{urn:example:weather}forecast',
      ]),
    );
    expect(body).toContain('unit="km/h"');
    expect(body).toMatch(/\b(\w+):accuracy="5"/);
    expect(body).toContain('>Motorway A1<');
    expect(body).toContain('>http://example.com/alice.vcf<');
    expect(reparse(body).tuples.map((t) => t.id)).toEqual(['car', 'phone']);
  });

  it('declares every namespace once on the root, with the conventional dm: and rpid: prefixes', () => {
    const body = composePresenceDocuments(AOR, [publication(fixture('rfc4479-data-model-example.xml'), 1000)]);
    const root = body.slice(body.indexOf('<presence'), body.indexOf('>', body.indexOf('<presence')));
    expect(root).toContain('xmlns="urn:ietf:params:xml:ns:pidf"');
    expect(root).toContain('xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"');
    expect(root).toContain('xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"');
    expect(body).toContain('<rpid:on-the-phone/>');
    expect(body.match(/xmlns:/g)).toHaveLength(3);
  });

  it('moves CPIM-PIDF publications into the PIDF namespace', () => {
    const body = composePresenceDocuments(AOR, [
      publication(fixture('seed-draft-olson-m3-notify.cpim-pidf.xml'), 1000, 'application/cpim-pidf+xml'),
      published('laptop', 'available', 2000),
    ]);
    expect(body).not.toContain('cpim-pidf');
    const document = reparse(body);
    expect(document.contentType).toBe('application/pidf+xml');
    expect(document.tuples.map((t) => t.id)).toEqual(['mobile-phone', 'desktop', 'laptop']);
  });

  it('converts an XPIDF publication through the model, keeping what its status words mean', () => {
    const body = composePresenceDocuments(AOR, [
      publication(fixture('polycom-vvx101-xpidf-onthephone.xml'), 1000, 'application/xpidf+xml'),
    ]);
    const document = reparse(body);
    expect(document.tuples.map((t) => [t.id, t.basic, t.activities])).toEqual([['1385', 'open', ['on-the-phone']]]);
    expect(summarizePresence(document).status).toBe('on-the-phone');
  });

  it('copies a publication root’s xml:lang onto what it takes from it', () => {
    const german = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xml:lang="de" entity="${AOR}"><tuple id="t"><status><basic>open</basic></status><note>Mittagspause</note></tuple></presence>`;
    const document = reparse(composePresenceDocuments(AOR, [publication(german, 1)]));
    expect(document.tuples[0]?.notes).toEqual([{ text: 'Mittagspause', lang: 'de' }]);
  });

  it('writes CPIM-PIDF when asked, for watchers that accept only that', () => {
    const body = composePresenceDocuments(AOR, [published('laptop', 'busy', 1)], { contentType: 'application/cpim-pidf+xml' });
    expect(body).toContain('xmlns="urn:ietf:params:xml:ns:cpim-pidf"');
    const result = parsePresenceBody(body, 'application/cpim-pidf+xml');
    expect(result.ok && [result.document.contentType, summarizePresence(result.document).status]).toEqual([
      'application/cpim-pidf+xml',
      'busy',
    ]);
  });

  it('given a document that lost its parse tree (a structured clone), then it reads the body again and still keeps extensions', () => {
    const original = publication(fixture('rfc4479-data-model-example.xml'), 1);
    const cloned: PublishedDocument = { ...original, document: structuredClone(original.document) };
    const body = composePresenceDocuments(AOR, [cloned]);
    expect(elementNames(body)).toContain('{urn:ietf:params:xml:ns:pidf:caps}servcaps');
  });

  it('uses the AOR it is given as entity, not the publications’', () => {
    const document = reparse(composePresenceDocuments('sip:alice@example.org', [publication(fixture('zoiper5-publish.xml'), 1)]));
    expect(document.entity).toBe('sip:alice@example.org');
  });

  it.each([
    'seed-linphone-android-5.1-publish.xml',
    'seed-comsipl-presence-server-notify.xml',
    'rfc3863-example.xml',
    'rfc3863-namespace-prefix-example.xml',
    'rfc4479-data-model-example.xml',
    'rfc4480-rpid-example.xml',
    'linphone-offline-permanent-absence.xml',
    'linphone-do-not-disturb-other-dnd.xml',
    'asterisk-res-pjsip-pidf-ready.xml',
    'asterisk-res-pjsip-pidf-in-use-eyebeam.xml',
    'asterisk-chan-sip-pidf-busy.xml',
    'freeswitch-notify-on-the-phone.xml',
    'zoiper5-publish.xml',
    'wengophone-publish-no-namespace.xml',
    'seed-draft-olson-m11-notify.cpim-pidf.xml',
    'polycom-vvx101-xpidf-busy.xml',
    'freeswitch-xpidf-for-polycom.xml',
  ])('given %s alone, then the composed document parses back and reads the same', (file) => {
    const contentType = file.includes('xpidf')
      ? 'application/xpidf+xml'
      : file.includes('cpim')
        ? 'application/cpim-pidf+xml'
        : 'application/pidf+xml';
    const source = publication(fixture(file), 1, contentType);
    const before = summarizePresence(source.document);
    const after = summarizePresence(reparse(composePresenceDocuments(source.document.entity, [source])));
    expect([after.status, after.note, after.devices.map((d) => [d.id, d.status, d.label])]).toEqual([
      before.status,
      before.note,
      before.devices.map((d) => [d.id, d.status, d.label]),
    ]);
  });
});
