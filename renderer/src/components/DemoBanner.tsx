import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';

/**
 * One line saying that the offline demo runs (or that nothing is connected) and how to use a real account. The demo's
 * line can be closed; the "not connected" one stays, since the window is of no use until an account is added.
 */
export function DemoBanner() {
  const session = useSessionStore((s) => s.session);
  const isDismissed = useUiStore((s) => s.isDemoBannerDismissed);
  const { dialogOpened, demoBannerDismissed } = useUiStore((s) => s.actions);

  if (session.mode === 'offline' && session.account === null) {
    return (
      <aside className="banner banner-warning" data-testid="offline-banner" aria-label="No account">
        <p className="banner-text">
          <strong>Not connected.</strong> No SIP account is configured and the offline demo is not running.
        </p>
        <button type="button" className="link-button" onClick={() => dialogOpened({ kind: 'settings' })}>
          Add your SIP account
        </button>
      </aside>
    );
  }
  if (session.mode !== 'demo' || !session.demo || isDismissed) return null;

  const { demo } = session;
  const details = `A presence server runs on this computer (${demo.server}); you are signed in as ${demo.aor}. Nothing leaves this computer.`;
  return (
    <aside className="banner" data-testid="demo-banner" aria-label="Offline demo">
      <p className="banner-text" title={details}>
        <strong>This is a local demo.</strong> {demo.colleagues} simulated colleagues change their status over real SIP on this computer. To
        use your own SIP account, open Settings.
      </p>
      <button type="button" className="link-button" onClick={() => dialogOpened({ kind: 'settings' })}>
        Add your SIP account
      </button>
      <button type="button" className="icon-button small" aria-label="Close the demo notice" onClick={demoBannerDismissed}>
        ×
      </button>
    </aside>
  );
}
