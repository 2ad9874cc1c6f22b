/**
 * The summary rules (shared/pidf/summarize.ts header), one behaviour per test, on small documents
 * written for the rule they check.
 */
import { describe, expect, it } from 'vitest';
import { parsePresenceBody, summarizePresence } from '../../../../shared/pidf';
import type { PresenceSummary } from '../../../../shared/presence/presence-state';

const NS =
  'xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"';

function summaryOf(inner: string, contentType = 'application/pidf+xml'): PresenceSummary {
  const result = parsePresenceBody(`<presence ${NS} entity="sip:bob@example.com">${inner}</presence>`, contentType);
  if (!result.ok) throw new Error(result.error.message);
  return summarizePresence(result.document);
}

const open = (id = 't1', extra = '') => `<tuple id="${id}"><status><basic>open</basic></status>${extra}</tuple>`;
const closed = (id = 't1', extra = '') => `<tuple id="${id}"><status><basic>closed</basic></status>${extra}</tuple>`;
const person = (activities: string, extra = '') =>
  `<dm:person id="p1">${activities === '' ? '' : `<rpid:activities>${activities}</rpid:activities>`}${extra}</dm:person>`;

describe('status: tuples', () => {
  it('given no tuple at all, then offline', () => {
    expect(summaryOf(person('<rpid:busy/>')).status).toBe('offline');
  });

  it('given every tuple closed, then offline even if the person says busy', () => {
    expect(summaryOf(closed('a') + closed('b') + person('<rpid:busy/>')).status).toBe('offline');
  });

  it('given a tuple without basic, then it does not count as open: the document says nothing, so unknown (not offline)', () => {
    expect(summaryOf('<tuple id="t1"><status/></tuple>').status).toBe('unknown');
  });

  it('given one open tuple among closed ones, then the person decides', () => {
    expect(summaryOf(closed('a') + open('b') + person('<rpid:meeting/>')).status).toBe('in-a-meeting');
  });

  it('given an open tuple and nothing else, then available', () => {
    expect(summaryOf(open()).status).toBe('available');
  });
});

describe('status: activities', () => {
  it.each<[string, PresenceSummary['status']]>([
    ['<rpid:permanent-absence/>', 'offline'],
    ['<rpid:other>dnd</rpid:other>', 'do-not-disturb'],
    ['<rpid:other>Do not disturb</rpid:other>', 'do-not-disturb'],
    ['<rpid:busy/><rpid:other>dnd</rpid:other>', 'do-not-disturb'],
    ['<rpid:on-the-phone/>', 'on-the-phone'],
    ['<rpid:meeting/>', 'in-a-meeting'],
    ['<rpid:appointment/>', 'in-a-meeting'],
    ['<rpid:busy/>', 'busy'],
    ['<rpid:away/>', 'away'],
    ['<rpid:vacation/>', 'away'],
    ['<rpid:lunch/>', 'away'],
    ['<rpid:sleeping/>', 'away'],
    ['<rpid:other>Out to lunch</rpid:other>', 'away'],
    ['<rpid:unknown/>', 'available'],
    ['<rpid:working/>', 'available'],
    ['<rpid:other>knitting</rpid:other>', 'available'],
  ])('given an open tuple and %s, then %s', (activities, status) => {
    expect(summaryOf(open() + person(activities)).status).toBe(status);
  });

  it('gives precedence: permanent-absence > dnd > on-the-phone > meeting > busy > away', () => {
    expect(summaryOf(open() + person('<rpid:away/><rpid:busy/><rpid:meeting/>')).status).toBe('in-a-meeting');
    expect(summaryOf(open() + person('<rpid:busy/><rpid:on-the-phone/>')).status).toBe('on-the-phone');
    expect(summaryOf(open() + person('<rpid:on-the-phone/><rpid:other>dnd</rpid:other>')).status).toBe('do-not-disturb');
    expect(summaryOf(open() + person('<rpid:other>dnd</rpid:other><rpid:permanent-absence/>')).status).toBe('offline');
  });

  it('reads activities a tuple carries itself (RPID drafts)', () => {
    expect(summaryOf(open('t1', '<rpid:activities><rpid:away/></rpid:activities>')).status).toBe('away');
  });

  it('reads the RPID drafts’ text form <activity>busy</activity>', () => {
    const summary = summaryOf(open('t1', '<rpid:activities><rpid:activity>busy</rpid:activity></rpid:activities>'));
    expect(summary.status).toBe('busy');
    expect(summary.activities).toEqual(['busy']);
  });

  it('given every person idle (RFC 4480 user-input) and no activity, then away', () => {
    expect(summaryOf(open() + person('', '<rpid:user-input>idle</rpid:user-input>')).status).toBe('away');
    expect(summaryOf(open() + person('', '<rpid:user-input>active</rpid:user-input>')).status).toBe('available');
  });
});

describe('status: notes (Asterisk and friends)', () => {
  it.each<[string, PresenceSummary['status']]>([
    ['Ready', 'available'],
    ['Available', 'available'],
    ['On the phone', 'on-the-phone'],
    ['on the   phone.', 'on-the-phone'],
    ['Ringing', 'on-the-phone'],
    ['On hold', 'on-the-phone'],
    ['Busy', 'busy'],
    ['Do not disturb', 'do-not-disturb'],
    ['In a meeting', 'in-a-meeting'],
    ['Be right back', 'away'],
    ['Unavailable', 'offline'],
    ['Offline', 'offline'],
    ['Busy until 5, then free', 'available'],
  ])('given an open tuple and the note %j, then %s', (note, status) => {
    expect(summaryOf(`<note>${note}</note>${open()}`).status).toBe(status);
  });

  it('given busy activities and an "On the phone" note (Asterisk in use), then on-the-phone', () => {
    expect(summaryOf(`<note>On the phone</note>${open()}${person('<rpid:busy/>')}`).status).toBe('on-the-phone');
  });

  it('given activities that decide, then a contradicting note does not override them', () => {
    expect(summaryOf(`<note>Ready</note>${open()}${person('<rpid:away/>')}`).status).toBe('away');
  });

  it('given a person element (the data model), then the user’s free-text notes do not override the chosen activity', () => {
    // What buildPidf publishes for "available" / "busy" with a note the user typed.
    expect(summaryOf(open('t1', '<note>Unavailable</note>') + person('', '<dm:note>Unavailable</dm:note>')).status).toBe('available');
    expect(summaryOf(open('t1', '<note>In a call</note>') + person('<rpid:busy/>', '<dm:note>In a call</dm:note>')).status).toBe('busy');
    expect(summaryOf(open('t1', '<note>On the phone</note>') + person('<rpid:busy/>', '<dm:note>On the phone</dm:note>')).status).toBe(
      'busy',
    );
  });

  it('given no person element (X-Lite, Pidgin style), then a status word in the tuple note counts', () => {
    expect(summaryOf(open('t1', '<note>Busy</note>')).status).toBe('busy');
    expect(summaryOf(open('t1', '<note>On the phone</note>')).status).toBe('on-the-phone');
  });

  it('given every tuple closed and Asterisk’s presence-level "On the phone"/"Ringing"/"Busy", then that, not offline', () => {
    expect(summaryOf(`<note>On the phone</note>${closed()}`).status).toBe('on-the-phone');
    expect(summaryOf(`<note>Ringing</note>${closed()}`).status).toBe('on-the-phone');
    expect(summaryOf(`<note>Busy</note>${closed()}`).status).toBe('busy');
    expect(summaryOf(`<note>Unavailable</note>${closed()}`).status).toBe('offline');
  });

  it('given a client appearing offline with a note in tuple and person, then offline whatever the note says', () => {
    const summary = summaryOf(closed('t1', '<note>On the phone</note>') + person('', '<dm:note>On the phone</dm:note>'));
    expect(summary.status).toBe('offline');
    expect(summary.note).toBe('On the phone');
  });
});

describe('status: the CPIM-era <im:im> word inside <status>', () => {
  const IM = 'xmlns:im="urn:ietf:params:xml:ns:pidf:im"';
  const imTuple = (word: string, basic = '<basic>open</basic>') =>
    `<tuple id="t1"><status ${IM}>${basic}<im:im>${word}</im:im></status></tuple>`;

  it.each<[string, PresenceSummary['status']]>([
    ['busy', 'busy'],
    ['away', 'away'],
    ['on-the-phone', 'on-the-phone'],
    ['onthephone', 'on-the-phone'],
    ['berightback', 'away'],
    ['out-to-lunch', 'away'],
    ['idle', 'away'],
    ['online', 'available'],
    ['Busy', 'busy'],
    ['knitting', 'available'],
  ])('given basic open and <im:im>%s</im:im>, then %s', (word, status) => {
    expect(summaryOf(imTuple(word)).status).toBe(status);
  });

  it('given no basic, then the im word alone says whether the tuple is reachable', () => {
    expect(summaryOf(imTuple('on-the-phone', '')).status).toBe('on-the-phone');
    expect(summaryOf(imTuple('offline', '')).status).toBe('offline');
    expect(summaryOf(imTuple('knitting', '')).status).toBe('unknown');
  });

  it('given an im word that names an Object.prototype member, then it means nothing (no prototype lookup)', () => {
    expect(summaryOf(imTuple('constructor')).status).toBe('available');
    expect(summaryOf(imTuple('__proto__', '')).status).toBe('unknown');
  });

  it('given RPID activities as well, then the activities decide', () => {
    expect(summaryOf(imTuple('busy') + person('<rpid:away/>')).status).toBe('away');
  });
});

describe('status: documents that say nothing about availability', () => {
  it('given only tuples without basic, then unknown for the buddy and for each device', () => {
    const summary = summaryOf('<tuple id="a"><status/></tuple><tuple id="b"><status/><note>somewhere</note></tuple>');
    expect(summary.status).toBe('unknown');
    expect(summary.devices.map((d) => d.status)).toEqual(['unknown', 'unknown']);
  });

  it('given a tuple without basic beside a closed one, then the closed one speaks: offline', () => {
    expect(summaryOf('<tuple id="a"><status/></tuple>' + closed('b')).status).toBe('offline');
  });

  it('given a tuple without basic beside an open one, then the open one decides', () => {
    expect(summaryOf('<tuple id="a"><status/></tuple>' + open('b') + person('<rpid:busy/>')).status).toBe('busy');
  });

  it('given no basic but a person whose activities decide, then those', () => {
    expect(summaryOf('<tuple id="a"><status/></tuple>' + person('<rpid:meeting/>')).status).toBe('in-a-meeting');
  });
});

describe('the note to show', () => {
  it('prefers the person’s note over any tuple’s', () => {
    expect(summaryOf(open('t1', '<note>tuple</note>') + person('', '<dm:note>person</dm:note>')).note).toBe('person');
  });

  it('else takes the best tuple’s: open before closed, then higher priority, then newer', () => {
    const tuples =
      closed('c', '<contact priority="1">sip:c@x</contact><note>closed one</note>') +
      open('low', '<contact priority="0.2">sip:l@x</contact><note>low priority</note>') +
      open('high', '<contact priority="0.9">sip:h@x</contact><note>high priority</note>');
    expect(summaryOf(tuples).note).toBe('high priority');
    const byTime =
      open('old', '<note>older</note><timestamp>2024-01-01T10:00:00Z</timestamp>') +
      open('new', '<note>newer</note><timestamp>2024-01-01T11:00:00Z</timestamp>');
    expect(summaryOf(byTime).note).toBe('newer');
  });

  it('else the document’s own note', () => {
    expect(summaryOf(`${open()}<note>doc</note>`).note).toBe('doc');
  });

  it('prefers English, then an unlabelled note, then the first', () => {
    expect(summaryOf(open('t1', '<note xml:lang="de">Hallo</note><note>plain</note><note xml:lang="en-GB">Hello</note>')).note).toBe(
      'Hello',
    );
    expect(summaryOf(open('t1', '<note xml:lang="de">Hallo</note><note>plain</note>')).note).toBe('plain');
    expect(summaryOf(open('t1', '<note xml:lang="de">Hallo</note><note xml:lang="fr">Salut</note>')).note).toBe('Hallo');
  });

  it('inherits xml:lang from the enclosing element', () => {
    const summary = summaryOf(
      `<tuple id="t1" xml:lang="fr"><status><basic>open</basic></status><note>Salut</note><note xml:lang="en">Hi</note></tuple>`,
    );
    expect(summary.note).toBe('Hi');
  });

  it('is null when there is none', () => {
    expect(summaryOf(open()).note).toBeNull();
  });

  it('reads an <rpid:note> written straight under the person (older clients)', () => {
    expect(summaryOf(open() + person('<rpid:away/>', '<rpid:note>Back at 3</rpid:note>')).note).toBe('Back at 3');
  });

  it('says which language the chosen note is in, and nothing for an unlabelled note', () => {
    const german = summaryOf(open('t1', '<note xml:lang="de">Bin gleich zurück</note>'));
    expect(german.note).toBe('Bin gleich zurück');
    expect(german.noteLang).toBe('de');
    expect(summaryOf(open('t1', '<note xml:lang="de">Hallo</note><note xml:lang="en">Hello</note>')).noteLang).toBe('en');
    expect(summaryOf(open('t1', '<note>plain</note>'))).not.toHaveProperty('noteLang');
  });
});

describe('devices', () => {
  it('lists one device per tuple with its own status, contact and label', () => {
    const summary = summaryOf(
      open('desk', '<rpid:class>Desk phone</rpid:class><contact>sip:bob@192.0.2.5</contact><timestamp>2024-01-01T10:00:00Z</timestamp>') +
        closed('laptop', '<rpid:class>Laptop</rpid:class>') +
        person('<rpid:meeting/>'),
    );
    expect(summary.devices).toEqual([
      {
        id: 'desk',
        status: 'in-a-meeting',
        note: null,
        contact: 'sip:bob@192.0.2.5',
        label: 'Desk phone',
        timestamp: '2024-01-01T10:00:00Z',
      },
      { id: 'laptop', status: 'offline', note: null, contact: null, label: 'Laptop', timestamp: null },
    ]);
    expect(summary.status).toBe('in-a-meeting');
  });

  it('lets a tuple’s own activity decide its device status before the person’s', () => {
    const summary = summaryOf(
      open('phone', '<rpid:activities><rpid:on-the-phone/></rpid:activities>') + open('pc') + person('<rpid:busy/>'),
    );
    expect(summary.devices.map((d) => [d.id, d.status])).toEqual([
      ['phone', 'on-the-phone'],
      ['pc', 'busy'],
    ]);
    expect(summary.status).toBe('on-the-phone');
  });
});

describe('several devices: each person tied to its device (p + tuple id), one precedence rule', () => {
  /** One device as our publisher writes it: its tuple and its own person, marked manual unless told otherwise. */
  const device = (id: string, basic: 'open' | 'closed', activity: string, note: string, isManual = true) =>
    `<tuple id="${id}"><status><basic>${basic}</basic></status><note>${note}</note></tuple>` +
    `<dm:person id="p${id}">${activity === '' ? '' : `<rpid:activities><rpid:${activity}/></rpid:activities>`}` +
    `${isManual ? '<rpid:class>manual</rpid:class>' : ''}<dm:note>${note}</dm:note></dm:person>`;

  it('given a desk phone on the phone and a laptop available, then on-the-phone, and each device row shows its own state', () => {
    for (const body of [
      device('desk', 'open', 'on-the-phone', 'Call with a customer') + device('laptop', 'open', '', 'At my desk'),
      device('laptop', 'open', '', 'At my desk') + device('desk', 'open', 'on-the-phone', 'Call with a customer'),
    ]) {
      const summary = summaryOf(body);
      expect([summary.status, summary.note]).toEqual(['on-the-phone', 'Call with a customer']);
      expect(summary.devices.map((d) => [d.id, d.status, d.note]).sort()).toEqual([
        ['desk', 'on-the-phone', 'Call with a customer'],
        ['laptop', 'available', 'At my desk'],
      ]);
    }
  });

  it('given the winning device has no note, then the buddy shows no note rather than another device’s', () => {
    const summary = summaryOf(
      device('desk', 'open', 'on-the-phone', '').replace(/<(dm:)?note><\/(dm:)?note>/g, '') + device('laptop', 'open', '', 'At my desk'),
    );
    expect([summary.status, summary.note]).toEqual(['on-the-phone', null]);
  });

  it('given a closed device, then its person contributes nothing and its row is offline', () => {
    const summary = summaryOf(device('desk', 'closed', 'on-the-phone', 'Hidden') + device('laptop', 'open', 'away', 'Lunch'));
    expect([summary.status, summary.note]).toEqual(['away', 'Lunch']);
    expect(summary.devices.map((d) => [d.id, d.status])).toEqual([
      ['desk', 'offline'],
      ['laptop', 'away'],
    ]);
  });

  it('given a manual status and a more engaged automatic one, then the manual one wins; the device rows keep their own', () => {
    const summary = summaryOf(
      device('phone', 'open', 'on-the-phone', 'In a call', false) + device('laptop', 'open', '', 'Ask me anything'),
    );
    expect([summary.status, summary.note]).toEqual(['available', 'Ask me anything']);
    expect(summary.devices.map((d) => [d.id, d.status])).toEqual([
      ['phone', 'on-the-phone'],
      ['laptop', 'available'],
    ]);
  });

  it('given a person tied to no tuple, then it speaks for every device without a person of its own', () => {
    const summary = summaryOf(open('phone') + device('laptop', 'open', 'away', 'Lunch', false) + person('<rpid:busy/>'));
    expect(summary.status).toBe('busy');
    expect(summary.devices.map((d) => [d.id, d.status])).toEqual([
      ['phone', 'busy'],
      ['laptop', 'away'],
    ]);
  });

  it('reads only the exact class "manual" (any case) as manual', () => {
    const calendar =
      open('a') + `<dm:person id="pa"><rpid:activities><rpid:busy/></rpid:activities><rpid:class>calendar</rpid:class></dm:person>`;
    expect(summaryOf(calendar + device('b', 'open', 'away', 'x', false)).status).toBe('busy');
    const upper = device('b', 'open', 'away', 'x', false).replace('<dm:note>', '<rpid:class> Manual </rpid:class><dm:note>');
    expect(summaryOf(calendar + upper).status).toBe('away');
  });
});

describe('XPIDF', () => {
  function xpidf(atoms: string): PresenceSummary {
    const result = parsePresenceBody(
      `<presence><presentity uri="sip:bob@example.com;method=SUBSCRIBE"/>${atoms}</presence>`,
      'application/xpidf+xml',
    );
    if (!result.ok) throw new Error(result.error.message);
    return summarizePresence(result.document);
  }
  const atom = (id: string, status: string, substatus?: string) =>
    `<atom id="${id}"><address uri="sip:${id}@x"><status status="${status}"/>${substatus ? `<msnsubstatus substatus="${substatus}"/>` : ''}</address></atom>`;

  it.each<[string, string | undefined, PresenceSummary['status']]>([
    ['open', 'online', 'available'],
    ['open', 'away', 'away'],
    ['open', 'berightback', 'away'],
    ['open', 'outtolunch', 'away'],
    ['open', 'idle', 'away'],
    ['open', 'busy', 'busy'],
    ['inuse', 'onthephone', 'on-the-phone'],
    ['inuse', undefined, 'on-the-phone'],
    ['inactive', undefined, 'away'],
    ['open', 'unknown', 'available'],
    ['closed', 'offline', 'offline'],
    ['open', 'offline', 'offline'],
  ])('given status %s and substatus %s, then %s', (status, substatus, expected) => {
    expect(xpidf(atom('a', status, substatus)).status).toBe(expected);
  });

  it('given several atoms, then the most engaged open one wins', () => {
    expect(xpidf(atom('a', 'open', 'online') + atom('b', 'inuse', 'onthephone') + atom('c', 'closed', 'offline')).status).toBe(
      'on-the-phone',
    );
  });

  it('given status and substatus words that name Object.prototype members, then an open atom is simply available', () => {
    expect(xpidf(atom('a', 'toString', 'constructor')).status).toBe('available');
  });

  it('strips the ;method=SUBSCRIBE decoration from the presentity URI', () => {
    const result = parsePresenceBody(
      '<presence><presentity uri="sip:bob@example.com;method=SUBSCRIBE"/></presence>',
      'application/xpidf+xml',
    );
    expect(result.ok && result.document.entity).toBe('sip:bob@example.com');
  });
});
