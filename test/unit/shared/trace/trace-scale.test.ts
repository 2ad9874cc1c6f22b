/**
 * The capture view holds up to a million messages, so what the pane does often must not grow with how
 * many are held. Timed without thresholds, in the manner of test/support/linear-time.ts: the same work on a
 * trace of N and of 16·N messages in one process, the best of several runs each, and the ratio asserted —
 * near 1× for work that does not depend on the total, near 1× per record for work linear in it; a scan
 * of the total where a lookup belongs shows as about 16×.
 */
import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import type { TraceEntry } from '../../../../shared/trace/trace-entry';
import { compileTraceFilter, EMPTY_TRACE_FILTER, TraceFilterIndex, type TraceFilterSpec } from '../../../../shared/trace/trace-filter';
import { TraceGroupIndex } from '../../../../shared/trace/trace-groups';
import { buildLadder } from '../../../../shared/trace/trace-ladder';
import type { TraceRecord } from '../../../../shared/trace/trace-summary';
import { BOB, entries, pidf, request, response } from './sip-fixtures';

const SMALL = 3_000;
const LARGE = 16 * SMALL;
const MAX_RATIO = 4;
/** Messages of the one dialog whose ladder is opened, whatever the total. */
const DIALOG = 10;
const BATCH = 500;

/** Background traffic: NOTIFYs of 200 buddies and their answers, OPTIONS pings each with its own Call-ID. */
function background(i: number): [['in' | 'out', string], ['in' | 'out', string]] {
  if (i % 10 === 9) {
    return [
      ['out', request({ method: 'OPTIONS', uri: 'sip:example.com', callId: `ping-${i}`, cseq: 1 })],
      ['in', response({ code: 200, reason: 'OK', method: 'OPTIONS', callId: `ping-${i}`, cseq: 1 })],
    ];
  }
  const buddy = `sip:user${i % 200}@example.com`;
  return [
    [
      'in',
      request({
        method: 'NOTIFY',
        from: buddy,
        callId: `sub-${i % 200}`,
        cseq: i,
        headers: ['Event: presence'],
        body: pidf(buddy, 'open', 'Lunch'),
      }),
    ],
    ['out', response({ code: 200, reason: 'OK', method: 'NOTIFY', from: buddy, callId: `sub-${i % 200}`, cseq: i })],
  ];
}

/** One message of the watched dialog: NOTIFYs from bob and our answers. */
function dialogMessage(i: number): ['in' | 'out', string] {
  return i % 2 === 0
    ? [
        'in',
        request({ method: 'NOTIFY', from: BOB, callId: 'watched', cseq: i, headers: ['Event: presence'], body: pidf(BOB, 'open', 'Here') }),
      ]
    : ['out', response({ code: 200, reason: 'OK', method: 'NOTIFY', from: BOB, callId: 'watched', cseq: i - 1 })];
}

/** `total` messages with the dialog's spread through the middle, then batches to append later. */
function messages(total: number, later: number): TraceEntry[] {
  const list: ['in' | 'out', string][] = [];
  let dialog = 0;
  for (let i = 0; list.length < total + later; i++) {
    if (list.length > total / 2 && dialog < DIALOG && i % 3 === 0) list.push(dialogMessage(dialog++));
    else list.push(...background(i));
  }
  return entries(list.slice(0, total + later));
}

interface Trace {
  readonly buffer: TraceBuffer;
  readonly groups: TraceGroupIndex;
  readonly later: TraceEntry[][];
}

/** A buffer holding `total` messages (capacity `total`: every later batch drops as many), grouped. */
function trace(total: number): Trace {
  const all = messages(total, 20 * BATCH);
  const buffer = new TraceBuffer(total, Infinity);
  const groups = new TraceGroupIndex(buffer);
  for (let i = 0; i < total; i += BATCH) {
    buffer.append(all.slice(i, Math.min(total, i + BATCH)));
    groups.sync();
  }
  const later: TraceEntry[][] = [];
  for (let i = total; i < all.length; i += BATCH) later.push(all.slice(i, i + BATCH));
  return { buffer, groups, later };
}

/** Best time in ms of `run()` over repetitions lasting a few milliseconds each. */
function bestTimeMs(run: () => unknown): number {
  let best = Infinity;
  const deadline = performance.now() + 300;
  for (let attempt = 0; attempt < 7 || (attempt < 50 && performance.now() < deadline); attempt++) {
    const started = performance.now();
    let repetitions = 0;
    do {
      run();
      repetitions++;
    } while (performance.now() - started < 2);
    best = Math.min(best, (performance.now() - started) / repetitions);
  }
  return best;
}

function filterOf(spec: Partial<TraceFilterSpec>) {
  const compiled = compileTraceFilter({ ...EMPTY_TRACE_FILTER, ...spec });
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.filter;
}

/** The watched dialog's ladder as the pane opens it: its group by lookup, its records, the layout. */
function ladderOf({ buffer, groups }: Trace, seq: number): number {
  const group = groups.groupOfSeq(seq)!;
  const records = group.seqs.map((s) => buffer.bySeq(s)).filter((r): r is TraceRecord => r !== undefined);
  return buildLadder(records).arrows.length;
}

describe('trace views at scale', () => {
  const small = trace(SMALL);
  const large = trace(LARGE);
  const watchedSeq = (t: Trace) => {
    const index = new TraceFilterIndex(t.buffer, filterOf({ address: 'watched' }));
    index.sync();
    return index.recordAt(0)!.entry.seq;
  };

  it('given 16× as many messages held, then the ladder of one dialog costs the same (a lookup, not a scan)', () => {
    const [smallSeq, largeSeq] = [watchedSeq(small), watchedSeq(large)];
    expect(ladderOf(small, smallSeq)).toBe(DIALOG);
    expect(ladderOf(large, largeSeq)).toBe(DIALOG);
    const ratio = bestTimeMs(() => ladderOf(large, largeSeq)) / bestTimeMs(() => ladderOf(small, smallSeq));
    expect(ratio, `the ladder took ${ratio.toFixed(1)}× as long with 16× the messages held`).toBeLessThanOrEqual(MAX_RATIO);
  });

  it('given 16× as many messages held, then one more batch under a filter costs the same (only the batch is tested)', () => {
    const batchTime = ({ buffer, later }: Trace) => {
      const index = new TraceFilterIndex(buffer, filterOf({ methods: ['NOTIFY'], address: 'user7@', text: 'lunch' }));
      index.sync();
      let best = Infinity;
      for (const batch of later) {
        buffer.append(batch);
        const started = performance.now();
        index.sync();
        best = Math.min(best, performance.now() - started);
      }
      expect(index.length).toBeGreaterThan(0);
      return best;
    };
    const smallTime = batchTime(small);
    const ratio = batchTime(large) / smallTime;
    expect(ratio, `a batch took ${ratio.toFixed(1)}× as long with 16× the messages held`).toBeLessThanOrEqual(MAX_RATIO);
  });

  it('given 16× as many messages held, then a filter change costs the same per message (one pass over the columns)', () => {
    const perMessage = ({ buffer }: Trace) =>
      bestTimeMs(() => {
        const index = new TraceFilterIndex(buffer, filterOf({ methods: ['NOTIFY'], address: 'user7@', direction: 'in' }));
        index.sync();
        return index.length;
      }) / buffer.size;
    const ratio = perMessage(large) / perMessage(small);
    expect(ratio, `a filter change took ${ratio.toFixed(1)}× as long per message with 16× the messages held`).toBeLessThanOrEqual(
      MAX_RATIO,
    );
  });
});
