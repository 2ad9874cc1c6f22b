import { useWatcherStore, selectPrompted } from '../stores/watcher-store';
import { watcherName } from './watcher-view';
import './watchers.css';

/**
 * "Ana wants to see your presence — Allow / Block": one prompt per new pending watcher, stacked under the notices,
 * not modal (the window stays usable), each a labelled group reachable with Tab. Without an XCAP root the prompt
 * still shows who asks, says the server offers no way to answer from here, and can only be put off.
 */
export function WatcherPrompts() {
  const watchers = useWatcherStore((s) => s.watchers);
  const postponed = useWatcherStore((s) => s.postponed);
  const deciding = useWatcherStore((s) => s.deciding);
  const failure = useWatcherStore((s) => s.failure);
  const { decisionRequested, promptPostponed } = useWatcherStore((s) => s.actions);
  const prompted = selectPrompted({ watchers, postponed });
  if (prompted.length === 0) return null;

  return (
    <section className="watcher-prompts" aria-label="People asking to see your presence" data-testid="watcher-prompts">
      {prompted.map((watcher) => {
        const name = watcherName(watcher);
        const headingId = `watcher-prompt-${watcher.uri}`;
        const isBusy = deciding === watcher.uri;
        return (
          <div key={watcher.uri} role="group" aria-labelledby={headingId} className="watcher-prompt" data-testid="watcher-prompt">
            <p id={headingId} className="watcher-prompt-text">
              <strong>{name}</strong> wants to see your presence
              {name !== watcher.uri && <span className="watcher-address"> ({watcher.uri})</span>}
            </p>
            {watchers.canDecide ? (
              <div className="watcher-prompt-buttons">
                <button
                  type="button"
                  disabled={isBusy}
                  aria-label={`Allow ${name}`}
                  onClick={() => void decisionRequested(watcher.uri, 'allow')}
                >
                  Allow
                </button>
                <button
                  type="button"
                  disabled={isBusy}
                  aria-label={`Block ${name}`}
                  onClick={() => void decisionRequested(watcher.uri, 'block')}
                >
                  Block
                </button>
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Decide about ${name} later`}
                  onClick={() => promptPostponed(watcher.uri)}
                >
                  Later
                </button>
              </div>
            ) : (
              <div className="watcher-prompt-buttons">
                <span className="watcher-prompt-hint">Your server offers no way to answer from here.</span>
                <button type="button" className="link-button" aria-label={`Dismiss ${name}`} onClick={() => promptPostponed(watcher.uri)}>
                  Dismiss
                </button>
              </div>
            )}
            {failure?.uri === watcher.uri && (
              <p role="alert" className="error watcher-prompt-error">
                {failure.message}
              </p>
            )}
          </div>
        );
      })}
    </section>
  );
}
