import { useTraceStore } from '../stores/trace-store';

/**
 * The trace tab's place in the window. The trace pane proper (virtualised list, filters, ladder,
 * export) is built on useTraceStore; until then this shows what has been recorded.
 */
export function TracePanel() {
  const count = useTraceStore((s) => s.entries.length);
  const lastSeq = useTraceStore((s) => s.lastSeq);
  const last = useTraceStore((s) => s.entries[s.entries.length - 1]);
  const firstLine = last?.raw.slice(0, last.raw.indexOf('\r\n') >= 0 ? last.raw.indexOf('\r\n') : undefined);

  return (
    <section className="trace-panel" aria-label="SIP trace" data-testid="trace-panel">
      <p>
        <strong>{lastSeq}</strong> SIP messages recorded since Presently started ({count} kept).
      </p>
      {last && (
        <p className="muted">
          Latest: {last.direction === 'out' ? 'sent' : 'received'} {firstLine} ({last.transport.toUpperCase()}{' '}
          {last.remote.address}:{last.remote.port})
        </p>
      )}
    </section>
  );
}
