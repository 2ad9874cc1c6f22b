import { useAppStore } from '../stores/app-store';

/** Notices from the main process, newest last, each dismissible. */
export function NoticeArea() {
  const notices = useAppStore((s) => s.notices);
  const { noticeDismissed } = useAppStore((s) => s.actions);
  if (notices.length === 0) return null;

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
    </ul>
  );
}
