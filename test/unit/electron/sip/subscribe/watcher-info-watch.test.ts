/**
 * Our own watcher information (electron/sip/subscribe/watcher-info-watch.ts): a full document then partial ones by
 * version (RFC 3858 §4.4), an old partial ignored, a gap asking for a refresh, and a body we cannot read reported
 * without losing what we knew.
 */
import { describe, expect, it } from 'vitest';
import { WatcherInfoWatch } from '../../../../../electron/sip/subscribe/watcher-info-watch';
import { buildWatcherInfo, type WatcherEntry, type WatcherInfoDocument } from '../../../../../shared/watcherinfo';

const ALICE = 'sip:alice@example.com';

function document(version: number, state: 'full' | 'partial', watchers: readonly WatcherEntry[], eventPackage = 'presence'): string {
  const doc: WatcherInfoDocument = { version, state, lists: [{ resource: ALICE, package: eventPackage, watchers }] };
  return buildWatcherInfo(doc);
}

const bobPending: WatcherEntry = { id: 'w1', uri: 'sip:bob@example.com', displayName: 'Bob', status: 'pending', event: 'subscribe' };
const bobActive: WatcherEntry = { ...bobPending, status: 'active', event: 'approved' };
const carol: WatcherEntry = { id: 'w2', uri: 'sip:carol@example.com', status: 'pending', event: 'subscribe' };

function watch(): { readonly watch: WatcherInfoWatch; readonly reports: (readonly WatcherEntry[])[] } {
  const reports: (readonly WatcherEntry[])[] = [];
  return { watch: new WatcherInfoWatch((watchers) => reports.push(watchers)), reports };
}

describe('WatcherInfoWatch', () => {
  it('given a full document, then its watchers are reported; a partial one of the next version replaces the watcher it names', () => {
    const { watch: w, reports } = watch();
    expect(w.readBody(document(0, 'full', [bobPending, carol]))).toEqual({ kind: 'taken', resync: false });
    expect(reports.at(-1)).toEqual([bobPending, carol]);
    expect(w.readBody(document(1, 'partial', [bobActive]))).toEqual({ kind: 'taken', resync: false });
    expect(reports.at(-1)).toEqual([bobActive, carol]);
  });

  it('given a later full document, then it replaces everything known', () => {
    const { watch: w } = watch();
    w.readBody(document(0, 'full', [bobPending, carol]));
    w.readBody(document(1, 'full', [carol]));
    expect(w.watchers).toEqual([carol]);
  });

  it('given a partial document of an old version, then it is ignored and nothing is reported', () => {
    const { watch: w, reports } = watch();
    w.readBody(document(4, 'full', [bobPending]));
    expect(w.readBody(document(3, 'partial', [bobActive]))).toEqual({ kind: 'taken', resync: false });
    expect(reports).toHaveLength(1);
    expect(w.watchers).toEqual([bobPending]);
  });

  it('given a partial document after a gap, then it is applied and a refresh for the full state is asked for', () => {
    const { watch: w } = watch();
    w.readBody(document(0, 'full', [bobPending]));
    expect(w.readBody(document(2, 'partial', [carol]))).toEqual({ kind: 'taken', resync: true });
    expect(w.watchers).toEqual([bobPending, carol]);
  });

  it('given a body that is not watcher information, then it is unreadable with a sentence and the watchers stay', () => {
    const { watch: w, reports } = watch();
    w.readBody(document(0, 'full', [bobPending]));
    const verdict = w.readBody('<presence xmlns="urn:ietf:params:xml:ns:pidf"/>');
    expect(verdict).toMatchObject({
      kind: 'unreadable',
      problem: { message: expect.stringMatching(/^The server sent watcher information Presently could not read: /) },
    });
    expect(w.readBody('<watcherinfo')).toMatchObject({ kind: 'unreadable' });
    expect(reports).toHaveLength(1);
    expect(w.watchers).toEqual([bobPending]);
  });

  it('given an empty body, then it is empty; and watchers of other packages are not ours to report', () => {
    const { watch: w } = watch();
    expect(w.readBody('  ')).toEqual({ kind: 'empty' });
    w.readBody(document(0, 'full', [carol], 'message-summary'));
    expect(w.watchers).toEqual([]);
  });
});
