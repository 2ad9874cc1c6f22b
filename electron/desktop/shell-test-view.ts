/**
 * What the Electron end-to-end test reads of the shell from the main process (electron-app.spec.ts,
 * through `electronApp.evaluate`): set on `globalThis[SHELL_TEST_VIEW]` only when the app is started
 * with PRESENTLY_TEST_HOOKS=1, so the tray's menu and the window's visibility can be checked where no
 * test can click a system tray.
 */
import type { AppMenu } from './app-menu';
import type { TrayIconStatus, TrayMenuItem, TrayState } from './tray-menu';

/** The global property holding the view. */
export const SHELL_TEST_VIEW = '__presentlyShell';

/** The shell as the test sees it. */
export interface ShellTestView {
  /** The tray menu as last built, with the state it was built from (the shell updates it on every rebuild). */
  tray: {
    readonly menu: readonly TrayMenuItem[];
    readonly tooltip: string;
    readonly icon: TrayIconStatus;
    readonly state: TrayState;
  } | null;
  readonly appMenu: readonly AppMenu[];
  /** Whether the main window exists and is shown. */
  isWindowVisible(): boolean;
  /** Chooses a tray item by its label, as a click would. */
  chooseTrayItem(label: string): void;
}
