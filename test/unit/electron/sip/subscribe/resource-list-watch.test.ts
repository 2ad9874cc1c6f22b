/**
 * The list subscription's body reader (electron/sip/subscribe/resource-list-watch.ts): full then partial state
 * (RFC 4662 §5.2), version gaps asking for a refresh, members' instances and parts, nested lists, and bad input — a
 * malformed RLMI, a part without its Content-ID, a cid with no part, a plain presence document — each handled
 * without ending the subscription.
 */
import { describe, expect, it } from 'vitest';
import { buildPidf } from '../../../../../shared/pidf';
import { buildMultipartRelated, buildRlmi, type RlmiResource } from '../../../../../shared/resource-lists';
import { ResourceListWatch, type ListUpdate } from '../../../../../electron/sip/subscribe/resource-list-watch';

const LIST = 'sip:alice-buddies@example.com';

function listNotify(
  version: number,
  isFullState: boolean,
  members: readonly { uri: string; status?: 'available' | 'busy'; state?: 'active' | 'pending' | 'terminated'; reason?: string }[],
) {
  const resources: RlmiResource[] = members.map((m, i) => ({
    uri: m.uri,
    names: [],
    instances: [
      {
        id: `i${i}`,
        state: m.state ?? 'active',
        ...(m.reason === undefined ? {} : { reason: m.reason }),
        ...(m.status === undefined ? {} : { cid: `p${i}@x` }),
      },
    ],
  }));
  const parts = members.flatMap((m, i) =>
    m.status === undefined
      ? []
      : [
          {
            contentId: `p${i}@x`,
            contentType: 'application/pidf+xml',
            body: buildPidf({ entity: m.uri, tupleId: 't', status: m.status, note: '', timestamp: new Date(0) }),
          },
        ],
  );
  return buildMultipartRelated({
    type: 'application/rlmi+xml',
    parts: [
      {
        contentId: 'root@x',
        contentType: 'application/rlmi+xml',
        body: buildRlmi({ uri: LIST, version, isFullState, names: [], resources }),
      },
      ...parts,
    ],
  });
}

function watchWithLog() {
  const updates: ListUpdate[] = [];
  const warnings: string[] = [];
  let notAList = 0;
  const watch = new ResourceListWatch({
    onUpdate: (update) => updates.push(update),
    onNotAList: () => (notAList += 1),
    onWarning: (message) => warnings.push(message),
  });
  return { watch, updates, warnings, notAList: () => notAList };
}

describe('ResourceListWatch', () => {
  it('given full state, then partial state, then each member has its latest presence and only the named ones change', () => {
    const { watch, updates } = watchWithLog();
    const full = listNotify(0, true, [
      { uri: 'sip:bob@example.com', status: 'available' },
      { uri: 'sip:carol@example.com', state: 'pending' },
      { uri: 'sip:dave@example.com', state: 'terminated', reason: 'rejected' },
    ]);
    expect(watch.readBody(full.body, full.contentType)).toEqual({ kind: 'taken', resync: false });
    expect(watch.isComplete).toBe(true);
    expect(watch.members.get('sip:bob@example.com')).toMatchObject({
      subscription: { phase: 'active' },
      presence: { status: 'available' },
    });
    expect(watch.members.get('sip:carol@example.com')).toMatchObject({ subscription: { phase: 'pending' }, presence: null });
    expect(watch.members.get('sip:dave@example.com')).toMatchObject({ subscription: { phase: 'terminated', reason: 'rejected' } });

    const partial = listNotify(1, false, [{ uri: 'sip:bob@example.com', status: 'busy' }]);
    expect(watch.readBody(partial.body, partial.contentType)).toEqual({ kind: 'taken', resync: false });
    expect([...(updates[1]?.changed.keys() ?? [])]).toEqual(['sip:bob@example.com']);
    expect(watch.members.get('sip:bob@example.com')?.presence?.status).toBe('busy');
    expect(watch.members.get('sip:carol@example.com')?.subscription.phase).toBe('pending');
  });

  it('given a repeated old partial state, ignores it; given a gap in the versions, applies it and asks for a refresh', () => {
    const { watch } = watchWithLog();
    const full = listNotify(3, true, [{ uri: 'sip:bob@example.com', status: 'available' }]);
    watch.readBody(full.body, full.contentType);
    const old = listNotify(3, false, [{ uri: 'sip:bob@example.com', status: 'busy' }]);
    expect(watch.readBody(old.body, old.contentType)).toEqual({ kind: 'taken', resync: false });
    expect(watch.members.get('sip:bob@example.com')?.presence?.status).toBe('available');
    const gap = listNotify(6, false, [{ uri: 'sip:bob@example.com', status: 'busy' }]);
    expect(watch.readBody(gap.body, gap.contentType)).toEqual({ kind: 'taken', resync: true });
    expect(watch.members.get('sip:bob@example.com')?.presence?.status).toBe('busy');
  });

  it('given a full state without a member it had, then that member leaves the list', () => {
    const { watch } = watchWithLog();
    const first = listNotify(0, true, [{ uri: 'sip:bob@example.com' }, { uri: 'sip:carol@example.com' }]);
    watch.readBody(first.body, first.contentType);
    const second = listNotify(1, true, [{ uri: 'sip:carol@example.com' }]);
    watch.readBody(second.body, second.contentType);
    expect([...watch.members.keys()]).toEqual(['sip:carol@example.com']);
  });

  it('given a part without its Content-ID, then the member it was for keeps its last presence with a warning, and the subscription carries on', () => {
    const { watch, warnings } = watchWithLog();
    const full = listNotify(0, true, [{ uri: 'sip:bob@example.com', status: 'available' }]);
    watch.readBody(full.body, full.contentType);
    const broken = listNotify(1, false, [{ uri: 'sip:bob@example.com', status: 'busy' }]);
    const verdict = watch.readBody(broken.body.replace('Content-ID: <p0@x>\r\n', ''), broken.contentType);
    expect(verdict).toMatchObject({ kind: 'taken', problem: { message: expect.stringMatching(/no Content-ID/) } });
    expect(warnings).toEqual([expect.stringMatching(/Part 2 of the list NOTIFY has no Content-ID/)]);
    expect(watch.members.get('sip:bob@example.com')).toMatchObject({
      presence: { status: 'available' },
      subscription: { phase: 'active', problem: { message: expect.stringMatching(/did not carry it/) } },
    });
  });

  it.each([
    ['a malformed RLMI root', (body: string) => body.replace('<list ', '<list version="x" ')],
    ['a root that is not RLMI', (body: string) => body.replace('Content-Type: application/rlmi+xml', 'Content-Type: text/plain')],
    ['a body cut short', (body: string) => body.slice(0, body.length / 2)],
  ])('given %s, then the NOTIFY is unreadable (a warning) and every member stays as it was', (_, damage) => {
    const { watch } = watchWithLog();
    const full = listNotify(0, true, [{ uri: 'sip:bob@example.com', status: 'available' }]);
    watch.readBody(full.body, full.contentType);
    const next = listNotify(1, false, [{ uri: 'sip:bob@example.com', status: 'busy' }]);
    const verdict = watch.readBody(damage(next.body), next.contentType);
    expect(verdict).toMatchObject({ kind: 'unreadable', problem: { message: expect.stringMatching(/could not read/) } });
    expect(watch.members.get('sip:bob@example.com')?.presence?.status).toBe('available');
  });

  it('given a member whose part is itself a list, then its members join the buddy list', () => {
    const { watch } = watchWithLog();
    const inner = listNotify(0, true, [{ uri: 'sip:erin@example.com', status: 'busy' }]);
    const outerRlmi = buildRlmi({
      uri: LIST,
      version: 0,
      isFullState: true,
      names: [],
      resources: [{ uri: 'sip:team@example.com', names: [], instances: [{ id: 'n', state: 'active', cid: 'team@x' }] }],
    });
    const outer = buildMultipartRelated({
      type: 'application/rlmi+xml',
      parts: [
        { contentId: 'outer@x', contentType: 'application/rlmi+xml', body: outerRlmi },
        { contentId: 'team@x', contentType: inner.contentType, body: inner.body },
      ],
    });
    expect(watch.readBody(outer.body, outer.contentType)).toMatchObject({ kind: 'taken' });
    expect(watch.members.get('sip:erin@example.com')?.presence?.status).toBe('busy');
  });

  it('given a plain presence document or no body before any list, then the URI is reported as no list', () => {
    const pidf = watchWithLog();
    pidf.watch.readBody(
      buildPidf({ entity: LIST, tupleId: 't', status: 'available', note: '', timestamp: new Date(0) }),
      'application/pidf+xml',
    );
    expect(pidf.notAList()).toBe(1);
    const empty = watchWithLog();
    expect(empty.watch.readBody('', undefined)).toEqual({ kind: 'empty' });
    expect(empty.notAList()).toBe(1);
  });
});
