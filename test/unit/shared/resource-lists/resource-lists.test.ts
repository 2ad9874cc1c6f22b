/**
 * The resource-lists and rls-services codecs (shared/resource-lists/resource-lists.ts): RFC 4826 §3.3 and §4.3-style
 * documents, nested lists, written documents that read back the same, and hostile ones refused.
 */
import { describe, expect, it } from 'vitest';
import {
  buildResourceLists,
  buildRlsServices,
  entryUris,
  parseResourceLists,
  parseRlsServices,
  type ResourceListsDocument,
  type RlsServicesDocument,
} from '../../../../shared/resource-lists/resource-lists';

const RFC_4826_LISTS = `<?xml version="1.0" encoding="UTF-8"?>
<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <list name="friends">
    <entry uri="sip:bill@example.com"><display-name>Bill Doe</display-name></entry>
    <entry-ref ref="resource-lists/users/sip:bill@example.com/index/~~/resource-lists/list%5b@name=%22list1%22%5d/entry%5b@uri=%22sip:petri@example.com%22%5d"/>
    <list name="close-friends">
      <display-name>Close Friends</display-name>
      <entry uri="sip:joe@example.com"><display-name>Joe Smith</display-name></entry>
      <entry uri="sip:bill@example.com"/>
      <external anchor="http://xcap.example.org/resource-lists/users/sip:a@example.org/index/~~/resource-lists/list%5b@name=%22mkting%22%5d"/>
    </list>
  </list>
</resource-lists>`;

const RFC_4826_SERVICES = `<?xml version="1.0" encoding="UTF-8"?>
<rls-services xmlns="urn:ietf:params:xml:ns:rls-services" xmlns:rl="urn:ietf:params:xml:ns:resource-lists">
  <service uri="sip:mybuddies@example.com">
    <resource-list>http://xcap.example.com/resource-lists/users/sip:joe@example.com/index/~~/resource-lists/list%5b@name=%22l1%22%5d</resource-list>
    <packages><package>presence</package></packages>
  </service>
  <service uri="sip:marketing@example.com">
    <list name="marketing">
      <rl:entry uri="sip:joe@example.com"/>
      <rl:entry uri="sip:sudhir@example.com"/>
    </list>
    <packages><package>presence</package><package>dialog</package></packages>
  </service>
</rls-services>`;

describe('parseResourceLists', () => {
  it('given RFC 4826 §3.3-style lists, reads entries, references, externals and nested lists in order', () => {
    const result = parseResourceLists(RFC_4826_LISTS);
    if (!result.ok) throw new Error(result.message);
    const friends = result.document.lists[0];
    expect(friends?.name).toBe('friends');
    expect(friends?.items.map((i) => i.kind)).toEqual(['entry', 'entry-ref', 'list']);
    expect(friends?.items[0]).toEqual({ kind: 'entry', uri: 'sip:bill@example.com', displayName: 'Bill Doe' });
    const nested = friends?.items[2];
    expect(nested?.kind === 'list' && nested.list.displayName).toBe('Close Friends');
    // Each URI once, nested lists included, references not followed.
    expect(friends === undefined ? [] : entryUris(friends)).toEqual(['sip:bill@example.com', 'sip:joe@example.com']);
  });

  it.each([
    [
      'an entry without a URI',
      '<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list><entry/></list></resource-lists>',
      /no URI/,
    ],
    ['another root', '<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"/>', /is not <resource-lists>/],
    [
      'a DTD',
      '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"/>',
      /DTD or entity/,
    ],
    [
      'lists nested 20 deep',
      `<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists">${'<list>'.repeat(20)}${'</list>'.repeat(20)}</resource-lists>`,
      /nested deeper/,
    ],
  ])('given %s, refuses the document with one sentence', (_, body, message) => {
    const result = parseResourceLists(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('given more entries than the limit, refuses the document', () => {
    const entries = Array.from({ length: 6 }, (_, i) => `<entry uri="sip:b${i}@x"/>`).join('');
    const body = `<resource-lists xmlns="urn:ietf:params:xml:ns:resource-lists"><list>${entries}</list></resource-lists>`;
    expect(parseResourceLists(body, { maxItems: 5 }).ok).toBe(false);
    expect(parseResourceLists(body, { maxItems: 6 }).ok).toBe(true);
  });
});

describe('buildResourceLists', () => {
  it('writes a 5,000-entry buddy list that reads back the same', () => {
    const document: ResourceListsDocument = {
      lists: [
        {
          name: 'buddies',
          displayName: 'Buddies & "friends"',
          items: Array.from({ length: 5000 }, (_, i) => ({ kind: 'entry' as const, uri: `sip:b${i}@x`, displayName: `B ${i}` })),
        },
      ],
    };
    const result = parseResourceLists(buildResourceLists(document));
    if (!result.ok) throw new Error(result.message);
    expect(result.document).toEqual(document);
  });
});

describe('rls-services', () => {
  it('given RFC 4826 §4.3-style services, reads a referenced list and an inline one with its rl: entries', () => {
    const result = parseRlsServices(RFC_4826_SERVICES);
    if (!result.ok) throw new Error(result.message);
    const [buddies, marketing] = result.document.services;
    expect(buddies?.source).toEqual({
      kind: 'resource-list',
      href: 'http://xcap.example.com/resource-lists/users/sip:joe@example.com/index/~~/resource-lists/list%5b@name=%22l1%22%5d',
    });
    expect(buddies?.packages).toEqual(['presence']);
    expect(marketing?.source.kind === 'list' && entryUris(marketing.source.list)).toEqual([
      'sip:joe@example.com',
      'sip:sudhir@example.com',
    ]);
    expect(marketing?.packages).toEqual(['presence', 'dialog']);
  });

  it('writes services that read back the same', () => {
    const document: RlsServicesDocument = {
      services: [
        { uri: 'sip:alice-buddies@x', source: { kind: 'resource-list', href: 'http://127.0.0.1/xcap/a' }, packages: ['presence'] },
        {
          uri: 'sip:team@x',
          source: { kind: 'list', list: { name: 'team', items: [{ kind: 'entry', uri: 'sip:b@x' }] } },
          packages: [],
        },
      ],
    };
    const result = parseRlsServices(buildRlsServices(document));
    if (!result.ok) throw new Error(result.message);
    expect(result.document).toEqual(document);
  });

  it('given a service with neither a reference nor a list, refuses the document', () => {
    const result = parseRlsServices('<rls-services xmlns="urn:ietf:params:xml:ns:rls-services"><service uri="sip:l@x"/></rls-services>');
    expect(result.ok).toBe(false);
  });
});
