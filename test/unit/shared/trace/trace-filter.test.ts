import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../../shared/trace/trace-buffer';
import {
  compileTraceFilter,
  EMPTY_TRACE_FILTER,
  offeredMethods,
  TraceFilterIndex,
  type TraceFilterSpec,
} from '../../../../shared/trace/trace-filter';
import { presenceSession } from './sip-fixtures';

function labels(spec: Partial<TraceFilterSpec>): string[] {
  const buffer = new TraceBuffer(1000);
  buffer.append(presenceSession());
  const compiled = compileTraceFilter({ ...EMPTY_TRACE_FILTER, ...spec });
  if (!compiled.ok) throw new Error(compiled.error);
  const index = new TraceFilterIndex(buffer, compiled.filter);
  index.sync();
  return Array.from({ length: index.length }, (_, i) => {
    const { summary } = index.recordAt(i)!;
    return summary.kind === 'response' ? `${summary.statusCode}/${summary.method}` : summary.label;
  });
}

describe('trace filter', () => {
  it('given no filter, then every message shows', () => {
    expect(labels({})).toHaveLength(presenceSession().length);
  });

  it('given the NOTIFY method, then only NOTIFYs and the answers to them show', () => {
    expect(labels({ methods: ['NOTIFY'] })).toEqual(['NOTIFY', '200/NOTIFY', 'NOTIFY', '200/NOTIFY']);
  });

  it('given requests only and a direction, then they combine', () => {
    expect(labels({ methods: ['NOTIFY', 'PUBLISH'], kinds: 'requests', direction: 'in' })).toEqual(['NOTIFY', 'NOTIFY']);
    expect(labels({ methods: ['REGISTER'], kinds: 'responses' })).toEqual(['401/REGISTER', '200/REGISTER']);
  });

  it('given "hide OPTIONS and keep-alives", then the pings, their answers and the CRLF keep-alive go', () => {
    const shown = labels({ hideOptionsAndKeepAlives: true });
    expect(shown).not.toContain('OPTIONS');
    expect(shown).not.toContain('200/OPTIONS');
    expect(shown).not.toContain('keep-alive');
    expect(shown).toHaveLength(presenceSession().length - 3);
  });

  it('given an address, then it matches part of a Call-ID or of an AOR, case-insensitively', () => {
    expect(labels({ address: 'SUB-BOB' })).toHaveLength(6);
    expect(labels({ address: 'bob@example' })).toEqual(['SUBSCRIBE', '200/SUBSCRIBE', 'NOTIFY', '200/NOTIFY', 'NOTIFY', '200/NOTIFY']);
  });

  it('given free text, then it searches the whole message, case-insensitively, with regex characters taken literally', () => {
    expect(labels({ text: 'in the LAB' })).toEqual(['NOTIFY']);
    expect(labels({ text: 'etag-[12]' })).toEqual([]);
    expect(labels({ text: 'sip-etag: etag-3' })).toEqual(['200/PUBLISH']);
  });

  it('given a regular expression, then it is applied; an invalid one gives a readable error', () => {
    expect(labels({ text: 'SIP-If-Match: etag-[12]', isRegex: true })).toEqual(['PUBLISH', 'PUBLISH']);
    const bad = compileTraceFilter({ ...EMPTY_TRACE_FILTER, text: 'a(b', isRegex: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^Not a valid regular expression: .*(unterminated|group)/i);
  });

  it('given an over-long search text, then it is refused', () => {
    expect(compileTraceFilter({ ...EMPTY_TRACE_FILTER, text: 'x'.repeat(1025) }).ok).toBe(false);
  });
});

describe('TraceFilterIndex', () => {
  it('given later batches and drops, when synced, then it tests only new records and forgets dropped ones', () => {
    const session = presenceSession();
    const buffer = new TraceBuffer(8);
    const compiled = compileTraceFilter({ ...EMPTY_TRACE_FILTER, methods: ['PUBLISH'] });
    if (!compiled.ok) throw new Error(compiled.error);
    let tested = 0;
    const scan = compiled.filter.scan!;
    const counting = {
      ...compiled.filter,
      scan: (b: TraceBuffer, from: number, end: number, into: number[]) => {
        tested += end - from;
        scan(b, from, end, into);
      },
    };
    const index = new TraceFilterIndex(buffer, counting);
    buffer.append(session.slice(0, 6));
    index.sync();
    expect(index.seqs()).toEqual([5, 6]);
    expect(tested).toBe(6);
    buffer.append(session.slice(6, 15));
    index.sync();
    // Capacity 8: seqs 8..15 held; 5 and 6 were dropped, and 7 went before it was ever looked at.
    expect(tested).toBe(6 + 8);
    expect(index.seqs()).toEqual([14, 15]);
    expect(index.indexOfSeq(15)).toBe(1);
    expect(index.countThroughSeq(14)).toBe(1);
    index.sync();
    expect(tested).toBe(6 + 8);
    buffer.clear();
    index.sync();
    expect(index.length).toBe(0);
  });
});

describe('offeredMethods', () => {
  it('given the methods held and a filter naming one gone, then those and only those are offered, common ones first', () => {
    expect(offeredMethods(['NOTIFY', 'FOO', 'PUBLISH', 'BAR'], null)).toEqual(['PUBLISH', 'NOTIFY', 'BAR', 'FOO']);
    expect(offeredMethods(['NOTIFY'], ['MESSAGE'])).toEqual(['NOTIFY', 'MESSAGE']);
    expect(offeredMethods([], null)).toEqual([]);
  });

  it('given records dropped and cleared (ring slots and string numbers used again), then the column scan agrees with matches', () => {
    const session = presenceSession();
    const buffer = new TraceBuffer(7);
    const specs: Partial<TraceFilterSpec>[] = [
      { methods: ['NOTIFY'] },
      { methods: ['PUBLISH', 'REGISTER'], kinds: 'responses' },
      { hideOptionsAndKeepAlives: true, direction: 'out' },
      { address: 'bob@' },
      { address: 'sub-', kinds: 'requests', text: 'presence' },
    ];
    const compiled = specs.map((spec) => {
      const result = compileTraceFilter({ ...EMPTY_TRACE_FILTER, ...spec });
      if (!result.ok) throw new Error(result.error);
      return result.filter;
    });
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < session.length; i += 4) {
        buffer.append(session.slice(i, i + 4).map((e) => ({ ...e, seq: e.seq + round * 1000 })));
        for (const filter of compiled) {
          const held = Array.from({ length: buffer.size }, (_, k) => buffer.firstPosition + k);
          const scanned: number[] = [];
          filter.scan!(buffer, buffer.firstPosition, buffer.endPosition, scanned);
          expect(scanned).toEqual(held.filter((p) => filter.matches(buffer.atPosition(p)!)));
        }
      }
      buffer.clear();
    }
    // Every record gone: every string number was given back.
    expect(buffer.fields.addresses.text(buffer.fields.address[0]!)).toBe('');
  });

  it('given more records than the columns first have room for, then they grow and the scan still agrees with matches', () => {
    const session = presenceSession();
    const many = Array.from({ length: 6000 }, (_, i) => ({ ...session[i % session.length]!, seq: i + 1 }));
    const buffer = new TraceBuffer(10_000);
    for (let i = 0; i < many.length; i += 500) buffer.append(many.slice(i, i + 500));
    const filter = compileTraceFilter({ ...EMPTY_TRACE_FILTER, methods: ['NOTIFY'], direction: 'in', address: 'bob@' });
    if (!filter.ok) throw new Error(filter.error);
    const index = new TraceFilterIndex(buffer, filter.filter);
    index.sync();
    const expected = buffer.toArray().filter((r) => filter.filter.matches(r));
    expect(expected.length).toBeGreaterThan(100);
    expect(index.seqs()).toEqual(expected.map((r) => r.entry.seq));
  });
});
