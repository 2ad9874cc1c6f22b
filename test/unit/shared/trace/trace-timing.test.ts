import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import type { TraceEntry } from '../../../../shared/trace/trace-entry';
import { TraceTimingIndex } from '../../../../shared/trace/trace-timing';
import { toTraceRecord, type TraceRecord } from '../../../../shared/trace/trace-summary';
import { transactionTimeoutMs } from '../../../../shared/sip/timers';
import { expectLinearTime } from '../../../support/linear-time';
import { BOB, entries, ME, request, response } from './sip-fixtures';

function indexed(list: readonly TraceEntry[], capacity = 1000) {
  const buffer = new TraceBuffer(capacity);
  const index = new TraceTimingIndex(buffer);
  buffer.append(list);
  index.sync();
  return { buffer, index };
}

const publish = (cseq: number) => request({ method: 'PUBLISH', callId: 'pub', cseq, headers: ['Event: presence', 'Expires: 600'] });
const publishAnswer = (code: number, reason: string, cseq: number) => response({ code, reason, method: 'PUBLISH', callId: 'pub', cseq });

describe('TraceTimingIndex', () => {
  it('given a request answered 100 then 200, then each answer carries its round trip from the request, and the request is answered', () => {
    const list = entries(
      [
        ['out', publish(1)],
        ['in', publishAnswer(100, 'Trying', 1)],
        ['in', response({ code: 180, reason: 'Ringing', method: 'PUBLISH', callId: 'pub', cseq: 1 })],
        ['in', publishAnswer(200, 'OK', 1)],
      ],
      { stepMs: 25 },
    );
    const { buffer, index } = indexed(list);
    expect(index.timingOf(2)).toMatchObject({ roundTripMs: 25, copy: 1 });
    // Only the first provisional answer is timed: a later 1xx says nothing new about the round trip.
    expect(index.timingOf(3)).toMatchObject({ roundTripMs: null, copy: 1 });
    expect(index.timingOf(4)).toMatchObject({ roundTripMs: 75, copy: 1 });
    expect(index.timingOf(1)).toMatchObject({ isAnswered: true, copies: 1 });
    expect(index.isUnanswered(buffer.bySeq(1)!, Infinity)).toBe(false);
  });

  it('given a request sent three times and its answer twice, then the copies are numbered under the first, and the round trip runs from the first copy', () => {
    const list = entries([
      ['out', publish(1)],
      ['out', publish(1)],
      ['out', publish(1)],
      ['in', publishAnswer(200, 'OK', 1)],
      ['in', publishAnswer(200, 'OK', 1)],
    ]);
    const { index } = indexed(list);
    expect(index.timingOf(1)).toMatchObject({ originalSeq: 1, copy: 1, copies: 3 });
    expect(index.timingOf(2)).toMatchObject({ originalSeq: 1, copy: 2 });
    expect(index.timingOf(3)).toMatchObject({ originalSeq: 1, copy: 3 });
    expect(index.isRetransmission(1)).toBe(false);
    expect(index.isRetransmission(3)).toBe(true);
    expect(index.timingOf(4)).toMatchObject({ originalSeq: 4, copy: 1, copies: 2, roundTripMs: 30 });
    expect(index.timingOf(5)).toMatchObject({ originalSeq: 4, copy: 2, roundTripMs: null });
  });

  it('given two 200s with different To tags (a forked request answered by two user agents), then neither is a copy of the other', () => {
    const list = entries([
      ['out', publish(1)],
      ['in', response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'pub', cseq: 1, toTag: 'phone' })],
      ['in', response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'pub', cseq: 1, toTag: 'laptop' })],
    ]);
    const { index } = indexed(list);
    expect(index.isRetransmission(3)).toBe(false);
    expect(index.timingOf(3)).toMatchObject({ copy: 1, roundTripMs: 20 });
  });

  it('given the same branch and method both ways, then our request and the peer’s are two transactions (the side is part of the key)', () => {
    const list = entries([
      ['out', publish(1)],
      ['in', publish(1)],
      ['in', publishAnswer(200, 'OK', 1)],
    ]);
    const { index } = indexed(list);
    expect(index.isRetransmission(2)).toBe(false);
    expect(index.timingOf(3)).toMatchObject({ roundTripMs: 20 });
    expect(index.timingOf(1)!.isAnswered).toBe(true);
    expect(index.timingOf(2)!.isAnswered).toBe(false);
  });

  it('given a new CSeq (credentials sent again) or another method on the branch, then it is a new transaction, not a copy', () => {
    const list = entries([
      ['out', publish(1)],
      ['in', publishAnswer(401, 'Unauthorized', 1)],
      ['out', publish(2)],
      ['out', request({ method: 'NOTIFY', callId: 'pub', cseq: 1, to: BOB, from: ME })],
    ]);
    const { index } = indexed(list);
    expect(index.isRetransmission(3)).toBe(false);
    expect(index.isRetransmission(4)).toBe(false);
    expect(index.timingOf(2)).toMatchObject({ roundTripMs: 10 });
  });

  it('given a request with no final answer, then it is flagged once 64·T1 has passed or the capture ended, but a provisional answer or an ACK is not enough / never flagged', () => {
    const list = entries([
      ['out', publish(1)],
      ['in', publishAnswer(100, 'Trying', 1)],
      ['out', request({ method: 'ACK', callId: 'inv', cseq: 1 })],
    ]);
    const { buffer, index } = indexed(list);
    const sent = buffer.bySeq(1)!;
    const timeout = transactionTimeoutMs(index.t1Ms);
    expect(index.isUnanswered(sent, sent.entry.at + timeout - 1)).toBe(false);
    expect(index.isUnanswered(sent, sent.entry.at + timeout)).toBe(true);
    expect(index.isUnanswered(sent, Infinity)).toBe(true);
    expect(index.isUnanswered(buffer.bySeq(3)!, Infinity)).toBe(false);
    // A retransmission is not flagged again: its original carries the flag.
    const again = indexed(
      entries([
        ['out', publish(1)],
        ['out', publish(1)],
      ]),
    );
    expect(again.index.isUnanswered(again.buffer.bySeq(1)!, Infinity)).toBe(true);
    expect(again.index.isUnanswered(again.buffer.bySeq(2)!, Infinity)).toBe(false);
  });

  it('given the request dropped from the buffer, then a late answer has no round trip and the forgotten records have no timing', () => {
    const buffer = new TraceBuffer(2);
    const index = new TraceTimingIndex(buffer);
    const list = entries([
      ['out', publish(1)],
      ['out', request({ method: 'OPTIONS', callId: 'ping', cseq: 1 })],
      ['in', response({ code: 200, reason: 'OK', method: 'OPTIONS', callId: 'ping', cseq: 1 })],
      ['in', publishAnswer(200, 'OK', 1)],
    ]);
    for (const entry of list) {
      buffer.append([entry]);
      index.sync();
    }
    expect(index.timingOf(1)).toBeUndefined();
    expect(index.timingOf(2)).toBeUndefined();
    expect(index.timingOf(3)).toMatchObject({ roundTripMs: 10 });
    expect(index.timingOf(4)).toMatchObject({ roundTripMs: null });
  });

  it('given a keep-alive, then it has no timing', () => {
    const { index } = indexed(entries([['out', '\r\n\r\n']]));
    expect(index.timingOf(1)).toBeUndefined();
  });

  it('given 16× as many messages appended one batch at a time, then the time per message stays flat (no O(n) work per entry)', () => {
    // The index alone is timed: records are summarised beforehand and held by a growing array (a TraceRecordSource).
    const exchange = (i: number): ['in' | 'out', string][] => [
      ['out', publish(i)],
      ['out', publish(i)],
      ['in', publishAnswer(200, 'OK', i)],
    ];
    const prepared = new Map<number, TraceRecord[]>();
    const messagesFor = (bytes: number) => {
      // One exchange per 16 "bytes" of the size the helper asks for: 256 and 4,096 exchanges, enough for a scan over
      // the records per entry to outweigh the constant work per entry many times over.
      const count = Math.round(bytes / 16);
      if (!prepared.has(count))
        prepared.set(count, entries(Array.from({ length: count }, (_, i) => exchange(i + 1)).flat()).map(toTraceRecord));
      return 'x'.repeat(bytes);
    };
    expectLinearTime(messagesFor, (input) => {
      const records = prepared.get(Math.round(input.length / 16))!;
      const source = { firstPosition: 0, endPosition: 0, atPosition: (position: number) => records[position] };
      const index = new TraceTimingIndex(source);
      while (source.endPosition < records.length) {
        source.endPosition += 3;
        index.sync();
      }
    });
  });
});
