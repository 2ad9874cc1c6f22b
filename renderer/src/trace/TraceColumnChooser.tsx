import { useState, type FormEvent } from 'react';
import { TIMING_COLUMN_IDS, columnsOf, headerColumnId, isColumnShown, isHeaderName } from './trace-columns';
import { useTraceLayoutStore } from './trace-layout-store';
import { useTraceValueSummary } from './trace-views';

/** Headers offered as you type a column's name: the ones a support engineer asks for most. */
const SUGGESTED_HEADERS = [
  'User-Agent',
  'Server',
  'Subscription-State',
  'SIP-ETag',
  'SIP-If-Match',
  'Expires',
  'Contact',
  'Via',
  'Allow-Events',
];

/**
 * The Columns menu: a checkbox per column of the list, buttons that move a column left or right (the
 * list's order is the menu's), any header added as a column by name (and removed again), the timing
 * columns in one click, and back to the default layout. A column the list hides because every row reads the same says so, and the user
 * can still show it.
 */
export function TraceColumnChooser() {
  const layout = useTraceLayoutStore((s) => s.columns);
  const columnSet = useTraceLayoutStore((s) => s.columnSet);
  const { columnShown, columnMoved, headerColumnAdded, headerColumnRemoved, columnsReset } = useTraceLayoutStore((s) => s.actions);
  const { constantColumnIds } = useTraceValueSummary();
  const [headerName, setHeaderName] = useState('');
  const columns = columnsOf(columnSet);
  const trimmed = headerName.trim();
  const isTaken = columns.some((column) => column.id === headerColumnId(trimmed));
  const problem = trimmed === '' ? null : !isHeaderName(trimmed) ? 'Not a header name.' : isTaken ? 'Already a column.' : null;

  const addHeader = (event: FormEvent) => {
    event.preventDefault();
    if (trimmed === '' || problem !== null) return;
    headerColumnAdded(trimmed);
    setHeaderName('');
  };

  return (
    <details className="trace-menu trace-column-chooser" data-testid="trace-columns">
      <summary>Columns</summary>
      <div className="trace-menu-popup align-end" role="group" aria-label="Columns">
        <ul className="trace-column-list">
          {columns.map((column, i) => {
            const name = column.ariaLabel ?? column.label;
            return (
              <li key={column.id} className="trace-column-choice" data-column={column.id}>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={isColumnShown(column, layout, constantColumnIds)}
                    onChange={(e) => columnShown(column.id, e.target.checked)}
                  />
                  {name}
                  {constantColumnIds.has(column.id) && layout.shown[column.id] === undefined && (
                    <span className="muted"> (the same on every row)</span>
                  )}
                </label>
                <span className="trace-column-moves">
                  <button
                    type="button"
                    className="icon-button small"
                    aria-label={`Move ${name} left`}
                    disabled={i === 0}
                    onClick={() => columnMoved(column.id, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-button small"
                    aria-label={`Move ${name} right`}
                    disabled={i === columns.length - 1}
                    onClick={() => columnMoved(column.id, 1)}
                  >
                    ↓
                  </button>
                  {column.isHeader && (
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Remove the ${name} column`}
                      onClick={() => headerColumnRemoved(column.id)}
                    >
                      ×
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
        <form className="trace-header-column-form" onSubmit={addHeader}>
          <input
            type="text"
            aria-label="Header to show as a column"
            placeholder="Any header, e.g. User-Agent"
            list="trace-header-suggestions"
            value={headerName}
            onChange={(e) => setHeaderName(e.target.value)}
            aria-invalid={problem !== null}
            aria-describedby={problem ? 'trace-header-column-problem' : undefined}
            spellCheck={false}
            data-testid="trace-header-column-name"
          />
          <datalist id="trace-header-suggestions">
            {SUGGESTED_HEADERS.map((header) => (
              <option key={header} value={header} />
            ))}
          </datalist>
          <button type="submit" disabled={trimmed === '' || problem !== null}>
            Add column
          </button>
          {problem && (
            <span id="trace-header-column-problem" className="field-error">
              {problem}
            </span>
          )}
        </form>
        <button type="button" className="link-button" onClick={() => TIMING_COLUMN_IDS.forEach((id) => columnShown(id, true))}>
          Show the timing columns (Δt, RTT, ↻)
        </button>
        <button type="button" className="link-button" onClick={columnsReset}>
          Default columns and widths
        </button>
      </div>
    </details>
  );
}
