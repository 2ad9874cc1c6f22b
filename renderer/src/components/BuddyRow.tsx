import { memo, useEffect, useRef, useState } from 'react';
import { describeBuddyNotice, explanationQuestion, type BuddyRowView } from '../buddies/buddy-view';
import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import { glyphOfStatus } from '../../../shared/presence/status-glyphs';
import { describeStale, describeUntil } from '../presence/freshness-view';
import { describeLine, LINE_STATE_LOOKS } from '../presence/line-state-view';
import { clockTime, extraActivities, foreignNoteLanguage, formatAgo, toneOfStatus } from '../presence/status-view';
import { useBuddyStore } from '../stores/buddy-store';
import type { ListDensity } from '../stores/list-preferences-store';
import { useUiStore } from '../stores/ui-store';
import { BuddyAlertBell, BuddyAlertChoice } from './BuddyAlertBell';
import { BuddyExplanation } from './BuddyExplanation';
import { BuddyHistoryTimeline } from './BuddyHistoryTimeline';
import { StatusDot } from './StatusDot';
import './buddy-row.css';

/** How long a row whose presence just changed stays highlighted. */
const CHANGE_HIGHLIGHT_MS = 2_000;

/** The row under the pointer and the row with the focus (AORs), if any: held still while the list re-sorts. */
export interface HeldRow {
  readonly hovered: string | null;
  readonly focused: string | null;
}

/** A row's place: its index among its group's `count` rows, and its key in the virtual list. */
export interface RowPlace {
  readonly index: number;
  readonly count: number;
  readonly key: string;
}

/** True for `CHANGE_HIGHLIGHT_MS` after `changedAt` moves on (not when the row first appears). */
function useChangeHighlight(changedAt: number | null): boolean {
  const [isHighlighted, setIsHighlighted] = useState(false);
  const first = useRef(changedAt);
  useEffect(() => {
    if (changedAt === first.current) return;
    setIsHighlighted(true);
    const timer = setTimeout(() => setIsHighlighted(false), CHANGE_HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [changedAt]);
  return isHighlighted;
}

/**
 * One buddy in the list: status dot with its glyph, name, status (with a published end: "Busy until 15:00"), its line
 * state where the server offers the dialog package (BLF: idle, ringing, on the phone), note,
 * since when, the alert bell; a buddy whose presence is not current is greyed with "as of 14:05 — not updated: …".
 * Its details hold the address, activity, last change, "Why …?", the alert choice and the recent changes.
 * Drawn again only when one of its props changes (a batch of presence changes redraws the changed rows in view).
 */
export const BuddyRow = memo(BuddyRowItem, (a, b) => {
  for (const name of Object.keys(a) as (keyof BuddyRowProps)[]) if (name !== 'place' && a[name] !== b[name]) return false;
  return a.place.index === b.place.index && a.place.count === b.place.count && a.place.key === b.place.key;
});

/** BuddyRow's props. */
interface BuddyRowProps {
  row: BuddyRowView;
  /** Where the row is in its group, and its key in the virtual list. */
  place: RowPlace;
  /** The virtual list's ref that measures the drawn row. */
  measure: (element: HTMLElement | null) => (() => void) | undefined;
  now: number;
  density: ListDensity;
  isConfirmingRemove: boolean;
  /** The same function for every row and render (it is told the row's AOR), so an unchanged row is not drawn again. */
  onConfirmRemove(aor: string, isConfirming: boolean): void;
  /** Likewise the same for every row: the row at `aor` is pointed at or focused (`isHeld`), or no longer. */
  onHeld(aor: string, how: keyof HeldRow, isHeld: boolean): void;
}

function BuddyRowItem(props: BuddyRowProps) {
  const { row, now, density, place, measure } = props;
  const { entry, display, name } = row;
  const presence = entry.presence.presence;
  const { changedAt, stale } = entry.presence;
  const { dialogOpened } = useUiStore((s) => s.actions);
  const { buddyRemoveRequested } = useBuddyStore((s) => s.actions);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [isOpen, setIsOpen] = useState(false);
  const isHighlighted = useChangeHighlight(changedAt);
  const isSaved = entry.source === 'saved';
  const activities = presence ? extraActivities(presence.status, presence.activities) : [];
  const devices = presence && presence.devices.length > 1 ? presence.devices : [];
  const notice = describeBuddyNotice(row, now);
  const question = explanationQuestion(row);
  const noteLanguage = foreignNoteLanguage(presence?.noteLang, navigator.language);
  const until = display.kind === 'presence' ? describeUntil(presence?.until) : null;
  const status = until ? `${display.label} ${until}` : display.label;
  const staleText = stale ? describeStale(stale) : null;
  const since = changedAt === null ? null : `${display.label} since ${clockTime(changedAt)}`;
  const line = describeLine(entry.presence.line);
  const detailsId = `buddy-details-${entry.aor}`;
  const remove = async () => {
    const outcome = await buddyRemoveRequested(entry.aor);
    if (!outcome.ok) setRemoveError(outcome.message);
    props.onConfirmRemove(entry.aor, false);
  };

  return (
    <li
      className={`buddy-row kind-${display.kind} ${stale ? 'is-stale' : ''} ${isHighlighted ? 'is-changed' : ''} ${isOpen ? 'is-open' : ''} ${place.index === 0 ? 'is-first' : ''} ${place.index === place.count - 1 ? 'is-last' : ''}`}
      ref={measure}
      data-virtual-key={place.key}
      aria-posinset={place.index + 1}
      aria-setsize={place.count}
      tabIndex={0}
      data-buddy-row
      data-testid="buddy-row"
      data-aor={entry.aor}
      data-stale={stale ? stale.reason : undefined}
      title={entry.aor}
      aria-label={`${name}, ${status}${line?.spoken ? `, ${line.spoken}` : ''}${presence?.note ? `, “${presence.note}”` : ''}${staleText ? `, ${staleText}` : ''}${notice ? `, ${notice.text}` : ''}`}
      onMouseEnter={() => props.onHeld(entry.aor, 'hovered', true)}
      onMouseLeave={() => props.onHeld(entry.aor, 'hovered', false)}
      onFocus={() => props.onHeld(entry.aor, 'focused', true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) props.onHeld(entry.aor, 'focused', false);
      }}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget) return;
        if (event.key === ' ') {
          event.preventDefault();
          setIsOpen((open) => !open);
          return;
        }
        if (!isSaved || (event.key !== 'Enter' && event.key !== 'Delete')) return;
        // Without this the same Enter would also reach the dialog's first field and submit its form.
        event.preventDefault();
        if (event.key === 'Enter') dialogOpened({ kind: 'buddy', editing: entry.aor });
        else props.onConfirmRemove(entry.aor, true);
      }}
    >
      <div className="buddy-line">
        <StatusDot tone={display.tone} glyph={display.glyph} />
        <span className="buddy-name">{name}</span>
        <span className={`buddy-status tone-text-${display.tone}`} data-testid="buddy-status">
          {display.label}
          {until && (
            <>
              {' '}
              <span className="buddy-until" data-testid="buddy-until">
                {until}
              </span>
            </>
          )}
        </span>
        {line?.state && (
          <span className="buddy-line-state" data-testid="buddy-line-state" data-line={line.state} title={`Line: ${line.label}`}>
            <StatusDot {...LINE_STATE_LOOKS[line.state]} />
            {line.label}
          </span>
        )}
        {presence?.note && (
          <span className="buddy-note-line">
            <span className="buddy-note" data-testid="buddy-note" lang={presence.noteLang}>
              {presence.note}
            </span>
            {noteLanguage && (
              <span className="muted" data-testid="buddy-note-lang" title={`The note is written in ${noteLanguage}`}>
                {' '}
                ({noteLanguage})
              </span>
            )}
          </span>
        )}
        <span className="buddy-line-end">
          {changedAt !== null && (
            <span className="buddy-since muted" title={`${since}, ${new Date(changedAt).toLocaleString()}`}>
              since {clockTime(changedAt)}
            </span>
          )}
          <BuddyAlertBell entry={entry} />
          <button
            type="button"
            className="icon-button small buddy-details-toggle"
            aria-expanded={isOpen}
            aria-controls={detailsId}
            aria-label={`Details of ${name}`}
            onClick={() => setIsOpen((open) => !open)}
          >
            <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
          </button>
        </span>
      </div>
      {staleText && (
        <div className="buddy-stale muted" data-testid="buddy-stale">
          {staleText}
        </div>
      )}
      {density === 'comfortable' && <div className="buddy-aor muted">{entry.aor}</div>}
      {devices.length > 0 && (
        <ul className="buddy-devices" aria-label={`${name}'s devices`}>
          {devices.map((device) => (
            <li key={device.id} data-testid="buddy-device">
              <StatusDot tone={toneOfStatus(device.status)} glyph={glyphOfStatus(device.status)} />
              <span>{device.label ?? device.contact ?? device.id}</span>
              <span className="muted"> — {PRESENCE_STATUS_LABELS[device.status]}</span>
              {device.note && <span className="muted"> · {device.note}</span>}
            </li>
          ))}
        </ul>
      )}
      {notice && (
        <div className={`buddy-notice notice-${notice.tone}`} data-testid="buddy-notice">
          {notice.text}
        </div>
      )}
      {removeError && (
        <p role="alert" className="error">
          {removeError}
        </p>
      )}
      {props.isConfirmingRemove && (
        <div className="buddy-actions">
          <span className="muted">Remove {name}?</span>
          <button type="button" className="danger" onClick={() => void remove()}>
            Remove
          </button>
          <button type="button" onClick={() => props.onConfirmRemove(entry.aor, false)}>
            Keep
          </button>
        </div>
      )}
      <div className="buddy-details" id={detailsId} hidden={!isOpen}>
        <div className="buddy-details-aor">{entry.aor}</div>
        {display.detail && <div className="buddy-details-reason">{display.detail}</div>}
        {line && (
          <div className="buddy-details-line" data-testid="buddy-details-line">
            Line: {line.label}
            {line.state && line.changedAt !== null && (
              <span className="muted" title={new Date(line.changedAt).toLocaleString()}>
                {' '}
                since {clockTime(line.changedAt)}
              </span>
            )}
          </div>
        )}
        {(activities.length > 0 || changedAt !== null) && (
          <div className="buddy-meta muted">
            {activities.length > 0 && <span>Activity: {activities.join(', ')}</span>}
            {activities.length > 0 && changedAt !== null && ' · '}
            {changedAt !== null && (
              <span title={new Date(changedAt).toLocaleString()}>
                changed {formatAgo(changedAt, now)} ({clockTime(changedAt)})
              </span>
            )}
          </div>
        )}
        {question && <BuddyExplanation entry={entry} question={question} />}
        <BuddyAlertChoice entry={entry} />
        {/* Asked of main only while the details are open: a long list must not ask once per row. */}
        {isOpen && <BuddyHistoryTimeline entry={entry} />}
        {isSaved && !props.isConfirmingRemove && (
          <div className="buddy-actions">
            <button type="button" aria-label={`Edit ${name}`} onClick={() => dialogOpened({ kind: 'buddy', editing: entry.aor })}>
              Edit
            </button>
            <button type="button" aria-label={`Remove ${name}`} onClick={() => props.onConfirmRemove(entry.aor, true)}>
              Remove
            </button>
          </div>
        )}
      </div>
    </li>
  );
}
