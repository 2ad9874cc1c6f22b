/**
 * The buddy list as shown: one row's view, the search text and the two row orders (availability then name, or name
 * alone; buddy-order.ts keeps the groups in them), rows held in place while the user points at or focuses one, and
 * a row's notices. Pure functions over store data, so that they are tested without a browser.
 */
import { buddyLabel, type BuddyEntry } from '../../../shared/buddy/buddy';
import { SUBSCRIPTION_END_REASONS } from '../../../shared/buddy/explain-presence';
import { describeLine } from '../presence/line-state-view';
import { asClause, clockTime, describeBuddy, formatIn, type BuddyDisplay } from '../presence/status-view';
import { compareNameKeys, nameSortKey } from './name-collation';

/** One row, with what it shows computed once. */
export interface BuddyRowView {
  readonly entry: BuddyEntry;
  readonly name: string;
  /** `name` folded for sorting, or null when the collator must compare it (name-collation.ts). */
  readonly nameKey: string | null;
  readonly display: BuddyDisplay;
}

/** One group of the list: its name and its rows in order. */
export interface BuddyGroupView {
  readonly name: string;
  readonly rows: readonly BuddyRowView[];
}

/** A row's view of `entry`: its label and what its status shows, computed once. */
export function buddyRowView(entry: BuddyEntry): BuddyRowView {
  const name = buddyLabel(entry);
  return { entry, name, nameKey: nameSortKey(name), display: describeBuddy(entry.presence) };
}

/**
 * What the search looks in, lower-cased: name, address, group, status, the line state where one is known ("on the
 * phone") and note. A NUL between them, which a search field cannot hold, keeps a query from matching across two of them.
 */
export function searchTextOf(row: BuddyRowView): string {
  const { entry } = row;
  const line = describeLine(entry.presence.line);
  return [row.name, entry.aor, entry.group, row.display.label, line?.state ? line.label : '', entry.presence.presence?.note ?? '']
    .join('\u0000')
    .toLocaleLowerCase();
}

/** How rows are ordered within a group: the most available first, or alphabetically. */
export type BuddySort = 'availability' | 'name';

/** By name, then address. */
export function compareNames(a: BuddyRowView, b: BuddyRowView): number {
  return compareNameKeys(a.name, a.nameKey, b.name, b.nameKey) || compareAors(a, b);
}

/**
 * The groups in `previous`'s row order where that is possible: while a row is pointed at or focused, a re-sort must not
 * move it from under the pointer, so rows keep their places; new rows go to the end of their group, removed ones go.
 * The caller passes the fresh order again once the row is let go.
 */
export function keepRowOrder(fresh: readonly BuddyGroupView[], previous: readonly BuddyGroupView[]): BuddyGroupView[] {
  const previousRows = new Map(previous.map((group) => [group.name, group.rows]));
  return fresh.map((group) => {
    const before = previousRows.get(group.name);
    if (before === undefined) return group;
    // One pass each way, no sort: the rows still here in their previous places, then the new ones in the fresh order.
    const freshRow = new Map(group.rows.map((row) => [row.entry.aor, row]));
    const rows: BuddyRowView[] = [];
    for (const row of before) {
      const now = freshRow.get(row.entry.aor);
      if (now === undefined) continue;
      rows.push(now);
      freshRow.delete(row.entry.aor);
    }
    for (const row of freshRow.values()) rows.push(row);
    return { name: group.name, rows };
  });
}

/** By availability, then name, then address (so equal names keep a stable order). */
export function compareRows(a: BuddyRowView, b: BuddyRowView): number {
  return a.display.rank - b.display.rank || compareNameKeys(a.name, a.nameKey, b.name, b.nameKey) || compareAors(a, b);
}

/** Equal names: by address, so the order is total. */
function compareAors(a: BuddyRowView, b: BuddyRowView): number {
  return a.entry.aor.localeCompare(b.entry.aor);
}

/** A line under a buddy's address about its subscription: a warning while watching, or why not and when we try again. */
export interface BuddyNotice {
  /** `warning`: still watching, the last update was not usable; `problem`: not watching now. */
  readonly tone: 'warning' | 'problem';
  readonly text: string;
}

/**
 * What a row says about its subscription at `now`, or null when all is well: "Bob's last update could not be read
 * (…); showing the previous one.", "Not watching: refused by the buddy or the server · retrying at 14:05".
 */
export function describeBuddyNotice(row: BuddyRowView, now: number): BuddyNotice | null {
  const { subscription, presence } = row.entry.presence;
  switch (subscription.phase) {
    case 'unknown':
    case 'pending':
    case 'active': {
      if (!subscription.problem) return null;
      const kept = presence ? 'showing the previous one' : 'there is no earlier one to show';
      return { tone: 'warning', text: `${row.name}'s last update could not be read (${asClause(subscription.problem.message)}); ${kept}.` };
    }
    case 'terminated': {
      const reason =
        subscription.reason === undefined
          ? 'ended'
          : (SUBSCRIPTION_END_REASONS[subscription.reason]?.clause ?? `ended (${subscription.reason})`);
      return { tone: 'problem', text: `Not watching: ${reason} · ${retrying(subscription.retryAt, now)}` };
    }
    case 'error':
      // The status label carries the problem itself (or its short form, with the server's words in the details); this line says what happens next.
      return { tone: 'problem', text: `Not watching · ${retrying(subscription.retryAt, now)}` };
  }
}

/** The question the row's explanation answers ("Why is this buddy offline?"), or null while presence arrives and says other than offline. */
export function explanationQuestion({ display, entry }: BuddyRowView): string | null {
  if (display.kind === 'presence') return entry.presence.presence?.status === 'offline' ? 'Why is this buddy offline?' : null;
  // A long error label is asked about by its kind; a short state ("Unknown address") by itself.
  return `Why “${display.kind === 'error' && display.detail === undefined ? 'Error' : display.label}”?`;
}

/** "retrying in 40 s" within the next minute and a half, "retrying at 14:05" later, "retrying once reconnected" without a time. */
function retrying(retryAt: number | undefined, now: number): string {
  if (retryAt === undefined) return 'retrying once reconnected';
  if (retryAt - now < 90_000) return `retrying ${formatIn(retryAt, now)}`;
  return `retrying at ${clockTime(retryAt)}`;
}
