/**
 * The one way Presently shows system notifications: `DesktopNotifier`, which the shell implements with
 * Electron's `Notification`. Connection alerts use it now (connection-notifications.ts); buddy alerts
 * are meant to use the same shape — a title, a body, what a click brings forward, and whether Do Not
 * Disturb holds it back.
 */
import type { FocusTarget } from '../../shared/ipc/contract';
import type { ChosenStatus } from '../../shared/presence/presence-status';

/** One system notification. */
export interface DesktopNotification {
  readonly title: string;
  readonly body: string;
  /** What clicking it shows in the window: a buddy in the list, or a screen. */
  readonly onClick: FocusTarget;
  /** Not shown while the user's own status is Do Not Disturb. */
  readonly suppressWhileDoNotDisturb: boolean;
}

/** Shows system notifications (Electron's `Notification` in the app, a list in tests). */
export interface DesktopNotifier {
  show(notification: DesktopNotification): void;
}

/** Wraps `notifier` so notifications that ask for it are dropped while `currentStatus()` is Do Not Disturb. */
export function respectingDoNotDisturb(notifier: DesktopNotifier, currentStatus: () => ChosenStatus): DesktopNotifier {
  return {
    show(notification) {
      if (notification.suppressWhileDoNotDisturb && currentStatus() === 'do-not-disturb') return;
      notifier.show(notification);
    },
  };
}
