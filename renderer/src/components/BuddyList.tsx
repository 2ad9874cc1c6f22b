import { useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { groupBuddies, keepRowOrder, type BuddyGroupView } from '../buddies/buddy-view';
import { useBuddyStore } from '../stores/buddy-store';
import { useListPreferencesStore, type ListDensity, type ListSort } from '../stores/list-preferences-store';
import { useUiStore } from '../stores/ui-store';
import { BuddyRow, type HeldRow } from './BuddyRow';
import { useNow } from './use-now';

/**
 * The buddy list: search, sort and density, groups, and per buddy one row (BuddyRow.tsx).
 * Keyboard: ↑/↓ (and Home/End) move between buddies, Space opens the details, Enter edits the focused one, Delete
 * removes it. While a row is pointed at or focused, re-sorting waits, so the row does not move away.
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
  const fresh = useMemo(() => groupBuddies(buddies, query, sort), [buddies, query, sort]);
  const groups = heldOrder === null ? fresh : keepRowOrder(fresh, heldOrder);
  const rowHeld = (aor: string, how: keyof HeldRow, isHeld: boolean) => {
    const next = { ...heldRow, [how]: isHeld ? aor : heldRow[how] === aor ? null : heldRow[how] };
    setHeldRow(next);
    if (next.hovered === null && next.focused === null) setHeldOrder(null);
    else if (heldOrder === null) setHeldOrder(groups);
  };
  const now = useNow();
  const listRef = useRef<HTMLDivElement>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const rows = [...(listRef.current?.querySelectorAll<HTMLElement>('[data-buddy-row]') ?? [])];
    const index = rows.findIndex((row) => row === document.activeElement);
    const focus = (i: number) => rows[Math.max(0, Math.min(rows.length - 1, i))]?.focus();
    if (event.key === 'ArrowDown') focus(index + 1);
    else if (event.key === 'ArrowUp') focus(index < 0 ? 0 : index - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(rows.length - 1);
    else return;
    event.preventDefault();
  };

  const total = buddies.length;
  const shown = groups.reduce((n, g) => n + g.rows.length, 0);

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
        <button type="button" className="primary" onClick={() => dialogOpened({ kind: 'buddy', editing: null })}>
          Add buddy
        </button>
      </div>

      {total === 0 && <p className="empty">No buddies yet. Add someone with their SIP address, like sip:name@example.com.</p>}
      {total > 0 && shown === 0 && <p className="empty">No buddy matches “{query}”.</p>}

      <div ref={listRef} onKeyDown={onKeyDown} data-testid="buddy-list" className="buddy-scroll">
        {groups.map((group) => (
          <section key={group.name} className="buddy-group" aria-label={`${group.name}, ${group.rows.length}`}>
            <h3 className="buddy-group-title">
              {group.name} <span className="muted">{group.rows.length}</span>
            </h3>
            <ul className="buddy-rows">
              {group.rows.map((row) => (
                <BuddyRow
                  key={row.entry.aor}
                  row={row}
                  now={now}
                  density={density}
                  isConfirmingRemove={confirming === row.entry.aor}
                  onConfirmRemove={(isConfirming) => setConfirming(isConfirming ? row.entry.aor : null)}
                  onHeld={(how, isHeld) => rowHeld(row.entry.aor, how, isHeld)}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}
