/**
 * The trace pane's layout as the user arranged it — column widths, hidden columns, the header columns
 * added and the columns' order, the height of the panel under the list — remembered in this renderer's
 * local storage (a window preference: main and the other windows need not know it, and it survives a
 * reload and a restart).
 *
 * The stored form carries a version. A layout saved by an older version is migrated when read, never
 * dropped: version 1 (no `version` field) had widths, shown columns and the panel share; version 2
 * adds the column set (header columns and order).
 */
import { create } from 'zustand';
import {
  DEFAULT_COLUMN_LAYOUT,
  DEFAULT_COLUMN_SET,
  parseColumnLayout,
  parseColumnSet,
  withColumnMoved,
  withColumnShown,
  withColumnWidth,
  withHeaderColumn,
  withoutColumnChoices,
  withoutHeaderColumn,
  type TraceColumnLayout,
  type TraceColumnSet,
} from './trace-columns';

/** The local-storage key of the layout. */
export const TRACE_LAYOUT_STORAGE_KEY = 'presently.trace.layout';

/** The version of the stored form this code writes. */
export const TRACE_LAYOUT_VERSION = 2;

/** The panel's height as a share of the pane, its bounds, and the step of one arrow key on the splitter. */
export const PANEL_SHARE = { initial: 0.48, min: 0.15, max: 0.85, step: 0.05 } as const;

/** What is kept in storage. */
export interface StoredLayout {
  readonly columns: TraceColumnLayout;
  readonly columnSet: TraceColumnSet;
  readonly panelShare: number;
}

const DEFAULT_LAYOUT: StoredLayout = { columns: DEFAULT_COLUMN_LAYOUT, columnSet: DEFAULT_COLUMN_SET, panelShare: PANEL_SHARE.initial };

function clampShare(share: number): number {
  return Math.min(PANEL_SHARE.max, Math.max(PANEL_SHARE.min, share));
}

/**
 * A stored layout of any version read into the current form; what is missing or damaged takes its
 * default, the rest is kept. A layout from a newer version is read for the parts this one knows.
 */
export function readStoredLayout(stored: unknown): StoredLayout {
  if (typeof stored !== 'object' || stored === null) return DEFAULT_LAYOUT;
  const { panelShare, columns, columnSet } = stored as { panelShare?: unknown; columns?: unknown; columnSet?: unknown };
  return {
    columns: parseColumnLayout(columns),
    // Version 1 had no column set: the built-in columns in their default order.
    columnSet: parseColumnSet(columnSet),
    panelShare: typeof panelShare === 'number' && Number.isFinite(panelShare) ? clampShare(panelShare) : PANEL_SHARE.initial,
  };
}

function load(): StoredLayout {
  try {
    return readStoredLayout(JSON.parse(globalThis.localStorage?.getItem(TRACE_LAYOUT_STORAGE_KEY) ?? 'null'));
  } catch {
    // Unreadable (damaged JSON, storage disabled): the defaults, and the next change writes a good one.
    return DEFAULT_LAYOUT;
  }
}

function save(layout: StoredLayout): void {
  try {
    globalThis.localStorage?.setItem(TRACE_LAYOUT_STORAGE_KEY, JSON.stringify({ version: TRACE_LAYOUT_VERSION, ...layout }));
  } catch {
    // Storage full or disabled: the layout still applies until the window closes.
  }
}

interface TraceLayoutState extends StoredLayout {
  readonly actions: {
    columnResized(id: string, width: number): void;
    columnShown(id: string, isShown: boolean): void;
    /** Moves a column `by` places (−1: left, +1: right). */
    columnMoved(id: string, by: number): void;
    /** Adds a column for a header (a valid name: see isHeaderName), shown. */
    headerColumnAdded(name: string): void;
    headerColumnRemoved(id: string): void;
    columnsReset(): void;
    panelResized(share: number): void;
  };
}

export const useTraceLayoutStore = create<TraceLayoutState>()((set, get) => {
  const update = (change: Partial<StoredLayout>) => {
    set(change);
    const { columns, columnSet, panelShare } = get();
    save({ columns, columnSet, panelShare });
  };
  return {
    ...load(),
    actions: {
      columnResized: (id, width) => update({ columns: withColumnWidth(get().columns, id, width) }),
      columnShown: (id, isShown) => update({ columns: withColumnShown(get().columns, id, isShown) }),
      columnMoved: (id, by) => update({ columnSet: withColumnMoved(get().columnSet, id, by) }),
      headerColumnAdded: (name) => update({ columnSet: withHeaderColumn(get().columnSet, name) }),
      headerColumnRemoved: (id) =>
        update({ columnSet: withoutHeaderColumn(get().columnSet, id), columns: withoutColumnChoices(get().columns, id) }),
      columnsReset: () => update({ columns: DEFAULT_COLUMN_LAYOUT, columnSet: DEFAULT_COLUMN_SET }),
      panelResized: (share) => update({ panelShare: clampShare(share) }),
    },
  };
});
