import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import type { PresenceSummary } from '../../../shared/presence/presence-state';
import type { DialogInfoDocument, LineState } from '../../../shared/dialog-info/dialog-info';
import { assertNever } from '../../../shared/assert-never';
import type { DecodedBody, DecodedFormat } from '../../../shared/trace/decoded-body';
import { StatusDot } from '../components/StatusDot';
import { LINE_STATE_LABELS, LINE_STATE_LOOKS } from '../presence/line-state-view';
import { toneOfStatus } from '../presence/status-view';

/** The card's heading per format: what the app makes of such a body. */
const HEADINGS: Readonly<Record<DecodedFormat, string>> = {
  presence: 'What the buddy list shows',
  'dialog-info': 'Line state (dialog)',
};

/**
 * What the app makes of a body, beside its text in the message detail: the presence summary, the line state, …;
 * for a body the codec refuses, the codec's reason (the text beside it is then as received).
 */
export function DecodedBodyCard({ decoded }: { decoded: Exclude<DecodedBody, { kind: 'none' }> }) {
  const format = decoded.kind === 'unreadable' ? decoded.format : decoded.kind;
  return (
    <aside className="trace-decoded" aria-label={HEADINGS[format]} data-testid="trace-decoded" data-format={format}>
      <h4>{HEADINGS[format]}</h4>
      <DecodedContent decoded={decoded} />
    </aside>
  );
}

function DecodedContent({ decoded }: { decoded: Exclude<DecodedBody, { kind: 'none' }> }) {
  switch (decoded.kind) {
    case 'unreadable':
      return (
        <p className="error" data-testid="trace-decoded-problem">
          Not readable: {decoded.reason} The body is shown as received.
        </p>
      );
    case 'presence':
      return <PresenceCard summary={decoded.summary} />;
    case 'dialog-info':
      return <DialogInfoCard document={decoded.document} lineState={decoded.lineState} />;
    default:
      return assertNever(decoded);
  }
}

function PresenceCard({ summary }: { summary: PresenceSummary }) {
  return (
    <dl className="trace-decoded-list">
      <dt>Status</dt>
      <dd data-testid="trace-decoded-status">
        <StatusDot tone={toneOfStatus(summary.status)} /> {PRESENCE_STATUS_LABELS[summary.status]}
      </dd>
      <dt>Note</dt>
      <dd>{summary.note ?? <span className="muted">none</span>}</dd>
      <dt>Activities</dt>
      <dd>{summary.activities.length > 0 ? summary.activities.join(', ') : <span className="muted">none</span>}</dd>
      <dt>Devices</dt>
      <dd>
        {summary.devices.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="trace-decoded-items">
            {summary.devices.map((device) => (
              <li key={device.id}>
                <StatusDot tone={toneOfStatus(device.status)} /> <strong>{device.label ?? device.id}</strong>{' '}
                {PRESENCE_STATUS_LABELS[device.status]}
                {device.note ? ` — ${device.note}` : ''}
                {device.contact && <div className="muted cell-mono">{device.contact}</div>}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}

function DialogInfoCard({ document, lineState }: { document: DialogInfoDocument; lineState: LineState }) {
  return (
    <dl className="trace-decoded-list">
      <dt>Line</dt>
      <dd className="cell-mono">{document.entity}</dd>
      <dt>{document.state === 'full' ? 'Line state' : 'Shown by these'}</dt>
      <dd data-testid="trace-decoded-status">
        <StatusDot {...LINE_STATE_LOOKS[lineState]} /> {LINE_STATE_LABELS[lineState]}
      </dd>
      <dt>Document</dt>
      <dd>
        version {document.version}, {document.state === 'full' ? 'every dialog (full)' : 'only the dialogs that changed (partial)'}
      </dd>
      <dt>Dialogs</dt>
      <dd>
        {document.dialogs.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="trace-decoded-items">
            {document.dialogs.map((dialog) => (
              <li key={dialog.id}>
                <span className="cell-mono">{dialog.id}</span> {dialog.state}
              </li>
            ))}
          </ul>
        )}
      </dd>
    </dl>
  );
}
