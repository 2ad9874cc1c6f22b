import { useEffect, useRef } from 'react';
import { BuddyDialog } from './components/BuddyDialog';
import { BuddyList } from './components/BuddyList';
import { AccountStatusLine } from './components/AccountStatusLine';
import { DemoBanner } from './components/DemoBanner';
import { MainTabs } from './components/MainTabs';
import { NoticeArea } from './components/NoticeArea';
import { SelfStatusButton } from './components/SelfStatusButton';
import { SettingsDialog } from './components/SettingsDialog';
import { StatusPicker } from './components/StatusPicker';
import { useAppInfo, useAppStore } from './stores/app-store';
import { useUiStore } from './stores/ui-store';
import { TracePane } from './trace/TracePane';

/**
 * The window: our status and the settings button in the header, the connection status line, the demo
 * banner, notices, then tabs — the buddy list and the SIP trace — and a footer with the version.
 * Keyboard: `/` searches buddies, Ctrl+, (⌘, on macOS) opens the settings.
 */
export function App() {
  const connection = useAppStore((s) => s.mainLink);
  const info = useAppInfo();
  const dialog = useUiStore((s) => s.dialog);
  const tab = useUiStore((s) => s.tab);
  const { dialogOpened } = useUiStore((s) => s.actions);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      const isTyping = target?.closest('input, textarea, select, [contenteditable="true"]') !== null;
      if (event.key === ',' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        dialogOpened({ kind: 'settings' });
      } else if (event.key === '/' && !isTyping && tab === 'buddies' && dialog === null) {
        event.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [dialogOpened, tab, dialog]);

  return (
    <div className="app">
      <header className="app-header">
        <SelfStatusButton />
        <div className="header-spacer" />
        <h1 className="app-title">Presently</h1>
        <button
          type="button"
          className="settings-button"
          aria-label="Settings"
          title="Settings (Ctrl+,)"
          onClick={() => dialogOpened({ kind: 'settings' })}
        >
          <span aria-hidden="true">⚙</span> Settings
        </button>
      </header>
      <AccountStatusLine />
      {connection.state === 'failed' && (
        <p role="alert" className="error handshake-error" data-testid="handshake-error">
          Could not reach the Presently core: {connection.reason}
        </p>
      )}
      <DemoBanner />
      <NoticeArea />
      <main className="app-main">
        <MainTabs panels={{ buddies: <BuddyList searchRef={searchRef} />, trace: <TracePane /> }} />
      </main>
      <footer className="app-footer" data-testid="app-footer">
        {connection.state === 'connecting' && <span role="status">Connecting to the Presently core…</span>}
        {connection.state === 'ready' && (
          <span data-testid="handshake-status">Connected to the Presently core ({connection.snapshot.info.runtime}).</span>
        )}
        {info ? (
          <span data-testid="app-version">
            {info.name} {info.version} · Node {info.versions.node}
            {info.versions.electron ? ` · Electron ${info.versions.electron}` : ''} · {info.platform}
          </span>
        ) : (
          <span>…</span>
        )}
      </footer>

      {dialog?.kind === 'status' && <StatusPicker />}
      {dialog?.kind === 'settings' && <SettingsDialog />}
      {dialog?.kind === 'buddy' && <BuddyDialog editing={dialog.editing} />}
    </div>
  );
}
