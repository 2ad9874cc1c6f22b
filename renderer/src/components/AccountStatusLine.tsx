import { describeBuddyFeed } from '../buddies/buddy-feed-view';
import { describeAccountState, publicationStep } from '../presence/publication-view';
import { useBuddyStore } from '../stores/buddy-store';
import { useSelfStore } from '../stores/self-store';
import { useSessionStore } from '../stores/session-store';
import { useNow } from './use-now';

/**
 * One line under the header: the connection's step and the publication's, and what failed and why. Once the server
 * has answered, a "Server" disclosure at its end holds the connection details: which presence server this is and
 * what it takes (its profile), and how the buddy list's presence arrives (one list subscription or one per buddy) —
 * one line of the window, not two.
 */
export function AccountStatusLine() {
  const connection = useSessionStore((s) => s.accountState);
  const mode = useSessionStore((s) => s.session.mode);
  const publication = useSelfStore((s) => s.self.publication);
  const feed = useBuddyStore((s) => s.feed);
  const { reconnectRequested } = useSessionStore((s) => s.actions);
  const now = useNow(1_000);

  const step = describeAccountState(connection, mode, now);
  const published = publicationStep(publication);
  const tone = step.tone === 'problem' || published?.tone === 'problem' ? 'problem' : step.tone;
  const serverProfile = mode === 'account' || mode === 'demo' ? connection.serverProfile : undefined;

  return (
    <div className={`status-line tone-line-${tone}`} data-testid="connection-status">
      <span role="status" aria-live="polite" className="status-line-text">
        <span className="status-line-mode">{mode === 'demo' ? 'Offline demo' : mode === 'account' ? 'Account' : ''}</span>
        {mode === 'demo' || mode === 'account' ? ' · ' : ''}
        {step.text}
        {published ? ` · ${published.text}` : ''}
      </span>
      {(connection.phase === 'failed' || connection.phase === 'stopped') && mode !== 'starting' && mode !== 'offline' && (
        <button type="button" className="link-button" onClick={() => void reconnectRequested()}>
          Retry now
        </button>
      )}
      {serverProfile && (
        <details className="status-line-details">
          <summary>Server</summary>
          <div className="status-line-panel">
            <p data-testid="server-profile">{serverProfile.sentence}</p>
            <p data-testid="buddy-feed">{describeBuddyFeed(feed)}</p>
          </div>
        </details>
      )}
    </div>
  );
}
