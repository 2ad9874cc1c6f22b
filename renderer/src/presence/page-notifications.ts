/**
 * Buddy alerts in a browser tab (the web mode, PageAlert): a system notification through the browser's Notification
 * API once the user allowed it, otherwise a notice in the window. The desktop app never sends these; it shows
 * Electron's notifications itself.
 */
import type { FocusTarget, PageAlert } from '../../../shared/ipc/contract';

/** Asks the browser for permission to notify, once, while it has not been asked; call it inside a click. */
export function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** Where an alert can go: the window's own notice list, and what a click on it brings forward. */
export interface PageAlertTargets {
  showInWindow(alert: PageAlert): void;
  focus(target: FocusTarget): void;
}

/** Shows `alert` as a browser notification when allowed (a click focuses the tab and its target), else in the window. */
export function deliverPageAlert(alert: PageAlert, targets: PageAlertTargets): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') {
    targets.showInWindow(alert);
    return;
  }
  const notification = new Notification(alert.title, { body: alert.body });
  notification.onclick = () => {
    window.focus();
    targets.focus(alert.onClick);
    notification.close();
  };
}
