import { useMemo, useState } from 'react';
import { errorMessage } from '../../../shared/error-message';
import { decodeBody, layOutBody } from '../../../shared/trace/decoded-body';
import { splitSipMessage } from '../../../shared/sip/header-section';
import { formatDateTimeMicros, formatEndpoint } from '../../../shared/trace/trace-format';
import type { TraceRecord } from '../../../shared/trace/trace-summary';
import { copyText } from './copy-text';
import { DecodedBodyCard } from './DecodedBodyCard';
import { TraceChanges } from './TraceChanges';
import { sizeText, toneClass } from './trace-columns';
import { useTraceViewStore } from './trace-view-store';

/**
 * One message in full: a heading (direction, transport, addresses, time, size), the raw message with
 * header names highlighted, the body pretty-printed (or as received), and beside it what the app makes of the
 * body (DecodedBodyCard: presence, line state, …; a body its codec refuses is shown as received, with the reason); for a NOTIFY or PUBLISH, what changed since the previous one of
 * its subscription or publication (TraceChanges). Long lines wrap unless the user turns that off. Copy puts the message on the clipboard exactly as on the wire.
 */
export function TraceDetail({ record }: { record: TraceRecord }) {
  const { entry, summary } = record;
  const { ladderOpened, filterChanged } = useTraceViewStore((s) => s.actions);
  const [isBodyRaw, setBodyRaw] = useState(false);
  const [isWrapped, setWrapped] = useState(true);
  const [copyState, setCopyState] = useState<{ seq: number; text: string } | null>(null);
  const parts = useMemo(() => splitSipMessage(entry.raw), [entry.raw]);
  const decoded = useMemo(() => decodeBody(parts.body, summary.contentType), [parts.body, summary.contentType]);
  // A body its codec refuses is laid out exactly as received, beside the reason.
  const pretty = useMemo(() => layOutBody(parts.body, summary.contentType, decoded), [parts.body, summary.contentType, decoded]);

  const copy = () => {
    copyText(entry.raw).then(
      () => setCopyState({ seq: entry.seq, text: 'Copied.' }),
      (error: unknown) => setCopyState({ seq: entry.seq, text: `Could not copy: ${errorMessage(error)}` }),
    );
  };

  return (
    <article className="trace-detail" aria-label={`Message ${entry.seq}`} data-testid="trace-detail">
      <header className="trace-detail-head">
        <h3 className={toneClass(summary)}>
          {summary.kind === 'request' ? `${summary.method} ${summary.requestUri}` : summary.label || summary.kind}
        </h3>
        <p className="muted">
          #{entry.seq} · {entry.direction === 'out' ? 'sent to' : 'received from'} {formatEndpoint(entry.remote)} via{' '}
          {entry.transport.toUpperCase()} (local {formatEndpoint(entry.local)}) · {formatDateTimeMicros(entry.at)} ·{' '}
          {sizeText(summary.size)}
        </p>
        <div className="trace-detail-actions">
          <button type="button" onClick={copy} data-testid="trace-copy">
            Copy message
          </button>
          {summary.callId && (
            <>
              <button type="button" onClick={() => ladderOpened(null, entry.seq)}>
                Ladder
              </button>
              <button type="button" onClick={() => filterChanged({ address: summary.callId })} title="Show only this Call-ID">
                Filter this Call-ID
              </button>
            </>
          )}
          {copyState?.seq === entry.seq && (
            <span role="status" className="muted">
              {copyState.text}
            </span>
          )}
        </div>
      </header>
      <TraceChanges record={record} />
      <div className={`trace-detail-body ${decoded.kind === 'none' ? '' : 'has-side'}`}>
        <pre className={`trace-raw ${isWrapped ? '' : 'is-unwrapped'}`} data-testid="trace-raw" tabIndex={0} aria-label="Message text">
          <span className="raw-start">{parts.startLine}</span>
          {'\n'}
          {parts.headers.map((header, i) => (
            <span key={i} className="raw-header">
              <span className="raw-name">{header.name}</span>: {header.value}
              {'\n'}
            </span>
          ))}
          {parts.body !== '' && (
            <>
              {'\n'}
              <span className={`raw-body lang-${pretty.language}`}>{isBodyRaw ? parts.body : pretty.text}</span>
            </>
          )}
        </pre>
        {decoded.kind !== 'none' && <DecodedBodyCard decoded={decoded} />}
      </div>
      <div className="trace-detail-toggles">
        <label className="checkbox">
          <input type="checkbox" checked={isWrapped} onChange={(e) => setWrapped(e.target.checked)} data-testid="trace-wrap" /> Wrap long
          lines
        </label>
        {pretty.isReformatted && (
          <label className="checkbox">
            <input type="checkbox" checked={isBodyRaw} onChange={(e) => setBodyRaw(e.target.checked)} /> Show the body as received
          </label>
        )}
      </div>
    </article>
  );
}
