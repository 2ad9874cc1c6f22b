/** How the window names watchers and their states. */
import type { WatcherRuleView, WatchersState, WatcherView } from '../../../shared/ipc/contract';

/** The watcher's display name, else the user part of the address, else the address. */
export function watcherName(watcher: Pick<WatcherView, 'uri' | 'displayName'>): string {
  const name = watcher.displayName?.trim();
  return name !== undefined && name !== '' ? name : watcher.uri;
}

/** What a watcher's state means for the user. */
export function watcherStateText(watcher: WatcherView, rule: WatcherRuleView | undefined): string {
  if (watcher.status === 'active') return rule?.handling === 'polite-block' ? 'Sees you as offline' : 'Can see you';
  // A server may apply an answer before our watcher information tells of it: the rule then says what happens.
  if (watcher.status === 'pending' || watcher.status === 'waiting')
    return rule === undefined ? 'Asks to see you' : handlingText(rule.handling);
  if (watcher.event === 'rejected') return 'Blocked';
  return 'No longer watching';
}

/** A rule's answer in words. */
export function handlingText(handling: WatcherRuleView['handling']): string {
  switch (handling) {
    case 'allow':
      return 'Allowed';
    case 'block':
      return 'Blocked';
    case 'polite-block':
      return 'Sees you as offline';
    case 'confirm':
      return 'Asked each time';
  }
}

/** Why the list is empty or incomplete, in one sentence; null when the server reports watchers. */
export function availabilityText(state: WatchersState): string | null {
  switch (state.availability) {
    case 'off':
      return 'Not signed in.';
    case 'waiting':
      return 'Asking the server who watches you…';
    case 'listening':
      return null;
    case 'not-offered':
      return 'Your server does not tell who asks to see your presence.';
    case 'failed':
      return state.problem ?? 'Presently could not learn who watches you; it keeps trying.';
  }
}
