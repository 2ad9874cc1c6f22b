/**
 * "Tell me when available": a system notification when a buddy with an alert turns Available, through the
 * one notifier (electron/desktop/desktop-notifier.ts); clicking it brings that buddy forward.
 *
 *   a buddy's status goes from a known other one (away, busy, offline, …) to available
 *     alert off          → nothing
 *     alert once         → one notification, then the alert is switched off (`alertFired`)
 *     alert every time   → one notification each time
 *   the first status we learn of a buddy is no change: an app starting while Bob is available says nothing
 *   our own status is Do Not Disturb → the alert is held (a once-alert counts as used); when Do Not Disturb
 *     ends, the held ones are shown as ONE summary ("Bob and Carol became available")
 *
 * The notifications say `suppressWhileDoNotDisturb: false`: holding and summarising is done here, so the
 * notifier's own Do Not Disturb rule must not drop the summary. A buddy whose presence is stale
 * (shared/presence/freshness.ts) is not read: only a current status can turn Available.
 *
 * `connectBuddyAlerts` feeds it from the service's state events, as the shell and the tests wire it.
 */
import { buddyLabel, type BuddyAlert, type BuddyEntry } from '../../shared/buddy/buddy';
import type { ChosenStatus, PresenceStatus } from '../../shared/presence/presence-status';
import { addressKey } from '../../shared/buddy/buddy';
import type { PresenceService } from '../service/presence-service';
import type { DesktopNotification, DesktopNotifier } from './desktop-notifier';

/** What the alerts read of the buddy list, and how they say a once-alert was used. */
export interface BuddyAlertHooks {
  alertOf(aor: string): BuddyAlert;
  /** The name to show ("Bob"). */
  nameOf(aor: string): string;
  /** A once-alert fired (or was held): the list switches it off. */
  alertFired(aor: string): void;
}

/** Turns buddies' status changes into availability notifications, as the module comment says. */
export class BuddyAlerts {
  private readonly lastStatus = new Map<string, PresenceStatus>();
  /** Buddies whose alert came during Do Not Disturb, in order, each once. */
  private readonly held = new Map<string, string>();
  private isDoNotDisturb = false;

  constructor(
    private readonly notifier: DesktopNotifier,
    private readonly hooks: BuddyAlertHooks,
  ) {}

  /** A buddy's shown status is now `status` (null: no presence known). */
  presenceChanged(aor: string, status: PresenceStatus | null): void {
    if (status === null) return;
    const key = addressKey(aor);
    const previous = this.lastStatus.get(key);
    this.lastStatus.set(key, status);
    if (status !== 'available' || previous === undefined || previous === 'available') return;
    const alert = this.hooks.alertOf(aor);
    if (alert === 'off') return;
    if (alert === 'once') this.hooks.alertFired(aor);
    if (this.isDoNotDisturb) this.held.set(key, aor);
    else this.notifier.show(this.availableNotification([aor]));
  }

  /** Our own chosen status is now `status`: leaving Do Not Disturb shows what was held. */
  ownStatusChanged(status: ChosenStatus): void {
    const wasDoNotDisturb = this.isDoNotDisturb;
    this.isDoNotDisturb = status === 'do-not-disturb';
    if (!wasDoNotDisturb || this.isDoNotDisturb || this.held.size === 0) return;
    const aors = [...this.held.values()];
    this.held.clear();
    this.notifier.show(this.availableNotification(aors));
  }

  /** The buddy left the list: nothing of it is kept. */
  forget(aor: string): void {
    const key = addressKey(aor);
    this.lastStatus.delete(key);
    this.held.delete(key);
  }

  private availableNotification(aors: readonly string[]): DesktopNotification {
    const names = aors.map((aor) => this.hooks.nameOf(aor));
    const [first] = aors;
    if (aors.length === 1 && first !== undefined) {
      return {
        title: `${names[0]} is available`,
        body: 'Click to show them in the buddy list.',
        onClick: { kind: 'buddy', aor: first },
        suppressWhileDoNotDisturb: false,
      };
    }
    return {
      title: `${names.length} buddies became available`,
      body: `While you were in Do Not Disturb: ${joinNames(names)}.`,
      onClick: { kind: 'screen', screen: 'main' },
      suppressWhileDoNotDisturb: false,
    };
  }
}

/** "Bob", "Bob and Carol", "Bob, Carol and Dave". */
function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** What connectBuddyAlerts needs of the service: its state events, and switching a used once-alert off. */
export type AlertingService = Pick<PresenceService, 'outbox' | 'setBuddyAlert'>;

/** Shows `service`'s availability alerts through `notifier`; returns the disconnect. */
export function connectBuddyAlerts(
  service: AlertingService,
  notifier: DesktopNotifier,
  log: (message: string) => void = () => undefined,
): () => void {
  const entries = new Map<string, BuddyEntry>();
  const alerts = new BuddyAlerts(notifier, {
    alertOf: (aor) => entries.get(aor)?.alert ?? 'off',
    nameOf: (aor) => {
      const entry = entries.get(aor);
      return entry ? buddyLabel(entry) : aor;
    },
    alertFired: (aor) => {
      const entry = entries.get(aor);
      // Off at once, so a second change before the list comes back does not fire again.
      if (entry) entries.set(aor, { ...entry, alert: 'off' });
      service
        .setBuddyAlert({ aor, alert: 'off' })
        .catch((error: unknown) => log(`switching off the alert of ${aor} failed: ${String(error)}`));
    },
  });
  return service.outbox.observeState((change) => {
    if (change.name === 'onBuddiesChanged') {
      const listed = new Set(change.payload.map((entry) => entry.aor));
      for (const aor of entries.keys()) if (!listed.has(aor)) alerts.forget(aor);
      entries.clear();
      for (const entry of change.payload) entries.set(entry.aor, entry);
    } else if (change.name === 'onBuddyPresenceBatch') {
      for (const { aor, presence, stale } of change.payload) if (presence && !stale) alerts.presenceChanged(aor, presence.status);
    } else if (change.name === 'onSelfPresenceChanged') {
      alerts.ownStatusChanged(change.payload.status);
    }
  });
}
