import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';

/** Says plainly that the offline demo is running, what it is, and how to use a real account instead. */
export function DemoBanner() {
  const session = useSessionStore((s) => s.session);
  const { dialogOpened } = useUiStore((s) => s.actions);

  if (session.mode === 'offline' && session.account === null) {
    return (
      <aside className="banner banner-warning" data-testid="offline-banner" aria-label="No account">
        <p>
          <strong>Not connected.</strong> No SIP account is configured and the offline demo is not running.
        </p>
        <button type="button" className="primary" onClick={() => dialogOpened({ kind: 'settings' })}>
          Add your SIP account
        </button>
      </aside>
    );
  }
  if (session.mode !== 'demo' || !session.demo) return null;

  const { demo } = session;
  return (
    <aside className="banner" data-testid="demo-banner" aria-label="Offline demo">
      <p>
        <strong>This is a local demo.</strong> A presence server runs on this computer ({demo.server}) with {demo.colleagues} simulated
        colleagues who change their status over real SIP. You are signed in as {demo.aor}. Nothing leaves this computer.
      </p>
      <p>
        To use your own SIP account, open <strong>Settings</strong> and enter your address and server.
      </p>
      <button type="button" className="primary" onClick={() => dialogOpened({ kind: 'settings' })}>
        Add your SIP account
      </button>
    </aside>
  );
}
