import { useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { describeBuddyNotice, explanationQuestion, groupBuddies, type BuddyRowView } from '../buddies/buddy-view';
import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import { extraActivities, foreignNoteLanguage, formatAgo, toneOfStatus } from '../presence/status-view';
import { useBuddyStore } from '../stores/buddy-store';
import { useUiStore } from '../stores/ui-store';
import { BuddyExplanation } from './BuddyExplanation';
import { StatusDot } from './StatusDot';
import { useNow } from './use-now';

/**
 * The buddy list: search, groups, and per buddy its status, note, activity, last change and devices.
 * Keyboard: ↑/↓ (and Home/End) move between buddies, Enter edits the focused one, Delete removes it.
 */
export function BuddyList({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const buddies = useBuddyStore((s) => s.buddies);
  const { dialogOpened } = useUiStore((s) => s.actions);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => groupBuddies(buddies, query), [buddies, query]);
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
    <section className="buddy-list" aria-labelledby="buddy-list-title">
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
        <button type="button" className="primary" onClick={() => dialogOpened({ kind: 'buddy', editing: null })}>
          Add buddy
        </button>
      </div>

      {total === 0 && <p className="empty">No buddies yet. Add someone with their SIP address, like sip:name@example.com.</p>}
      {total > 0 && shown === 0 && <p className="empty">No buddy matches “{query}”.</p>}

      <div ref={listRef} onKeyDown={onKeyDown} data-testid="buddy-list">
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
                  isConfirmingRemove={confirming === row.entry.aor}
                  onConfirmRemove={(isConfirming) => setConfirming(isConfirming ? row.entry.aor : null)}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </section>
  );
}

function BuddyRow(props: { row: BuddyRowView; now: number; isConfirmingRemove: boolean; onConfirmRemove(isConfirming: boolean): void }) {
  const { row, now } = props;
  const { entry, display, name } = row;
  const presence = entry.presence.presence;
  const { dialogOpened } = useUiStore((s) => s.actions);
  const { buddyRemoveRequested } = useBuddyStore((s) => s.actions);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const isSaved = entry.source === 'saved';
  const activities = presence ? extraActivities(presence.status, presence.activities) : [];
  const devices = presence && presence.devices.length > 1 ? presence.devices : [];
  const notice = describeBuddyNotice(row, now);
  const question = explanationQuestion(row);
  const noteLanguage = foreignNoteLanguage(presence?.noteLang, navigator.language);
  const remove = async () => {
    const outcome = await buddyRemoveRequested(entry.aor);
    if (!outcome.ok) setRemoveError(outcome.message);
    props.onConfirmRemove(false);
  };

  return (
    <li
      className={`buddy-row kind-${display.kind}`}
      tabIndex={0}
      data-buddy-row
      data-testid="buddy-row"
      data-aor={entry.aor}
      aria-label={`${name}, ${display.label}${presence?.note ? `, “${presence.note}”` : ''}${notice ? `, ${notice.text}` : ''}`}
      onKeyDown={(event) => {
        if (event.target !== event.currentTarget || !isSaved) return;
        if (event.key !== 'Enter' && event.key !== 'Delete') return;
        // Without this the same Enter would also reach the dialog's first field and submit its form.
        event.preventDefault();
        if (event.key === 'Enter') dialogOpened({ kind: 'buddy', editing: entry.aor });
        else props.onConfirmRemove(true);
      }}
    >
      <StatusDot tone={display.tone} />
      <div className="buddy-main">
        <div className="buddy-line">
          <span className="buddy-name">{name}</span>
          <span className={`buddy-status tone-text-${display.tone}`} data-testid="buddy-status">
            {display.label}
          </span>
          {entry.source === 'demo' && <span className="badge">demo</span>}
        </div>
        <div className="buddy-aor muted">{entry.aor}</div>
        {notice && (
          <div className={`buddy-notice notice-${notice.tone}`} data-testid="buddy-notice">
            {notice.text}
          </div>
        )}
        {question && <BuddyExplanation entry={entry} question={question} />}
        {presence?.note && (
          <div className="buddy-note-line">
            <span className="buddy-note" data-testid="buddy-note" lang={presence.noteLang}>
              {presence.note}
            </span>
            {noteLanguage && (
              <span className="muted" data-testid="buddy-note-lang" title={`The note is written in ${noteLanguage}`}>
                {' '}
                ({noteLanguage})
              </span>
            )}
          </div>
        )}
        {(activities.length > 0 || entry.presence.changedAt !== null) && (
          <div className="buddy-meta muted">
            {activities.length > 0 && <span>Activity: {activities.join(', ')}</span>}
            {activities.length > 0 && entry.presence.changedAt !== null && ' · '}
            {entry.presence.changedAt !== null && (
              <span title={new Date(entry.presence.changedAt).toLocaleString()}>changed {formatAgo(entry.presence.changedAt, now)}</span>
            )}
          </div>
        )}
        {devices.length > 0 && (
          <ul className="buddy-devices" aria-label={`${name}'s devices`}>
            {devices.map((device) => (
              <li key={device.id} data-testid="buddy-device">
                <StatusDot tone={toneOfStatus(device.status)} />
                <span>{device.label ?? device.contact ?? device.id}</span>
                <span className="muted"> — {PRESENCE_STATUS_LABELS[device.status]}</span>
                {device.note && <span className="muted"> · {device.note}</span>}
              </li>
            ))}
          </ul>
        )}
        {removeError && (
          <p role="alert" className="error">
            {removeError}
          </p>
        )}
      </div>
      {isSaved && (
        <div className="buddy-actions">
          {props.isConfirmingRemove ? (
            <>
              <span className="muted">Remove {name}?</span>
              <button type="button" className="danger" onClick={() => void remove()}>
                Remove
              </button>
              <button type="button" onClick={() => props.onConfirmRemove(false)}>
                Keep
              </button>
            </>
          ) : (
            <>
              <button type="button" aria-label={`Edit ${name}`} onClick={() => dialogOpened({ kind: 'buddy', editing: entry.aor })}>
                Edit
              </button>
              <button type="button" aria-label={`Remove ${name}`} onClick={() => props.onConfirmRemove(true)}>
                Remove
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}
