import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { EMPTY_TRACE_FILTER } from '../../../shared/trace/trace-filter';
import { formatDuration } from '../../../shared/trace/trace-format';
import { layoutLadderRows } from '../../../shared/trace/trace-ladder';
import { toTraceRecord } from '../../../shared/trace/trace-summary';
import {
  DEFAULT_COLUMN_LAYOUT,
  DEFAULT_COLUMN_SET,
  NO_ROW_FACTS,
  TIMING_COLUMN_IDS,
  columnsOf,
  headerColumnId,
  headerValue,
  isHeaderName,
  parseColumnSet,
  retransmissionText,
  withColumnMoved,
  withColumnShown,
  withColumnWidth,
  withHeaderColumn,
  withoutColumnChoices,
  withoutHeaderColumn,
} from '../../../renderer/src/trace/trace-columns';
import { PANEL_SHARE, readStoredLayout } from '../../../renderer/src/trace/trace-layout-store';
import { compiledFilterFor, filterIndexFor, foldedFilterFor, timingIndexFor } from '../../../renderer/src/trace/trace-views';
import { entries, request, response } from '../shared/trace/sip-fixtures';

const ids = (set = DEFAULT_COLUMN_SET) => columnsOf(set).map((column) => column.id);

describe('header columns and the column order', () => {
  const raw = request({ method: 'PUBLISH', callId: 'c', cseq: 1, headers: ['User-Agent: Presently/1.0', 'o: presence'] });

  it('given any header name, then its column reads the first value, whatever the spelling or compact form', () => {
    expect(headerValue(raw, 'user-agent')).toBe('Presently/1.0');
    expect(headerValue(raw, 'Event')).toBe('presence');
    expect(headerValue(raw, 'X-Missing')).toBe('');
    const column = columnsOf(withHeaderColumn(DEFAULT_COLUMN_SET, ' User-Agent ')).at(-1)!;
    expect(column).toMatchObject({ id: 'header:user-agent', label: 'User-Agent', isHeader: true });
    expect(column.text(toTraceRecord({ ...entries([['out', raw]])[0]! }), NO_ROW_FACTS)).toBe('Presently/1.0');
  });

  it('given a header added twice in two spellings, then one column; removed, then gone from the set and the order', () => {
    const once = withHeaderColumn(DEFAULT_COLUMN_SET, 'SIP-ETag');
    expect(withHeaderColumn(once, 'sip-etag')).toBe(once);
    const moved = withColumnMoved(once, headerColumnId('SIP-ETag'), -100);
    expect(ids(moved)[0]).toBe('header:sip-etag');
    const removed = withoutHeaderColumn(moved, 'header:sip-etag');
    expect(ids(removed)).not.toContain('header:sip-etag');
    expect(removed.order).not.toContain('header:sip-etag');
    const layout = withColumnShown(withColumnWidth(DEFAULT_COLUMN_LAYOUT, 'header:sip-etag', 200), 'header:sip-etag', false);
    expect(withoutColumnChoices(withColumnWidth(layout, 'callId', 100), 'header:sip-etag')).toEqual({ widths: { callId: 100 }, shown: {} });
  });

  it('given a column moved, then it swaps with its neighbour, stays within the ends, and a column added later keeps its default place after', () => {
    const right = withColumnMoved(DEFAULT_COLUMN_SET, 'time', 1);
    expect(ids(right).slice(0, 2)).toEqual(['sincePrevious', 'time']);
    expect(ids(withColumnMoved(DEFAULT_COLUMN_SET, 'time', -1))).toEqual(ids());
    // A stored order from before a column existed: the new one follows the named ones.
    expect(ids({ headers: [], order: ['size', 'time'] }).slice(0, 3)).toEqual(['size', 'time', 'sincePrevious']);
  });

  it('given names typed into the chooser, then only header tokens are accepted', () => {
    expect(isHeaderName('X-My_Header.1')).toBe(true);
    expect(isHeaderName('Bad Header')).toBe(false);
    expect(isHeaderName('a:b')).toBe(false);
    expect(isHeaderName('')).toBe(false);
  });

  it('given a stored set, then only header names and string ids are read back', () => {
    expect(parseColumnSet({ headers: ['User-Agent', 'no good', 3], order: ['time', 7] })).toEqual({
      headers: ['User-Agent'],
      order: ['time'],
    });
    expect(parseColumnSet('garbage')).toEqual(DEFAULT_COLUMN_SET);
  });
});

describe('the stored trace layout', () => {
  it('given a layout saved by version 1 (no version, no column set), then widths, hidden columns and the panel survive, with the default set', () => {
    const v1 = { columns: { widths: { callId: 180 }, shown: { addresses: true } }, panelShare: 0.3 };
    expect(readStoredLayout(v1)).toEqual({ ...v1, columnSet: DEFAULT_COLUMN_SET });
  });

  it('given a version 2 layout, then its header columns and order come back', () => {
    const v2 = {
      version: 2,
      columns: { widths: { 'header:user-agent': 200 }, shown: {} },
      columnSet: { headers: ['User-Agent'], order: ['header:user-agent', 'time'] },
      panelShare: 0.5,
    };
    const read = readStoredLayout(v2);
    expect(read.columnSet).toEqual(v2.columnSet);
    expect(read.columns.widths).toEqual({ 'header:user-agent': 200 });
  });

  it('given nothing or damage, then the defaults', () => {
    expect(readStoredLayout(null).panelShare).toBe(PANEL_SHARE.initial);
    expect(readStoredLayout({ panelShare: 'x', columnSet: 5 }).columnSet).toEqual(DEFAULT_COLUMN_SET);
  });
});

describe('timing in the list', () => {
  const publish = request({ method: 'PUBLISH', callId: 'p', cseq: 1, headers: ['Event: presence'] });
  const session = () =>
    entries([
      ['out', publish],
      ['out', publish],
      ['out', publish],
      ['in', response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'p', cseq: 1 })],
      ['out', request({ method: 'OPTIONS', callId: 'o', cseq: 1 })],
    ]);

  it('given retransmissions folded, then copies are left out until their first copy is unfolded, and appended copies fold too', () => {
    const buffer = new TraceBuffer(100);
    const all = session();
    buffer.append(all.slice(0, 2));
    const filter = compiledFilterFor(EMPTY_TRACE_FILTER).filter;
    const closed = new Set<number>();
    const folded = () => filterIndexFor(buffer, foldedFilterFor(filter, timingIndexFor(buffer), closed)).seqs();
    expect(folded()).toEqual([1]);
    buffer.append(all.slice(2));
    expect(folded()).toEqual([1, 4, 5]);
    const open = new Set([1]);
    expect(filterIndexFor(buffer, foldedFilterFor(filter, timingIndexFor(buffer), open)).seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(foldedFilterFor(filter, timingIndexFor(buffer), open)).toBe(foldedFilterFor(filter, timingIndexFor(buffer), open));
  });

  it('given the marks, then a copy reads ↻ n, its first copy ×n, and an unanswered request says so', () => {
    const buffer = new TraceBuffer(100);
    buffer.append(session());
    const timing = timingIndexFor(buffer);
    const facts = (seq: number) => ({
      sincePreviousMs: null,
      timing: timing.timingOf(seq),
      isUnanswered: timing.isUnanswered(buffer.bySeq(seq)!, Infinity),
    });
    expect(retransmissionText(facts(1))).toBe('×3');
    expect(retransmissionText(facts(3))).toBe('↻ 3');
    expect(retransmissionText(facts(4))).toBe('');
    expect(retransmissionText(facts(5))).toBe('no final response');
    const roundTrip = columnsOf(DEFAULT_COLUMN_SET).find((column) => column.id === 'roundTrip')!;
    expect(roundTrip.text(buffer.bySeq(4)!, facts(4))).toBe('30 ms');
    expect(TIMING_COLUMN_IDS.every((id) => ids().includes(id))).toBe(true);
  });

  it('given durations, then they read in ms, s or min', () => {
    expect(formatDuration(0.42)).toBe('0.4 ms');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1204)).toBe('1.204 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
  });

  it('given a ladder to scale, then gaps are proportional to time, one scale for all, the longest at most 480 px; not to scale, rows only', () => {
    const arrows = [{ at: 0 }, { at: 100 }, { at: 1100 }, { at: 1100 }];
    const flat = layoutLadderRows(arrows, 40, false);
    expect(flat).toEqual({ tops: [0, 40, 80, 120], gaps: [], height: 160 });
    const scaled = layoutLadderRows(arrows, 40, true);
    expect(scaled.gaps.map((g) => [g.ms, g.height])).toEqual([
      [100, 20],
      [1000, 200],
    ]);
    expect(scaled.tops).toEqual([0, 60, 300, 340]);
    const long = layoutLadderRows([{ at: 0 }, { at: 600_000 }, { at: 660_000 }], 40, true);
    expect(long.gaps.map((g) => g.height)).toEqual([480, 48]);
  });
});
