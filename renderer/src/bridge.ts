/**
 * Feeds main-process events into the stores and performs the ready handshake. This is the only module
 * that subscribes to `window.presence` events; components read stores.
 *
 * Order matters: every listener is attached before `rendererReady()`, main answers with a snapshot and
 * only then sends events, so each store first takes the snapshot and then applies newer changes.
 */
import type { PresenceApi } from '../../shared/ipc/contract';
import { errorMessage } from '../../shared/error-message';
import { deliverPageAlert } from './presence/page-notifications';
import { useAppStore } from './stores/app-store';
import { useBuddyStore } from './stores/buddy-store';
import { usePreferencesStore } from './stores/preferences-store';
import { useSelfStore } from './stores/self-store';
import { useSessionStore } from './stores/session-store';
import { useTraceStore } from './stores/trace-store';
import { useUiStore } from './stores/ui-store';
import { useVoicemailStore } from './stores/voicemail-store';
import { useWatcherStore } from './stores/watcher-store';
import { useCaptureStore } from './trace/capture-store';

/** Attaches every listener, then tells main the renderer is ready. Returns a function that detaches. */
export function startBridge(api: PresenceApi): () => void {
  const app = useAppStore.getState().actions;
  const session = useSessionStore.getState().actions;
  const self = useSelfStore.getState().actions;
  const buddies = useBuddyStore.getState().actions;
  const trace = useTraceStore.getState().actions;
  const preferences = usePreferencesStore.getState().actions;
  const ui = useUiStore.getState().actions;
  const capture = useCaptureStore.getState().actions;
  const watchers = useWatcherStore.getState().actions;
  const voicemail = useVoicemailStore.getState().actions;

  const unsubscribers = [
    api.onNotice((notice) => app.noticeReceived(notice)),
    api.onSessionChanged((info) => session.sessionChanged(info)),
    api.onAccountStateChanged((connection) => session.accountStateChanged(connection)),
    api.onSelfPresenceChanged((presence) => self.selfPresenceChanged(presence)),
    api.onBuddiesChanged((list) => buddies.buddiesChanged(list)),
    api.onBuddyPresenceBatch((batch) => buddies.buddyPresenceBatchReceived(batch)),
    api.onTraceBatch((batch) => trace.traceBatchReceived(batch)),
    api.onPreferencesChanged((changed) => preferences.preferencesChanged(changed)),
    api.onFocusRequested((target) => ui.focusRequested(target)),
    api.onPageAlert((alert) => deliverPageAlert(alert, { showInWindow: app.pageAlertReceived, focus: ui.focusRequested })),
    api.onCaptureProgress((progress) => capture.progressed(progress)),
    api.onCaptureFinished((finished) => capture.finished(finished)),
    api.onWatchersChanged((changed) => watchers.watchersChanged(changed)),
    api.onVoicemailChanged((changed) => voicemail.voicemailChanged(changed)),
    api.onBuddyFeedChanged((feed) => buddies.buddyFeedChanged(feed)),
  ];

  api.rendererReady().then(
    (snapshot) => {
      session.snapshotReceived(snapshot);
      self.snapshotReceived(snapshot);
      buddies.snapshotReceived(snapshot);
      trace.snapshotReceived(snapshot);
      preferences.snapshotReceived(snapshot);
      watchers.snapshotReceived(snapshot);
      voicemail.snapshotReceived(snapshot);
      app.handshakeCompleted(snapshot);
    },
    (error: unknown) => app.handshakeFailed(errorMessage(error)),
  );

  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
