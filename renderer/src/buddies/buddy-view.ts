/**
 * The buddy list as shown: filtered by the search, grouped, each group sorted by availability then
 * name. Pure functions over store data, so that they are tested without a browser.
 */
import { DEFAULT_GROUP_LABEL, buddyLabel, type BuddyEntry } from '../../../shared/buddy/buddy';
import { describeBuddy, type BuddyDisplay } from '../presence/status-view';

/** One row, with what it shows computed once. */
export interface BuddyRowView {
  readonly entry: BuddyEntry;
  readonly name: string;
  readonly display: BuddyDisplay;
}

export interface BuddyGroupView {
  readonly name: string;
  readonly rows: readonly BuddyRowView[];
}

/** Does `entry` match the search `query` (name, address, note, group, status; case-insensitive)? */
export function matchesSearch(row: BuddyRowView, query: string): boolean {
  const needle = query.trim().toLocaleLowerCase();
  if (needle === '') return true;
  const { entry } = row;
  const haystack = [row.name, entry.aor, entry.group, row.display.label, entry.presence.presence?.note ?? ''];
  return haystack.some((text) => text.toLocaleLowerCase().includes(needle));
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Groups (alphabetical, the demo's and the default group included) with their rows sorted. */
export function groupBuddies(entries: readonly BuddyEntry[], query = ''): BuddyGroupView[] {
  const groups = new Map<string, BuddyRowView[]>();
  for (const entry of entries) {
    const row: BuddyRowView = { entry, name: buddyLabel(entry), display: describeBuddy(entry.presence) };
    if (!matchesSearch(row, query)) continue;
    const name = entry.group || DEFAULT_GROUP_LABEL;
    const rows = groups.get(name) ?? [];
    rows.push(row);
    groups.set(name, rows);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => collator.compare(a, b))
    .map(([name, rows]) => ({ name, rows: rows.sort(compareRows) }));
}

/** By availability, then name, then address (so equal names keep a stable order). */
export function compareRows(a: BuddyRowView, b: BuddyRowView): number {
  return a.display.rank - b.display.rank || collator.compare(a.name, b.name) || a.entry.aor.localeCompare(b.entry.aor);
}
