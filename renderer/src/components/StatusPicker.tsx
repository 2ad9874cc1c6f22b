import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { CHOSEN_STATUSES, MAX_NOTE_LENGTH, PRESENCE_STATUS_LABELS, type ChosenStatus } from '../../../shared/presence/presence-status';
import { describePublication } from '../presence/publication-view';
import { describeAutomatic, statusChosenByHand } from '../presence/freshness-view';
import {
  STATUS_DURATIONS,
  STATUS_DURATION_LABELS,
  describeStatusEnd,
  statusEndsAt,
  type StatusDuration,
} from '../presence/status-duration';
import { glyphOfStatus } from '../../../shared/presence/status-glyphs';
import { toneOfStatus } from '../presence/status-view';
import { useSelfStore } from '../stores/self-store';
import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';
import { Dialog } from './Dialog';
import { StatusDot } from './StatusDot';
import { useNow } from './use-now';

/** Whether the current session publishes at all (an account may switch publishing off). */
export function useIsPublishingEnabled(): boolean {
  return useSessionStore((s) => s.session.mode === 'demo' || (s.session.mode === 'account' && s.session.account?.publish === true));
}

/** What appear-offline's menu item says it does (the PIDF it publishes is a closed tuple and nothing else). */
const APPEAR_OFFLINE_HINT = 'Colleagues see you offline; your note is not sent.';

/** Said when "Until…" is chosen without a time of day to end at. */
const UNTIL_TIME_MISSING = 'Enter the time your status should end, for example 15:00.';

/**
 * The status picker: the note (with its length limit and recent notes) and how long (for 30 min … until a time the
 * user types), then a one-column menu of the seven statuses that publishes on a single click, and the outcome —
 * "the server accepted it" or its reason. It says why we show what we show (a timed status's end, an automatic
 * Away) and marks the status chosen by hand, not the automatic one. Enter in the note publishes it with the
 * current status. Keyboard: ↑/↓/Home/End move through the menu.
 */
export function StatusPicker() {
  const self = useSelfStore((s) => s.self);
  const pending = useSelfStore((s) => s.pending);
  const requestError = useSelfStore((s) => s.requestError);
  const { statusChosen, recentNoteForgotten } = useSelfStore((s) => s.actions);
  const { dialogClosed } = useUiStore((s) => s.actions);
  const isPublishingEnabled = useIsPublishingEnabled();
  const mode = useSessionStore((s) => s.session.mode);
  const now = useNow(1_000);
  const menuRef = useRef<HTMLDivElement>(null);

  const [note, setNote] = useState(self.note);
  const [duration, setDuration] = useState<StatusDuration>('until-changed');
  const [untilTime, setUntilTime] = useState('');
  const [untilTimeError, setUntilTimeError] = useState<string | null>(null);
  const chosenByHand = statusChosenByHand(self);
  const automatic = describeAutomatic(self, now);

  const choose = async (status: ChosenStatus) => {
    const until = statusEndsAt(duration, now, untilTime);
    if (duration === 'until-time' && until === undefined) {
      setUntilTimeError(UNTIL_TIME_MISSING);
      document.getElementById('status-until-time')?.focus();
      return;
    }
    const outcome = await statusChosen(status, note, until);
    // Close once the server accepted it (or nothing is published); stay open to show a refusal.
    if (outcome && (outcome.publication.phase === 'published' || !isPublishingEnabled)) dialogClosed();
  };

  const submitNote = (event: FormEvent) => {
    event.preventDefault();
    void choose(chosenByHand);
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
    const index = items.findIndex((item) => item === document.activeElement);
    const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (event.key === 'ArrowDown') focus(index + 1);
    else if (event.key === 'ArrowUp') focus(index - 1);
    else if (event.key === 'Home') focus(0);
    else if (event.key === 'End') focus(items.length - 1);
    else return;
    event.preventDefault();
  };

  const publication = pending
    ? { text: 'Publishing…', tone: 'progress' as const }
    : describePublication(self.publication, isPublishingEnabled, mode, now);

  return (
    <Dialog title="Set your status" testId="status-picker" onClose={dialogClosed} className="status-picker">
      <form onSubmit={submitNote}>
        <div className="field">
          <div className="field-label-row">
            <label htmlFor="status-note">Note</label>
            <span id="status-note-count" className="muted" aria-live="polite">
              {note.length} / {MAX_NOTE_LENGTH}
            </span>
          </div>
          <div className="note-row">
            <input
              id="status-note"
              type="text"
              maxLength={MAX_NOTE_LENGTH}
              value={note}
              placeholder="What are you up to? (optional)"
              aria-describedby="status-note-count"
              autoComplete="off"
              onChange={(event) => setNote(event.target.value)}
            />
            <button type="button" className="link-button" onClick={() => setNote('')} disabled={note === ''}>
              Clear note
            </button>
          </div>
          {self.recentNotes.length > 0 && (
            <ul className="recent-notes" aria-label="Recent notes">
              {self.recentNotes.map((recent) => (
                <li key={recent}>
                  <button type="button" className="chip" onClick={() => setNote(recent)} aria-label={`Use note “${recent}”`}>
                    {recent}
                  </button>
                  <button
                    type="button"
                    className="icon-button small"
                    aria-label={`Forget note “${recent}”`}
                    onClick={() => void recentNoteForgotten(recent)}
                  >
                    ×
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>

        <fieldset className="status-durations">
          <legend>How long</legend>
          {STATUS_DURATIONS.map((option) => (
            <label key={option} className={`chip duration-chip ${duration === option ? 'is-selected' : ''}`}>
              <input type="radio" name="duration" value={option} checked={duration === option} onChange={() => setDuration(option)} />
              {STATUS_DURATION_LABELS[option]}
            </label>
          ))}
          {duration === 'until-time' && (
            <span className={`until-time ${untilTimeError ? 'has-error' : ''}`}>
              <label htmlFor="status-until-time">Ends at</label>
              <input
                id="status-until-time"
                type="time"
                value={untilTime}
                aria-invalid={untilTimeError !== null}
                aria-describedby={untilTimeError ? 'status-until-time-error' : undefined}
                onChange={(event) => {
                  setUntilTime(event.target.value);
                  setUntilTimeError(null);
                }}
              />
              {untilTimeError && (
                <span id="status-until-time-error" className="field-error" data-testid="status-until-time-error">
                  {untilTimeError}
                </span>
              )}
            </span>
          )}
        </fieldset>

        {(automatic || self.until !== undefined) && (
          <p className="status-why muted" data-testid="status-why">
            {automatic
              ? `${automatic}. Your choice is ${PRESENCE_STATUS_LABELS[chosenByHand]}; it returns when you are back.`
              : `${PRESENCE_STATUS_LABELS[self.status]} ${describeStatusEnd(self.until ?? now, now)}, then your status before returns.`}
          </p>
        )}

        <div role="menu" aria-label="Status" className="status-menu" ref={menuRef} onKeyDown={onMenuKeyDown}>
          {CHOSEN_STATUSES.map((option) => (
            <button
              key={option}
              type="button"
              role="menuitemradio"
              aria-checked={chosenByHand === option}
              aria-label={PRESENCE_STATUS_LABELS[option]}
              className="status-menu-item"
              disabled={pending !== null}
              aria-describedby={option === 'appear-offline' ? 'appear-offline-hint' : undefined}
              onClick={() => void choose(option)}
            >
              <StatusDot tone={toneOfStatus(option)} glyph={glyphOfStatus(option)} />
              <span className="status-menu-label">{PRESENCE_STATUS_LABELS[option]}</span>
              {option === 'appear-offline' && (
                <span id="appear-offline-hint" className="status-menu-hint muted">
                  {APPEAR_OFFLINE_HINT}
                </span>
              )}
              {chosenByHand === option && (
                <span className="status-menu-current muted" aria-hidden="true">
                  current
                </span>
              )}
              {self.automatic && self.status === option && chosenByHand !== option && (
                <span className="status-menu-current muted" aria-hidden="true">
                  shown now, automatic
                </span>
              )}
            </button>
          ))}
        </div>

        <p className={`publication-line tone-line-${publication.tone}`} role="status" data-testid="publication-status">
          {publication.text}
        </p>
        {requestError && (
          <p role="alert" className="error">
            {requestError}
          </p>
        )}
      </form>
    </Dialog>
  );
}
