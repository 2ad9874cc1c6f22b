import { useAppInfo, useAppStore } from './stores/app-store';
import { NoticeArea } from './components/NoticeArea';

/** The window's layout. */
export function App() {
  const connection = useAppStore((s) => s.connection);
  const info = useAppInfo();

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Presently</h1>
      </header>
      <main className="app-main">
        {connection.state === 'connecting' && <p role="status">Connecting to the Presently core…</p>}
        {connection.state === 'failed' && (
          <p role="alert" className="error" data-testid="handshake-error">
            Could not reach the Presently core: {connection.reason}
          </p>
        )}
        {connection.state === 'ready' && (
          <p role="status" data-testid="handshake-status">
            Connected to the Presently core ({connection.snapshot.info.runtime}).
          </p>
        )}
      </main>
      <NoticeArea />
      <footer className="app-footer" data-testid="app-footer">
        {info ? (
          <span data-testid="app-version">
            {info.name} {info.version} · Node {info.versions.node}
            {info.versions.electron ? ` · Electron ${info.versions.electron}` : ''} · {info.platform}
          </span>
        ) : (
          <span>…</span>
        )}
      </footer>
    </div>
  );
}
