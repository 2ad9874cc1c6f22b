/**
 * The application menu, our own instead of Electron's default (which ships Reload and Developer Tools
 * to every user): on macOS the app menu, elsewhere a File menu (both with "Open capture…"); Edit with copy and paste (text fields
 * need the roles for their shortcuts on macOS); View with zoom; Help with "Open log folder" and About.
 * Reload and Developer Tools appear only in development. A pure model; the shell builds it with
 * `Menu.buildFromTemplate`.
 */
import type { AppScreen } from '../../shared/ipc/contract';
import { APP_NAME } from '../app-identity';

/** Electron menu roles we use: Electron implements each (clipboard, zoom, window and app commands). */
export type AppMenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front';

/** What one of our own (non-role) menu items does. */
export type AppMenuAction =
  | { readonly kind: 'show-screen'; readonly screen: AppScreen }
  | { readonly kind: 'open-log-folder' }
  /** Open a capture file (pcap, pcapng, SIP text save) in the trace pane's capture view. */
  | { readonly kind: 'open-capture' };

/** One entry of a menu. */
export type AppMenuItem =
  | { readonly kind: 'role'; readonly role: AppMenuRole }
  | { readonly kind: 'action'; readonly label: string; readonly action: AppMenuAction; readonly accelerator?: string }
  | { readonly kind: 'separator' };

/** One menu of the menu bar. */
export interface AppMenu {
  readonly label: string;
  readonly items: readonly AppMenuItem[];
}

/** Where and how the app runs. */
export interface AppMenuContext {
  readonly platform: string;
  /** Started from a build folder, not an installed package: Reload and Developer Tools are offered. */
  readonly isDevelopment: boolean;
}

const role = (name: AppMenuRole): AppMenuItem => ({ kind: 'role', role: name });
const separator: AppMenuItem = { kind: 'separator' };
const settings: AppMenuItem = {
  kind: 'action',
  label: 'Settings…',
  action: { kind: 'show-screen', screen: 'settings' },
  accelerator: 'CmdOrCtrl+,',
};

const openCapture: AppMenuItem = { kind: 'action', label: 'Open capture…', action: { kind: 'open-capture' }, accelerator: 'CmdOrCtrl+O' };

/** The menu bar for `context`. */
export function appMenu(context: AppMenuContext): AppMenu[] {
  const isMac = context.platform === 'darwin';
  const first: AppMenu = isMac
    ? {
        label: APP_NAME,
        items: [
          role('about'),
          separator,
          settings,
          openCapture,
          separator,
          role('services'),
          separator,
          role('hide'),
          role('hideOthers'),
          role('unhide'),
          separator,
          role('quit'),
        ],
      }
    : { label: 'File', items: [openCapture, separator, settings, separator, role('close'), role('quit')] };
  const edit: AppMenu = {
    label: 'Edit',
    items: [
      role('undo'),
      role('redo'),
      separator,
      role('cut'),
      role('copy'),
      role('paste'),
      ...(isMac ? [role('pasteAndMatchStyle')] : []),
      role('delete'),
      role('selectAll'),
    ],
  };
  const view: AppMenu = {
    label: 'View',
    items: [
      ...(context.isDevelopment ? [role('reload'), role('forceReload'), role('toggleDevTools'), separator] : []),
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      separator,
      role('togglefullscreen'),
    ],
  };
  const window: AppMenu[] = isMac
    ? [{ label: 'Window', items: [role('minimize'), role('zoom'), role('close'), separator, role('front')] }]
    : [];
  const help: AppMenu = {
    label: 'Help',
    items: [
      { kind: 'action', label: 'Open log folder', action: { kind: 'open-log-folder' } },
      ...(isMac ? [] : [separator, role('about')]),
    ],
  };
  return [first, edit, view, ...window, help];
}
