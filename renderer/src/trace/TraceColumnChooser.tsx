import { TRACE_COLUMNS, isColumnShown } from './trace-columns';
import { useTraceLayoutStore } from './trace-layout-store';
import { useTraceValueSummary } from './trace-views';

/**
 * The Columns menu: a checkbox per column of the list, and back to the default layout. A column the
 * list hides because every row reads the same says so, and the user can still show it.
 */
export function TraceColumnChooser() {
  const layout = useTraceLayoutStore((s) => s.columns);
  const { columnShown, columnsReset } = useTraceLayoutStore((s) => s.actions);
  const { constantColumnIds } = useTraceValueSummary();
  return (
    <details className="trace-menu trace-column-chooser" data-testid="trace-columns">
      <summary>Columns</summary>
      <div className="trace-menu-popup align-end" role="group" aria-label="Columns">
        {TRACE_COLUMNS.map((column) => (
          <label key={column.id} className="checkbox">
            <input
              type="checkbox"
              checked={isColumnShown(column, layout, constantColumnIds)}
              onChange={(e) => columnShown(column.id, e.target.checked)}
            />
            {column.ariaLabel ?? column.label}
            {constantColumnIds.has(column.id) && layout.shown[column.id] === undefined && (
              <span className="muted"> (the same on every row)</span>
            )}
          </label>
        ))}
        <button type="button" className="link-button" onClick={columnsReset}>
          Default columns and widths
        </button>
      </div>
    </details>
  );
}
