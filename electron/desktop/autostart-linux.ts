/**
 * Start at login on Linux: an XDG autostart entry (XDG Autostart Specification 0.5 and the Desktop
 * Entry Specification 1.5), `$XDG_CONFIG_HOME/autostart/presently.desktop` — `~/.config` when the
 * variable is unset or not an absolute path (XDG Base Directory Specification). Present means "start
 * at login"; it is written atomically and removed when the user turns the setting off. Windows and
 * macOS use Electron's `app.setLoginItemSettings` instead (electron/shell/login-item.ts).
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { APP_NAME } from '../app-identity';
import { writeTextAtomically } from '../service/json-file';

/** The entry's file name inside the autostart folder. */
export const AUTOSTART_FILE_NAME = 'presently.desktop';

/** Where the entry goes, and what it starts. */
export interface LinuxAutostartTarget {
  /** `$XDG_CONFIG_HOME` as set, if at all. */
  readonly xdgConfigHome: string | undefined;
  readonly homeDir: string;
  /** The executable to start (the app's path; for an AppImage, the AppImage itself). */
  readonly execPath: string;
  readonly args?: readonly string[];
}

/** The autostart entry's path. */
export function autostartFilePath(target: Pick<LinuxAutostartTarget, 'xdgConfigHome' | 'homeDir'>): string {
  const configHome =
    target.xdgConfigHome && path.isAbsolute(target.xdgConfigHome) ? target.xdgConfigHome : path.join(target.homeDir, '.config');
  return path.join(configHome, 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * One argument of an Exec key (Desktop Entry Specification, "The Exec key"): quoted when it has a
 * reserved character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes; `%` doubled, as a
 * literal percent sign must be; then the string-value escape (a backslash written as `\\`), which the
 * specification applies before the quoting rule when reading.
 */
export function execArgument(arg: string): string {
  const quoted = /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/["`$\\]/g, '\\$&')}"`;
  return quoted.replace(/%/g, '%%').replace(/\\/g, '\\\\');
}

/** The entry's text. */
export function autostartEntry(target: Pick<LinuxAutostartTarget, 'execPath' | 'args'>): string {
  const exec = [target.execPath, ...(target.args ?? [])].map(execArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${APP_NAME}`,
    "Comment=SIP presence: your status and your colleagues'",
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes the entry (enabled) or removes it (disabled). */
export async function setLinuxAutostart(enabled: boolean, target: LinuxAutostartTarget): Promise<void> {
  const file = autostartFilePath(target);
  if (enabled) await writeTextAtomically(file, autostartEntry(target), 0o644);
  else await rm(file, { force: true });
}

/** Whether an entry of ours is there (the user may have removed it with the desktop's own settings). */
export async function isLinuxAutostartEnabled(target: Pick<LinuxAutostartTarget, 'xdgConfigHome' | 'homeDir'>): Promise<boolean> {
  try {
    const text = await readFile(autostartFilePath(target), 'utf8');
    return !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text) && !/^Hidden\s*=\s*true\s*$/m.test(text);
  } catch {
    return false;
  }
}
