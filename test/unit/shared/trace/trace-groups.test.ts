import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import { TraceGroupIndex, type TraceGroup } from '../../../../shared/trace/trace-groups';
import { buildLadder } from '../../../../shared/trace/trace-ladder';
import { BOB, entries, ME, pidf, presenceSession, request, response } from './sip-fixtures';

function grouped(capacity = 1000, batches = [presenceSession()]) {
  const buffer = new TraceBuffer(capacity);
  const index = new TraceGroupIndex(buffer);
  for (const batch of batches) {
    buffer.append(batch);
    index.sync();
  }
  return { buffer, index };
}

const byKind = (groups: TraceGroup[], kind: TraceGroup['kind']) => groups.filter((g) => g.kind === kind);

describe('TraceGroupIndex', () => {
  it('given a publication refreshed, modified on a new Call-ID and removed, then one chain holds it, steps named, linked by ETag', () => {
    const { index } = grouped();
    const [publication, ...others] = byKind(index.groups(), 'publication');
    expect(others).toEqual([]);
    expect(publication!.title).toBe(`Publication of ${ME} (presence)`);
    expect(publication!.seqs).toEqual([5, 6, 14, 15, 18, 19, 20, 21]);
    expect(publication!.callIds).toEqual(['pub-1', 'pub-2']);
    expect(publication!.etags).toEqual(['etag-1', 'etag-2', 'etag-3', 'etag-4']);
    expect([...publication!.steps.entries()]).toEqual([
      [5, 'initial'],
      [14, 'refresh'],
      [18, 'modify'],
      [20, 'remove'],
    ]);
    expect(publication!.state).toBe('ended');
    expect(publication!.detail).toBe('removed');
    expect(publication!.expiresAt).toBeNull();
  });

  it('given a live publication, then it is active until the granted Expires after its 2xx', () => {
    const { buffer, index } = grouped(1000, [presenceSession().slice(0, 15)]);
    const publication = byKind(index.groups(), 'publication')[0]!;
    expect(publication.state).toBe('active');
    expect(publication.detail).toBe('published (refresh), ETag etag-2');
    expect(publication.expiresAt).toBe(buffer.bySeq(15)!.entry.at + 600_000);
  });

  it('given a subscription, then SUBSCRIBE, 200 and the NOTIFYs (with their answers) are one group, expiring per the last Subscription-State', () => {
    const { buffer, index } = grouped();
    const subscription = byKind(index.groups(), 'subscription')[0]!;
    expect(subscription.title).toBe(`Subscription to ${BOB} (presence)`);
    expect(subscription.aor).toBe(BOB);
    expect(subscription.seqs).toEqual([7, 8, 9, 10, 16, 17]);
    expect(subscription.state).toBe('active');
    expect(subscription.expiresAt).toBe(buffer.bySeq(16)!.entry.at + 590_000);
    expect(index.groupOfSeq(9)!.id).toBe(subscription.id);
  });

  it('given a registration challenged then accepted, then it is one group, active for the granted Expires', () => {
    const { buffer, index } = grouped();
    const registration = byKind(index.groups(), 'registration')[0]!;
    expect(registration.seqs).toEqual([1, 2, 3, 4]);
    expect(registration.state).toBe('active');
    expect(registration.expiresAt).toBe(buffer.bySeq(4)!.entry.at + 600_000);
  });

  it('given a pending then terminated subscription, then its state follows the NOTIFYs', () => {
    const flow = entries([
      ['out', request({ method: 'SUBSCRIBE', to: BOB, callId: 's2', cseq: 1, headers: ['Event: presence', 'Expires: 300'] })],
      ['in', response({ code: 202, reason: 'Accepted', method: 'SUBSCRIBE', to: BOB, callId: 's2', cseq: 1, headers: ['Expires: 300'] })],
      [
        'in',
        request({
          method: 'NOTIFY',
          from: BOB,
          to: ME,
          callId: 's2',
          cseq: 1,
          headers: ['Event: presence', 'Subscription-State: pending;expires=300'],
        }),
      ],
    ]);
    const { buffer, index } = grouped(100, [flow]);
    let group = index.groups()[0]!;
    expect(group.state).toBe('pending');
    buffer.append(
      entries(
        [
          [
            'in',
            request({
              method: 'NOTIFY',
              from: BOB,
              to: ME,
              callId: 's2',
              cseq: 2,
              headers: ['Event: presence', 'Subscription-State: terminated;reason=rejected'],
            }),
          ],
        ],
        { firstSeq: 4 },
      ),
    );
    index.sync();
    group = index.groups()[0]!;
    expect(group.state).toBe('ended');
    expect(group.detail).toBe('terminated (rejected)');
    expect(group.expiresAt).toBeNull();
  });

  it('given a 412 to a refresh, then the publication shows failed with the status', () => {
    const flow = entries([
      ['out', request({ method: 'PUBLISH', callId: 'p', cseq: 1, headers: ['Event: presence', 'Expires: 60', 'SIP-If-Match: gone'] })],
      ['in', response({ code: 412, reason: 'Conditional Request Failed', method: 'PUBLISH', callId: 'p', cseq: 1 })],
    ]);
    const group = grouped(100, [flow]).index.groups()[0]!;
    expect(group).toMatchObject({ kind: 'publication', state: 'failed', detail: '412 Conditional Request Failed' });
  });

  it('given the buffer drops old records, then groups forget them and a group with none left disappears', () => {
    const session = presenceSession();
    const { index } = grouped(8, [session.slice(0, 10), session.slice(10)]);
    // Held: seqs 14..21 — the registration and the SUBSCRIBE are gone.
    expect(byKind(index.groups(), 'registration')).toEqual([]);
    expect(byKind(index.groups(), 'subscription')[0]!.seqs).toEqual([16, 17]);
    expect(byKind(index.groups(), 'publication')[0]!.seqs).toEqual([14, 15, 18, 19, 20, 21]);
    expect(index.groupOfSeq(5)).toBeUndefined();
  });

  it('given records without a Call-ID (keep-alives), then they belong to no group', () => {
    const { index } = grouped();
    expect(index.groupOfSeq(13)).toBeUndefined();
  });
});

describe('buildLadder', () => {
  it('given a subscription group, then lanes are this app and the server, arrows in order with labels and times', () => {
    const { buffer, index } = grouped();
    const subscription = byKind(index.groups(), 'subscription')[0]!;
    const ladder = buildLadder(subscription.seqs.map((seq) => buffer.bySeq(seq)!));
    expect(ladder.lanes.map((l) => l.label)).toEqual(['This app', '127.0.0.1:5060']);
    expect(ladder.lanes[0]!.detail).toBe('127.0.0.1:40000');
    expect(ladder.lanes[1]!.detail).toBe('TCP');
    expect(ladder.arrows.map((a) => `${a.from}->${a.to} ${a.label}`)).toEqual([
      '0->1 SUBSCRIBE',
      '1->0 200 OK',
      '1->0 NOTIFY',
      '0->1 200 OK',
      '1->0 NOTIFY',
      '0->1 200 OK',
    ]);
    expect(ladder.arrows.map((a) => a.offsetMs)).toEqual([0, 10, 20, 30, 90, 100]);
    expect(ladder.arrows[2]!.detail).toBe('active;expires=600');
  });

  it('given a publication, then PUBLISH arrows carry their step and the answers their ETag', () => {
    const { buffer, index } = grouped();
    const publication = byKind(index.groups(), 'publication')[0]!;
    const ladder = buildLadder(publication.seqs.map((seq) => buffer.bySeq(seq)!));
    expect(ladder.arrows.filter((a) => a.isRequest).map((a) => a.label)).toEqual([
      'PUBLISH (initial)',
      'PUBLISH (refresh)',
      'PUBLISH (modify)',
      'PUBLISH (remove)',
    ]);
    expect(ladder.arrows[1]!.detail).toBe('Expires 600 · ETag etag-1');
    expect(ladder.arrows[1]!.statusClass).toBe('2xx');
  });

  it('given messages with several remote addresses, then each gets a lane in order of appearance', () => {
    const raw = request({ method: 'OPTIONS', callId: 'o', cseq: 1, body: pidf(ME, 'open', 'x') });
    const list = entries([
      ['out', raw],
      ['in', raw],
      ['out', raw],
    ]).map((e, i) => ({ ...e, remote: { address: i === 1 ? '2001:db8::5' : '192.0.2.1', port: 5060 + i } }));
    const buffer = new TraceBuffer(10);
    buffer.append(list);
    const ladder = buildLadder(buffer.toArray());
    expect(ladder.lanes.map((l) => l.label)).toEqual(['This app', '192.0.2.1:5060', '[2001:db8::5]:5061', '192.0.2.1:5062']);
    expect(ladder.arrows.map((a) => [a.from, a.to])).toEqual([
      [0, 1],
      [2, 0],
      [0, 3],
    ]);
  });
});
