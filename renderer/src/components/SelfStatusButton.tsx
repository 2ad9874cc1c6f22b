import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import { toneOfStatus } from '../presence/status-view';
import { useSelfStore } from '../stores/self-store';
import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';
import { StatusDot } from './StatusDot';

/** Our own status and note in the header; opens the status picker. */
export function SelfStatusButton() {
  const self = useSelfStore((s) => s.self);
  const pending = useSelfStore((s) => s.pending);
  const who = useSessionStore((s) => s.session.account?.displayName || s.session.account?.aor || (s.session.demo ? 'You (demo)' : ''));
  const isSignedIn = useSessionStore((s) => s.session.mode === 'demo' || s.session.mode === 'account');
  const { dialogOpened } = useUiStore((s) => s.actions);
  const shown = pending ?? self;

  return (
    <button
      type="button"
      className={`self-status ${isSignedIn ? '' : 'is-unpublished'}`}
      aria-haspopup="dialog"
      data-testid="self-status"
      onClick={() => dialogOpened({ kind: 'status' })}
      aria-label={`Your status: ${PRESENCE_STATUS_LABELS[shown.status]}${shown.note ? `, “${shown.note}”` : ''}. Change status`}
    >
      <StatusDot tone={toneOfStatus(shown.status)} size="large" />
      <span className="self-status-text">
        <span className="self-status-name">{who || 'Not signed in'}</span>
        <span className="self-status-label">
          {PRESENCE_STATUS_LABELS[shown.status]}
          {shown.note && <span className="self-status-note"> — {shown.note}</span>}
        </span>
      </span>
      <span className="chevron" aria-hidden="true">
        ▾
      </span>
    </button>
  );
}
