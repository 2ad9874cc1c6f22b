import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import type { PresenceSummary } from '../../../shared/presence/presence-state';
import type { DialogInfoDocument, LineState } from '../../../shared/dialog-info/dialog-info';
import { assertNever } from '../../../shared/assert-never';
import type { MessageSummary } from '../../../shared/message-summary';
import type { RlmiDocument } from '../../../shared/resource-lists';
import type { DecodedBody, DecodedFormat, DecodedPart } from '../../../shared/trace/decoded-body';
import { messageClassLabel } from '../presence/voicemail-view';
import { StatusDot } from '../components/StatusDot';
import { LINE_STATE_LABELS, LINE_STATE_LOOKS } from '../presence/line-state-view';
import { toneOfStatus } from '../presence/status-view';

/** The card's heading per format: what the app makes of such a body. */
const HEADINGS: Readonly<Record<DecodedFormat, string>> = {
  presence: 'What the buddy list shows',
  'dialog-info': 'Line state (dialog)',
  'message-summary': 'Voicemail (message summary)',
  rlmi: 'Resource list (RLMI)',
  multipart: 'Parts (multipart/related)',
};

/** A list NOTIFY of a large list has thousands of parts or resources; the card lists this many and counts the rest. */
const MAX_LISTED = 100;

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
    case 'message-summary':
      return <MessageSummaryCard summary={decoded.summary} />;
    case 'rlmi':
      return <RlmiCard document={decoded.document} />;
    case 'multipart':
      return <MultipartCard parts={decoded.parts} problems={decoded.problems} />;
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

function MessageSummaryCard({ summary }: { summary: MessageSummary }) {
  return (
    <dl className="trace-decoded-list">
      <dt>Messages waiting</dt>
      <dd data-testid="trace-decoded-status">{summary.isWaiting ? 'yes' : 'no'}</dd>
      {summary.account !== undefined && (
        <>
          <dt>Mailbox</dt>
          <dd className="cell-mono">{summary.account}</dd>
        </>
      )}
      {summary.counts.map((counts) => (
        <div key={counts.messageClass} className="trace-decoded-row">
          <dt>{messageClassLabel(counts.messageClass)}</dt>
          <dd>
            {counts.newMessages} new, {counts.oldMessages} old
            {counts.newUrgentMessages !== undefined && ` (urgent: ${counts.newUrgentMessages} new, ${counts.oldUrgentMessages ?? 0} old)`}
          </dd>
        </div>
      ))}
      {summary.messageHeaders.length > 0 && (
        <>
          <dt>Message headers</dt>
          <dd>{summary.messageHeaders.length}</dd>
        </>
      )}
    </dl>
  );
}

function RlmiCard({ document }: { document: RlmiDocument }) {
  const listed = document.resources.slice(0, MAX_LISTED);
  return (
    <dl className="trace-decoded-list">
      <dt>List</dt>
      <dd className="cell-mono">{document.uri}</dd>
      <dt>Document</dt>
      <dd data-testid="trace-decoded-status">
        version {document.version}, {document.isFullState ? 'every member (full state)' : 'only the members that changed (partial)'}
      </dd>
      <dt>Members</dt>
      <dd>
        {document.resources.length === 0 ? (
          <span className="muted">none</span>
        ) : (
          <ul className="trace-decoded-items" data-testid="trace-rlmi-resources">
            {listed.map((resource) => (
              <li key={resource.uri}>
                <span className="cell-mono">{resource.uri}</span>
                {resource.names[0] && ` (${resource.names[0].text})`}
                {resource.instances.map((instance) => (
                  <span key={instance.id} className="muted">
                    {' '}
                    · {instance.state}
                    {instance.reason ? ` (${instance.reason})` : ''}
                    {instance.cid ? '' : ', no state part'}
                  </span>
                ))}
              </li>
            ))}
            {document.resources.length > listed.length && <li className="muted">and {document.resources.length - listed.length} more</li>}
          </ul>
        )}
      </dd>
    </dl>
  );
}

function MultipartCard({ parts, problems }: { parts: readonly DecodedPart[]; problems: readonly string[] }) {
  const listed = parts.slice(0, MAX_LISTED);
  return (
    <>
      <ol className="trace-decoded-parts" data-testid="trace-decoded-parts">
        {listed.map((part, i) => (
          <li key={i} className="trace-decoded-part" data-testid="trace-decoded-part" data-content-id={part.contentId ?? ''}>
            <p className="trace-decoded-part-head">
              <strong>Part {i + 1}</strong>
              {part.isRoot && ' (root)'} ·{' '}
              <span className="cell-mono">{part.contentId === null ? 'no Content-ID' : `<${part.contentId}>`}</span> · {part.contentType}
              {part.resource !== null && (
                <>
                  {' '}
                  · for <span className="cell-mono">{part.resource}</span>
                </>
              )}
            </p>
            {part.decoded.kind === 'none' ? (
              <p className="muted">Not a format Presently reads.</p>
            ) : (
              <DecodedContent decoded={part.decoded} />
            )}
          </li>
        ))}
      </ol>
      {parts.length > listed.length && <p className="muted">and {parts.length - listed.length} more parts</p>}
      {problems.map((problem, i) => (
        <p key={i} className="error">
          Left out: {problem}
        </p>
      ))}
    </>
  );
}
