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
import { useNow } from '../components/use-now';
import {
  MAX_COLUMN_WIDTH,
  MIN_COLUMN_WIDTH,
  columnWidth,
  columnsOf,
  gridTemplate,
  shownColumns,
  type TraceColumn,
  type TraceRowFacts,
} from './trace-columns';
import { useTraceLayoutStore } from './trace-layout-store';
import { useIsLiveTrace, useTraceViewStore } from './trace-view-store';
import { useFilteredTrace, useTraceTiming, useTraceValueSummary } from './trace-views';

/** Row and header heights in pixels; trace.css uses the same values. */
export const ROW_HEIGHT = 22;
const HEADER_HEIGHT = 26;
/** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
const OVERSCAN = 12;

/** Pixels one arrow key resizes a column by (Shift: four times as much). */
const RESIZE_STEP = 8;

/** How often the list looks again for requests that have waited 64·T1 without a final answer. */
const UNANSWERED_CHECK_MS = 1000;

/**
 * The live message list: a WAI-ARIA grid that renders only the rows in view (100,000 entries cost the
 * same as 50), follows new messages while scrolled to the bottom and stops following when the user
 * scrolls up (the status bar's "Latest" or End resumes), and moves the selection with the keyboard:
 * ↑/↓, Page Up/Down, Home/End; Enter opens the message; Escape closes the panel. The columns are the
 * ones shown by the layout (trace-columns.ts); each header's edge resizes its column by pointer or arrows.
 * With retransmissions folded, a first copy sent again shows a button that unfolds its copies under it
 * (or → / ← on the selected row).
 */
export function TraceList({ gridRef }: { gridRef: RefObject<HTMLDivElement | null> }) {
  const view = useFilteredTrace();
  const selectedSeq = useTraceViewStore((s) => s.selectedSeq);
  const isFollowing = useTraceViewStore((s) => s.isFollowing);
  const { messageSelected, messageOpened, panelShown, followChanged } = useTraceViewStore((s) => s.actions);
  const layout = useTraceLayoutStore((s) => s.columns);
  const columnSet = useTraceLayoutStore((s) => s.columnSet);
  const isFolding = useTraceViewStore((s) => s.isFoldingRetransmissions);
  const unfoldedSeqs = useTraceViewStore((s) => s.unfoldedSeqs);
  const { copiesUnfolded } = useTraceViewStore((s) => s.actions);
  const timing = useTraceTiming();
  // A capture has ended: a request without a final answer there is unanswered now, not only after 64·T1.
  const clock = useNow(UNANSWERED_CHECK_MS);
  const now = useIsLiveTrace() ? clock : Infinity;
  const { constantColumnIds } = useTraceValueSummary();
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const { index, count } = view;
  // A new Set per version: compare its content, so the rows re-render only when the columns change.
  const constantKey = [...constantColumnIds].join(' ');
  const columns = useMemo(
    () => shownColumns(columnsOf(columnSet), layout, new Set(constantKey.split(' '))),
    [columnSet, layout, constantKey],
  );
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
    if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && isFolding && selectedSeq !== null) {
      if ((timing.index.timingOf(selectedSeq)?.copies ?? 1) > 1) {
        event.preventDefault();
        copiesUnfolded(selectedSeq, event.key === 'ArrowRight');
      }
      return;
    }
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
  const rows: { record: TraceRecord; facts: TraceRowFacts }[] = [];
  for (let i = first; i < last; i++) {
    const record = index.recordAt(i);
    if (!record) continue;
    const previous = i > 0 ? index.recordAt(i - 1) : undefined;
    rows.push({
      record,
      facts: {
        sincePreviousMs: previous ? record.entry.at - previous.entry.at : null,
        // A copy: the index updates its timings in place as copies and answers arrive, and rows compare by content.
        timing: copyOf(timing.index.timingOf(record.entry.seq)),
        isUnanswered: timing.index.isUnanswered(record, now),
      },
    });
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
          {rows.map(({ record, facts }, i) => (
            <TraceRow
              key={record.entry.seq}
              record={record}
              facts={facts}
              row={first + i}
              columns={columns}
              isSelected={record.entry.seq === selectedSeq}
              fold={
                isFolding && (facts.timing?.copies ?? 1) > 1 && facts.timing?.copy === 1
                  ? unfoldedSeqs.has(record.entry.seq)
                    ? 'open'
                    : 'closed'
                  : null
              }
              onOpen={messageOpened}
              onUnfold={copiesUnfolded}
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

function copyOf<T extends object>(value: T | undefined): T | undefined {
  return value && { ...value };
}

/** Row facts compared by content, so a row re-renders only when what it shows changed. */
function sameFacts(a: TraceRowFacts, b: TraceRowFacts): boolean {
  return (
    a.sincePreviousMs === b.sincePreviousMs &&
    a.isUnanswered === b.isUnanswered &&
    a.timing?.copy === b.timing?.copy &&
    a.timing?.copies === b.timing?.copies &&
    a.timing?.roundTripMs === b.timing?.roundTripMs
  );
}

interface TraceRowProps {
  record: TraceRecord;
  facts: TraceRowFacts;
  row: number;
  columns: readonly TraceColumn[];
  isSelected: boolean;
  /** A first copy with copies while folding: whether they are shown (`open`); null otherwise. */
  fold: 'open' | 'closed' | null;
  onOpen(seq: number): void;
  onUnfold(seq: number, isUnfolded: boolean): void;
}

/** Whether a row shows the same as before, so it need not render again. */
function sameRowProps(before: TraceRowProps, after: TraceRowProps): boolean {
  return (
    before.record === after.record &&
    before.row === after.row &&
    before.columns === after.columns &&
    before.isSelected === after.isSelected &&
    before.fold === after.fold &&
    before.onOpen === after.onOpen &&
    before.onUnfold === after.onUnfold &&
    sameFacts(before.facts, after.facts)
  );
}

function TraceRowView({ record, facts, row, columns, isSelected, fold, onOpen, onUnfold }: TraceRowProps) {
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
      data-copy={facts.timing?.copy}
      aria-expanded={fold === null ? undefined : fold === 'open'}
    >
      {columns.map((column) => (
        <div
          key={column.id}
          role="gridcell"
          className={`trace-cell ${column.className?.(record, facts) ?? ''}`}
          title={column.title?.(record, facts) || undefined}
          aria-label={column.cellLabel?.(record, facts)}
          data-testid={`trace-row-${column.id}`}
        >
          {column.id === 'retransmission' && fold !== null && (
            <button
              type="button"
              className="trace-fold-toggle"
              tabIndex={-1}
              aria-label={fold === 'open' ? 'Fold the copies sent again' : 'Show the copies sent again'}
              onClick={(event) => {
                event.stopPropagation();
                onUnfold(entry.seq, fold === 'closed');
              }}
              data-testid="trace-fold-toggle"
            >
              {fold === 'open' ? '▾' : '▸'}
            </button>
          )}
          {column.text(record, facts)}
        </div>
      ))}
    </div>
  );
}

const TraceRow = memo(TraceRowView, sameRowProps);
