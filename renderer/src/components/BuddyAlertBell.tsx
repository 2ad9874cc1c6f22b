import { useState } from 'react';
import { BUDDY_ALERTS, type BuddyAlert, type BuddyEntry } from '../../../shared/buddy/buddy';
import { buddyLabel } from '../../../shared/buddy/buddy';
import { askNotificationPermission } from '../presence/page-notifications';
import { useAppInfo } from '../stores/app-store';
import { useBuddyStore } from '../stores/buddy-store';

/** What a press moves to: off → once → every time → off. */
const NEXT_ALERT: Readonly<Record<BuddyAlert, BuddyAlert>> = { off: 'once', once: 'every-time', 'every-time': 'off' };

const ALERT_WORDS: Readonly<Record<BuddyAlert, string>> = {
  off: 'off',
  once: 'once, when available next',
  'every-time': 'every time they become available',
};

/** The alert choice's options, as the details show them. */
const ALERT_CHOICES: Readonly<Record<BuddyAlert, string>> = { off: 'Off', once: 'Once', 'every-time': 'Every time' };

/**
 * Changing one buddy's alert, with its failure. In a browser tab (the web mode) setting an alert also asks for
 * permission to show notifications, inside the user's click as browsers require.
 */
function useAlertChange(entry: BuddyEntry) {
  const { alertChangeRequested } = useBuddyStore((s) => s.actions);
  const runtime = useAppInfo()?.runtime;
  const [failure, setFailure] = useState<string | null>(null);
  // The choice is shown at once, while main saves it; the list that comes back (or a refusal) replaces it.
  const [pending, setPending] = useState<BuddyAlert | null>(null);
  const change = async (alert: BuddyAlert) => {
    // Busy, not disabled: a disabled control would drop the keyboard focus out of the row.
    if (pending !== null) return;
    if (alert !== 'off' && runtime === 'web') askNotificationPermission();
    setPending(alert);
    const outcome = await alertChangeRequested(entry.aor, alert);
    setPending(null);
    setFailure(outcome.ok ? null : outcome.message);
  };
  return { alert: pending ?? entry.alert ?? 'off', failure, isBusy: pending !== null, change };
}

/** A bell drawn, not an emoji (not every system has an emoji font): outlined while off, filled once set. */
function BellIcon({ isSet }: { isSet: boolean }) {
  return (
    <svg className="bell-icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        d="M8 1.5a4 4 0 0 0-4 4v3L2.5 11v1h11v-1L12 8.5v-3a4 4 0 0 0-4-4z"
        fill={isSet ? 'currentColor' : 'none'}
        stroke="currentColor"
        strokeWidth="1.3"
        strokeLinejoin="round"
      />
      <path d="M6.3 13.3a1.8 1.8 0 0 0 3.4 0" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" />
    </svg>
  );
}

function AlertFailure({ failure }: { failure: string | null }) {
  if (!failure) return null;
  return (
    <span role="alert" className="error">
      {failure}
    </span>
  );
}

/**
 * "Tell me when available" for one saved buddy: a button (Tab, Enter and Space reach it like any button)
 * whose press steps the alert off → once → every time → off; `aria-pressed` says whether an alert is set
 * and its name says which. Demo colleagues have no alert, so no bell.
 */
export function BuddyAlertBell({ entry }: { entry: BuddyEntry }) {
  const { alert, failure, isBusy, change } = useAlertChange(entry);
  if (entry.source !== 'saved') return null;
  const name = buddyLabel(entry);

  return (
    <span className="buddy-alert-bell" data-testid="buddy-alert-bell" data-alert={alert}>
      <button
        type="button"
        className="icon-button"
        aria-pressed={alert !== 'off'}
        aria-label={`Tell me when ${name} is available: ${ALERT_WORDS[alert]}`}
        title={`Tell me when ${name} is available: ${ALERT_WORDS[alert]}`}
        aria-disabled={isBusy}
        onClick={() => void change(NEXT_ALERT[alert])}
      >
        <BellIcon isSet={alert !== 'off'} />
        {alert === 'every-time' && <span aria-hidden="true">∞</span>}
      </button>
      <AlertFailure failure={failure} />
    </span>
  );
}

/** The same alert in a buddy's details, as a choice of three: off, once (the next time), every time. */
export function BuddyAlertChoice({ entry }: { entry: BuddyEntry }) {
  const { alert, failure, isBusy, change } = useAlertChange(entry);
  if (entry.source !== 'saved') return null;
  const name = buddyLabel(entry);

  return (
    <fieldset className="buddy-alert-choice" data-testid="buddy-alert-choice" aria-busy={isBusy}>
      <legend>Tell me when {name} is available</legend>
      {BUDDY_ALERTS.map((option) => (
        <label key={option} className={`chip duration-chip ${alert === option ? 'is-selected' : ''}`}>
          <input
            type="radio"
            name={`buddy-alert-${entry.aor}`}
            value={option}
            checked={alert === option}
            onChange={() => void change(option)}
          />
          {ALERT_CHOICES[option]}
        </label>
      ))}
      <AlertFailure failure={failure} />
    </fieldset>
  );
}
