/**
 * What closing the window and quitting do. Closing the window is not quitting: with "keep running in
 * the tray" on, the window hides and Presently stays signed in, presence published; the first time, the
 * user is told so and how to quit. Quitting (the tray's Quit, the menu, Cmd+Q, a signal) holds the app
 * until the clean shutdown has removed our publication (RFC 3903 §4.6: a PUBLISH with Expires: 0), then
 * lets it go. On macOS closing the last window never quits (platform convention): the app stays in the
 * Dock, and with the setting off the window is closed rather than hidden.
 *
 * Pure decisions over plain data: the shell asks, then does what the answer says.
 */

/** What the close policy needs to know besides the platform. */
export interface CloseContext {
  /** The user's preference (`AppPreferences.keepRunningInTray`). */
  readonly keepRunningInTray: boolean;
  /** The first-time explanation was already shown. */
  readonly hasExplainedTray: boolean;
}

/** What to do with a window the user closes. */
export type WindowCloseDecision =
  /** Let it close (it is destroyed; `activate`, a second start or the tray make a new one). */
  | { readonly kind: 'close' }
  /** Keep it, hidden; `explain`: show the one-time "still running" notice. */
  | { readonly kind: 'hide'; readonly explain: boolean };

/** What to do when Electron is about to quit. */
export type QuitDecision =
  /** Hold the quit and run the clean shutdown; quit again when it has finished. */
  | 'hold-and-shut-down'
  /** Hold the quit: the shutdown already runs. */
  | 'hold'
  /** Let the quit through: the shutdown has finished (or there was nothing to shut down). */
  | 'proceed';

/** Title and body of the one-time notice shown when the window first hides to the tray. */
export function trayExplanation(platform: string): { readonly title: string; readonly body: string } {
  const where = platform === 'win32' ? 'the notification area' : 'the tray';
  return {
    title: 'Presently is still running',
    body: `Your presence stays published while Presently runs in ${where}. To quit, choose Quit from its icon's menu.`,
  };
}

/** The quit sequence and the close decisions of one app run. */
export class ClosePolicy {
  private shutdown: 'running' | 'stopping' | 'done' = 'running';

  constructor(private readonly platform: string) {}

  /** The user closed the window (its close button, Ctrl+W, Cmd+W). */
  windowClosing(context: CloseContext): WindowCloseDecision {
    // Quitting closes the window for real, whatever the setting.
    if (this.shutdown !== 'running' || !context.keepRunningInTray) return { kind: 'close' };
    // On macOS the Dock shows the app still runs; the notice would only tell what everyone knows there.
    return { kind: 'hide', explain: this.platform !== 'darwin' && !context.hasExplainedTray };
  }

  /** Every window has closed: quit, except on macOS where apps stay until Cmd+Q. */
  allWindowsClosed(): 'quit' | 'stay' {
    return this.platform === 'darwin' ? 'stay' : 'quit';
  }

  /** Electron is about to quit (`before-quit`); `hasService`: there is a session to shut down. */
  quitting(hasService: boolean): QuitDecision {
    if (this.shutdown === 'done' || !hasService) {
      this.shutdown = 'done';
      return 'proceed';
    }
    if (this.shutdown === 'stopping') return 'hold';
    this.shutdown = 'stopping';
    return 'hold-and-shut-down';
  }

  /** The clean shutdown has finished (or given up); the next quit proceeds. */
  shutDown(): void {
    this.shutdown = 'done';
  }

  /** A quit has begun: windows close for real from now on. */
  get isQuitting(): boolean {
    return this.shutdown !== 'running';
  }
}
