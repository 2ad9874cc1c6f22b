import { useState, type FormEvent } from 'react';
import { CHOSEN_STATUSES, MAX_NOTE_LENGTH, PRESENCE_STATUS_LABELS, type ChosenStatus } from '../../../shared/presence/presence-status';
import { describePublication } from '../presence/publication-view';
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

/**
 * The status picker: seven statuses, a note with its length limit, recent notes to pick again, and the
 * outcome of publishing — "Published" or the server's reason for refusing.
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

  const [status, setStatus] = useState<ChosenStatus>(self.status);
  const [note, setNote] = useState(self.note);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const outcome = await statusChosen(status, note);
    // Close once the server accepted it (or nothing is published); stay open to show a refusal.
    if (outcome && (outcome.publication.phase === 'published' || !isPublishingEnabled)) dialogClosed();
  };

  const publication = pending
    ? { text: 'Publishing…', tone: 'progress' as const }
    : describePublication(self.publication, isPublishingEnabled, mode, now);

  return (
    <Dialog title="Set your status" testId="status-picker" onClose={dialogClosed} className="status-picker">
      <form onSubmit={(event) => void submit(event)}>
        <fieldset className="status-options">
          <legend>Status</legend>
          {CHOSEN_STATUSES.map((option) => (
            <label key={option} className="status-option">
              <input type="radio" name="status" value={option} checked={status === option} onChange={() => setStatus(option)} />
              <StatusDot tone={toneOfStatus(option)} />
              <span>{PRESENCE_STATUS_LABELS[option]}</span>
            </label>
          ))}
        </fieldset>

        <div className="field">
          <div className="field-label-row">
            <label htmlFor="status-note">Note</label>
            <span id="status-note-count" className="muted" aria-live="polite">
              {note.length} / {MAX_NOTE_LENGTH}
            </span>
          </div>
          <textarea
            id="status-note"
            rows={2}
            maxLength={MAX_NOTE_LENGTH}
            value={note}
            placeholder="What are you up to? (optional)"
            aria-describedby="status-note-count"
            onChange={(event) => setNote(event.target.value)}
          />
          <div className="row">
            <button type="button" className="link-button" onClick={() => setNote('')} disabled={note === ''}>
              Clear note
            </button>
          </div>
        </div>

        {self.recentNotes.length > 0 && (
          <div className="field">
            <span className="field-label" id="recent-notes-label">
              Recent notes
            </span>
            <ul className="recent-notes" aria-labelledby="recent-notes-label">
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
          </div>
        )}

        <p className={`publication-line tone-line-${publication.tone}`} role="status" data-testid="publication-status">
          {publication.text}
        </p>
        {requestError && (
          <p role="alert" className="error">
            {requestError}
          </p>
        )}

        <div className="dialog-actions">
          <button type="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={pending !== null}>
            {pending ? 'Publishing…' : 'Set status'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
