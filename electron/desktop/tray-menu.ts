/**
 * The tray icon's model: which icon, which tooltip and which menu items the app's state calls for. Pure
 * functions of the same state the window shows (session, account state, own presence); the shell turns
 * the result into Electron's `Tray` and `Menu.buildFromTemplate`, and `performTrayAction` carries out a
 * chosen item through the small `TrayHost` interface.
 */
import type { AppScreen, SelfPresence, SessionInfo } from '../../shared/ipc/contract';
import type { AccountState } from '../../shared/presence/presence-state';
import { assertNever } from '../../shared/assert-never';
import { CHOSEN_STATUSES, PRESENCE_STATUS_LABELS, type ChosenStatus } from '../../shared/presence/presence-status';
import { APP_NAME } from '../app-identity';

/** The state the tray reflects (PresenceService's `desktopView`). */
export interface TrayState {
  readonly session: SessionInfo;
  readonly accountState: AccountState;
  readonly self: SelfPresence;
}

/** What choosing a tray item does. */
export type TrayAction =
  | { readonly kind: 'set-status'; readonly status: ChosenStatus; readonly note: string }
  | { readonly kind: 'show-screen'; readonly screen: AppScreen }
  | { readonly kind: 'quit' };

/** One entry of the tray menu, as plain data. */
export type TrayMenuItem =
  | {
      readonly kind: 'item';
      readonly label: string;
      /** `radio`: one of the statuses, `checked` marking the current one. */
      readonly type: 'normal' | 'radio';
      readonly checked: boolean;
      readonly enabled: boolean;
      /** Why the item is disabled, for the menu to show beside it. */
      readonly reason?: string;
      readonly action: TrayAction;
    }
  | { readonly kind: 'info'; readonly label: string }
  | { readonly kind: 'separator' };

/** The icon our own status is drawn with: one per status we can publish, `offline` also meaning "not signed in". */
export type TrayIconStatus = ChosenStatus | 'offline';

/** Longest recent note shown in full in the menu; longer ones are cut with an ellipsis. */
const MAX_NOTE_LABEL = 40;

/** Why statuses cannot be chosen now (we are not signed in), or null when they can. */
export function notSignedInReason(state: TrayState): string | null {
  switch (state.accountState.phase) {
    case 'registered':
    case 'connected':
      // REGISTER answered, or an open link where registration is switched off.
      return null;
    case 'connecting':
    case 'registering':
      return 'Signing in…';
    case 'failed':
      return `Not signed in: ${state.accountState.problem?.message ?? 'the server did not answer'}`;
    case 'idle':
    case 'stopped':
      return state.session.mode === 'offline' ? 'No account: open Presently to add one' : 'Not signed in';
    default:
      return assertNever(state.accountState.phase);
  }
}

/**
 * The status watchers see, which the icon shows: what the server accepted (RFC 3903 §6), or `offline`
 * while nothing of ours is published (signed out, refused, not yet answered for a first PUBLISH). A
 * refresh or change of a live publication (it has an entity tag) keeps showing its status.
 */
export function trayIconStatus(state: TrayState): TrayIconStatus {
  const { publication } = state.self;
  if (notSignedInReason(state) !== null) return 'offline';
  const isLive = publication.phase === 'published' || (publication.phase === 'publishing' && publication.etag !== undefined);
  return isLive ? (publication.status ?? state.self.status) : 'offline';
}

/**
 * The icon file for `status` in assets/tray/ (scripts/render-icons.mjs draws them). macOS gets
 * monochrome template images, which the menu bar tints for light and dark; Electron picks the `@2x`
 * file beside each on high-density screens.
 */
export function trayIconFile(status: TrayIconStatus, platform: string): string {
  return `tray-${status}${platform === 'darwin' ? 'Template' : ''}.png`;
}

/** The tooltip: "Presently — Busy: In a workshop", or why nothing is published. */
export function trayTooltip(state: TrayState): string {
  const reason = notSignedInReason(state);
  if (reason) return `${APP_NAME} — ${reason}`;
  const { status, note, publication } = state.self;
  const chosen = note ? `${PRESENCE_STATUS_LABELS[status]}: ${note}` : PRESENCE_STATUS_LABELS[status];
  if (publication.phase === 'failed' || publication.phase === 'unsupported') {
    return `${APP_NAME} — ${chosen} (not published: ${publication.problem?.message ?? 'the server refused it'})`;
  }
  return `${APP_NAME} — ${chosen}`;
}

/** The tray menu: the seven statuses, "Set a note…", the recent notes, "Open Presently", "Quit". */
export function trayMenu(state: TrayState): TrayMenuItem[] {
  const reason = notSignedInReason(state);
  const enabled = reason === null;
  const because = reason === null ? {} : { reason };
  const { status, note, recentNotes } = state.self;

  const statuses: TrayMenuItem[] = CHOSEN_STATUSES.map((choice) => ({
    kind: 'item',
    label: PRESENCE_STATUS_LABELS[choice],
    type: 'radio',
    checked: choice === status,
    enabled,
    ...because,
    action: { kind: 'set-status', status: choice, note },
  }));
  const notes: TrayMenuItem[] = recentNotes.map((recent) => ({
    kind: 'item',
    label: shortNote(recent),
    type: 'normal',
    checked: false,
    enabled,
    ...because,
    action: { kind: 'set-status', status, note: recent },
  }));
  const item = (label: string, action: TrayAction): TrayMenuItem => ({
    kind: 'item',
    label,
    type: 'normal',
    checked: false,
    enabled: true,
    action,
  });

  return [
    ...(reason === null ? [] : [{ kind: 'info', label: reason } as const, { kind: 'separator' } as const]),
    ...statuses,
    { kind: 'separator' },
    item('Set a note…', { kind: 'show-screen', screen: 'status-picker' }),
    ...notes,
    { kind: 'separator' },
    item(`Open ${APP_NAME}`, { kind: 'show-screen', screen: 'main' }),
    item(`Quit ${APP_NAME}`, { kind: 'quit' }),
  ];
}

/** What a tray action needs from the app. */
export interface TrayHost {
  setStatus(choice: { status: ChosenStatus; note: string }): Promise<unknown>;
  /** Shows (creating if need be) the window at `screen`. */
  showScreen(screen: AppScreen): void;
  /** Quits through the clean shutdown. */
  quit(): void;
}

/** Carries out a chosen tray item. */
export function performTrayAction(action: TrayAction, host: TrayHost): void {
  switch (action.kind) {
    case 'set-status':
      // The window and the tooltip show the outcome, refusals included; nothing is left to handle here.
      void host.setStatus({ status: action.status, note: action.note }).catch(() => undefined);
      return;
    case 'show-screen':
      host.showScreen(action.screen);
      return;
    case 'quit':
      host.quit();
      return;
    default:
      assertNever(action);
  }
}

/** A recent note as a menu label: cut to MAX_NOTE_LABEL characters. */
function shortNote(note: string): string {
  return note.length <= MAX_NOTE_LABEL ? note : `${note.slice(0, MAX_NOTE_LABEL - 1)}…`;
}

/**
 * `label` for a menu on `platform`: Windows and Linux read `&` as the mnemonic marker, so text of the
 * user's (a note) doubles it to show one `&`.
 */
export function menuLabel(label: string, platform: string): string {
  return platform === 'darwin' ? label : label.replaceAll('&', '&&');
}
