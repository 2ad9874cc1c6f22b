import { describeAutomatic } from '../presence/freshness-view';
import { describeSelfHeader } from '../presence/publication-view';
import { describeStatusEnd } from '../presence/status-duration';
import { useSelfStore } from '../stores/self-store';
import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';
import { useIsPublishingEnabled } from './StatusPicker';
import { StatusDot } from './StatusDot';
import { useNow } from './use-now';

/**
 * Our presence in the header as watchers see it (the publication, not just the choice), and why it is so: an
 * automatic Away ("Away — automatic, idle for 12 min") or a timed status's end ("until 15:00 · 42 min left").
 * Opens the status picker.
 */
export function SelfStatusButton() {
  const self = useSelfStore((s) => s.self);
  const pending = useSelfStore((s) => s.pending);
  const mode = useSessionStore((s) => s.session.mode);
  const accountPhase = useSessionStore((s) => s.accountState.phase);
  const who = useSessionStore((s) => s.session.account?.displayName || s.session.account?.aor || (s.session.demo ? 'You (demo)' : ''));
  const isPublishingEnabled = useIsPublishingEnabled();
  const { dialogOpened } = useUiStore((s) => s.actions);
  const now = useNow(1_000);
  const view = describeSelfHeader({ self, pending, mode, accountPhase, isPublishingEnabled });
  const why = describeAutomatic(self, now) ?? (self.until === undefined ? null : describeStatusEnd(self.until, now));

  return (
    <button
      type="button"
      className={`self-status ${view.isGreyed ? 'is-unpublished' : ''}`}
      aria-haspopup="dialog"
      data-testid="self-status"
      onClick={() => dialogOpened({ kind: 'status' })}
      aria-label={`Your status: ${view.label}${view.chosen ? ` (chosen: ${view.chosen})` : ''}${why ? `, ${why}` : ''}. Change status`}
      title={`${view.chosen ? `${view.label} (chosen: ${view.chosen})` : view.label}${why ? `\n${why}` : ''}`}
    >
      <StatusDot tone={view.tone} glyph={view.glyph} size="large" />
      <span className="self-status-text">
        <span className="self-status-name">{who || 'Not signed in'}</span>
        <span className="self-status-label">
          {view.label}
          {view.chosen && <span className="self-status-chosen"> · chosen: {view.chosen}</span>}
        </span>
        {why && (
          <span className="self-status-why" data-testid="self-status-why">
            {why}
          </span>
        )}
      </span>
      <span className="chevron" aria-hidden="true">
        ▾
      </span>
    </button>
  );
}
