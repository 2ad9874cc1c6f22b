import type { RefObject } from 'react';
import {
  EMPTY_TRACE_FILTER,
  offeredMethods,
  type TraceDirectionFilter,
  type TraceFilterSpec,
  type TraceKindFilter,
} from '../../../shared/trace/trace-filter';
import { useTraceViewStore } from './trace-view-store';
import { useTraceValueSummary } from './trace-views';

/** "all", "NOTIFY", "3 of 5". */
function methodsSummary(methods: TraceFilterSpec['methods'], offered: readonly string[]): string {
  if (methods === null) return 'all';
  if (methods.length === 0) return 'none';
  if (methods.length <= 2) return methods.join(', ');
  return `${methods.length} of ${offered.length}`;
}

/**
 * The filter bar: free text or regular expression over the whole message (`/` focuses it), Call-ID or
 * AOR, direction, requests/responses, a checkbox with its message count per method the trace holds,
 * with "hide OPTIONS and keep-alives" one click away, and "fold retransmissions" (each copy sent again
 * only under its first copy, on demand). Filters apply as they are typed; an invalid regular expression is reported beside the field.
 */
export function TraceFilters({ searchRef, error }: { searchRef: RefObject<HTMLInputElement | null>; error: string | null }) {
  const filter = useTraceViewStore((s) => s.filter);
  const { filterChanged, filterReset, retransmissionsFolded } = useTraceViewStore((s) => s.actions);
  const isFolding = useTraceViewStore((s) => s.isFoldingRetransmissions);
  const { methods: methodCounts } = useTraceValueSummary();
  const offered = offeredMethods(methodCounts.keys(), filter.methods);
  const isFiltered = JSON.stringify(filter) !== JSON.stringify(EMPTY_TRACE_FILTER);

  const toggleMethod = (method: string, isChecked: boolean) => {
    const current = filter.methods ?? offered;
    const next = isChecked ? [...new Set([...current, method])] : current.filter((m) => m !== method);
    filterChanged({ methods: offered.every((m) => next.includes(m)) ? null : next });
  };

  return (
    <div className="trace-filters" role="search" aria-label="Filter SIP messages">
      <div className="trace-search">
        <input
          ref={searchRef}
          type="search"
          aria-label={filter.isRegex ? 'Regular expression' : 'Search messages'}
          placeholder={filter.isRegex ? 'Regular expression over whole messages  ( / )' : 'Search whole messages  ( / )'}
          value={filter.text}
          onChange={(e) => filterChanged({ text: e.target.value })}
          aria-invalid={error !== null}
          aria-describedby={error ? 'trace-filter-error' : undefined}
          data-testid="trace-search"
          spellCheck={false}
        />
        <label className="checkbox inline" title="Treat the search as a JavaScript regular expression (case-insensitive)">
          <input type="checkbox" checked={filter.isRegex} onChange={(e) => filterChanged({ isRegex: e.target.checked })} /> Regex
        </label>
      </div>
      <input
        type="search"
        className="trace-address"
        aria-label="Call-ID or AOR"
        placeholder="Call-ID or address"
        value={filter.address}
        onChange={(e) => filterChanged({ address: e.target.value })}
        spellCheck={false}
      />
      <select
        aria-label="Direction"
        value={filter.direction}
        onChange={(e) => filterChanged({ direction: e.target.value as TraceDirectionFilter })}
      >
        <option value="both">Both ways</option>
        <option value="out">Sent</option>
        <option value="in">Received</option>
      </select>
      <select
        aria-label="Requests or responses"
        value={filter.kinds}
        onChange={(e) => filterChanged({ kinds: e.target.value as TraceKindFilter })}
      >
        <option value="all">Requests + responses</option>
        <option value="requests">Requests</option>
        <option value="responses">Responses</option>
      </select>
      <details className="trace-menu trace-methods" data-testid="trace-methods">
        <summary>Methods: {methodsSummary(filter.methods, offered)}</summary>
        <div className="trace-menu-popup trace-methods-menu" role="group" aria-label="Methods">
          {offered.length === 0 && <p className="muted">No messages yet.</p>}
          <div className="row">
            <button type="button" className="link-button" onClick={() => filterChanged({ methods: null })}>
              All
            </button>
            <button type="button" className="link-button" onClick={() => filterChanged({ methods: [] })}>
              None
            </button>
          </div>
          {offered.map((method) => (
            <label key={method} className="checkbox">
              <input
                type="checkbox"
                checked={filter.methods === null || filter.methods.includes(method)}
                onChange={(e) => toggleMethod(method, e.target.checked)}
              />
              {method} <span className="trace-method-count">{(methodCounts.get(method) ?? 0).toLocaleString()}</span>
            </label>
          ))}
        </div>
      </details>
      <label className="checkbox inline">
        <input
          type="checkbox"
          checked={filter.hideOptionsAndKeepAlives}
          onChange={(e) => filterChanged({ hideOptionsAndKeepAlives: e.target.checked })}
        />{' '}
        Hide OPTIONS &amp; keep-alives
      </label>
      <label className="checkbox inline" title="Show each request or response sent again only under its first copy (▸ unfolds)">
        <input
          type="checkbox"
          checked={isFolding}
          onChange={(e) => retransmissionsFolded(e.target.checked)}
          data-testid="trace-fold-retransmissions"
        />{' '}
        Fold retransmissions
      </label>
      {isFiltered && (
        <button type="button" className="link-button" onClick={filterReset}>
          Clear filters
        </button>
      )}
      {error && (
        <p id="trace-filter-error" role="alert" className="field-error trace-filter-error">
          {error}
        </p>
      )}
    </div>
  );
}
