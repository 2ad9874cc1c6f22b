import { useState, type FormEvent } from 'react';
import { errorMessage } from '../../../shared/error-message';
import type { TraceExportFormat, TraceExportResult, TraceExportScope } from '../../../shared/ipc/contract';
import { Dialog } from '../components/Dialog';
import { useTraceViewStore } from './trace-view-store';

/** A choice of what to export, as the dialog offers it. */
export interface ExportChoice {
  readonly id: 'selected' | 'group' | 'filtered' | 'all';
  readonly label: string;
  /** Null when the choice is not available now (nothing selected, no ladder open). */
  readonly scope: TraceExportScope | null;
}

/**
 * Export: text (sngrep-style) or pcap (Wireshark, tshark), of the selected message, the ladder's group,
 * what the filter shows, or everything recorded; Authorization credentials masked unless the user
 * unmasks them on purpose. Main asks where to save and writes the file.
 */
export function ExportDialog({
  choices,
  onClose,
  onSaved,
}: {
  choices: readonly ExportChoice[];
  onClose(): void;
  onSaved(result: TraceExportResult): void;
}) {
  const [format, setFormat] = useState<TraceExportFormat>('text');
  const firstAvailable = choices.find((c) => c.id === 'filtered' && c.scope) ?? choices.find((c) => c.scope);
  const [choiceId, setChoiceId] = useState(firstAvailable?.id ?? 'all');
  const [includeCredentials, setIncludeCredentials] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { exportRequested } = useTraceViewStore((s) => s.actions);
  const scope = choices.find((c) => c.id === choiceId)?.scope ?? null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!scope) return;
    setBusy(true);
    setError(null);
    try {
      const result = await exportRequested({ format, scope: { ...scope }, includeCredentials });
      if (result.saved) onSaved(result);
      else setBusy(false);
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Export SIP trace" onClose={onClose} testId="trace-export-dialog" className="trace-export-dialog">
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>Format</legend>
          <label className="checkbox">
            <input type="radio" name="format" value="text" checked={format === 'text'} onChange={() => setFormat('text')} /> Text — time,
            direction, addresses and the message (like sngrep)
          </label>
          <label className="checkbox">
            <input type="radio" name="format" value="pcap" checked={format === 'pcap'} onChange={() => setFormat('pcap')} /> pcap — opens in
            Wireshark and tshark, decoded as SIP
          </label>
        </fieldset>
        <fieldset>
          <legend>Messages</legend>
          {choices.map((choice) => (
            <label key={choice.id} className="checkbox">
              <input
                type="radio"
                name="scope"
                value={choice.id}
                checked={choiceId === choice.id}
                disabled={!choice.scope}
                onChange={() => setChoiceId(choice.id)}
              />
              {choice.label}
            </label>
          ))}
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" checked={includeCredentials} onChange={(e) => setIncludeCredentials(e.target.checked)} /> Include
          credentials (Authorization and Proxy-Authorization headers unmasked)
        </label>
        {includeCredentials && (
          <p className="field-hint">
            The digest responses allow guessing your password offline: share such a file only with people you trust.
          </p>
        )}
        {error && (
          <p role="alert" className="error" data-testid="trace-export-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!scope || isBusy}>
            {isBusy ? 'Exporting…' : 'Export…'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
