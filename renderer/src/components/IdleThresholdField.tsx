import { useState } from 'react';
import { DEFAULT_IDLE_AWAY_MINUTES } from '../../../shared/ipc/contract';
import { checkIdleThreshold } from '../presence/idle-threshold';
import { usePreferencesStore } from '../stores/preferences-store';
import { FormField } from './FormField';

/**
 * The idle threshold for the automatic Away, in minutes (0: off), as a preference that applies when the field is
 * left or Enter is pressed; a bad entry is explained beside the field and nothing is saved.
 */
export function IdleThresholdField() {
  const saved = usePreferencesStore((s) => s.preferences.idleAwayMinutes ?? DEFAULT_IDLE_AWAY_MINUTES);
  const { preferencesChangeRequested } = usePreferencesStore((s) => s.actions);
  const [text, setText] = useState(String(saved));
  const [error, setError] = useState<string | undefined>(undefined);

  const apply = async () => {
    const checked = checkIdleThreshold(text);
    if (!checked.ok) return setError(checked.message);
    setText(String(checked.minutes));
    if (checked.minutes === saved) return setError(undefined);
    const outcome = await preferencesChangeRequested({ idleAwayMinutes: checked.minutes });
    setError(outcome.ok ? undefined : outcome.message);
  };

  return (
    <FormField
      id="preference-idle-away-minutes"
      label="Show Away when idle for (minutes)"
      hint="Only while you are Available: a status you chose stays. 0 turns it off."
      error={error}
    >
      {(control) => (
        <input
          {...control}
          type="text"
          inputMode="numeric"
          className="short-number"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setError(undefined);
          }}
          onBlur={() => void apply()}
          onKeyDown={(event) => {
            if (event.key !== 'Enter') return;
            // Enter applies this preference; it must not also submit the account form around it.
            event.preventDefault();
            void apply();
          }}
        />
      )}
    </FormField>
  );
}
