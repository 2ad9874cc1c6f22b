/**
 * Views derived from the recorded trace, computed where they are read and never stored: the filtered
 * list (retransmissions folded under their first copy on request), the groups (dialogs, publications,
 * subscriptions) for ladders, transaction timing (round trips, copies, unanswered requests), and the
 * counts of methods and endpoint pairs (the Methods menu; whether "Local ↔ remote" says anything).
 *
 * Both are incremental indexes (shared/trace) kept per buffer in this module, so every component
 * reading them shares one: a new batch costs the batch, not the 100,000 entries held; only a filter
 * change re-tests everything. They catch up with the buffer when read for a new `version`.
 */
import { useMemo } from 'react';
import type { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { compileTraceFilter, TraceFilterIndex, type CompiledTraceFilter, type TraceFilterSpec } from '../../../shared/trace/trace-filter';
import { TraceGroupIndex, type TraceGroup } from '../../../shared/trace/trace-groups';
import { TraceTimingIndex } from '../../../shared/trace/trace-timing';
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
const timingIndexes = new WeakMap<TraceBuffer, TraceTimingIndex>();

/** The index `cache` keeps for `buffer` (made by `create` the first time), caught up with the buffer. */
function caughtUp<Index extends { sync(): void }>(cache: WeakMap<TraceBuffer, Index>, buffer: TraceBuffer, create: () => Index): Index {
  let index = cache.get(buffer);
  if (!index) {
    index = create();
    cache.set(buffer, index);
  }
  index.sync();
  return index;
}

/** The buffer's timing index, caught up. */
export function timingIndexFor(buffer: TraceBuffer): TraceTimingIndex {
  return caughtUp(timingIndexes, buffer, () => new TraceTimingIndex(buffer));
}

let lastFolded: {
  filter: CompiledTraceFilter;
  timing: TraceTimingIndex;
  unfolded: ReadonlySet<number>;
  folded: CompiledTraceFilter;
} | null = null;

/**
 * `filter` that also leaves out copies sent again, except those of the first copies in `unfolded` (the
 * same object while its inputs are, so the filter index is not rebuilt). `timing` must have read every
 * record the filter is asked about: the filter index syncs after it.
 */
export function foldedFilterFor(filter: CompiledTraceFilter, timing: TraceTimingIndex, unfolded: ReadonlySet<number>): CompiledTraceFilter {
  if (lastFolded?.filter === filter && lastFolded.timing === timing && lastFolded.unfolded === unfolded) return lastFolded.folded;
  const folded: CompiledTraceFilter = {
    spec: filter.spec,
    isEmpty: false,
    matches: (record) => {
      if (!filter.matches(record)) return false;
      const copy = timing.timingOf(record.entry.seq);
      return !copy || copy.copy === 1 || unfolded.has(copy.originalSeq);
    },
  };
  lastFolded = { filter, timing, unfolded, folded };
  return folded;
}

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
  return caughtUp(groupIndexes, buffer, () => new TraceGroupIndex(buffer));
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
  const isFolding = useTraceViewStore((s) => s.isFoldingRetransmissions);
  const unfolded = useTraceViewStore((s) => s.unfoldedSeqs);
  return useMemo(() => {
    const { filter, error } = compiledFilterFor(spec);
    const shown = isFolding ? foldedFilterFor(filter, timingIndexFor(buffer), unfolded) : filter;
    const index = filterIndexFor(buffer, shown);
    const count = pausedAtSeq === null ? index.length : index.countThroughSeq(pausedAtSeq);
    return { index, count, waiting: index.length - count, total: buffer.size, error, version };
  }, [buffer, version, spec, pausedAtSeq, isFolding, unfolded]);
}

/** The timing index, caught up with the current version. */
export function useTraceTiming(): { index: TraceTimingIndex; version: number } {
  const buffer = useTraceEntries((s) => s.buffer);
  const version = useTraceEntries((s) => s.version);
  return useMemo(() => ({ index: timingIndexFor(buffer), version }), [buffer, version]);
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
