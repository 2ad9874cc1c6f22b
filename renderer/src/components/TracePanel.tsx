import { TracePane } from '../trace/TracePane';

/** The trace tab's place in the window: the SIP trace pane (renderer/src/trace/). */
export function TracePanel() {
  return (
    <section className="trace-panel" aria-label="SIP trace" data-testid="trace-panel">
      <TracePane />
    </section>
  );
}
