/**
 * App-level state: who we are (name, version, runtime), whether the handshake with the main process
 * succeeded, the user notices main has sent, and the buddy alerts shown in the window (web mode without
 * notification permission). Actions are named after the events that cause them.
 */
import { create } from 'zustand';
import type { AppSnapshot, Notice, PageAlert } from '../../../shared/ipc/contract';

/** Progress of the ready handshake with the main process. */
export type MainProcessLink =
  | { readonly state: 'connecting' }
  | { readonly state: 'ready'; readonly snapshot: AppSnapshot }
  | { readonly state: 'failed'; readonly reason: string };

/** Notices kept for display; older ones are dropped. */
const MAX_NOTICES = 50;

interface AppState {
  readonly mainLink: MainProcessLink;
  readonly notices: readonly Notice[];
  readonly pageAlerts: readonly PageAlert[];
  readonly actions: {
    handshakeCompleted(snapshot: AppSnapshot): void;
    handshakeFailed(reason: string): void;
    noticeReceived(notice: Notice): void;
    noticeDismissed(notice: Notice): void;
    /** A buddy alert the browser may not show as a notification, so the window does. */
    pageAlertReceived(alert: PageAlert): void;
    pageAlertDismissed(alert: PageAlert): void;
  };
}

export const useAppStore = create<AppState>()((set) => ({
  mainLink: { state: 'connecting' },
  notices: [],
  pageAlerts: [],
  actions: {
    handshakeCompleted: (snapshot) => set({ mainLink: { state: 'ready', snapshot } }),
    handshakeFailed: (reason) => set({ mainLink: { state: 'failed', reason } }),
    noticeReceived: (notice) => set((s) => ({ notices: [...s.notices, notice].slice(-MAX_NOTICES) })),
    noticeDismissed: (notice) => set((s) => ({ notices: s.notices.filter((n) => n !== notice) })),
    pageAlertReceived: (alert) => set((s) => ({ pageAlerts: [...s.pageAlerts, alert].slice(-MAX_NOTICES) })),
    pageAlertDismissed: (alert) => set((s) => ({ pageAlerts: s.pageAlerts.filter((a) => a !== alert) })),
  },
}));

/** The app's identity once the handshake is done. */
export const useAppInfo = () => useAppStore((s) => (s.mainLink.state === 'ready' ? s.mainLink.snapshot.info : null));
