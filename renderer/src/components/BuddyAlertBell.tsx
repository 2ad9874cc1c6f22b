import { useState } from 'react';
import type { BuddyAlert, BuddyEntry } from '../../../shared/buddy/buddy';
import { buddyLabel } from '../../../shared/buddy/buddy';
import { useBuddyStore } from '../stores/buddy-store';

/** What a press moves to: off → once → every time → off. */
const NEXT_ALERT: Readonly<Record<BuddyAlert, BuddyAlert>> = { off: 'once', once: 'every-time', 'every-time': 'off' };

const ALERT_WORDS: Readonly<Record<BuddyAlert, string>> = {
  off: 'off',
  once: 'once, when available next',
  'every-time': 'every time they become available',
};

/**
 * "Tell me when available" for one saved buddy: a button (Tab, Enter and Space reach it like any button)
 * whose press steps the alert off → once → every time → off; `aria-pressed` says whether an alert is set
 * and its name says which. Demo colleagues have no alert, so no bell.
 */
export function BuddyAlertBell({ entry }: { entry: BuddyEntry }) {
  const { alertChangeRequested } = useBuddyStore((s) => s.actions);
  const [failure, setFailure] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  if (entry.source !== 'saved') return null;
  const alert = entry.alert ?? 'off';
  const name = buddyLabel(entry);

  const press = async () => {
    setIsBusy(true);
    const outcome = await alertChangeRequested(entry.aor, NEXT_ALERT[alert]);
    setIsBusy(false);
    setFailure(outcome.ok ? null : outcome.message);
  };

  return (
    <span className="buddy-alert-bell" data-testid="buddy-alert-bell" data-alert={alert}>
      <button
        type="button"
        className="icon-button"
        aria-pressed={alert !== 'off'}
        aria-label={`Tell me when ${name} is available: ${ALERT_WORDS[alert]}`}
        title={`Tell me when ${name} is available: ${ALERT_WORDS[alert]}`}
        disabled={isBusy}
        onClick={() => void press()}
      >
        {alert === 'off' ? '🔕' : alert === 'once' ? '🔔' : '🔔∞'}
      </button>
      {failure && (
        <span role="alert" className="error">
          {failure}
        </span>
      )}
    </span>
  );
}
