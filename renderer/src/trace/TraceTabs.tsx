import { useState, type DragEvent, type FormEvent } from 'react';
import { useAppInfo } from '../stores/app-store';
import { sizeText } from './trace-columns';
import { TracePane } from './TracePane';
import { useCaptureStore, type CaptureView } from './capture-store';
import { TraceSourceContext } from './trace-view-store';

/**
 * The trace tab: the live trace, and once a capture file is opened (File → Open capture…, "Open
 * capture…" here, or a file dropped on the tab) a second view "capture: name" beside it — the same
 * TracePane under the capture's source, with the file's progress, Cancel, and where a damaged file
 * stopped being readable. The web mode has no file dialog: it asks for the file's path instead.
 */
export function TraceTabs() {
  const capture = useCaptureStore((s) => s.capture);
  const openError = useCaptureStore((s) => s.openError);
  const isCaptureShown = useCaptureStore((s) => s.isCaptureShown);
  const { fileDropped, openRequested, closed, captureShown } = useCaptureStore((s) => s.actions);
  const isWeb = useAppInfo()?.runtime === 'web';
  const [isDropTarget, setDropTarget] = useState(false);
  const [pathText, setPathText] = useState<string | null>(null);
  const view = capture && isCaptureShown ? 'capture' : 'live';

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDropTarget(false);
    const file = event.dataTransfer.files[0];
    if (file) void fileDropped(file);
  };
  const onOpen = () => {
    if (isWeb) return setPathText(pathText ?? '');
    void openRequested({ kind: 'path', path: null });
  };
  const onPathSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!pathText?.trim()) return;
    setPathText(null);
    void openRequested({ kind: 'path', path: pathText.trim() });
  };

  return (
    <div
      className={`trace-tabs ${isDropTarget ? 'is-drop-target' : ''}`}
      data-testid="trace-tabs"
      onDragOver={(event) => {
        if (!event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setDropTarget(true);
      }}
      onDragLeave={() => setDropTarget(false)}
      onDrop={onDrop}
    >
      <div className="trace-source-bar">
        <div role="tablist" aria-label="Trace source">
          <button type="button" role="tab" aria-selected={view === 'live'} onClick={() => captureShown(false)}>
            Live trace
          </button>
          {capture && (
            <button
              type="button"
              role="tab"
              aria-selected={view === 'capture'}
              onClick={() => captureShown(true)}
              data-testid="capture-tab"
            >
              capture: {capture.name}
            </button>
          )}
        </div>
        <span className="header-spacer" />
        {capture && (
          <button type="button" className="icon-button small" aria-label={`Close capture ${capture.name}`} onClick={closed}>
            ×
          </button>
        )}
        <button type="button" onClick={onOpen} data-testid="capture-open">
          Open capture…
        </button>
      </div>
      {pathText !== null && (
        <form className="capture-path" onSubmit={onPathSubmit}>
          <label>
            Capture file (full path)
            <input value={pathText} onChange={(event) => setPathText(event.target.value)} autoFocus data-testid="capture-path" />
          </label>
          <button type="submit">Open</button>
          <button type="button" onClick={() => setPathText(null)}>
            Cancel
          </button>
        </form>
      )}
      {openError && (
        <p role="alert" className="error" data-testid="capture-error">
          {openError}
        </p>
      )}
      {view === 'capture' && capture ? (
        <TraceSourceContext.Provider value={capture.source}>
          <CaptureStatusLine capture={capture} />
          <TracePane key={capture.id} />
        </TraceSourceContext.Provider>
      ) : (
        <TracePane />
      )}
    </div>
  );
}

/** Loading progress with Cancel, or how loading ended. */
function CaptureStatusLine({ capture }: { capture: CaptureView }) {
  const { cancelRequested } = useCaptureStore((s) => s.actions);
  const share = capture.totalBytes > 0 ? Math.min(1, capture.bytesRead / capture.totalBytes) : 1;
  return (
    <div className="capture-status" data-testid="capture-status">
      {capture.status === 'loading' ? (
        <>
          <progress max={1} value={share} aria-label={`Loading ${capture.name}`} />
          <span>
            {sizeText(capture.bytesRead)} of {sizeText(capture.totalBytes)}
          </span>
          <button type="button" onClick={cancelRequested} data-testid="capture-cancel">
            Cancel
          </button>
        </>
      ) : (
        <span data-testid="capture-outcome">
          {capture.status === 'complete' && `Read all of ${capture.name} (${sizeText(capture.totalBytes)}).`}
          {capture.status === 'cancelled' && `Loading cancelled after ${sizeText(capture.bytesRead)}: showing what was read.`}
          {(capture.status === 'damaged' || capture.status === 'failed') && (
            <span role="alert" className="error" data-testid="capture-problem">
              {capture.status === 'damaged' ? 'Showing what could be read: ' : ''}
              {capture.problem}
            </span>
          )}
        </span>
      )}
    </div>
  );
}
