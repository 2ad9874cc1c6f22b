import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { toTraceRecord } from '../../../shared/trace/trace-summary';
import {
  DEFAULT_COLUMN_LAYOUT,
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  NO_ROW_FACTS,
  TRACE_COLUMNS,
  fromToUsersText,
  gridTemplate,
  isColumnShown,
  parseColumnLayout,
  shownColumns,
  userPartOf,
  withColumnShown,
  withColumnWidth,
} from '../../../renderer/src/trace/trace-columns';

const byId = (id: string) => TRACE_COLUMNS.find((c) => c.id === id)!;
const CONSTANT_ADDRESSES = new Set(['addresses']);
const NOTHING_CONSTANT = new Set<string>();

describe('the trace column model', () => {
  it('given no choice, then "Local ↔ remote" is hidden while constant and shown once it varies', () => {
    expect(isColumnShown(byId('addresses'), DEFAULT_COLUMN_LAYOUT, CONSTANT_ADDRESSES)).toBe(false);
    expect(isColumnShown(byId('addresses'), DEFAULT_COLUMN_LAYOUT, NOTHING_CONSTANT)).toBe(true);
    expect(isColumnShown(byId('time'), DEFAULT_COLUMN_LAYOUT, CONSTANT_ADDRESSES)).toBe(true);
  });

  it("given the user's choice, then it wins over the default in both directions", () => {
    const shown = withColumnShown(DEFAULT_COLUMN_LAYOUT, 'addresses', true);
    expect(isColumnShown(byId('addresses'), shown, CONSTANT_ADDRESSES)).toBe(true);
    const hidden = withColumnShown(DEFAULT_COLUMN_LAYOUT, 'callId', false);
    expect(shownColumns(TRACE_COLUMNS, hidden, NOTHING_CONSTANT).map((c) => c.id)).not.toContain('callId');
  });

  it('given every column hidden, then the first stays, so the list never has no column', () => {
    const none = TRACE_COLUMNS.reduce((layout, column) => withColumnShown(layout, column.id, false), DEFAULT_COLUMN_LAYOUT);
    expect(shownColumns(TRACE_COLUMNS, none, NOTHING_CONSTANT).map((c) => c.id)).toEqual(['time']);
  });

  it('given the default columns with constant addresses, then they fit an 800 px window and From → To takes the rest', () => {
    const { template, minWidth } = gridTemplate(
      shownColumns(TRACE_COLUMNS, DEFAULT_COLUMN_LAYOUT, CONSTANT_ADDRESSES),
      DEFAULT_COLUMN_LAYOUT,
    );
    expect(minWidth).toBeLessThanOrEqual(760);
    expect(template).toContain(`minmax(${byId('fromTo').defaultWidth}px, 1fr)`);
    expect(template.match(/1fr/g)).toHaveLength(1);
    expect(template.startsWith(`${byId('time').defaultWidth}px `)).toBe(true);
  });

  it('given From → To hidden, then the last shown column takes the rest', () => {
    const layout = withColumnShown(DEFAULT_COLUMN_LAYOUT, 'fromTo', false);
    const { template } = gridTemplate(shownColumns(TRACE_COLUMNS, layout, CONSTANT_ADDRESSES), layout);
    expect(template.endsWith(`minmax(${byId('size').defaultWidth}px, 1fr)`)).toBe(true);
  });

  it('given a resize, then the width is kept within bounds and rounded, and counts in the minimum width', () => {
    expect(withColumnWidth(DEFAULT_COLUMN_LAYOUT, 'callId', 3).widths.callId).toBe(MIN_COLUMN_WIDTH);
    expect(withColumnWidth(DEFAULT_COLUMN_LAYOUT, 'callId', 99_999).widths.callId).toBe(MAX_COLUMN_WIDTH);
    const wider = withColumnWidth(DEFAULT_COLUMN_LAYOUT, 'callId', 200.4);
    const columns = shownColumns(TRACE_COLUMNS, wider, CONSTANT_ADDRESSES);
    expect(gridTemplate(columns, wider).minWidth - gridTemplate(columns, DEFAULT_COLUMN_LAYOUT).minWidth).toBe(
      200 - byId('callId').defaultWidth,
    );
  });

  it('given a stored layout, then only valid widths and booleans are read back', () => {
    expect(
      parseColumnLayout({ widths: { callId: 180, cseq: 'wide', size: -4, event: Number.NaN }, shown: { addresses: true, time: 'no' } }),
    ).toEqual({
      widths: { callId: 180 },
      shown: { addresses: true },
    });
    expect(parseColumnLayout(null)).toEqual(DEFAULT_COLUMN_LAYOUT);
    expect(parseColumnLayout('garbage')).toEqual(DEFAULT_COLUMN_LAYOUT);
  });
});

describe('From → To in the list', () => {
  it('given SIP URIs, then the user parts are shown and the full URIs are the title', () => {
    expect(userPartOf('sip:alice@example.com')).toBe('alice');
    expect(userPartOf('sips:+4930123@pbx.example.com:5061')).toBe('+4930123');
    expect(userPartOf('sip:example.com')).toBe('example.com');
    const entry: TraceEntry = {
      seq: 1,
      at: 0,
      direction: 'out',
      transport: 'tcp',
      local: { address: '127.0.0.1', port: 40000 },
      remote: { address: '127.0.0.1', port: 5060 },
      raw: 'SUBSCRIBE sip:bob@example.com SIP/2.0\r\nFrom: <sip:alice@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c\r\nCSeq: 1 SUBSCRIBE\r\n\r\n',
    };
    const record = toTraceRecord(entry);
    expect(fromToUsersText(record.summary)).toBe('alice → bob');
    expect(byId('fromTo').text(record, NO_ROW_FACTS)).toBe('alice → bob');
    expect(byId('fromTo').title!(record, NO_ROW_FACTS)).toBe('sip:alice@example.com → sip:bob@example.com');
  });
});
