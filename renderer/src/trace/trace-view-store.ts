/**
 * What the trace pane shows right now — renderer-only state, separate from the recorded trace
 * (stores/trace-store.ts): the filter, the selected message, the open panel, pause, folded retransmissions.
 *
 * Panel under the list:
 *
 *   closed ──Enter / click a row──► message ──"Ladder"──► ladder ◄──pick a group── groups
 *     ▲                               │ ◄──click an arrow──┘                          ▲
 *     └──────────Escape / Close───────┴───────────────────────────────────────────────┘
 *
 * The pane's source. The same pane components show the live trace or an opened capture: each source is
 * a pair of stores — its entries (a TraceBuffer with its version) and its own view state, so a capture's
 * filter or selection never changes the live pane's. `TraceSourceContext` says which source the
 * components under it read; outside any provider it is the live trace. `useTraceEntries` and
 * `useTraceViewStore` read the context's source; `useTraceViewStore.getState()` (for code outside React)
 * is the live one's.
 */
import { createContext, useContext } from 'react';
import { create, useStore, type StateCreator, type StoreApi } from 'zustand';
import type { TraceExportRequest, TraceExportResult } from '../../../shared/ipc/contract';
import type { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { EMPTY_TRACE_FILTER, type TraceFilterSpec } from '../../../shared/trace/trace-filter';
import { presenceApi } from '../presence-api';
import { useTraceStore } from '../stores/trace-store';

export type TracePanelView = 'closed' | 'message' | 'ladder' | 'groups';

/** What the pane knows of one source's view: filter, selection, panel, pause, last export. */
export interface TraceViewState {
  /** The filter as the user set it (the text may be an invalid regular expression: see trace-views.ts). */
  readonly filter: TraceFilterSpec;
  readonly selectedSeq: number | null;
  readonly panel: TracePanelView;
  /** The panel takes the whole pane (the list is hidden) — for long messages and tall ladders. */
  readonly isPanelExpanded: boolean;
  /** The group whose ladder is shown (by id), or null for the selected message's group. */
  readonly ladderGroupId: number | null;
  /** Paused: the list shows nothing newer than this sequence number (null: live). */
  readonly pausedAtSeq: number | null;
  /** The list keeps the newest message in view (false once the user scrolls up, until "Latest" or End). */
  readonly isFollowing: boolean;
  /** The list shows each request or response sent again only under its first copy, once that is unfolded. */
  readonly isFoldingRetransmissions: boolean;
  /** First copies (by sequence number) whose copies the folded list shows. */
  readonly unfoldedSeqs: ReadonlySet<number>;
  /** The last export written, for the pane's status line. */
  readonly lastExport: TraceExportResult | null;
  readonly actions: {
    filterChanged(change: Partial<TraceFilterSpec>): void;
    filterReset(): void;
    messageSelected(seq: number | null): void;
    messageOpened(seq: number): void;
    panelShown(panel: TracePanelView): void;
    panelExpanded(isExpanded: boolean): void;
    ladderOpened(groupId: number | null, seq?: number): void;
    paused(atSeq: number): void;
    resumed(): void;
    followChanged(isFollowing: boolean): void;
    retransmissionsFolded(isFolding: boolean): void;
    /** Shows or hides the copies of the first copy `seq` while folding. */
    copiesUnfolded(seq: number, isUnfolded: boolean): void;
    /** Asks main to export (it shows the save dialog); rejects with a message for the user. */
    exportRequested(request: TraceExportRequest): Promise<TraceExportResult>;
  };
}

/** The view state of a pane whose exports go through `exportTrace` (the source's way of writing its entries). */
export function traceViewState(exportTrace: (request: TraceExportRequest) => Promise<TraceExportResult>): StateCreator<TraceViewState> {
  return (set) => ({
    filter: EMPTY_TRACE_FILTER,
    selectedSeq: null,
    panel: 'closed',
    isPanelExpanded: false,
    ladderGroupId: null,
    pausedAtSeq: null,
    isFollowing: true,
    isFoldingRetransmissions: false,
    unfoldedSeqs: new Set(),
    lastExport: null,
    actions: {
      filterChanged: (change) => set((s) => ({ filter: { ...s.filter, ...change } })),
      filterReset: () => set({ filter: EMPTY_TRACE_FILTER }),
      messageSelected: (seq) => set({ selectedSeq: seq }),
      messageOpened: (seq) => set({ selectedSeq: seq, panel: 'message' }),
      panelShown: (panel) => set(panel === 'closed' ? { panel, isPanelExpanded: false } : { panel }),
      panelExpanded: (isExpanded) => set({ isPanelExpanded: isExpanded }),
      ladderOpened: (groupId, seq) => set((s) => ({ panel: 'ladder', ladderGroupId: groupId, selectedSeq: seq ?? s.selectedSeq })),
      paused: (atSeq) => set({ pausedAtSeq: atSeq }),
      resumed: () => set({ pausedAtSeq: null }),
      followChanged: (isFollowing) => set({ isFollowing }),
      retransmissionsFolded: (isFolding) => set({ isFoldingRetransmissions: isFolding, unfoldedSeqs: new Set() }),
      copiesUnfolded: (seq, isUnfolded) =>
        set((s) => {
          const unfoldedSeqs = new Set(s.unfoldedSeqs);
          if (isUnfolded) unfoldedSeqs.add(seq);
          else unfoldedSeqs.delete(seq);
          return { unfoldedSeqs };
        }),
      exportRequested: async (request) => {
        const result = await exportTrace(request);
        if (result.saved) set({ lastExport: result });
        return result;
      },
    },
  });
}

/** What the pane reads of a source's entries; the live trace store (stores/trace-store.ts) has this shape. */
export interface TraceEntriesState {
  /** The entries held, mutated in place; read it together with `version`. */
  readonly buffer: TraceBuffer;
  /** Changes whenever the buffer does. */
  readonly version: number;
  /** The newest sequence number held or received (0: none). */
  readonly lastSeq: number;
  /** The user cleared everything up to this sequence number (0: never). */
  readonly clearedThroughSeq: number;
  readonly actions: { traceCleared(): void };
}

/** A store the pane only reads and subscribes to. */
export type ReadableStore<T> = Pick<StoreApi<T>, 'getState' | 'getInitialState' | 'subscribe'>;

/** Where the pane's entries come from, with the view state that belongs to them. */
export interface TraceSource {
  readonly entries: ReadableStore<TraceEntriesState>;
  readonly view: ReadableStore<TraceViewState>;
}

const liveTraceViewStore = create<TraceViewState>()(traceViewState((request) => presenceApi().exportTrace(request)));

/** The live trace: what main records now. */
export const LIVE_TRACE_SOURCE: TraceSource = { entries: useTraceStore, view: liveTraceViewStore };

/** The source the pane components under a provider show (the live trace by default). */
export const TraceSourceContext = createContext<TraceSource>(LIVE_TRACE_SOURCE);

/** Whether the pane shows the live trace (a capture has ended: its unanswered requests stay unanswered). */
export function useIsLiveTrace(): boolean {
  return useContext(TraceSourceContext) === LIVE_TRACE_SOURCE;
}

/** Reads the entries of the pane's source. */
export function useTraceEntries<T>(selector: (state: TraceEntriesState) => T): T {
  return useStore(useContext(TraceSourceContext).entries, selector);
}

/** Reads the view state of the pane's source; its `getState`/`setState`/`subscribe` are the live pane's. */
export const useTraceViewStore = Object.assign(
  <T>(selector: (state: TraceViewState) => T): T => useStore(useContext(TraceSourceContext).view, selector),
  {
    getState: liveTraceViewStore.getState,
    getInitialState: liveTraceViewStore.getInitialState,
    setState: liveTraceViewStore.setState,
    subscribe: liveTraceViewStore.subscribe,
  },
);
