/**
 * The buddy list's groups and row order, kept up to date incrementally: when a batch of presence changes arrives,
 * the changed buddies' old rows are dropped from their groups and their new rows, sorted among themselves, are put
 * where they now belong (binary search), each touched group's row array built once per batch — a batch of k changes
 * in a group of n rows costs one copy and k·log n comparisons instead of a sort of all 5,000 again (a few rows are
 * spliced into the copy, many merged into it in one pass). Comparisons are cheap:
 * each row's name is folded into a sort key once (name-collation.ts). A new list (added, edited, removed buddies) or
 * another sort builds afresh. Search filters the ordered rows with each row's text lower-cased once, so a keystroke
 * costs one pass of `includes`.
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
import { nameCollator } from './name-collation';

/** The list's groups in order, each with its rows in order, following the store's entries change by change. */
export class BuddyOrder {
  private entries: readonly BuddyEntry[] = [];
  private sort: BuddySort;
  private readonly rowOf = new Map<string, BuddyRowView>();
  /** Each buddy's search text with the row it was made from; made at the first search that needs it. */
  private readonly searchText = new Map<string, { readonly row: BuddyRowView; readonly text: string }>();
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
    const isResort = sort !== this.sort;
    const changed = changedEntries(this.entries, entries);
    this.sort = sort;
    this.entries = entries;
    if (changed === null) this.rebuild();
    else {
      if (changed.length > 0) this.moveAll(changed);
      // Another order of the same rows: each group sorted again, the rows kept.
      if (isResort) for (const [name, rows] of this.groupRows) this.groupRows.set(name, [...rows].sort(this.compare));
    }
    this.shown = this.groupNames.map((name) => ({ name, rows: this.groupRows.get(name)! }));
    return this.shown;
  }

  /** The groups as last updated, with only the rows matching `query` (name, address, group, status, line state, note; any case). */
  search(query: string): readonly BuddyGroupView[] {
    const needle = query.trim().toLocaleLowerCase();
    if (needle === '') return this.shown;
    return this.shown
      .map((group) => ({ name: group.name, rows: group.rows.filter((row) => this.searchTextOf(row).includes(needle)) }))
      .filter((group) => group.rows.length > 0);
  }

  private get compare(): (a: BuddyRowView, b: BuddyRowView) => number {
    return this.sort === 'availability' ? compareRows : compareNames;
  }

  private rowFor(entry: BuddyEntry): BuddyRowView {
    const row = buddyRowView(entry);
    this.rowOf.set(entry.aor, row);
    return row;
  }

  private searchTextOf(row: BuddyRowView): string {
    const cached = this.searchText.get(row.entry.aor);
    if (cached?.row === row) return cached.text;
    const text = searchTextOf(row);
    this.searchText.set(row.entry.aor, { row, text });
    return text;
  }

  private rebuild(): void {
    this.rowOf.clear();
    this.searchText.clear();
    const groups = new Map<string, BuddyRowView[]>();
    for (const entry of this.entries) {
      const name = groupOf(entry);
      const rows = groups.get(name) ?? [];
      rows.push(this.rowFor(entry));
      groups.set(name, rows);
    }
    this.groupRows.clear();
    for (const [name, rows] of groups) this.groupRows.set(name, rows.sort(this.compare));
    this.groupNames = [...groups.keys()].sort(nameCollator.compare);
  }

  /** Takes the changed entries' old rows out of their groups and puts their new rows where they belong now. */
  private moveAll(changed: readonly BuddyEntry[]): void {
    const leaving = new Map<string, BuddyRowView[]>();
    const arriving = new Map<string, BuddyRowView[]>();
    for (const entry of changed) {
      const old = this.rowOf.get(entry.aor)!;
      pushTo(leaving, groupOf(old.entry), old);
      pushTo(arriving, groupOf(entry), this.rowFor(entry));
    }
    for (const group of new Set([...leaving.keys(), ...arriving.keys()])) {
      const rows = this.movedRows(this.groupRows.get(group) ?? [], leaving.get(group) ?? [], arriving.get(group) ?? []);
      if (rows.length > 0 && !this.groupRows.has(group)) {
        this.groupNames.splice(lowerBound(this.groupNames, group, nameCollator.compare), 0, group);
      } else if (rows.length === 0 && this.groupRows.has(group)) {
        this.groupNames.splice(this.groupNames.indexOf(group), 1);
      }
      if (rows.length > 0) this.groupRows.set(group, rows);
      else this.groupRows.delete(group);
    }
  }

  /** A group's rows `before` without the rows `out` and with the rows `into`, as a new array. */
  private movedRows(before: readonly BuddyRowView[], out: readonly BuddyRowView[], into: BuddyRowView[]): BuddyRowView[] {
    const compare = this.compare;
    if (out.length + into.length > SPLICE_AT_MOST) {
      const leaving = new Set(out);
      return insertSorted(
        before.filter((row) => !leaving.has(row)),
        into.sort(compare),
        compare,
      );
    }
    // A few rows: one copy, then a binary search and a splice (a native move) for each.
    const rows = [...before];
    for (const old of out) {
      // The order is total (the address breaks ties), so the search lands on the row itself.
      const at = lowerBound(rows, old, compare);
      rows.splice(rows[at] === old ? at : rows.indexOf(old), 1);
    }
    for (const row of into) rows.splice(lowerBound(rows, row, compare), 0, row);
    return rows;
  }
}

/** Up to this many rows leaving and arriving in a group, they are spliced; more are merged in one pass. */
const SPLICE_AT_MOST = 16;

function pushTo<T>(lists: Map<string, T[]>, key: string, item: T): void {
  const list = lists.get(key);
  if (list) list.push(item);
  else lists.set(key, [item]);
}

/**
 * `sorted` with `added` (sorted too) put in their places, as a new array: each one's place found by binary search
 * from the last one's, then one copy.
 */
function insertSorted<T>(sorted: readonly T[], added: readonly T[], compare: (a: T, b: T) => number): T[] {
  if (added.length === 0) return sorted as T[];
  const rows: T[] = [];
  let from = 0;
  for (const item of added) {
    const at = lowerBound(sorted, item, compare, from);
    for (let i = from; i < at; i++) rows.push(sorted[i]!);
    rows.push(item);
    from = at;
  }
  for (let i = from; i < sorted.length; i++) rows.push(sorted[i]!);
  return rows;
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

/** The first index (from `low` on) in sorted `items` whose item is not before `item`. */
function lowerBound<T>(items: readonly T[], item: T, compare: (a: T, b: T) => number, low = 0): number {
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(items[middle]!, item) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
