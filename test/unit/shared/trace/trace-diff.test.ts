import { describe, expect, it } from 'vitest';
import { parsePresenceBody, summarizePresence } from '../../../../shared/pidf';
import type { PresenceSummary } from '../../../../shared/presence/presence-state';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import { bodyChanges, lineDiff, presenceChanges, previousInChain } from '../../../../shared/trace/trace-diff';
import { decodeBody } from '../../../../shared/trace/decoded-body';
import { listNotify, PIDF_BUSY } from './event-bodies';
import { TraceGroupIndex } from '../../../../shared/trace/trace-groups';
import { expectLinearTime } from '../../../support/linear-time';
import { BOB, entries, ME, pidf, presenceSession, request } from './sip-fixtures';

function summary(body: string): PresenceSummary {
  const parsed = parsePresenceBody(body, 'application/pidf+xml');
  if (!parsed.ok) throw new Error(parsed.error.message);
  return summarizePresence(parsed.document);
}

const twoDevices = (phoneBasic: 'open' | 'closed') =>
  [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${BOB}">`,
    '<tuple id="pc"><status><basic>open</basic></status></tuple>',
    `<tuple id="phone"><status><basic>${phoneBasic}</basic></status></tuple>`,
    '</presence>',
  ].join('\n');

describe('presenceChanges', () => {
  it('given a new note and activity, then status, note, activities and the device read as before → after', () => {
    const changes = presenceChanges(summary(pidf(BOB, 'open', 'In the lab')), summary(pidf(BOB, 'open', 'At lunch', 'away')));
    expect(changes).toEqual([
      { field: 'status', text: 'Available → Away' },
      { field: 'note', text: '“In the lab” → “At lunch”' },
      { field: 'activities', text: 'added away' },
      { field: 'device', text: 't1: Available (“In the lab”) → Away (“At lunch”)' },
    ]);
  });

  it('given a device added, one gone and one changed, then each is named', () => {
    const before = summary(twoDevices('open'));
    const after = summary(pidf(BOB, 'closed', 'Gone home'));
    const fields = presenceChanges(before, after).map((change) => change.field);
    expect(fields).toContain('device added');
    expect(fields).toContain('device removed');
    const changed = presenceChanges(summary(twoDevices('open')), summary(twoDevices('closed')));
    expect(changed).toContainEqual({ field: 'device', text: 'phone: Available → Offline' });
  });

  it('given a timed status, then its until is compared', () => {
    const base = summary(pidf(BOB, 'open', 'Busy'));
    expect(presenceChanges(base, { ...base, until: '2026-12-02T10:00:00Z' })).toEqual([
      { field: 'until', text: 'none → 2026-12-02T10:00:00Z' },
    ]);
  });

  it('given the same document, then nothing changed', () => {
    expect(presenceChanges(summary(pidf(BOB, 'open', 'x', 'busy')), summary(pidf(BOB, 'open', 'x', 'busy')))).toEqual([]);
  });
});

describe('lineDiff', () => {
  it('given one line changed among kept ones, then it is removed and added in place, the rest kept', () => {
    const { lines, isApproximate } = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(isApproximate).toBe(false);
    expect(lines).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' },
    ]);
  });

  it('given an interleaved change, then the longest common subsequence is kept', () => {
    const kept = lineDiff('x\n1\ny\n2\nz', '1\nq\n2\nr')
      .lines.filter((l) => l.kind === 'same')
      .map((l) => l.text);
    expect(kept).toEqual(['1', '2']);
  });

  it('given a change bigger than the budget, then it reads as removed then added, and says it is approximate', () => {
    const { lines, isApproximate } = lineDiff('head\na\nb\ntail', 'head\nc\nd\ntail', 3);
    expect(isApproximate).toBe(true);
    expect(lines.map((l) => `${l.kind} ${l.text}`)).toEqual(['same head', 'removed a', 'removed b', 'added c', 'added d', 'same tail']);
  });

  it('given two unrelated bodies 16× bigger, then the time per byte stays bounded (the table never exceeds the budget)', () => {
    const body = (bytes: number, salt: string) =>
      Array.from({ length: Math.max(1, Math.round(bytes / 40)) }, (_, i) => `<tuple id="${salt}${i}"><basic>open</basic></tuple>`).join(
        '\n',
      );
    expectLinearTime(
      (bytes) => `${body(bytes / 2, 'a')}\u0000${body(bytes / 2, 'b')}`,
      (input) => {
        const [before, after] = input.split('\u0000');
        return lineDiff(before!, after!);
      },
      // Below the budget the small size is aligned cell by cell; above it the large one is linear: the ratio stays small.
      4,
    );
  });
});

describe('previousInChain', () => {
  it('given NOTIFYs of one subscription, then a NOTIFY’s previous one is the earlier NOTIFY of its dialog, and the first has none', () => {
    const buffer = new TraceBuffer(1000);
    buffer.append(presenceSession());
    const groups = new TraceGroupIndex(buffer);
    groups.sync();
    const notifies = buffer.toArray().filter((r) => r.summary.method === 'NOTIFY' && r.summary.kind === 'request');
    expect(notifies.length).toBeGreaterThanOrEqual(2);
    const [first, second] = notifies;
    const group = groups.groupOfSeq(second!.entry.seq)!;
    expect(previousInChain(group, second!, (seq) => buffer.bySeq(seq))?.entry.seq).toBe(first!.entry.seq);
    expect(previousInChain(group, first!, (seq) => buffer.bySeq(seq))).toBeUndefined();
  });

  it('given a PUBLISH modify in an ETag chain, then its previous one is the earlier PUBLISH with a body, skipping the bodiless refresh', () => {
    const buffer = new TraceBuffer(1000);
    buffer.append(presenceSession());
    const groups = new TraceGroupIndex(buffer);
    groups.sync();
    const publication = groups.groups().find((g) => g.kind === 'publication')!;
    const modify = [...publication.steps].find(([, step]) => step === 'modify')![0];
    const initial = [...publication.steps].find(([, step]) => step === 'initial')![0];
    expect(previousInChain(publication, buffer.bySeq(modify)!, (seq) => buffer.bySeq(seq))?.entry.seq).toBe(initial);
  });

  it('given a NOTIFY sent again (same branch), then the copy is not its own previous state', () => {
    const notify = request({
      method: 'NOTIFY',
      from: BOB,
      to: ME,
      callId: 'sub',
      cseq: 1,
      headers: ['Event: presence'],
      body: pidf(BOB, 'open', 'x'),
    });
    const buffer = new TraceBuffer(1000);
    buffer.append(
      entries([
        ['in', notify],
        ['in', notify],
      ]),
    );
    const groups = new TraceGroupIndex(buffer);
    groups.sync();
    expect(previousInChain(groups.groupOfSeq(2)!, buffer.bySeq(2)!, (seq) => buffer.bySeq(seq))).toBeUndefined();
  });
});

describe('bodyChanges', () => {
  const decodedList = (bobPart: string) => {
    const { body, contentType } = listNotify({ bobPart });
    return decodeBody(body, contentType);
  };

  it('given two list NOTIFYs, then the changes are named member by member', () => {
    const before = decodedList(PIDF_BUSY);
    const after = decodedList(PIDF_BUSY.replace('<rpid:busy/>', '<rpid:away/>').replace('Writing the report', 'Lunch'));
    expect(bodyChanges(before, after)).toEqual([
      { member: 'sip:bob@example.com', field: 'status', text: 'Busy → Away' },
      { member: 'sip:bob@example.com', field: 'note', text: '“Writing the report” → “Lunch”' },
      { member: 'sip:bob@example.com', field: 'activities', text: 'added away; removed busy' },
      { member: 'sip:bob@example.com', field: 'device', text: 't1: Busy → Away' },
    ]);
    expect(bodyChanges(before, before)).toEqual([]);
  });

  it('given a member the earlier NOTIFY did not carry, then all it shows counts as changed', () => {
    const broken = decodedList('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple>');
    expect(bodyChanges(broken, decodedList(PIDF_BUSY))).toContainEqual({
      member: 'sip:bob@example.com',
      field: 'status',
      text: 'Unknown → Busy',
    });
  });

  it('given a presence document and a list, then they cannot be compared', () => {
    expect(bodyChanges(decodeBody(PIDF_BUSY, 'application/pidf+xml'), decodedList(PIDF_BUSY))).toBeNull();
    expect(bodyChanges(decodeBody(PIDF_BUSY, 'application/pidf+xml'), decodeBody(PIDF_BUSY, 'application/pidf+xml'))).toEqual([]);
  });
});
