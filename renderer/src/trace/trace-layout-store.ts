/**
 * The trace pane's layout as the user arranged it — column widths, hidden columns, the height of the
 * panel under the list — remembered in this renderer's local storage (a window preference: main and
 * the other windows need not know it, and it survives a reload and a restart).
 */
import { create } from 'zustand';
import { DEFAULT_COLUMN_LAYOUT, parseColumnLayout, withColumnShown, withColumnWidth, type TraceColumnLayout } from './trace-columns';

/** The local-storage key of the layout. */
export const TRACE_LAYOUT_STORAGE_KEY = 'presently.trace.layout';

/** The panel's height as a share of the pane, its bounds, and the step of one arrow key on the splitter. */
export const PANEL_SHARE = { initial: 0.48, min: 0.15, max: 0.85, step: 0.05 } as const;

interface StoredLayout {
  readonly columns: TraceColumnLayout;
  readonly panelShare: number;
}

function clampShare(share: number): number {
  return Math.min(PANEL_SHARE.max, Math.max(PANEL_SHARE.min, share));
}

function load(): StoredLayout {
  try {
    const stored = JSON.parse(globalThis.localStorage?.getItem(TRACE_LAYOUT_STORAGE_KEY) ?? 'null') as Partial<StoredLayout> | null;
    const share =
      typeof stored?.panelShare === 'number' && Number.isFinite(stored.panelShare) ? clampShare(stored.panelShare) : PANEL_SHARE.initial;
    return { columns: parseColumnLayout(stored?.columns), panelShare: share };
  } catch {
    // Unreadable (damaged JSON, storage disabled): the defaults, and the next change writes a good one.
    return { columns: DEFAULT_COLUMN_LAYOUT, panelShare: PANEL_SHARE.initial };
  }
}

function save(layout: StoredLayout): void {
  try {
    globalThis.localStorage?.setItem(TRACE_LAYOUT_STORAGE_KEY, JSON.stringify(layout));
  } catch {
    // Storage full or disabled: the layout still applies until the window closes.
  }
}

interface TraceLayoutState extends StoredLayout {
  readonly actions: {
    columnResized(id: string, width: number): void;
    columnShown(id: string, isShown: boolean): void;
    columnsReset(): void;
    panelResized(share: number): void;
  };
}

export const useTraceLayoutStore = create<TraceLayoutState>()((set, get) => {
  const update = (change: Partial<StoredLayout>) => {
    set(change);
    save({ columns: get().columns, panelShare: get().panelShare });
  };
  return {
    ...load(),
    actions: {
      columnResized: (id, width) => update({ columns: withColumnWidth(get().columns, id, width) }),
      columnShown: (id, isShown) => update({ columns: withColumnShown(get().columns, id, isShown) }),
      columnsReset: () => update({ columns: DEFAULT_COLUMN_LAYOUT }),
      panelResized: (share) => update({ panelShare: clampShare(share) }),
    },
  };
});
