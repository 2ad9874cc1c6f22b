/**
 * Start at login, the platform's way: Windows and macOS through Electron's login item settings, Linux
 * (which Electron does not cover) through an XDG autostart entry (electron/desktop/autostart-linux.ts).
 */
import { app } from 'electron';
import { homedir } from 'node:os';
import { setLinuxAutostart } from '../desktop/autostart-linux';

/** Turns starting at login on or off. */
export async function setStartAtLogin(enabled: boolean): Promise<void> {
  if (process.platform !== 'linux') {
    app.setLoginItemSettings({ openAtLogin: enabled });
    return;
  }
  await setLinuxAutostart(enabled, {
    xdgConfigHome: process.env.XDG_CONFIG_HOME,
    homeDir: homedir(),
    // An AppImage runs from a temporary mount: start the AppImage file itself, not the binary inside it.
    execPath: process.env.APPIMAGE ?? process.execPath,
    // Unpackaged (development), the binary is Electron's own and needs the app's folder.
    args: app.isPackaged ? [] : [app.getAppPath()],
  });
}
