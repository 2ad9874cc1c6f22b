/**
 * The watcher information codec (shared/watcherinfo/): RFC 3858 §5's example, our own documents read back, partial
 * documents merged, and the hostile inputs every reader of ours refuses (DTDs, entities, wrong roots).
 */
import { describe, expect, it } from 'vitest';
import { applyWatcherInfo, buildWatcherInfo, parseWatcherInfo, type WatcherInfoDocument } from '../../../../shared/watcherinfo';

/** RFC 3858 §5, as printed there. */
const RFC_EXAMPLE = `<?xml version="1.0"?>
<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="0" state="full">
  <watcher-list resource="sip:professor@example.net" package="presence">
    <watcher status="active" id="8ajksjda7s" duration-subscribed="509" event="approved" >sip:userA@example.net</watcher>
    <watcher status="pending" id="hh8juja87s997-ass7" display-name="Mr. Subscriber" event="subscribe">sip:userB@example.org</watcher>
  </watcher-list>
</watcherinfo>`;

function read(xml: string): WatcherInfoDocument {
  const result = parseWatcherInfo(xml);
  if (!result.ok) throw new Error(result.reason);
  return result.document;
}

describe('parseWatcherInfo', () => {
  it("reads RFC 3858 §5's example: both watchers with status, event, display name and duration", () => {
    expect(read(RFC_EXAMPLE)).toEqual({
      version: 0,
      state: 'full',
      lists: [
        {
          resource: 'sip:professor@example.net',
          package: 'presence',
          watchers: [
            { id: '8ajksjda7s', uri: 'sip:userA@example.net', status: 'active', event: 'approved', durationSubscribed: 509 },
            {
              id: 'hh8juja87s997-ass7',
              uri: 'sip:userB@example.org',
              status: 'pending',
              event: 'subscribe',
              displayName: 'Mr. Subscriber',
            },
          ],
        },
      ],
    });
  });

  it('refuses DTDs, entity references, other roots, missing version or state, and unknown status values with a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['<!DOCTYPE x [<!ENTITY a "b">]><watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="0" state="full"/>', /DTD/],
      ['<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="0" state="full">&bogus;</watcherinfo>', /./],
      ['<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/>', /not <watcherinfo>/],
      ['<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" state="full"/>', /version/],
      ['<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="1" state="half"/>', /state/],
      [RFC_EXAMPLE.replace('status="pending"', 'status="sleepy"'), /status/],
      [RFC_EXAMPLE.replace('event="subscribe"', ''), /event/],
      [RFC_EXAMPLE.replace(' package="presence"', ''), /package/],
      ['<watcherinfo', /./],
    ];
    for (const [xml, reason] of cases) {
      const result = parseWatcherInfo(xml);
      expect(result.ok, xml).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });
});

describe('buildWatcherInfo', () => {
  it('writes a document that reads back to the same model, escaping what needs it', () => {
    const document: WatcherInfoDocument = {
      version: 3,
      state: 'partial',
      lists: [
        {
          resource: 'sip:alice@example.com',
          package: 'presence',
          watchers: [
            {
              id: 'a&b',
              uri: 'sip:bob@example.com',
              displayName: 'Bob <"the builder">',
              status: 'pending',
              event: 'subscribe',
              expiration: 3600,
            },
            { id: 'c', uri: 'sip:carol@example.com', status: 'terminated', event: 'rejected', durationSubscribed: 12 },
          ],
        },
      ],
    };
    const xml = buildWatcherInfo(document);
    expect(xml).toContain('<watcherinfo xmlns="urn:ietf:params:xml:ns:watcherinfo" version="3" state="partial">');
    expect(read(xml)).toEqual(document);
  });

  it('drops characters XML cannot carry instead of writing a malformed document', () => {
    const xml = buildWatcherInfo({
      version: 0,
      state: 'full',
      lists: [
        {
          resource: 'sip:a@x',
          package: 'presence',
          watchers: [{ id: '1', uri: 'sip:b@x', displayName: 'B\u0001ob', status: 'active', event: 'approved' }],
        },
      ],
    });
    expect(read(xml).lists[0]?.watchers[0]?.displayName).toBe('Bob');
  });
});

describe('applyWatcherInfo', () => {
  it('a full document replaces the known watchers; a partial one updates only those it names', () => {
    const full = read(RFC_EXAMPLE);
    const known = applyWatcherInfo(new Map(), full);
    const list = known.get('sip:professor@example.net\npresence');
    expect([...(list?.keys() ?? [])]).toEqual(['8ajksjda7s', 'hh8juja87s997-ass7']);
    const partial = read(
      buildWatcherInfo({
        version: 1,
        state: 'partial',
        lists: [
          {
            resource: 'sip:professor@example.net',
            package: 'presence',
            watchers: [{ id: 'hh8juja87s997-ass7', uri: 'sip:userB@example.org', status: 'active', event: 'approved' }],
          },
        ],
      }),
    );
    const next = applyWatcherInfo(known, partial).get('sip:professor@example.net\npresence');
    expect(next?.get('8ajksjda7s')?.status).toBe('active');
    expect(next?.get('hh8juja87s997-ass7')?.event).toBe('approved');
    const emptied = applyWatcherInfo(known, { version: 2, state: 'full', lists: [] });
    expect(emptied.size).toBe(0);
  });
});
