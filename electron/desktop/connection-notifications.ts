/**
 * When to tell the user, by system notification, that the link to the server or the publication broke:
 * the window's status line shows every step, but a window hidden in the tray shows nothing.
 *
 * - **Connection lost / restored.** Only for a session that had signed in: a first sign-in that fails is
 *   the status line's business. Both directions wait `settleMs` before notifying, so a blip (lost and
 *   back within it) shows nothing, and a link flapping during an outage gives one "lost" and, once it
 *   has stayed up, one "restored". Stopping a session on purpose (account saved, quit) is no loss.
 * - **Publication refused.** A final answer of the server to our PUBLISH (RFC 3903 §6: 403, 489 …) or a
 *   server without PUBLISH, with the server's reason; once until a publication succeeds again.
 */
import { assertNever } from '../../shared/assert-never';
import type { AccountState, PublicationState } from '../../shared/presence/presence-state';
import { nodeScheduler, type Scheduler } from '../deadline';
import type { DesktopNotifier } from './desktop-notifier';

/** How long a change of the link must last before it is worth a notification. */
export const CONNECTION_SETTLE_MS = 10_000;

/** Where the user stands on the link: told nothing, or told it was lost; and which notice is due. */
type LinkAlert = 'quiet' | 'lost-due' | 'lost-told' | 'restored-due';

/** Turns the account's and the publication's states into connection and publication notifications. */
export class ConnectionNotifications {
  private hasSignedIn = false;
  private alert: LinkAlert = 'quiet';
  private cancelDue: (() => void) | null = null;
  private lastState: AccountState | null = null;
  private hasToldRefusal = false;

  constructor(
    private readonly notifier: DesktopNotifier,
    private readonly schedule: Scheduler = nodeScheduler,
    private readonly settleMs = CONNECTION_SETTLE_MS,
  ) {}

  /** The account's state moved (the service's `onAccountStateChanged`). */
  accountStateChanged(state: AccountState): void {
    this.lastState = state;
    switch (state.phase) {
      case 'registered':
      case 'connected':
        this.hasSignedIn = true;
        if (this.alert === 'lost-due') this.settle('quiet');
        else if (this.alert === 'lost-told') this.due('restored-due', () => this.tellRestored());
        return;
      case 'connecting':
      case 'registering':
      case 'failed':
        if (!this.hasSignedIn) return;
        if (this.alert === 'quiet') this.due('lost-due', () => this.tellLost());
        else if (this.alert === 'restored-due') this.settle('lost-told');
        return;
      case 'idle':
      case 'stopped':
        // The session ended on purpose; the next one starts afresh.
        this.settle('quiet');
        this.hasSignedIn = false;
        return;
      default:
        assertNever(state.phase);
    }
  }

  /** Our publication's state moved (the publication of the service's `onSelfPresenceChanged`). */
  publicationChanged(publication: PublicationState): void {
    if (publication.phase === 'published' || publication.phase === 'idle') {
      this.hasToldRefusal = false;
      return;
    }
    // A failure without a status code is the link's (timeout, unreachable): the connection notices cover it.
    const isRefusal =
      publication.phase === 'unsupported' || (publication.phase === 'failed' && publication.problem?.statusCode !== undefined);
    if (!isRefusal || this.hasToldRefusal) return;
    this.hasToldRefusal = true;
    this.notifier.show({
      title: 'Your status was not published',
      body: publication.problem?.message ?? 'The server does not accept presence publications.',
      onClick: { kind: 'screen', screen: 'status-picker' },
      suppressWhileDoNotDisturb: false,
    });
  }

  /** Cancels a pending notification (the app is quitting). */
  dispose(): void {
    this.settle(this.alert);
  }

  private due(alert: 'lost-due' | 'restored-due', tell: () => void): void {
    this.alert = alert;
    this.cancelDue = this.schedule(() => {
      this.cancelDue = null;
      tell();
    }, this.settleMs);
  }

  private settle(alert: LinkAlert): void {
    this.cancelDue?.();
    this.cancelDue = null;
    this.alert = alert;
  }

  private tellLost(): void {
    this.alert = 'lost-told';
    const reason = this.lastState?.problem?.message ?? 'The server stopped answering.';
    this.notifier.show({
      title: 'Presently lost its connection',
      body: `${reason} Presently keeps trying to reconnect.`,
      onClick: { kind: 'screen', screen: 'main' },
      suppressWhileDoNotDisturb: false,
    });
  }

  private tellRestored(): void {
    this.alert = 'quiet';
    this.notifier.show({
      title: 'Presently is connected again',
      body: this.lastState?.server ? `Signed in again with ${this.lastState.server}.` : 'Signed in again.',
      onClick: { kind: 'screen', screen: 'main' },
      suppressWhileDoNotDisturb: true,
    });
  }
}
