import { useEffect, useState } from 'react';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import type { PresenceExplanation } from '../../../shared/buddy/explain-presence';
import { errorMessage } from '../../../shared/error-message';
import { formatIn } from '../presence/status-view';
import { useBuddyStore } from '../stores/buddy-store';
import { useUiStore } from '../stores/ui-store';
import { useTraceViewStore } from '../trace/trace-view-store';
import { traceGroupOfCallId } from '../trace/trace-views';
import { useNow } from './use-now';

/**
 * A buddy's "Why is this buddy offline?" disclosure. Opened, it shows main's explanation of the subscription — asked
 * again whenever the buddy's state changes — and "Show in trace", which opens that subscription's ladder in the
 * trace tab.
 */
export function BuddyExplanation({ entry, question }: { entry: BuddyEntry; question: string }) {
  const [isOpen, setIsOpen] = useState(false);
  const [explanation, setExplanation] = useState<PresenceExplanation | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [isTraceGone, setIsTraceGone] = useState(false);
  const { explanationRequested } = useBuddyStore((s) => s.actions);
  const { tabSelected } = useUiStore((s) => s.actions);
  const { ladderOpened } = useTraceViewStore((s) => s.actions);
  const now = useNow();

  useEffect(() => {
    if (!isOpen) return;
    let isCurrent = true;
    explanationRequested(entry.aor).then(
      (answer) => {
        if (!isCurrent) return;
        setExplanation(answer);
        setFailure(null);
      },
      (error: unknown) => isCurrent && setFailure(errorMessage(error)),
    );
    return () => {
      isCurrent = false;
    };
  }, [isOpen, entry.aor, entry.presence, explanationRequested]);

  const showInTrace = (callId: string) => {
    const group = traceGroupOfCallId(callId);
    if (!group) return setIsTraceGone(true);
    setIsTraceGone(false);
    tabSelected('trace');
    ladderOpened(group.id);
  };

  const callId = explanation?.callId;
  return (
    <details className="buddy-explanation" data-testid="buddy-explanation" onToggle={(event) => setIsOpen(event.currentTarget.open)}>
      <summary>{question}</summary>
      {failure && <p className="error">{failure}</p>}
      {isOpen && explanation && (
        <div data-testid="buddy-explanation-body" data-cause={explanation.cause}>
          <p className="buddy-explanation-headline" data-testid="buddy-explanation-headline">
            {explanation.headline}
          </p>
          {explanation.details.map((sentence) => (
            <p key={sentence} className="buddy-explanation-detail">
              {sentence}
            </p>
          ))}
          {explanation.retryAt !== undefined && explanation.retryAt > now && (
            <p className="muted">Presently asks again {formatIn(explanation.retryAt, now)}.</p>
          )}
          {callId !== undefined && (
            <button type="button" className="link-button" onClick={() => showInTrace(callId)}>
              Show in trace
            </button>
          )}
          {isTraceGone && <p className="muted">That subscription is no longer in the trace (it was cleared, or is too old).</p>}
        </div>
      )}
    </details>
  );
}
