import { useCallback, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { BuddyOrder } from '../buddies/buddy-order';
import { keepRowOrder, type BuddyGroupView, type BuddyRowView } from '../buddies/buddy-view';
import { countStale } from '../presence/freshness-view';
import { useBuddyStore } from '../stores/buddy-store';
import { useListPreferencesStore, type ListDensity, type ListSort } from '../stores/list-preferences-store';
import { useUiStore } from '../stores/ui-store';
import { BuddyRow, type HeldRow } from './BuddyRow';
import { useNow } from './use-now';
import { useVirtualList } from './use-virtual-list';

/** Heights in pixels before an item is drawn and measured: a group's title, a row in each density. */
const ESTIMATED_TITLE_HEIGHT = 24;
const ESTIMATED_ROW_HEIGHT: Record<ListDensity, number> = { compact: 29, comfortable: 52 };

/** One thing the virtual list draws: a group's title, or a buddy's row with its place in the group. */
type ListItem =
  | { readonly kind: 'title'; readonly key: string; readonly group: BuddyGroupView }
  | { readonly kind: 'row'; readonly key: string; readonly group: BuddyGroupView; readonly row: BuddyRowView; readonly index: number };

/**
 * The buddy list: search, sort and density, how many buddies are not current, groups, and per buddy one row (BuddyRow.tsx). Only the rows in view are
 * drawn (use-virtual-list.ts), so 5,000 buddies scroll and update like 50; each group is a list whose drawn items say
 * their place in it (aria-posinset of aria-setsize), so a screen reader still counts the whole group.
 * Keyboard: ↑/↓ (and Home/End) move between buddies, scrolling the next one into view, Space opens the details, Enter
 * edits the focused one, Delete removes it. While a row is pointed at or focused, re-sorting waits, so the row does
 * not move away.
 */
export function BuddyList({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const buddies = useBuddyStore((s) => s.buddies);
  const { dialogOpened } = useUiStore((s) => s.actions);
  const density = useListPreferencesStore((s) => s.density);
  const sort = useListPreferencesStore((s) => s.sort);
  const { densityChosen, sortChosen } = useListPreferencesStore((s) => s.actions);
  const [query, setQuery] = useState('');
  const [heldRow, setHeldRow] = useState<HeldRow>({ hovered: null, focused: null });
  // The order shown when a row was first pointed at or focused; rows keep it until no row is held.
  const [heldOrder, setHeldOrder] = useState<readonly BuddyGroupView[] | null>(null);
  const [order] = useState(() => new BuddyOrder(sort));
  const ordered = useMemo(() => order.update(buddies, sort), [order, buddies, sort]);
  // `ordered` is the order's answer for this list: a search must see it, not the one before.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const fresh = useMemo(() => order.search(query), [order, ordered, query]);
  const groups = useMemo(() => (heldOrder === null ? fresh : keepRowOrder(fresh, heldOrder)), [fresh, heldOrder]);
  const rowHeld = (aor: string, how: keyof HeldRow, isHeld: boolean) => {
    const next = { ...heldRow, [how]: isHeld ? aor : heldRow[how] === aor ? null : heldRow[how] };
    setHeldRow(next);
    if (next.hovered === null && next.focused === null) setHeldOrder(null);
    else if (heldOrder === null) setHeldOrder(groups);
  };
  // One function for every row and render, calling the latest rowHeld, so that memoised rows stay as they are.
  const latestRowHeld = useRef(rowHeld);
  useLayoutEffect(() => {
    latestRowHeld.current = rowHeld;
  });
  const onHeld = useCallback((aor: string, how: keyof HeldRow, isHeld: boolean) => latestRowHeld.current(aor, how, isHeld), []);
  const now = useNow();
  const listRef = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const confirmRemove = useCallback((aor: string, isConfirming: boolean) => setConfirming(isConfirming ? aor : null), []);

  const [rowKeys] = useState(() => new Map<string, string>());
  const layout = useMemo(() => listLayout(groups, rowKeys), [groups, rowKeys]);
  const { keys } = layout;
  const estimate = useCallback(
    (index: number) => (layout.isTitle[index] === 1 ? ESTIMATED_TITLE_HEIGHT : ESTIMATED_ROW_HEIGHT[density]),
    [layout, density],
  );
  const { range, measure, startOf, scrollToItem } = useVirtualList(listRef, keys, estimate);
  // The row the keyboard moves to, focused once it is drawn.
  const focusNext = useRef<string | null>(null);
  useLayoutEffect(() => {
    // A focused row scrolled out of (or back into) the range is drawn anew elsewhere, and the focus fell to the page.
    const target = focusNext.current ?? (document.activeElement === document.body ? heldRow.focused : null);
    focusNext.current = null;
    if (target === null) return;
    listRef.current?.querySelector<HTMLElement>(`[data-buddy-row][data-aor="${CSS.escape(target)}"]`)?.focus({ preventScroll: true });
  });
  // The focused row stays drawn when scrolled out of the range (out of the flow, at its place), so it keeps the focus.
  const focusedAt = heldRow.focused === null ? -1 : keys.indexOf(rowKey(rowKeys, heldRow.focused));
  const isFocusedOutside = focusedAt >= 0 && (focusedAt < range.first || focusedAt >= range.last);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const rows = itemsIn(layout, 0, keys.length).flatMap((item, at) => (item.kind === 'row' ? [{ aor: item.row.entry.aor, at }] : []));
    const active = document.activeElement as HTMLElement | null;
    const index = active?.hasAttribute('data-buddy-row') ? rows.findIndex((row) => row.aor === active.dataset.aor) : -1;
    const focus = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (!target) return;
      focusNext.current = target.aor;
      scrollToItem(target.at);
    };
    if (event.key === 'ArrowDown') focus(index + 1);
    else if (event.key === 'ArrowUp') focus(index < 0 ? 0 : index - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(rows.length - 1);
    else return;
    event.preventDefault();
  };

  const drawRow = (item: Extract<ListItem, { kind: 'row' }>) => (
    <BuddyRow
      key={item.key}
      row={item.row}
      now={now}
      density={density}
      place={{ index: item.index, count: item.group.rows.length, key: item.key }}
      measure={measure}
      isConfirmingRemove={confirming === item.row.entry.aor}
      onConfirmRemove={confirmRemove}
      onHeld={onHeld}
    />
  );
  const focusedItem = isFocusedOutside ? itemsIn(layout, focusedAt, focusedAt + 1)[0] : undefined;

  const total = buddies.length;
  const shown = groups.reduce((n, g) => n + g.rows.length, 0);
  const notCurrent = useMemo(() => countStale(buddies), [buddies]);

  return (
    <section className={`buddy-list density-${density}`} aria-labelledby="buddy-list-title">
      <div className="toolbar">
        <h2 id="buddy-list-title" className="visually-hidden">
          Buddies
        </h2>
        <input
          ref={searchRef}
          type="search"
          className="search"
          placeholder="Search buddies  ( / )"
          aria-label="Search buddies"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <label className="toolbar-select">
          <span className="visually-hidden">Sort buddies</span>
          <select value={sort} aria-label="Sort buddies" onChange={(event) => sortChosen(event.target.value as ListSort)}>
            <option value="availability">By availability</option>
            <option value="name">By name</option>
          </select>
        </label>
        <label className="toolbar-select">
          <span className="visually-hidden">Row size</span>
          <select value={density} aria-label="Row size" onChange={(event) => densityChosen(event.target.value as ListDensity)}>
            <option value="compact">Compact</option>
            <option value="comfortable">Comfortable</option>
          </select>
        </label>
        {notCurrent > 0 && (
          <span
            className="not-current muted"
            data-testid="not-current"
            title="Their last known presence is shown greyed until the server updates it"
          >
            {notCurrent} not current
          </span>
        )}
        <button type="button" className="primary" onClick={() => dialogOpened({ kind: 'buddy', editing: null })}>
          Add buddy
        </button>
      </div>

      {total === 0 && <p className="empty">No buddies yet. Add someone with their SIP address, like sip:name@example.com.</p>}
      {total > 0 && shown === 0 && <p className="empty">No buddy matches “{query}”.</p>}

      <div ref={listRef} onKeyDown={onKeyDown} data-testid="buddy-list" className="buddy-scroll">
        <div style={{ height: range.before }} aria-hidden="true" />
        {drawnGroups(itemsIn(layout, range.first, range.last)).map(({ group, items: drawn }) => (
          <section key={group.name} className="buddy-group" aria-label={`${group.name}, ${group.rows.length}`}>
            {drawn[0]?.kind === 'title' && (
              <h3 className="buddy-group-title" data-virtual-key={drawn[0].key} ref={measure}>
                {group.name} <span className="muted">{group.rows.length}</span>
              </h3>
            )}
            <ul className="buddy-rows">{drawn.map((item) => item.kind === 'row' && drawRow(item))}</ul>
          </section>
        ))}
        <div style={{ height: range.after }} aria-hidden="true" />
        {focusedItem?.kind === 'row' && (
          <section
            className="buddy-group is-outside"
            aria-label={`${focusedItem.group.name}, ${focusedItem.group.rows.length}`}
            style={{ top: startOf(focusedAt) }}
          >
            <ul className="buddy-rows">{drawRow(focusedItem)}</ul>
          </section>
        )}
      </div>
    </section>
  );
}

/** A row's key in the virtual list, made once per buddy (a batch then builds the key list without new strings). */
function rowKey(rowKeys: Map<string, string>, aor: string): string {
  let key = rowKeys.get(aor);
  if (key === undefined) rowKeys.set(aor, (key = `row\n${aor}`));
  return key;
}

/**
 * The groups as one sequence to draw — each group's title, then its rows — held as the virtual list's keys, which
 * items are titles, and where each group starts: an item object is made only for the items drawn.
 */
interface ListLayout {
  readonly groups: readonly BuddyGroupView[];
  readonly keys: readonly string[];
  readonly isTitle: Uint8Array;
  /** The index of each group's title item. */
  readonly starts: readonly number[];
}

function listLayout(groups: readonly BuddyGroupView[], rowKeys: Map<string, string>): ListLayout {
  const count = groups.reduce((n, group) => n + 1 + group.rows.length, 0);
  const keys: string[] = new Array<string>(count);
  const isTitle = new Uint8Array(count);
  const starts: number[] = [];
  let at = 0;
  for (const group of groups) {
    starts.push(at);
    isTitle[at] = 1;
    keys[at++] = `group\n${group.name}`;
    for (const row of group.rows) keys[at++] = rowKey(rowKeys, row.entry.aor);
  }
  return { groups, keys, isTitle, starts };
}

/** Items `first` to `last` (exclusive) of the layout. */
function itemsIn(layout: ListLayout, first: number, last: number): ListItem[] {
  const items: ListItem[] = [];
  if (first >= last) return items;
  // The group holding `first`: the last whose title is at or before it.
  let g = 0;
  let high = layout.starts.length - 1;
  while (g < high) {
    const middle = (g + high + 1) >>> 1;
    if (layout.starts[middle]! <= first) g = middle;
    else high = middle - 1;
  }
  for (let i = first; i < last; i++) {
    if (g + 1 < layout.starts.length && layout.starts[g + 1] === i) g++;
    const group = layout.groups[g]!;
    const index = i - layout.starts[g]! - 1;
    const key = layout.keys[i]!;
    items.push(index < 0 ? { kind: 'title', key, group } : { kind: 'row', key, group, row: group.rows[index]!, index });
  }
  return items;
}

/** Drawn items gathered by group, so each drawn part of a group stays inside its own list. */
function drawnGroups(items: readonly ListItem[]): { group: BuddyGroupView; items: ListItem[] }[] {
  const parts: { group: BuddyGroupView; items: ListItem[] }[] = [];
  for (const item of items) {
    const part = parts.at(-1);
    if (part?.group === item.group) part.items.push(item);
    else parts.push({ group: item.group, items: [item] });
  }
  return parts;
}
