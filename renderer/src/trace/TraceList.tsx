import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type PointerEvent,
  type RefObject,
  type UIEvent,
} from 'react';
import type { TraceRecord } from '../../../shared/trace/trace-summary';
import {
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  TRACE_COLUMNS,
  columnWidth,
  gridTemplate,
  shownColumns,
  type TraceColumn,
} from './trace-columns';
import { useTraceLayoutStore } from './trace-layout-store';
import { useTraceViewStore } from './trace-view-store';
import { useFilteredTrace, useTraceValueSummary } from './trace-views';

/** Row and header heights in pixels; trace.css uses the same values. */
export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 26;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 12;

/** Pixels one arrow key resizes a column by (Shift: four times as much). */
const RESIZE_STEP = 8;

/**
 * The live message list: a WAI-ARIA grid that renders only the rows in view (100,000 entries cost the
 * same as 50), follows new messages while scrolled to the bottom and stops following when the user
 * scrolls up (the status bar's "Latest" or End resumes), and moves the selection with the keyboard:
 * ↑/↓, Page Up/Down, Home/End; Enter opens the message; Escape closes the panel. The columns are the
 * ones shown by the layout (trace-columns.ts); each header's edge resizes its column by pointer or arrows.
 */
export function TraceList({ gridRef }: { gridRef: RefObject<HTMLDivElement | null> }) {
  const view = useFilteredTrace();
  const selectedSeq = useTraceViewStore((s) => s.selectedSeq);
  const isFollowing = useTraceViewStore((s) => s.isFollowing);
  const { messageSelected, messageOpened, panelShown, followChanged } = useTraceViewStore((s) => s.actions);
  const layout = useTraceLayoutStore((s) => s.columns);
  const { constantColumnIds } = useTraceValueSummary();
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const { index, count } = view;
  // A new Set per version: compare its content, so the rows re-render only when the columns change.
  const constantKey = [...constantColumnIds].join(' ');
  const columns = useMemo(() => shownColumns(TRACE_COLUMNS, layout, new Set(constantKey.split(' '))), [layout, constantKey]);
  const grid = useMemo(() => gridTemplate(columns, layout), [columns, layout]);

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
    followChanged(element.scrollTop + element.clientHeight >= element.scrollHeight - ROW_HEIGHT);
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
    if (event.key === 'End') followChanged(true);
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
        aria-colcount={columns.length}
        aria-activedescendant={
          visibleSelectedRow >= first && visibleSelectedRow < last && selectedSeq !== null ? `trace-row-${selectedSeq}` : undefined
        }
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        data-testid="trace-list"
        style={{ '--trace-columns': grid.template, '--trace-min-width': `${grid.minWidth}px` } as CSSProperties}
      >
        <div role="rowgroup" className="trace-head">
          <div role="row" aria-rowindex={1} className="trace-row trace-head-row">
            {columns.map((column) => (
              <ColumnHeader key={column.id} column={column} width={columnWidth(column, layout)} />
            ))}
          </div>
        </div>
        <div role="rowgroup" className="trace-body" style={{ height: count * ROW_HEIGHT }}>
          {rows.map((record, i) => (
            <TraceRow
              key={record.entry.seq}
              record={record}
              row={first + i}
              columns={columns}
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
    </div>
  );
}

/** A column's header, with a handle on its right edge that resizes it (drag, or ←/→ when focused). */
function ColumnHeader({ column, width }: { column: TraceColumn; width: number }) {
  const { columnResized } = useTraceLayoutStore((s) => s.actions);
  const drag = useRef<{ startX: number; startWidth: number } | null>(null);
  const name = column.ariaLabel ?? column.label;

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { startX: event.clientX, startWidth: width };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (drag.current) columnResized(column.id, drag.current.startWidth + event.clientX - drag.current.startX);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? RESIZE_STEP * 4 : RESIZE_STEP;
    const moves: Record<string, number> = { ArrowLeft: -step, ArrowRight: step };
    if (moves[event.key] === undefined) return;
    // The grid's own keys (selection) must not see it.
    event.preventDefault();
    event.stopPropagation();
    columnResized(column.id, width + moves[event.key]!);
  };

  return (
    <div role="columnheader" className="trace-cell trace-column-header" aria-label={column.ariaLabel} data-column={column.id}>
      {column.label}
      <div
        role="separator"
        aria-orientation="vertical"
        aria-label={`Resize ${name}`}
        aria-valuenow={width}
        aria-valuemin={MIN_COLUMN_WIDTH}
        aria-valuemax={MAX_COLUMN_WIDTH}
        tabIndex={0}
        className="trace-column-resizer"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
        onKeyDown={onKeyDown}
        onClick={(event) => event.stopPropagation()}
      />
    </div>
  );
}

const TraceRow = memo(function TraceRow({
  record,
  row,
  columns,
  isSelected,
  onOpen,
}: {
  record: TraceRecord;
  row: number;
  columns: readonly TraceColumn[];
  isSelected: boolean;
  onOpen(seq: number): void;
}) {
  const { entry, summary } = record;
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
      {columns.map((column) => (
        <div
          key={column.id}
          role="gridcell"
          className={`trace-cell ${column.className?.(record) ?? ''}`}
          title={column.title?.(record)}
          aria-label={column.cellLabel?.(record)}
          data-testid={`trace-row-${column.id}`}
        >
          {column.text(record)}
        </div>
      ))}
    </div>
  );
});
