import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autostartFilePath, execArgument, isLinuxAutostartEnabled, setLinuxAutostart } from '../../../../electron/desktop/autostart-linux';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'presently-autostart-'));
});
afterEach(() => rm(home, { recursive: true, force: true }));

describe('Linux autostart entry', () => {
  it('given XDG_CONFIG_HOME unset or relative, then the entry goes to ~/.config/autostart; given it absolute, then there', () => {
    expect(autostartFilePath({ xdgConfigHome: undefined, homeDir: '/home/a' })).toBe('/home/a/.config/autostart/presently.desktop');
    expect(autostartFilePath({ xdgConfigHome: 'relative/config', homeDir: '/home/a' })).toBe('/home/a/.config/autostart/presently.desktop');
    expect(autostartFilePath({ xdgConfigHome: '/xdg', homeDir: '/home/a' })).toBe('/xdg/autostart/presently.desktop');
  });

  it('given it is turned on, then a desktop entry starting the app is written, with nothing left beside it; turned off, then it is removed', async () => {
    const target = { xdgConfigHome: path.join(home, 'config'), homeDir: home, execPath: '/opt/Presently/presently' };
    await setLinuxAutostart(true, target);
    const file = path.join(home, 'config', 'autostart', 'presently.desktop');
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')[0]).toBe('[Desktop Entry]');
    expect(text).toMatch(/^Type=Application$/m);
    expect(text).toMatch(/^Exec=\/opt\/Presently\/presently$/m);
    expect(text).toMatch(/^X-GNOME-Autostart-enabled=true$/m);
    expect(await readdir(path.dirname(file))).toEqual(['presently.desktop']);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await isLinuxAutostartEnabled(target)).toBe(true);

    await setLinuxAutostart(false, target);
    expect(await readdir(path.dirname(file))).toEqual([]);
    expect(await isLinuxAutostartEnabled(target)).toBe(false);
    // Turning off what is already off is fine.
    await setLinuxAutostart(false, target);
  });

  it('given the user disabled the entry in the desktop settings, then it reads as off', async () => {
    const target = { xdgConfigHome: path.join(home, 'config'), homeDir: home, execPath: '/usr/bin/presently' };
    await setLinuxAutostart(true, target);
    const file = autostartFilePath(target);
    await writeFile(file, (await readFile(file, 'utf8')).replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(await isLinuxAutostartEnabled(target)).toBe(false);
  });

  it('given a path with spaces, quotes, dollars and percent signs, then the Exec argument is quoted and escaped as the specification says', () => {
    expect(execArgument('/opt/Presently/presently')).toBe('/opt/Presently/presently');
    expect(execArgument('/home/a/My Apps/Presently.AppImage')).toBe('"/home/a/My Apps/Presently.AppImage"');
    expect(execArgument('/tmp/a"b$c')).toBe('"/tmp/a\\\\"b\\\\$c"');
    expect(execArgument('/tmp/100%')).toBe('/tmp/100%%');
  });
});
