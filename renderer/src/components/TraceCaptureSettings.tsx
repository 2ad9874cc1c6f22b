import { useEffect, useState } from 'react';
import type { AppPreferences } from '../../../shared/ipc/contract';
import {
  CAPTURE_FILE_COUNT,
  CAPTURE_FILE_MEGABYTES,
  DEFAULT_HEP_MIRROR,
  DEFAULT_LIVE_CAPTURE,
  MAX_CAPTURE_ID,
  checkHepMirror,
  checkLiveCapture,
  type HepMirrorField,
  type HepMirrorSettings,
  type LiveCaptureField,
  type LiveCaptureSettings,
  type TraceCaptureStatus,
} from '../../../shared/trace/live-capture-settings';
import { usePreferencesStore } from '../stores/preferences-store';
import { FormField } from './FormField';

/** How often the status line is refreshed while the dialog is open. */
const STATUS_POLL_MS = 1_000;

/** The section's own state: numbers as typed text. */
interface Draft {
  captureEnabled: boolean;
  format: LiveCaptureSettings['format'];
  maxFileMegabytes: string;
  maxFiles: string;
  hepEnabled: boolean;
  hepTransport: HepMirrorSettings['transport'];
  collector: string;
  captureId: string;
  authKey: string;
}

function draftOf(preferences: AppPreferences): Draft {
  const capture = preferences.liveCapture ?? DEFAULT_LIVE_CAPTURE;
  const hep = preferences.hepMirror ?? DEFAULT_HEP_MIRROR;
  return {
    captureEnabled: capture.enabled,
    format: capture.format,
    maxFileMegabytes: String(capture.maxFileMegabytes),
    maxFiles: String(capture.maxFiles),
    hepEnabled: hep.enabled,
    hepTransport: hep.transport,
    collector: hep.collector,
    captureId: String(hep.captureId),
    authKey: hep.authKey,
  };
}

/** A typed whole number, NaN for anything else (the checks then say what is wrong). */
const wholeNumber = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);

/** The status line of both outputs, in the words the user needs. */
function describeStatus(status: TraceCaptureStatus): string[] {
  const { file, hep } = status;
  const lines: string[] = [];
  if (file.state === 'writing') {
    lines.push(`Writing to ${file.file ?? 'the captures folder'}: ${file.written} messages, ${file.dropped} dropped.`);
  } else if (file.state === 'failing') {
    lines.push(`The capture cannot be written (${file.problem ?? 'unknown error'}): ${file.dropped} messages dropped.`);
  }
  if (hep.state === 'connecting') lines.push(`Connecting to the HEP collector ${hep.collector ?? ''}…`);
  else if (hep.state === 'sending')
    lines.push(`Sending to the HEP collector ${hep.collector ?? ''}: ${hep.sent} messages, ${hep.dropped} dropped.`);
  else if (hep.state === 'unreachable')
    lines.push(`HEP collector unreachable (${hep.problem ?? hep.collector ?? ''}): ${hep.dropped} messages dropped.`);
  return lines;
}

/**
 * The settings dialog's Trace section: the live capture to files in the data folder's `captures/`
 * (format, rotation) and the mirror to a HEP v3 collector (transport, host:port, capture ID, auth key).
 * Checked here as main checks them again; "Apply" saves both with the other preferences untouched.
 * The status line below is asked for once a second while the dialog is open.
 */
export function TraceCaptureSettings() {
  const preferences = usePreferencesStore((s) => s.preferences);
  const { preferencesChangeRequested, traceCaptureStatusRequested } = usePreferencesStore((s) => s.actions);
  const [draft, setDraft] = useState<Draft>(() => draftOf(preferences));
  const [errors, setErrors] = useState<Partial<Record<LiveCaptureField | HepMirrorField, string>>>({});
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const [status, setStatus] = useState<TraceCaptureStatus | null>(null);

  useEffect(() => {
    let isCurrent = true;
    const refresh = () => void traceCaptureStatusRequested().then((next) => isCurrent && setStatus(next));
    refresh();
    const timer = setInterval(refresh, STATUS_POLL_MS);
    return () => {
      isCurrent = false;
      clearInterval(timer);
    };
  }, [traceCaptureStatusRequested]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors({});
    setOutcome(null);
  };

  const apply = async () => {
    const liveCapture: LiveCaptureSettings = {
      enabled: draft.captureEnabled,
      format: draft.format,
      maxFileMegabytes: wholeNumber(draft.maxFileMegabytes),
      maxFiles: wholeNumber(draft.maxFiles),
    };
    const hepMirror: HepMirrorSettings = {
      enabled: draft.hepEnabled,
      transport: draft.hepTransport,
      collector: draft.collector.trim(),
      captureId: wholeNumber(draft.captureId),
      authKey: draft.authKey,
    };
    // A mirror switched off may lack its collector, but its other fields must still be ones the settings file takes.
    const found = { ...checkLiveCapture(liveCapture), ...checkHepMirror({ ...hepMirror, enabled: true }) };
    if (!hepMirror.enabled) delete found.collector;
    if (Object.keys(found).length > 0) {
      setErrors(found);
      return;
    }
    const result = await preferencesChangeRequested({ liveCapture, hepMirror });
    setOutcome(result.ok ? { ok: true, message: 'Trace settings applied.' } : { ok: false, message: result.message });
  };

  const statusLines = status ? describeStatus(status) : [];
  return (
    <fieldset
      data-testid="trace-capture-settings"
      onKeyDown={(e) => {
        // Enter in these fields applies them; it must not submit (and reconnect) the account form around them.
        if (e.key === 'Enter' && e.target instanceof HTMLInputElement) {
          e.preventDefault();
          void apply();
        }
      }}
    >
      <legend>Trace</legend>
      <label className="checkbox">
        <input
          id="trace-capture-enabled"
          type="checkbox"
          checked={draft.captureEnabled}
          onChange={(e) => set('captureEnabled', e.target.checked)}
        />
        Capture every SIP message to files as it happens
      </label>
      <div className="field-grid three">
        <FormField id="trace-capture-format" label="Format">
          {(c) => (
            <select {...c} value={draft.format} onChange={(e) => set('format', e.target.value as Draft['format'])}>
              <option value="pcapng">pcapng (Wireshark, tshark)</option>
              <option value="text">Text</option>
            </select>
          )}
        </FormField>
        <FormField id="trace-capture-file-size" label="File size (MB)" error={errors.maxFileMegabytes}>
          {(c) => (
            <input
              {...c}
              type="number"
              inputMode="numeric"
              min={CAPTURE_FILE_MEGABYTES.min}
              max={CAPTURE_FILE_MEGABYTES.max}
              value={draft.maxFileMegabytes}
              onChange={(e) => set('maxFileMegabytes', e.target.value)}
            />
          )}
        </FormField>
        <FormField id="trace-capture-file-count" label="Files kept" error={errors.maxFiles}>
          {(c) => (
            <input
              {...c}
              type="number"
              inputMode="numeric"
              min={CAPTURE_FILE_COUNT.min}
              max={CAPTURE_FILE_COUNT.max}
              value={draft.maxFiles}
              onChange={(e) => set('maxFiles', e.target.value)}
            />
          )}
        </FormField>
      </div>
      <p className="field-hint">
        Written to the captures folder in Presently&apos;s data folder, credentials masked. Each start begins a new file.
      </p>

      <label className="checkbox">
        <input id="trace-hep-enabled" type="checkbox" checked={draft.hepEnabled} onChange={(e) => set('hepEnabled', e.target.checked)} />
        Mirror every SIP message to a HEP collector (Homer, sngrep)
      </label>
      <div className="field-grid">
        <FormField id="trace-hep-collector" label="Collector" hint="host:port, like homer.example.com:9060" error={errors.collector}>
          {(c) => (
            <input {...c} type="text" spellCheck={false} value={draft.collector} onChange={(e) => set('collector', e.target.value)} />
          )}
        </FormField>
        <FormField id="trace-hep-transport" label="Send over">
          {(c) => (
            <select {...c} value={draft.hepTransport} onChange={(e) => set('hepTransport', e.target.value as Draft['hepTransport'])}>
              <option value="udp">UDP</option>
              <option value="tcp">TCP</option>
            </select>
          )}
        </FormField>
        <FormField id="trace-hep-capture-id" label="Capture ID" hint={`0 to ${MAX_CAPTURE_ID}`} error={errors.captureId}>
          {(c) => (
            <input {...c} type="text" inputMode="numeric" value={draft.captureId} onChange={(e) => set('captureId', e.target.value)} />
          )}
        </FormField>
        <FormField id="trace-hep-auth-key" label="Auth key" hint="Optional; sent unencrypted, like all of HEP." error={errors.authKey}>
          {(c) => (
            <input {...c} type="password" autoComplete="off" value={draft.authKey} onChange={(e) => set('authKey', e.target.value)} />
          )}
        </FormField>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={() => void apply()}>
          Apply trace settings
        </button>
      </div>
      {outcome && (
        <p role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'ok' : 'error'} data-testid="trace-capture-outcome">
          {outcome.message}
        </p>
      )}
      <p role="status" className="field-hint" data-testid="trace-capture-status">
        {statusLines.length > 0 ? statusLines.join(' ') : 'Not capturing and not mirroring.'}
      </p>
    </fieldset>
  );
}
