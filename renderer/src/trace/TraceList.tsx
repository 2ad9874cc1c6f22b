import { memo, useCallback, useEffect, useLayoutEffect, useState, type KeyboardEvent, type RefObject, type UIEvent } from 'react';
import { formatClockMs } from '../../../shared/trace/trace-format';
import type { TraceRecord } from '../../../shared/trace/trace-summary';
import { addressesText, fromToText, sizeText, toneClass } from './trace-columns';
import { useTraceViewStore } from './trace-view-store';
import { useFilteredTrace } from './trace-views';

/** Row and header heights in pixels; trace.css uses the same values. */
export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 26;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 12;

const COLUMNS = ['Time', '⇄', 'Proto', 'Local ↔ remote', 'Method / status', 'From → To', 'Call-ID', 'CSeq', 'Event', 'Size'] as const;

/**
 * The live message list: a WAI-ARIA grid that renders only the rows in view (100,000 entries cost the
 * same as 50), follows new messages while scrolled to the bottom and stops following when the user
 * scrolls up (the "Latest" button or End resumes), and moves the selection with the keyboard:
 * ↑/↓, Page Up/Down, Home/End; Enter opens the message; Escape closes the panel.
 */
export function TraceList({ gridRef }: { gridRef: RefObject<HTMLDivElement | null> }) {
  const view = useFilteredTrace();
  const selectedSeq = useTraceViewStore((s) => s.selectedSeq);
  const { messageSelected, messageOpened, panelShown } = useTraceViewStore((s) => s.actions);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const [isFollowing, setFollowing] = useState(true);
  const { index, count } = view;

  useEffect(() => {
    const element = gridRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewportHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, [gridRef]);

  // Following: keep the newest row in view as rows arrive (before paint, so nothing jumps).
  useLayoutEffect(() => {
    const element = gridRef.current;
    if (isFollowing && element) element.scrollTop = element.scrollHeight;
  }, [count, isFollowing, gridRef, view.version]);

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const element = event.currentTarget;
    setScrollTop(element.scrollTop);
    // At the bottom (within a row): follow new messages; scrolled up: stay put.
    setFollowing(element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT);
  };

  const scrollToRow = useCallback(
    (row: number) => {
      const element = gridRef.current;
      if (!element) return;
      const top = row * ROW_HEIGHT;
      const visible = element.clientHeight - HEADER_HEIGHT;
      if (top < element.scrollTop) element.scrollTop = top;
      else if (top + ROW_HEIGHT > element.scrollTop + visible) element.scrollTop = top + ROW_HEIGHT - visible;
    },
    [gridRef],
  );

  const selectedRow = selectedSeq === null ? -1 : index.indexOfSeq(selectedSeq);
  const visibleSelectedRow = selectedRow < count ? selectedRow : -1;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      panelShown('closed');
      return;
    }
    if (event.key === 'Enter') {
      if (selectedSeq !== null && visibleSelectedRow >= 0) {
        event.preventDefault();
        messageOpened(selectedSeq);
      }
      return;
    }
    const page = Math.max(1, Math.floor((viewportHeight - HEADER_HEIGHT) / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    let next: number;
    if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = count - 1;
    else if (moves[event.key] !== undefined) {
      const step = moves[event.key]!;
      next = visibleSelectedRow < 0 ? (step > 0 ? 0 : count - 1) : visibleSelectedRow + step;
    } else return;
    event.preventDefault();
    if (count === 0) return;
    next = Math.min(count - 1, Math.max(0, next));
    const record = index.recordAt(next);
    if (!record) return;
    messageSelected(record.entry.seq);
    if (event.key === 'End') setFollowing(true);
    scrollToRow(next);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN);
  const rows: TraceRecord[] = [];
  for (let i = first; i < last; i++) {
    const record = index.recordAt(i);
    if (record) rows.push(record);
  }

  return (
    <div className="trace-list-wrap">
      <div
        ref={gridRef}
        className="trace-list"
        role="grid"
        aria-label="SIP messages"
        aria-rowcount={count + 1}
        aria-colcount={COLUMNS.length}
        aria-activedescendant={
          visibleSelectedRow >= first && visibleSelectedRow < last && selectedSeq !== null ? `trace-row-${selectedSeq}` : undefined
        }
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-testid="trace-list"
      >
        <div role="rowgroup" className="trace-head">
          <div role="row" aria-rowindex={1} className="trace-row trace-head-row">
            {COLUMNS.map((name) => (
              <div key={name} role="columnheader" className="trace-cell" aria-label={name === '⇄' ? 'Direction' : undefined}>
                {name}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="trace-body" style={{ height: count * ROW_HEIGHT }}>
          {rows.map((record, i) => (
            <TraceRow
              key={record.entry.seq}
              record={record}
              row={first + i}
              isSelected={record.entry.seq === selectedSeq}
              onOpen={messageOpened}
            />
          ))}
        </div>
        {count === 0 && (
          <p className="trace-empty" data-testid="trace-empty">
            {view.total === 0
              ? 'No SIP messages yet. Everything Presently sends and receives appears here.'
              : 'No message matches the filter.'}
          </p>
        )}
      </div>
      {!isFollowing && count > 0 && (
        <button
          type="button"
          className="trace-latest"
          onClick={() => {
            setFollowing(true);
            const element = gridRef.current;
            if (element) element.scrollTop = element.scrollHeight;
          }}
        >
          ↓ Latest
        </button>
      )}
    </div>
  );
}

const TraceRow = memo(function TraceRow({
  record,
  row,
  isSelected,
  onOpen,
}: {
  record: TraceRecord;
  row: number;
  isSelected: boolean;
  onOpen(seq: number): void;
}) {
  const { entry, summary } = record;
  const addresses = addressesText(entry);
  const fromTo = fromToText(summary);
  return (
    <div
      role="row"
      id={`trace-row-${entry.seq}`}
      aria-rowindex={row + 2}
      aria-selected={isSelected}
      className={`trace-row ${isSelected ? 'is-selected' : ''} dir-${entry.direction}`}
      style={{ top: row * ROW_HEIGHT }}
      onClick={() => onOpen(entry.seq)}
      data-testid="trace-row"
      data-seq={entry.seq}
      data-label={summary.label}
      data-method={summary.method}
    >
      <div role="gridcell" className="trace-cell cell-time">
        {formatClockMs(entry.at)}
      </div>
      <div
        role="gridcell"
        className="trace-cell cell-dir"
        aria-label={entry.direction === 'out' ? 'sent' : 'received'}
        title={entry.direction === 'out' ? 'Sent' : 'Received'}
      >
        {entry.direction === 'out' ? '→' : '←'}
      </div>
      <div role="gridcell" className="trace-cell cell-proto">
        {entry.transport.toUpperCase()}
      </div>
      <div role="gridcell" className="trace-cell cell-addr" title={addresses}>
        {addresses}
      </div>
      <div role="gridcell" className={`trace-cell cell-label ${toneClass(summary)}`} data-testid="trace-row-label">
        {summary.label}
      </div>
      <div role="gridcell" className="trace-cell" title={fromTo}>
        {fromTo}
      </div>
      <div role="gridcell" className="trace-cell cell-mono" title={summary.callId}>
        {summary.callId}
      </div>
      <div role="gridcell" className="trace-cell" data-testid="trace-row-cseq">
        {summary.cseq}
      </div>
      <div role="gridcell" className="trace-cell">
        {summary.event}
      </div>
      <div role="gridcell" className="trace-cell cell-size">
        {sizeText(summary.size)}
      </div>
    </div>
  );
});
