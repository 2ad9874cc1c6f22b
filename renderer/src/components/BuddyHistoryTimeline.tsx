import { useEffect, useState } from 'react';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import { errorMessage } from '../../../shared/error-message';
import type { PresenceChange } from '../../../shared/presence/presence-state';
import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import { describeLastSeenAvailable } from '../presence/freshness-view';
import { clockTime, formatAgo } from '../presence/status-view';
import { useBuddyStore } from '../stores/buddy-store';
import { useNow } from './use-now';

/**
 * A buddy's recent presence changes, newest first ("Away — Lunch, 14:05, 2 h ago"), under "last seen available
 * 2 h ago" while they are not; asked of main again whenever the buddy's presence changes.
 */
export function BuddyHistoryTimeline({ entry }: { entry: BuddyEntry }) {
  const { historyRequested } = useBuddyStore((s) => s.actions);
  const [changes, setChanges] = useState<readonly PresenceChange[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const now = useNow();

  useEffect(() => {
    let isCurrent = true;
    historyRequested(entry.aor).then(
      (answer) => {
        if (!isCurrent) return;
        setChanges(answer);
        setFailure(null);
      },
      (error: unknown) => isCurrent && setFailure(errorMessage(error)),
    );
    return () => {
      isCurrent = false;
    };
  }, [entry.aor, entry.presence, historyRequested]);

  if (failure) return <p className="error">{failure}</p>;
  if (changes.length === 0) return <p className="muted">No changes seen yet.</p>;
  const lastSeen = describeLastSeenAvailable(changes, entry.presence.presence?.status ?? null, now);
  return (
    <>
      {lastSeen && (
        <p className="buddy-last-seen muted" data-testid="buddy-last-seen">
          {lastSeen}
        </p>
      )}
      <ol className="buddy-history" data-testid="buddy-history" aria-label="Recent presence changes">
        {[...changes].reverse().map((change) => (
          <li key={`${change.at}-${change.status}`}>
            <span className="buddy-history-status">{PRESENCE_STATUS_LABELS[change.status]}</span>
            {change.note && <span className="buddy-history-note"> — {change.note}</span>}
            <time className="muted" dateTime={new Date(change.at).toISOString()}>
              {' '}
              {clockTime(change.at)}, {formatAgo(change.at, now)}
            </time>
          </li>
        ))}
      </ol>
    </>
  );
}
