import type { WatcherRuleView, WatcherView } from '../../../shared/ipc/contract';
import { useWatcherStore } from '../stores/watcher-store';
import { availabilityText, handlingText, watcherName, watcherStateText } from './watcher-view';
import './watchers.css';

/** One row: a watcher the server reports, or a rule's entry for someone not watching now. */
interface Row {
  readonly uri: string;
  readonly watcher: WatcherView | undefined;
  readonly rule: WatcherRuleView | undefined;
}

/**
 * "Who can see you": everyone watching or asking to (with their state), and everyone the rules name (allowed,
 * blocked), each with Allow and Block so the user can change their mind later.
 */
export function WhoCanSeeYou() {
  const watchers = useWatcherStore((s) => s.watchers);
  const deciding = useWatcherStore((s) => s.deciding);
  const failure = useWatcherStore((s) => s.failure);
  const { decisionRequested } = useWatcherStore((s) => s.actions);
  const rulesByUri = new Map(watchers.rules.map((rule) => [rule.uri, rule]));
  const rows: Row[] = watchers.watchers.map((watcher) => ({ uri: watcher.uri, watcher, rule: rulesByUri.get(watcher.uri) }));
  for (const rule of watchers.rules) if (!rows.some((row) => row.uri === rule.uri)) rows.push({ uri: rule.uri, watcher: undefined, rule });
  const status = availabilityText(watchers);

  return (
    <section className="who-can-see-you" aria-labelledby="who-can-see-you-title" data-testid="who-can-see-you">
      <h2 id="who-can-see-you-title">Who can see you</h2>
      {status !== null && (
        <p className="muted" role="status" data-testid="watchers-availability">
          {status}
        </p>
      )}
      {!watchers.canDecide && watchers.availability !== 'off' && (
        <p className="muted" data-testid="watchers-cannot-decide">
          Your server offers no way to answer from here: add its XCAP root (who may watch you) in the account settings to allow or block
          people.
        </p>
      )}
      {watchers.rulesProblem !== null && (
        <p className="error" role="alert">
          {watchers.rulesProblem}
        </p>
      )}
      {rows.length === 0 ? (
        status === null && <p className="muted">Nobody watches your presence yet.</p>
      ) : (
        <ul className="watcher-list" aria-label="Watchers and rules">
          {rows.map((row) => {
            const name = watcherName({ uri: row.uri, displayName: row.watcher?.displayName ?? null });
            const state = row.watcher ? watcherStateText(row.watcher, row.rule) : 'Not watching now';
            const isBusy = deciding === row.uri;
            return (
              <li key={row.uri} className="watcher-row" data-testid="watcher-row" data-uri={row.uri}>
                <span className="watcher-who">
                  <strong>{name}</strong>
                  {name !== row.uri && <span className="watcher-address"> {row.uri}</span>}
                </span>
                <span className="watcher-state" data-testid="watcher-state">
                  {state}
                  {row.rule !== undefined && <span className="watcher-rule"> · rule: {handlingText(row.rule.handling)}</span>}
                </span>
                {watchers.canDecide && (
                  <span className="watcher-actions">
                    <button
                      type="button"
                      disabled={isBusy || row.rule?.handling === 'allow'}
                      aria-label={`Allow ${name}`}
                      onClick={() => void decisionRequested(row.uri, 'allow')}
                    >
                      Allow
                    </button>
                    <button
                      type="button"
                      disabled={isBusy || row.rule?.handling === 'block'}
                      aria-label={`Block ${name}`}
                      onClick={() => void decisionRequested(row.uri, 'block')}
                    >
                      Block
                    </button>
                  </span>
                )}
                {failure?.uri === row.uri && (
                  <p role="alert" className="error watcher-row-error">
                    {failure.message}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
