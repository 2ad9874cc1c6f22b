/**
 * Feeds main-process events into the stores and performs the ready handshake. This is the only module
 * that subscribes to `window.presence` events; components read stores.
 */
import type { PresenceApi } from '../../shared/ipc/contract';
import { useAppStore } from './stores/app-store';

/** Attaches every listener, then tells main the renderer is ready. Returns a function that detaches. */
export function startBridge(api: PresenceApi): () => void {
  const { actions } = useAppStore.getState();
  const unsubscribers = [api.onNotice((notice) => actions.noticeReceived(notice))];

  api.rendererReady().then(
    (snapshot) => actions.handshakeCompleted(snapshot),
    (error: unknown) => actions.handshakeFailed(error instanceof Error ? error.message : String(error)),
  );

  return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
}
