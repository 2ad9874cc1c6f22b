/**
 * The buddy list's groups and row order, kept up to date incrementally: when a batch of presence changes arrives,
 * each changed buddy's row is taken out of its group and put back where it now belongs (binary search), instead of
 * grouping and sorting all 5,000 again. A new list (added, edited, removed buddies) or another sort builds afresh.
 * Search filters the ordered rows with each row's text lower-cased once, so a keystroke costs one pass of `includes`.
 */
import { DEFAULT_GROUP_LABEL, type BuddyEntry } from '../../../shared/buddy/buddy';
import {
  buddyRowView,
  compareNames,
  compareRows,
  searchTextOf,
  type BuddyGroupView,
  type BuddyRowView,
  type BuddySort,
} from './buddy-view';

/** More changed buddies than this share of the list: one sort of everything is cheaper than moving each row. */
const REBUILD_SHARE = 0.25;

const groupCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The list's groups in order, each with its rows in order, following the store's entries change by change. */
export class BuddyOrder {
  private entries: readonly BuddyEntry[] = [];
  private sort: BuddySort;
  private readonly rowOf = new Map<string, BuddyRowView>();
  private readonly searchText = new WeakMap<BuddyRowView, string>();
  /** Each group's rows, sorted; a group's array is replaced (never changed in place) when its rows change. */
  private readonly groupRows = new Map<string, readonly BuddyRowView[]>();
  private groupNames: string[] = [];
  private shown: readonly BuddyGroupView[] = [];

  constructor(sort: BuddySort = 'availability') {
    this.sort = sort;
  }

  /**
   * Brings the order up to `entries` (the store's list, in main's order) and `sort`; returns the groups in order.
   * Entries that are the same objects as last time are unchanged, so only the others are moved.
   */
  update(entries: readonly BuddyEntry[], sort: BuddySort = this.sort): readonly BuddyGroupView[] {
    if (entries === this.entries && sort === this.sort) return this.shown;
    const changed = sort === this.sort ? changedEntries(this.entries, entries) : null;
    this.sort = sort;
    this.entries = entries;
    if (changed === null || changed.length > entries.length * REBUILD_SHARE) this.rebuild();
    else for (const entry of changed) this.move(entry);
    this.shown = this.groupNames.map((name) => ({ name, rows: this.groupRows.get(name)! }));
    return this.shown;
  }

  /** The groups as last updated, with only the rows matching `query` (name, address, group, status, note; any case). */
  search(query: string): readonly BuddyGroupView[] {
    const needle = query.trim().toLocaleLowerCase();
    if (needle === '') return this.shown;
    return this.shown
      .map((group) => ({ name: group.name, rows: group.rows.filter((row) => this.searchText.get(row)!.includes(needle)) }))
      .filter((group) => group.rows.length > 0);
  }

  private get compare(): (a: BuddyRowView, b: BuddyRowView) => number {
    return this.sort === 'availability' ? compareRows : compareNames;
  }

  private rowFor(entry: BuddyEntry): BuddyRowView {
    const row = buddyRowView(entry);
    this.rowOf.set(entry.aor, row);
    this.searchText.set(row, searchTextOf(row));
    return row;
  }

  private rebuild(): void {
    this.rowOf.clear();
    const groups = new Map<string, BuddyRowView[]>();
    for (const entry of this.entries) {
      const name = groupOf(entry);
      const rows = groups.get(name) ?? [];
      rows.push(this.rowFor(entry));
      groups.set(name, rows);
    }
    this.groupRows.clear();
    for (const [name, rows] of groups) this.groupRows.set(name, rows.sort(this.compare));
    this.groupNames = [...groups.keys()].sort(groupCollator.compare);
  }

  /** Takes `entry`'s old row out of its group and puts its new row where it belongs now. */
  private move(entry: BuddyEntry): void {
    const old = this.rowOf.get(entry.aor)!;
    const oldGroup = groupOf(old.entry);
    const rows = [...this.groupRows.get(oldGroup)!];
    const at = lowerBound(rows, old, this.compare);
    // The order is total (the address breaks ties), so the search lands on the row itself.
    rows.splice(rows[at] === old ? at : rows.indexOf(old), 1);
    if (rows.length > 0) this.groupRows.set(oldGroup, rows);
    else {
      this.groupRows.delete(oldGroup);
      this.groupNames.splice(this.groupNames.indexOf(oldGroup), 1);
    }
    const row = this.rowFor(entry);
    const group = groupOf(entry);
    const target = group === oldGroup && rows.length > 0 ? rows : [...(this.groupRows.get(group) ?? [])];
    target.splice(lowerBound(target, row, this.compare), 0, row);
    if (!this.groupRows.has(group)) this.groupNames.splice(lowerBound(this.groupNames, group, groupCollator.compare), 0, group);
    this.groupRows.set(group, target);
  }
}

/** Groups (alphabetical, the demo's and the default group included) with their rows sorted, filtered by `query`. */
export function groupBuddies(entries: readonly BuddyEntry[], query = '', sort: BuddySort = 'availability'): readonly BuddyGroupView[] {
  const order = new BuddyOrder(sort);
  order.update(entries);
  return order.search(query);
}

function groupOf(entry: BuddyEntry): string {
  return entry.group || DEFAULT_GROUP_LABEL;
}

/** The entries of `next` that are new objects, or null when the list itself changed (other buddies or order). */
function changedEntries(previous: readonly BuddyEntry[], next: readonly BuddyEntry[]): BuddyEntry[] | null {
  if (previous.length !== next.length) return null;
  const changed: BuddyEntry[] = [];
  for (let i = 0; i < next.length; i++) {
    const entry = next[i]!;
    if (entry === previous[i]) continue;
    if (entry.aor !== previous[i]!.aor) return null;
    changed.push(entry);
  }
  return changed;
}

/** The first index in sorted `items` whose item is not before `item`. */
function lowerBound<T>(items: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(items[middle]!, item) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
