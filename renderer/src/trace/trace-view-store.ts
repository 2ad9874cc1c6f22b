/**
 * What the trace pane shows right now — renderer-only state, separate from the recorded trace
 * (stores/trace-store.ts): the filter, the selected message, the open panel, pause, folded retransmissions.
 *
 * Panel under the list:
 *
 *   closed ──Enter / click a row──► message ──"Ladder"──► ladder ◄──pick a group── groups
 *     ▲                               │ ◄──click an arrow──┘                          ▲
 *     └──────────Escape / Close───────┴───────────────────────────────────────────────┘
 */
import { create } from 'zustand';
import type { TraceExportRequest, TraceExportResult } from '../../../shared/ipc/contract';
import { EMPTY_TRACE_FILTER, type TraceFilterSpec } from '../../../shared/trace/trace-filter';
import { presenceApi } from '../presence-api';

export type TracePanelView = 'closed' | 'message' | 'ladder' | 'groups';

interface TraceViewState {
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

export const useTraceViewStore = create<TraceViewState>()((set) => ({
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
      const result = await presenceApi().exportTrace(request);
      if (result.saved) set({ lastExport: result });
      return result;
    },
  },
}));
