import { useAppStore } from '../stores/app-store';
import { useUiStore } from '../stores/ui-store';

/** Notices from the main process and buddy alerts shown in the window, newest last, each dismissible; an alert's Show brings its buddy forward. */
export function NoticeArea() {
  const notices = useAppStore((s) => s.notices);
  const pageAlerts = useAppStore((s) => s.pageAlerts);
  const { noticeDismissed, pageAlertDismissed } = useAppStore((s) => s.actions);
  const { focusRequested } = useUiStore((s) => s.actions);
  if (notices.length === 0 && pageAlerts.length === 0) return null;

  return (
    <ul className="notices" aria-label="Notices" data-testid="notices">
      {notices.map((notice) => (
        <li key={`${notice.at}-${notice.text}`} className={`notice notice-${notice.level}`}>
          <span>{notice.text}</span>
          <button type="button" aria-label="Dismiss notice" onClick={() => noticeDismissed(notice)}>
            ×
          </button>
        </li>
      ))}
      {pageAlerts.map((alert) => (
        <li key={`${alert.at}-${alert.title}`} className="notice notice-info page-alert" role="status" data-testid="page-alert">
          <span>
            <strong>{alert.title}</strong> {alert.body}
          </span>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              focusRequested(alert.onClick);
              pageAlertDismissed(alert);
            }}
          >
            Show
          </button>
          <button type="button" aria-label="Dismiss alert" onClick={() => pageAlertDismissed(alert)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
