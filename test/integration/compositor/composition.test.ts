/**
 * Composition of several devices' publications into one document (docs/protocol.md §4: union of tuples, same tuple
 * id → newest wins, every device's person, closed when none is left), as a watcher receives it over UDP.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { buildPidf, parsePresenceBody, summarizePresence, type PidfDocument } from '../../../shared/pidf';
import type { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ADA = 'sip:ada@example.com';
const NS =
  'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"';

function device(tupleId: string, basic: 'open' | 'closed', note: string, person?: { activity: string; note: string }): string {
  const personXml =
    person === undefined
      ? ''
      : `<dm:person id="p-${tupleId}"><rpid:activities><rpid:${person.activity}/></rpid:activities><dm:note>${person.note}</dm:note></dm:person>`;
  return `<?xml version="1.0" encoding="UTF-8"?><presence ${NS} entity="${ADA}"><tuple id="${tupleId}"><status><basic>${basic}</basic></status><note>${note}</note></tuple>${personXml}</presence>`;
}

function parse(body: string): PidfDocument {
  const parsed = parsePresenceBody(body, 'application/pidf+xml');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.document;
}

let fx: CompositorFixture;
let deskPhone: SipTestPeer;
let laptop: SipTestPeer;
let watcher: SipTestPeer;

beforeEach(async () => {
  fx = await startFixture();
  deskPhone = await fx.udpPeer();
  laptop = await fx.udpPeer();
  watcher = await fx.udpPeer();
  await watcher.request(subscribeSpec(watcher, ADA));
  await watcher.nextRequest();
});

describe('multi-device composition', () => {
  it('given a desk phone and a laptop publishing, when composed, then the watcher sees both tuples', async () => {
    await deskPhone.request(publishSpec(ADA, { body: device('desk-phone', 'open', 'On the desk phone') }));
    await watcher.nextRequest();
    await laptop.request(publishSpec(ADA, { body: device('laptop', 'open', 'On the laptop') }));
    const document = parse((await watcher.nextRequest()).body);
    expect(document.tuples.map((t) => [t.id, t.basic, t.notes[0]?.text]).sort()).toEqual([
      ['desk-phone', 'open', 'On the desk phone'],
      ['laptop', 'open', 'On the laptop'],
    ]);
  });

  it('given two publications with the same tuple id, when composed, then the newest publication wins', async () => {
    await deskPhone.request(publishSpec(ADA, { body: device('shared', 'open', 'older') }));
    await watcher.nextRequest();
    await laptop.request(publishSpec(ADA, { body: device('shared', 'closed', 'newer') }));
    const document = parse((await watcher.nextRequest()).body);
    expect(document.tuples.map((t) => [t.id, t.basic, t.notes[0]?.text])).toEqual([['shared', 'closed', 'newer']]);
  });

  it('given an older publication modified later, when composed, then its modified tuple is the newest', async () => {
    const etag = (await deskPhone.request(publishSpec(ADA, { body: device('shared', 'open', 'first') }))).headers.get('sip-etag') as string;
    await watcher.nextRequest();
    await laptop.request(publishSpec(ADA, { body: device('shared', 'open', 'second') }));
    await watcher.nextRequest();
    await deskPhone.request(publishSpec(ADA, { etag, body: device('shared', 'closed', 'third') }));
    const document = parse((await watcher.nextRequest()).body);
    expect(document.tuples.map((t) => t.notes[0]?.text)).toEqual(['third']);
  });

  it('given each device publishes a person, when composed, then every person is kept, the most engaged first', async () => {
    await deskPhone.request(publishSpec(ADA, { body: device('desk-phone', 'open', 'x', { activity: 'on-the-phone', note: 'On a call' }) }));
    await watcher.nextRequest();
    await laptop.request(publishSpec(ADA, { body: device('laptop', 'open', 'y', { activity: 'meeting', note: 'Design review' }) }));
    const document = parse((await watcher.nextRequest()).body);
    expect(document.persons.map((p) => [p.activities, p.notes[0]?.text])).toEqual([
      [['on-the-phone'], 'On a call'],
      [['meeting'], 'Design review'],
    ]);
  });

  it('given a phone publishing its call state unmarked and a laptop a manual available, when composed, then available leads; each row its own', async () => {
    // The phone marks nothing (a phone's call state is automatic); the laptop publishes what Presently does.
    const phoneBody = device('desk-phone', 'open', 'In a call').replace(
      '</presence>',
      '<dm:person id="pdesk-phone"><rpid:activities><rpid:on-the-phone/></rpid:activities></dm:person></presence>',
    );
    await deskPhone.request(publishSpec(ADA, { body: phoneBody }));
    await watcher.nextRequest();
    const laptopBody = buildPidf({ entity: ADA, tupleId: 'laptop', status: 'available', note: 'Ask me anything', timestamp: new Date() });
    await laptop.request(publishSpec(ADA, { body: laptopBody }));
    const document = parse((await watcher.nextRequest()).body);
    expect(document.persons.map((p) => [p.id, p.class])).toEqual([
      ['plaptop', 'manual'],
      ['pdesk-phone', null],
    ]);
    const summary = summarizePresence(document);
    expect([summary.status, summary.note]).toEqual(['available', 'Ask me anything']);
    expect(summary.devices.map((d) => [d.id, d.status, d.note])).toEqual([
      ['desk-phone', 'on-the-phone', 'In a call'],
      ['laptop', 'available', 'Ask me anything'],
    ]);
  });

  it('given two devices, when one removes its publication, then only the other tuple remains; when both are gone, the document is closed', async () => {
    const deskEtag = (await deskPhone.request(publishSpec(ADA, { body: device('desk-phone', 'open', 'a') }))).headers.get(
      'sip-etag',
    ) as string;
    await watcher.nextRequest();
    const laptopEtag = (await laptop.request(publishSpec(ADA, { body: device('laptop', 'open', 'b') }))).headers.get('sip-etag') as string;
    await watcher.nextRequest();
    await deskPhone.request(publishSpec(ADA, { etag: deskEtag, expires: 0 }));
    expect(parse((await watcher.nextRequest()).body).tuples.map((t) => t.id)).toEqual(['laptop']);
    await laptop.request(publishSpec(ADA, { etag: laptopEtag, expires: 0 }));
    const empty = parse((await watcher.nextRequest()).body);
    expect(empty.tuples.map((t) => t.basic)).toEqual(['closed']);
  });

  it('given an extension element the compositor does not understand, when composed, then it is preserved', async () => {
    const withExtension = device('desk-phone', 'open', 'x').replace(
      '</presence>',
      '<geo:location xmlns:geo="urn:example:geo"><geo:room>4.12</geo:room></geo:location></presence>',
    );
    expect((await deskPhone.request(publishSpec(ADA, { body: withExtension }))).status).toBe(200);
    const body = (await watcher.nextRequest()).body;
    expect(body).toContain('urn:example:geo');
    expect(body).toMatch(/<(\w+:)?room>4\.12<\/(\w+:)?room>/);
  });
});
