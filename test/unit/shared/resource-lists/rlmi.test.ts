/**
 * The RLMI codec (shared/resource-lists/rlmi.ts): documents shaped like RFC 4662 §5.2's and Kamailio rls's, full and
 * partial state, what it writes reads back the same, and malformed or hostile documents get one sentence.
 */
import { describe, expect, it } from 'vitest';
import { buildRlmi, parseRlmi, type RlmiDocument } from '../../../../shared/resource-lists/rlmi';

const RFC_4662_EXAMPLE = `<?xml version="1.0" encoding="UTF-8"?>
<list xmlns="urn:ietf:params:xml:ns:rlmi"
      uri="sip:adam-friends@pres.vancouver.example.com"
      version="1" fullState="true">
  <name xml:lang="en">Buddy List at COM</name>
  <name xml:lang="de">Liste der Freunde an COM</name>
  <resource uri="sip:bob@vancouver.example.com">
    <name>Bob Smith</name>
    <instance id="juwigmtboe" state="active" cid="bUZBsM@pres.vancouver.example.com"/>
  </resource>
  <resource uri="sip:dave@vancouver.example.com">
    <name>Dave Jones</name>
    <instance id="hqzsuxtfyq" state="active" cid="ZvSvkz@pres.vancouver.example.com"/>
  </resource>
  <resource uri="sip:ed@dallas.example.net">
    <name>Ed at NET</name>
  </resource>
  <resource uri="sip:adam-friends@stockholm.example.org">
    <instance id="yzhkhpz" state="terminated" reason="rejected"/>
  </resource>
</list>`;

function read(body: string): RlmiDocument {
  const result = parseRlmi(body);
  if (!result.ok) throw new Error(result.message);
  return result.document;
}

describe('parseRlmi', () => {
  it('given RFC 4662 §5.2-style full state, reads the list, its names and every resource with its instances', () => {
    const document = read(RFC_4662_EXAMPLE);
    expect(document.uri).toBe('sip:adam-friends@pres.vancouver.example.com');
    expect(document.version).toBe(1);
    expect(document.isFullState).toBe(true);
    expect(document.names).toEqual([
      { text: 'Buddy List at COM', lang: 'en' },
      { text: 'Liste der Freunde an COM', lang: 'de' },
    ]);
    expect(document.resources.map((r) => r.uri)).toEqual([
      'sip:bob@vancouver.example.com',
      'sip:dave@vancouver.example.com',
      'sip:ed@dallas.example.net',
      'sip:adam-friends@stockholm.example.org',
    ]);
    expect(document.resources[0]?.instances).toEqual([{ id: 'juwigmtboe', state: 'active', cid: 'bUZBsM@pres.vancouver.example.com' }]);
    expect(document.resources[2]?.instances).toEqual([]);
    expect(document.resources[3]?.instances).toEqual([{ id: 'yzhkhpz', state: 'terminated', reason: 'rejected' }]);
  });

  it('given partial state with a cid in angle brackets (as some servers write it), reads fullState false and the bare cid', () => {
    const document = read(
      `<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:a-list@x" version="7" fullState="false"><resource uri="sip:b@x"><instance id="i1" state="pending" cid="&lt;c1@x&gt;"/></resource></list>`,
    );
    expect(document.isFullState).toBe(false);
    expect(document.version).toBe(7);
    expect(document.resources[0]?.instances[0]).toEqual({ id: 'i1', state: 'pending', cid: 'c1@x' });
  });

  it.each([
    ['no version', '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" fullState="true"/>', /no valid version/],
    ['a negative version', '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="-1" fullState="true"/>', /no valid version/],
    ['no fullState', '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1"/>', /fullState/],
    ['no list URI', '<list xmlns="urn:ietf:params:xml:ns:rlmi" version="1" fullState="true"/>', /no list URI/],
    ['another root', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@x"/>', /is not <list>/],
    ['a list in no namespace', '<list uri="sip:l@x" version="1" fullState="true"/>', /is not <list>/],
    [
      'a resource without a URI',
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true"><resource/></list>',
      /no URI/,
    ],
    [
      'an instance without an id',
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true"><resource uri="sip:b@x"><instance state="active"/></resource></list>',
      /has no id/,
    ],
    [
      'an instance in an unknown state',
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true"><resource uri="sip:b@x"><instance id="1" state="sleepy"/></resource></list>',
      /no known state/,
    ],
    [
      'a cut-off document',
      '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true"><resource uri="sip:b@x">',
      /Malformed XML/,
    ],
    [
      'an entity declaration',
      '<!DOCTYPE list [<!ENTITY a "aaaa">]><list xmlns="urn:ietf:params:xml:ns:rlmi" uri="&a;" version="1" fullState="true"/>',
      /DTD or entity/,
    ],
  ])('given %s, refuses the document with one sentence', (_, body, message) => {
    const result = parseRlmi(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('given more resources than the limit, refuses the document instead of reading them all', () => {
    const resources = Array.from({ length: 11 }, (_, i) => `<resource uri="sip:b${i}@x"/>`).join('');
    const result = parseRlmi(`<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1" fullState="true">${resources}</list>`, {
      maxResources: 10,
    });
    expect(result.ok).toBe(false);
  });

  it('given a 5,000-member full state document, reads every resource (the default limits hold the largest buddy list)', () => {
    const document: RlmiDocument = {
      uri: 'sip:me-buddies@x',
      version: 0,
      isFullState: true,
      names: [],
      resources: Array.from({ length: 5000 }, (_, i) => ({
        uri: `sip:b${i}@x`,
        names: [{ text: `Buddy ${i}` }],
        instances: [{ id: `i${i}`, state: 'active' as const, cid: `c${i}@x` }],
      })),
    };
    expect(read(buildRlmi(document)).resources).toHaveLength(5000);
  });
});

describe('buildRlmi', () => {
  it('writes a document that reads back the same, with characters XML cannot carry removed', () => {
    const document: RlmiDocument = {
      uri: 'sip:alice-buddies@example.com',
      version: 3,
      isFullState: false,
      names: [{ text: 'Alice <buddies> & co', lang: 'en' }],
      resources: [
        { uri: 'sip:bob@example.com', names: [{ text: 'Bob' }], instances: [{ id: 'x1', state: 'active', cid: 'p1@example.com' }] },
        { uri: 'sip:carol@example.com', names: [], instances: [{ id: 'x2', state: 'terminated', reason: 'noresource' }] },
      ],
    };
    expect(read(buildRlmi(document))).toEqual(document);
    expect(read(buildRlmi({ ...document, names: [{ text: 'A\u0001B' }] })).names).toEqual([{ text: 'AB' }]);
  });
});
