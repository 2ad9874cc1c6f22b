import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent } from 'react';
import { useUiStore } from '../stores/ui-store';
import { ExportDialog, type ExportChoice } from './ExportDialog';
import { sizeText } from './trace-columns';
import { TraceColumnChooser } from './TraceColumnChooser';
import { TraceDetail } from './TraceDetail';
import { TraceFilters } from './TraceFilters';
import { TraceGroupList, TraceLadder } from './TraceLadder';
import { TraceList } from './TraceList';
import { PANEL_SHARE, useTraceLayoutStore } from './trace-layout-store';
import { useTraceEntries, useTraceViewStore, type TracePanelView } from './trace-view-store';
import { useFilteredTrace, useTraceGroups } from './trace-views';
import './trace.css';

const PANEL_TABS: readonly { id: Exclude<TracePanelView, 'closed'>; label: string }[] = [
  { id: 'message', label: 'Message' },
  { id: 'ladder', label: 'Ladder' },
  { id: 'groups', label: 'Dialogs & subscriptions' },
];

/**
 * The SIP trace pane, the window's trace tab: filters and actions (pause, clear, export) above the live
 * message list, and under it — once a message is opened — the message itself, the ladder of its dialog,
 * publication or subscription, or the list of those, below a splitter (drag, or ↑/↓ when focused) whose
 * place is remembered. `/` focuses the search; Escape there goes back to the list.
 */
export function TracePane() {
  const searchRef = useRef<HTMLInputElement>(null);
  const gridRef = useRef<HTMLDivElement>(null);
  const splitRef = useRef<HTMLDivElement>(null);
  const isDraggingSplitter = useRef(false);
  const view = useFilteredTrace();
  const groups = useTraceGroups();
  const buffer = useTraceEntries((s) => s.buffer);
  const lastSeq = useTraceEntries((s) => s.lastSeq);
  const clearedThroughSeq = useTraceEntries((s) => s.clearedThroughSeq);
  const { traceCleared } = useTraceEntries((s) => s.actions);
  const selectedSeq = useTraceViewStore((s) => s.selectedSeq);
  const panel = useTraceViewStore((s) => s.panel);
  const ladderGroupId = useTraceViewStore((s) => s.ladderGroupId);
  const pausedAtSeq = useTraceViewStore((s) => s.pausedAtSeq);
  const lastExport = useTraceViewStore((s) => s.lastExport);
  const isPanelExpanded = useTraceViewStore((s) => s.isPanelExpanded);
  const isFollowing = useTraceViewStore((s) => s.isFollowing);
  const { panelShown, panelExpanded, paused, resumed, messageSelected, ladderOpened, followChanged } = useTraceViewStore((s) => s.actions);
  const panelShare = useTraceLayoutStore((s) => s.panelShare);
  const { panelResized } = useTraceLayoutStore((s) => s.actions);
  const [exportChoices, setExportChoices] = useState<readonly ExportChoice[] | null>(null);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const isTyping = target?.closest('input, textarea, select, [contenteditable="true"]') !== null;
      if (event.key === '/' && !isTyping && useUiStore.getState().dialog === null && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (event.key === 'Escape' && target === searchRef.current) {
        gridRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const selected = selectedSeq === null ? undefined : buffer.bySeq(selectedSeq);
  const ladderGroup =
    ladderGroupId !== null ? groups.index.group(ladderGroupId) : selectedSeq !== null ? groups.index.groupOfSeq(selectedSeq) : undefined;

  const onSplitterPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const area = splitRef.current?.getBoundingClientRect();
    if (isDraggingSplitter.current && area && area.height > 0) panelResized((area.bottom - event.clientY) / area.height);
  };
  const onSplitterKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = { ArrowUp: PANEL_SHARE.step, ArrowDown: -PANEL_SHARE.step };
    if (event.key === 'Home') panelResized(PANEL_SHARE.max);
    else if (event.key === 'End') panelResized(PANEL_SHARE.min);
    else if (moves[event.key] !== undefined) panelResized(panelShare + moves[event.key]!);
    else return;
    event.preventDefault();
  };

  const openExport = () => {
    const group = ladderGroup ?? (selectedSeq !== null ? groups.index.groupOfSeq(selectedSeq) : undefined);
    const filteredSeqs = Array.from({ length: view.count }, (_, i) => view.index.recordAt(i)!.entry.seq);
    setExportChoices([
      {
        id: 'selected',
        label: selected
          ? `The selected message (#${selected.entry.seq} ${selected.summary.label})`
          : 'The selected message (none selected)',
        scope: selected ? { kind: 'messages', seqs: [selected.entry.seq] } : null,
      },
      {
        id: 'group',
        label: group ? `${group.title} (${group.seqs.length} messages)` : 'The dialog of the selected message (none)',
        scope: group ? { kind: 'messages', seqs: [...group.seqs] } : null,
      },
      {
        id: 'filtered',
        label: `What the list shows (${view.count.toLocaleString()} messages)`,
        scope: view.count > 0 ? { kind: 'messages', seqs: filteredSeqs } : null,
      },
      {
        id: 'all',
        label: clearedThroughSeq > 0 ? 'Everything recorded since the list was cleared' : 'Everything recorded since Presently started',
        scope: lastSeq > clearedThroughSeq ? { kind: 'all', afterSeq: clearedThroughSeq } : null,
      },
    ]);
  };

  return (
    <section className="trace-panel" aria-label="SIP trace" data-testid="trace-panel">
      <div className="trace-pane" data-testid="trace-pane">
        <div className="trace-toolbar">
          <TraceFilters searchRef={searchRef} error={view.error} />
        </div>
        <div className="trace-status-bar">
          <p className="trace-status" role="status" data-testid="trace-status">
            <span data-testid="trace-count">
              {view.count === view.total
                ? `${view.total.toLocaleString()} messages`
                : `${view.count.toLocaleString()} of ${view.total.toLocaleString()} messages`}
            </span>
            {pausedAtSeq !== null && (
              <span className="trace-paused"> · Paused{view.waiting > 0 ? ` — ${view.waiting.toLocaleString()} new` : ''}</span>
            )}
            {lastExport?.path && (
              <span data-testid="trace-export-result">
                {' '}
                · Saved {lastExport.messages.toLocaleString()} messages ({sizeText(lastExport.bytes)}) to {lastExport.path}
              </span>
            )}
          </p>
          <div className="trace-actions">
            {!isFollowing && view.count > 0 && (
              <button type="button" className="trace-latest" onClick={() => followChanged(true)}>
                ↓ Latest
              </button>
            )}
            <TraceColumnChooser />
            <button
              type="button"
              aria-pressed={pausedAtSeq !== null}
              onClick={() => (pausedAtSeq === null ? paused(lastSeq) : resumed())}
              data-testid="trace-pause"
            >
              {pausedAtSeq === null ? '❚❚ Pause' : '▶ Resume'}
            </button>
            <button
              type="button"
              onClick={() => {
                traceCleared();
                messageSelected(null);
                panelShown('closed');
              }}
              disabled={buffer.size === 0}
            >
              Clear
            </button>
            <button type="button" onClick={openExport} disabled={lastSeq <= clearedThroughSeq} data-testid="trace-export">
              Export…
            </button>
          </div>
        </div>
        <div className="trace-split" ref={splitRef}>
          {!(isPanelExpanded && panel !== 'closed') && <TraceList gridRef={gridRef} />}
          {panel !== 'closed' && !isPanelExpanded && (
            <div
              role="separator"
              aria-orientation="horizontal"
              aria-label="Resize the message panel"
              aria-controls="trace-panel-bottom"
              aria-valuenow={Math.round(panelShare * 100)}
              aria-valuemin={PANEL_SHARE.min * 100}
              aria-valuemax={PANEL_SHARE.max * 100}
              aria-valuetext={`Message panel ${Math.round(panelShare * 100)}% of the height`}
              tabIndex={0}
              className="trace-splitter"
              data-testid="trace-splitter"
              onPointerDown={(event) => {
                event.preventDefault();
                event.currentTarget.setPointerCapture(event.pointerId);
                isDraggingSplitter.current = true;
              }}
              onPointerMove={onSplitterPointerMove}
              onPointerUp={() => (isDraggingSplitter.current = false)}
              onPointerCancel={() => (isDraggingSplitter.current = false)}
              onKeyDown={onSplitterKeyDown}
            />
          )}
          {panel !== 'closed' && (
            <section
              id="trace-panel-bottom"
              className={`trace-panel-bottom ${isPanelExpanded ? 'is-expanded' : ''}`}
              style={isPanelExpanded ? undefined : { flexBasis: `${panelShare * 100}%` }}
              data-testid="trace-panel-bottom"
              aria-label="Message details"
              onKeyDown={(event) => {
                if (event.key !== 'Escape') return;
                panelShown('closed');
                requestAnimationFrame(() => gridRef.current?.focus());
              }}
            >
              <div className="trace-panel-tabs">
                <div role="tablist" aria-label="Details">
                  {PANEL_TABS.map((tab) => (
                    <button
                      key={tab.id}
                      type="button"
                      role="tab"
                      aria-selected={panel === tab.id}
                      onClick={() => (tab.id === 'ladder' ? ladderOpened(null) : panelShown(tab.id))}
                    >
                      {tab.label}
                    </button>
                  ))}
                </div>
                <span className="header-spacer" />
                <button
                  type="button"
                  className="link-button"
                  aria-pressed={isPanelExpanded}
                  onClick={() => panelExpanded(!isPanelExpanded)}
                >
                  {isPanelExpanded ? 'Show the list' : 'Expand'}
                </button>
                <button type="button" className="icon-button small" aria-label="Close details" onClick={() => panelShown('closed')}>
                  ×
                </button>
              </div>
              <div className="trace-panel-content" role="tabpanel">
                {panel === 'message' &&
                  (selected ? (
                    <TraceDetail record={selected} />
                  ) : (
                    <p className="trace-empty">Select a message in the list (↑/↓, Enter).</p>
                  ))}
                {panel === 'ladder' &&
                  (ladderGroup ? (
                    <TraceLadder group={ladderGroup} />
                  ) : (
                    <p className="trace-empty">
                      Select a message to see the ladder of its dialog, publication or subscription, or pick one under “Dialogs &
                      subscriptions”.
                    </p>
                  ))}
                {panel === 'groups' && <TraceGroupList groups={groups.index.groups()} onOpen={(group) => ladderOpened(group.id)} />}
              </div>
            </section>
          )}
        </div>
        {exportChoices && (
          <ExportDialog choices={exportChoices} onClose={() => setExportChoices(null)} onSaved={() => setExportChoices(null)} />
        )}
      </div>
    </section>
  );
}
