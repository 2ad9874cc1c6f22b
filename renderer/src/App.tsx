import { useEffect, useRef } from 'react';
import { BuddyDialog } from './components/BuddyDialog';
import { BuddyList } from './components/BuddyList';
import { AboutPresently } from './components/AboutPresently';
import { AccountStatusLine } from './components/AccountStatusLine';
import { DemoBanner } from './components/DemoBanner';
import { MainTabs } from './components/MainTabs';
import { NoticeArea } from './components/NoticeArea';
import { SelfStatusButton } from './components/SelfStatusButton';
import { SettingsDialog } from './components/SettingsDialog';
import { StatusPicker } from './components/StatusPicker';
import { VoicemailIndicator } from './components/VoicemailIndicator';
import { useAppStore } from './stores/app-store';
import { useUiStore } from './stores/ui-store';
import { TraceTabs } from './trace/TraceTabs';
import { WatcherPrompts } from './watchers/WatcherPrompts';
import { WhoCanSeeYou } from './watchers/WhoCanSeeYou';

/**
 * The window: the app's name, our status, our voicemail (when the server reports a mailbox), the settings and About in
 * the header, the connection status line, the
 * demo's one-line banner (on the buddy list only), notices, prompts for people asking to see our presence, then tabs —
 * the buddy list, who can see you, and the SIP trace.
 * Keyboard: `/` searches buddies, Ctrl+, (⌘, on macOS) opens the settings.
 */
export function App() {
  const connection = useAppStore((s) => s.mainLink);
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
        <h1 className="app-title">Presently</h1>
        <SelfStatusButton />
        <VoicemailIndicator />
        <div className="header-spacer" />
        <button
          type="button"
          className="settings-button"
          aria-label="Settings"
          title="Settings (Ctrl+,)"
          onClick={() => dialogOpened({ kind: 'settings' })}
        >
          <span aria-hidden="true">⚙</span> Settings
        </button>
        <AboutPresently />
      </header>
      <AccountStatusLine />
      {connection.state === 'failed' && (
        <p role="alert" className="error handshake-error" data-testid="handshake-error">
          Could not reach the Presently core: {connection.reason}
        </p>
      )}
      {tab === 'buddies' && <DemoBanner />}
      <NoticeArea />
      <WatcherPrompts />
      <main className="app-main">
        <MainTabs panels={{ buddies: <BuddyList searchRef={searchRef} />, watchers: <WhoCanSeeYou />, trace: <TraceTabs /> }} />
      </main>

      {dialog?.kind === 'status' && <StatusPicker />}
      {dialog?.kind === 'settings' && <SettingsDialog />}
      {dialog?.kind === 'buddy' && <BuddyDialog editing={dialog.editing} />}
    </div>
  );
}
