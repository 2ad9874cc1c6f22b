/**
 * How a trace record reads in the list and the ladder: colour classes by method and response class,
 * the short texts of the cells, and the column model of the list. Pure functions, so the rows stay cheap.
 *
 * A column is an id, a label, a default width and an accessor (the cell's text and hover title) of the
 * record and what its row knows beyond it (TraceRowFacts: timing, the row before); the layout the user
 * chose (widths, shown or hidden) is kept apart, by column id, and so are the columns the user added
 * (any header by name) and their order (TraceColumnSet).
 */
import { responseClass, type TraceRecord, type TraceSummary } from '../../../shared/trace/trace-summary';
import { formatClockMs, formatDuration, formatEndpoint } from '../../../shared/trace/trace-format';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import type { TraceTiming } from '../../../shared/trace/trace-timing';
import { canonicalHeaderName } from '../../../shared/sip/header-names';
import { forEachHeaderField } from '../../../shared/sip/header-section';

/** Methods with a colour of their own; the rest share one. */
const COLOURED_METHODS = new Set(['REGISTER', 'PUBLISH', 'SUBSCRIBE', 'NOTIFY', 'OPTIONS', 'MESSAGE', 'INVITE', 'BYE']);

/** `tone-method-publish`, `tone-status-2xx`, `tone-keep-alive`. */
export function toneClass(summary: Pick<TraceSummary, 'kind' | 'method' | 'statusCode'>): string {
  if (summary.kind === 'response') return `tone-status-${responseClass(summary.statusCode) ?? 'other'}`;
  if (summary.kind === 'request') return `tone-method-${COLOURED_METHODS.has(summary.method) ? summary.method.toLowerCase() : 'other'}`;
  return `tone-${summary.kind}`;
}

/** `127.0.0.1:40000 → 192.0.2.1:5060` for a sent message, `… ← …` for a received one: local first. */
export function addressesText(entry: TraceEntry): string {
  return `${formatEndpoint(entry.local)} ${entry.direction === 'out' ? '→' : '←'} ${formatEndpoint(entry.remote)}`;
}

/** The local and remote endpoints regardless of direction: equal for every message of one connection. */
export function endpointPairKey(entry: TraceEntry): string {
  return `${formatEndpoint(entry.local)} ${formatEndpoint(entry.remote)}`;
}

/** `sip:alice@x → sip:bob@x`, or '' when neither is known. */
export function fromToText(summary: TraceSummary): string {
  if (!summary.from && !summary.to) return '';
  return `${summary.from || '?'} → ${summary.to || '?'}`;
}

/** The user part of a SIP URI (`alice` of `sip:alice@example.com`), or the host when it has none. */
export function userPartOf(uri: string): string {
  const withoutScheme = uri.replace(/^[a-z][a-z0-9+.-]*:/i, '');
  const at = withoutScheme.lastIndexOf('@');
  return at >= 0 ? withoutScheme.slice(0, at) : withoutScheme;
}

/** `alice → bob`: From → To by user parts, for the list (the full URIs go in the cell's title). */
export function fromToUsersText(summary: TraceSummary): string {
  if (!summary.from && !summary.to) return '';
  return `${summary.from ? userPartOf(summary.from) : '?'} → ${summary.to ? userPartOf(summary.to) : '?'}`;
}

/** `1.2 kB` style sizes, bytes below 1,000. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** `9:58`, `1:02:03`: what is left until `expiresAt`, or how long since. */
export function countdownText(expiresAt: number, now: number): string {
  const seconds = Math.round(Math.abs(expiresAt - now) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const clock = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return expiresAt >= now ? `expires in ${clock}` : `expired ${clock} ago`;
}

/** What a row knows beyond its record, from the view it is in and the timing index. */
export interface TraceRowFacts {
  /** Milliseconds since the row above in this view, or null on the first row. */
  readonly sincePreviousMs: number | null;
  /** The record's transaction timing, when it belongs to one. */
  readonly timing: TraceTiming | undefined;
  /** A request that never got a final answer (RFC 3261 §17.1.2.2: 64·T1 gone by, or the capture ended). */
  readonly isUnanswered: boolean;
}

/** A row that knows nothing beyond its record. */
export const NO_ROW_FACTS: TraceRowFacts = { sincePreviousMs: null, timing: undefined, isUnanswered: false };

/** `↻ 2` on a copy sent again, `×3` on an original sent three times, and `no final response`; '' for none of these. */
export function retransmissionText(facts: TraceRowFacts): string {
  const { timing } = facts;
  const parts: string[] = [];
  if (timing && timing.copy > 1) parts.push(`↻ ${timing.copy}`);
  else if (timing && timing.copies > 1) parts.push(`×${timing.copies}`);
  if (facts.isUnanswered) parts.push('no final response');
  return parts.join(' · ');
}

function retransmissionTitle(record: TraceRecord, facts: TraceRowFacts): string {
  const { timing } = facts;
  const parts: string[] = [];
  if (timing && timing.copy > 1) parts.push(`Sent again: copy ${timing.copy} of #${timing.originalSeq}`);
  else if (timing && timing.copies > 1) parts.push(`Sent ${timing.copies} times (${timing.copies - 1} retransmissions)`);
  if (facts.isUnanswered) parts.push(`No final response to this ${record.summary.method}`);
  return parts.join('. ');
}

/** The first value of header `name` (any spelling, compact forms too) in a message, or ''. */
export function headerValue(raw: string, name: string): string {
  const key = canonicalHeaderName(name);
  let value = '';
  forEachHeaderField(raw, (fieldKey, fieldValue) => {
    if (fieldKey !== key) return true;
    value = fieldValue;
    return false;
  });
  return value;
}

/** The column id of a header column: `header:user-agent`. */
export function headerColumnId(name: string): string {
  return `header:${canonicalHeaderName(name)}`;
}

/** A column showing header `name`'s first value, labelled as the user typed it. */
export function headerColumn(name: string): TraceColumn {
  const label = name.trim();
  return {
    id: headerColumnId(label),
    label,
    defaultWidth: 140,
    defaultShown: true,
    text: (r) => headerValue(r.entry.raw, label),
    title: (r) => headerValue(r.entry.raw, label),
    isHeader: true,
  };
}

/** One column of the message list. */
export interface TraceColumn {
  readonly id: string;
  /** The header's text. */
  readonly label: string;
  /** The header's accessible name when the label is a symbol. */
  readonly ariaLabel?: string;
  /** Width in pixels until the user resizes it. */
  readonly defaultWidth: number;
  /** Shown until the user chooses; `'unless-constant'`: hidden while every row holds the same value. */
  readonly defaultShown: boolean | 'unless-constant';
  /** A header of the user's choice (removable), not one of the built-in columns. */
  readonly isHeader?: boolean;
  /** The cell's text. */
  text(record: TraceRecord, facts: TraceRowFacts): string;
  /** The cell's accessible name when its text is a symbol (default: the text). */
  cellLabel?(record: TraceRecord, facts: TraceRowFacts): string;
  /** The cell's hover text, when it says more than the cell (default: none). */
  title?(record: TraceRecord, facts: TraceRowFacts): string;
  /** Extra classes of the cell (colour, monospace). */
  className?(record: TraceRecord, facts: TraceRowFacts): string;
}

/** The narrowest a column can be resized to. */
export const MIN_COLUMN_WIDTH = 24;
/** The widest a column can be resized to. */
export const MAX_COLUMN_WIDTH = 1200;

/**
 * The built-in columns in their default order. The widths of those shown by default add up to 734 px
 * without "Local ↔ remote" (hidden while every row has the same addresses), so an 800 px window shows
 * them without scrolling sideways; From → To takes any width left over. The timing columns (TIMING_COLUMN_IDS)
 * are one click away in the Columns menu rather than shown, to keep that fit.
 */
export const TRACE_COLUMNS: readonly TraceColumn[] = [
  {
    id: 'time',
    label: 'Time',
    defaultWidth: 104,
    defaultShown: true,
    text: (r) => formatClockMs(r.entry.at),
    className: () => 'cell-mono',
  },
  {
    id: 'sincePrevious',
    label: 'Δt',
    ariaLabel: 'Time since the previous message',
    defaultWidth: 76,
    defaultShown: false,
    text: (_r, facts) => (facts.sincePreviousMs === null ? '' : `+${formatDuration(facts.sincePreviousMs)}`),
    title: () => 'Time since the message on the row above',
    className: () => 'cell-mono cell-number',
  },
  {
    id: 'direction',
    label: '⇄',
    ariaLabel: 'Direction',
    defaultWidth: 26,
    defaultShown: true,
    text: (r) => (r.entry.direction === 'out' ? '→' : '←'),
    cellLabel: (r) => (r.entry.direction === 'out' ? 'sent' : 'received'),
    title: (r) => (r.entry.direction === 'out' ? 'Sent' : 'Received'),
    className: () => 'cell-dir',
  },
  { id: 'transport', label: 'Proto', defaultWidth: 52, defaultShown: true, text: (r) => r.entry.transport.toUpperCase() },
  {
    id: 'addresses',
    label: 'Local ↔ remote',
    defaultWidth: 250,
    defaultShown: 'unless-constant',
    text: (r) => addressesText(r.entry),
    title: (r) => addressesText(r.entry),
    className: () => 'cell-mono',
  },
  {
    id: 'label',
    label: 'Method / status',
    defaultWidth: 124,
    defaultShown: true,
    text: (r) => r.summary.label,
    className: (r) => `cell-label ${toneClass(r.summary)}`,
  },
  {
    id: 'roundTrip',
    label: 'RTT',
    ariaLabel: 'Round-trip time',
    defaultWidth: 68,
    defaultShown: false,
    text: (_r, facts) => (facts.timing?.roundTripMs == null ? '' : formatDuration(facts.timing.roundTripMs)),
    title: (r, facts) =>
      facts.timing?.roundTripMs == null
        ? ''
        : `${r.summary.statusCode < 200 ? 'First provisional answer' : 'Final answer'} ${formatDuration(facts.timing.roundTripMs)} after the request was first sent`,
    className: () => 'cell-mono cell-number',
  },
  {
    id: 'retransmission',
    label: '↻',
    ariaLabel: 'Retransmissions',
    defaultWidth: 96,
    defaultShown: false,
    text: (_r, facts) => retransmissionText(facts),
    title: (r, facts) => retransmissionTitle(r, facts),
    className: (_r, facts) => `cell-retransmission ${facts.isUnanswered ? 'is-unanswered' : ''}`,
  },
  {
    id: 'fromTo',
    label: 'From → To',
    defaultWidth: 120,
    defaultShown: true,
    text: (r) => fromToUsersText(r.summary),
    title: (r) => fromToText(r.summary),
  },
  {
    id: 'callId',
    label: 'Call-ID',
    defaultWidth: 92,
    defaultShown: true,
    text: (r) => r.summary.callId,
    title: (r) => r.summary.callId,
    className: () => 'cell-mono',
  },
  { id: 'cseq', label: 'CSeq', defaultWidth: 92, defaultShown: true, text: (r) => r.summary.cseq },
  { id: 'event', label: 'Event', defaultWidth: 66, defaultShown: true, text: (r) => r.summary.event, title: (r) => r.summary.event },
  {
    id: 'size',
    label: 'Size',
    defaultWidth: 58,
    defaultShown: true,
    text: (r) => sizeText(r.summary.size),
    className: () => 'cell-mono cell-size',
  },
];

/** The columns about timing and retransmissions, which the Columns menu shows together in one click. */
export const TIMING_COLUMN_IDS: readonly string[] = ['sincePrevious', 'roundTrip', 'retransmission'];

/** The column that takes the width left over. */
export const FLEXIBLE_COLUMN_ID = 'fromTo';

/**
 * Which columns exist beyond the built-in ones and in what order: header columns by name as typed, and
 * the ids in the order the user arranged (ids not named keep their default place after those named).
 */
export interface TraceColumnSet {
  readonly headers: readonly string[];
  readonly order: readonly string[];
}

/** The built-in columns in their default order. */
export const DEFAULT_COLUMN_SET: TraceColumnSet = { headers: [], order: [] };

/** The list's columns, built-in and header ones, in the user's order. */
export function columnsOf(set: TraceColumnSet): TraceColumn[] {
  const all = [...TRACE_COLUMNS, ...set.headers.map(headerColumn)];
  const byId = new Map(all.map((column) => [column.id, column]));
  const ordered = set.order.flatMap((id) => byId.get(id) ?? []);
  const named = new Set(ordered.map((column) => column.id));
  return [...ordered, ...all.filter((column) => !named.has(column.id))];
}

/** `set` with a column for header `name` added (at the end), unless it has one; the name is checked by the caller. */
export function withHeaderColumn(set: TraceColumnSet, name: string): TraceColumnSet {
  const id = headerColumnId(name);
  if (set.headers.some((header) => headerColumnId(header) === id)) return set;
  return { ...set, headers: [...set.headers, name.trim()] };
}

/** `set` without the header column `id`. */
export function withoutHeaderColumn(set: TraceColumnSet, id: string): TraceColumnSet {
  return { headers: set.headers.filter((header) => headerColumnId(header) !== id), order: set.order.filter((other) => other !== id) };
}

/** `set` with column `id` moved `by` places (−1: one to the left), within the list's ends. */
export function withColumnMoved(set: TraceColumnSet, id: string, by: number): TraceColumnSet {
  const order = columnsOf(set).map((column) => column.id);
  const from = order.indexOf(id);
  if (from < 0) return set;
  const to = Math.min(order.length - 1, Math.max(0, from + by));
  order.splice(to, 0, ...order.splice(from, 1));
  return { ...set, order };
}

/** A header name the chooser accepts: an RFC 3261 §25.1 token (`User-Agent`, `X-Foo`), up to 64 characters. */
export function isHeaderName(name: string): boolean {
  return /^[A-Za-z0-9\-.!%*_+`'~]{1,64}$/.test(name.trim());
}

/** A column set read back from storage, or the default when it is not one: only header names and string ids survive. */
export function parseColumnSet(value: unknown): TraceColumnSet {
  if (typeof value !== 'object' || value === null) return DEFAULT_COLUMN_SET;
  const { headers, order } = value as { headers?: unknown; order?: unknown };
  const strings = (list: unknown): string[] => (Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : []);
  return { headers: strings(headers).filter(isHeaderName), order: strings(order) };
}

/** What the user chose for the columns, by id; a column not named keeps its default. */
export interface TraceColumnLayout {
  readonly widths: Readonly<Record<string, number>>;
  readonly shown: Readonly<Record<string, boolean>>;
}

/** No choice made yet. */
export const DEFAULT_COLUMN_LAYOUT: TraceColumnLayout = { widths: {}, shown: {} };

/** Whether `column` is shown under `layout`; `constantIds`: the columns whose every row reads the same now. */
export function isColumnShown(column: TraceColumn, layout: TraceColumnLayout, constantIds: ReadonlySet<string>): boolean {
  const chosen = layout.shown[column.id];
  if (chosen !== undefined) return chosen;
  return column.defaultShown === 'unless-constant' ? !constantIds.has(column.id) : column.defaultShown;
}

/** The column's width in pixels under `layout`. */
export function columnWidth(column: TraceColumn, layout: TraceColumnLayout): number {
  return layout.widths[column.id] ?? column.defaultWidth;
}

/** The shown columns, in order (at least one: with all hidden, the first column stays). */
export function shownColumns(
  columns: readonly TraceColumn[],
  layout: TraceColumnLayout,
  constantIds: ReadonlySet<string>,
): readonly TraceColumn[] {
  const shown = columns.filter((column) => isColumnShown(column, layout, constantIds));
  return shown.length > 0 ? shown : columns.slice(0, 1);
}

/**
 * The CSS grid template of the rows and the width they need: fixed widths, the flexible column (or,
 * when hidden, the last one) growing into what is left over.
 */
export function gridTemplate(columns: readonly TraceColumn[], layout: TraceColumnLayout): { template: string; minWidth: number } {
  const flexibleId = columns.some((c) => c.id === FLEXIBLE_COLUMN_ID) ? FLEXIBLE_COLUMN_ID : columns.at(-1)?.id;
  let minWidth = 0;
  const tracks = columns.map((column) => {
    const width = columnWidth(column, layout);
    minWidth += width;
    return column.id === flexibleId ? `minmax(${width}px, 1fr)` : `${width}px`;
  });
  return { template: tracks.join(' '), minWidth };
}

/** `layout` with `id`'s width set to `width`, kept within the allowed range. */
export function withColumnWidth(layout: TraceColumnLayout, id: string, width: number): TraceColumnLayout {
  const clamped = Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)));
  return { ...layout, widths: { ...layout.widths, [id]: clamped } };
}

/** `layout` without the width and shown choices of `id` (a removed column leaves nothing behind). */
export function withoutColumnChoices(layout: TraceColumnLayout, id: string): TraceColumnLayout {
  const { [id]: _width, ...widths } = layout.widths;
  const { [id]: _shown, ...shown } = layout.shown;
  return { widths, shown };
}

/** `layout` with `id` shown or hidden by the user's choice. */
export function withColumnShown(layout: TraceColumnLayout, id: string, isShown: boolean): TraceColumnLayout {
  return { ...layout, shown: { ...layout.shown, [id]: isShown } };
}

/**
 * A layout read back from storage, or the default when it is not one: only finite widths and booleans
 * survive, so a damaged or older preference cannot break the list.
 */
export function parseColumnLayout(value: unknown): TraceColumnLayout {
  if (typeof value !== 'object' || value === null) return DEFAULT_COLUMN_LAYOUT;
  const { widths, shown } = value as { widths?: unknown; shown?: unknown };
  const pick = <T>(record: unknown, isValid: (v: unknown) => v is T): Record<string, T> => {
    if (typeof record !== 'object' || record === null) return {};
    return Object.fromEntries(Object.entries(record).filter((pair): pair is [string, T] => isValid(pair[1])));
  };
  const isWidth = (v: unknown): v is number =>
    typeof v === 'number' && Number.isFinite(v) && v >= MIN_COLUMN_WIDTH && v <= MAX_COLUMN_WIDTH;
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
  return { widths: pick(widths, isWidth), shown: pick(shown, isBoolean) };
}
