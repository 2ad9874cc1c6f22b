import { useAppInfo, useAppStore } from '../stores/app-store';

/**
 * The app's version and the developer details (which core the window talks to, Node and Electron versions,
 * platform), behind an "About" disclosure in the header so they do not take room from the buddy list.
 */
export function AboutPresently() {
  const connection = useAppStore((s) => s.mainLink);
  const info = useAppInfo();

  return (
    <details className="about" data-testid="about">
      <summary>About</summary>
      <div className="about-panel">
        <p className="about-name">{info ? `${info.name} ${info.version}` : 'Presently'}</p>
        {connection.state === 'connecting' && <p role="status">Connecting to the Presently core…</p>}
        {connection.state === 'ready' && (
          <p data-testid="handshake-status">Connected to the Presently core ({connection.snapshot.info.runtime}).</p>
        )}
        {info && (
          <p data-testid="app-version">
            {info.name} {info.version} · Node {info.versions.node}
            {info.versions.electron ? ` · Electron ${info.versions.electron}` : ''} · {info.platform}
          </p>
        )}
      </div>
    </details>
  );
}
