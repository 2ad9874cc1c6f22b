/**
 * DesktopNotifier (electron/desktop/desktop-notifier.ts) on Electron's `Notification`. A click brings
 * the window forward at the notification's target. Where the system offers no notifications, nothing
 * is shown: the window's status line still says everything.
 */
import { Notification } from 'electron';
import type { FocusTarget } from '../../shared/ipc/contract';
import type { DesktopNotifier } from '../desktop/desktop-notifier';

/** A DesktopNotifier on Electron's `Notification`; a click calls `focus` with the notification's target. */
export function createElectronNotifier(focus: (target: FocusTarget) => void): DesktopNotifier {
  // Shown notifications are kept until closed: one only garbage-collected drops its click handler.
  const shown = new Set<Notification>();
  return {
    show(notification) {
      if (!Notification.isSupported()) return;
      const native = new Notification({ title: notification.title, body: notification.body });
      shown.add(native);
      native.on('click', () => focus(notification.onClick));
      native.on('close', () => shown.delete(native));
      native.show();
    },
  };
}
