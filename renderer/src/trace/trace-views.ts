/**
 * Views derived from the recorded trace, computed where they are read and never stored: the filtered
 * list, the groups (dialogs, publications, subscriptions) for ladders, and the counts of methods and
 * endpoint pairs (the Methods menu; whether "Local ↔ remote" says anything).
 *
 * Both are incremental indexes (shared/trace) kept per buffer in this module, so every component
 * reading them shares one: a new batch costs the batch, not the 100,000 entries held; only a filter
 * change re-tests everything. They catch up with the buffer when read for a new `version`.
 */
import { useMemo } from 'react';
import type { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { compileTraceFilter, TraceFilterIndex, type CompiledTraceFilter, type TraceFilterSpec } from '../../../shared/trace/trace-filter';
import { TraceGroupIndex, type TraceGroup } from '../../../shared/trace/trace-groups';
import { TraceValueCounts } from '../../../shared/trace/trace-value-counts';
import { useTraceStore } from '../stores/trace-store';
import { endpointPairKey } from './trace-columns';
import { useTraceEntries, useTraceViewStore } from './trace-view-store';

interface CompiledView {
  readonly filter: CompiledTraceFilter;
  /** Why the search text was not applied (an invalid regular expression), or null. */
  readonly error: string | null;
}

let lastCompiled: { spec: TraceFilterSpec; view: CompiledView } | null = null;

/**
 * The compiled filter for `spec` (the same object while the spec is). A search text that does not
 * compile is left out — the rest of the filter still applies — and its error is reported.
 */
export function compiledFilterFor(spec: TraceFilterSpec): CompiledView {
  if (lastCompiled?.spec === spec) return lastCompiled.view;
  const result = compileTraceFilter(spec);
  let view: CompiledView;
  if (result.ok) view = { filter: result.filter, error: null };
  else {
    const fallback = compileTraceFilter({ ...spec, text: '' });
    if (!fallback.ok) throw new Error(fallback.error);
    view = { filter: fallback.filter, error: result.error };
  }
  lastCompiled = { spec, view };
  return view;
}

const filterIndexes = new WeakMap<TraceBuffer, TraceFilterIndex>();
const groupIndexes = new WeakMap<TraceBuffer, TraceGroupIndex>();

/** The buffer's filter index for `filter`, caught up. */
export function filterIndexFor(buffer: TraceBuffer, filter: CompiledTraceFilter): TraceFilterIndex {
  let index = filterIndexes.get(buffer);
  if (!index || index.filter !== filter) {
    index = new TraceFilterIndex(buffer, filter);
    filterIndexes.set(buffer, index);
  }
  index.sync();
  return index;
}

/** The buffer's group index, caught up. */
export function groupIndexFor(buffer: TraceBuffer): TraceGroupIndex {
  let index = groupIndexes.get(buffer);
  if (!index) {
    index = new TraceGroupIndex(buffer);
    groupIndexes.set(buffer, index);
  }
  index.sync();
  return index;
}

/** The group (one ladder) of the dialog with `callId` in the trace as recorded now, or undefined when the trace holds none of it. */
export function traceGroupOfCallId(callId: string): TraceGroup | undefined {
  return groupIndexFor(useTraceStore.getState().buffer)
    .groups()
    .find((group) => group.callIds.includes(callId));
}

export interface FilteredTrace {
  readonly index: TraceFilterIndex;
  /** Rows the list shows: every match, or while paused those recorded before the pause. */
  readonly count: number;
  /** Matches recorded since the pause (0 when live). */
  readonly waiting: number;
  /** Entries held in all. */
  readonly total: number;
  readonly error: string | null;
  /** The buffer version this view reflects (changes on every batch). */
  readonly version: number;
}

/** The filtered list, for the current filter and pause. */
export function useFilteredTrace(): FilteredTrace {
  const buffer = useTraceEntries((s) => s.buffer);
  const version = useTraceEntries((s) => s.version);
  const spec = useTraceViewStore((s) => s.filter);
  const pausedAtSeq = useTraceViewStore((s) => s.pausedAtSeq);
  return useMemo(() => {
    const { filter, error } = compiledFilterFor(spec);
    const index = filterIndexFor(buffer, filter);
    const count = pausedAtSeq === null ? index.length : index.countThroughSeq(pausedAtSeq);
    return { index, count, waiting: index.length - count, total: buffer.size, error, version };
  }, [buffer, version, spec, pausedAtSeq]);
}

/** The group index, caught up with the current version. */
export function useTraceGroups(): { index: TraceGroupIndex; version: number } {
  const buffer = useTraceEntries((s) => s.buffer);
  const version = useTraceEntries((s) => s.version);
  return useMemo(() => ({ index: groupIndexFor(buffer), version }), [buffer, version]);
}

const methodCounts = new WeakMap<TraceBuffer, TraceValueCounts>();
const endpointCounts = new WeakMap<TraceBuffer, TraceValueCounts>();

function countsFor(
  cache: WeakMap<TraceBuffer, TraceValueCounts>,
  buffer: TraceBuffer,
  keyOf: ConstructorParameters<typeof TraceValueCounts>[1],
) {
  let counts = cache.get(buffer);
  if (!counts) {
    counts = new TraceValueCounts(buffer, keyOf);
    cache.set(buffer, counts);
  }
  counts.sync();
  return counts;
}

export interface TraceValueSummary {
  /** Each method held (responses count under their CSeq method) with its number of messages. */
  readonly methods: ReadonlyMap<string, number>;
  /** Columns whose every row reads the same now (hidden by default: they say nothing). */
  readonly constantColumnIds: ReadonlySet<string>;
  /** The buffer version this summary reflects. */
  readonly version: number;
}

/** Method counts and constant columns, caught up with the current version. */
export function useTraceValueSummary(): TraceValueSummary {
  const buffer = useTraceEntries((s) => s.buffer);
  const version = useTraceEntries((s) => s.version);
  return useMemo(() => {
    const methods = countsFor(methodCounts, buffer, (record) => record.summary.method).counts();
    methods.delete('');
    const endpoints = countsFor(endpointCounts, buffer, (record) => endpointPairKey(record.entry));
    return { methods, constantColumnIds: new Set(endpoints.distinct <= 1 ? ['addresses'] : []), version };
  }, [buffer, version]);
}
