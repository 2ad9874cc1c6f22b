import { describe, expect, it } from 'vitest';
import { appMenu, type AppMenu } from '../../../../electron/desktop/app-menu';

const roles = (menu: AppMenu | undefined) => menu?.items.flatMap((item) => (item.kind === 'role' ? [item.role] : [])) ?? [];
const byLabel = (menus: AppMenu[], label: string) => menus.find((menu) => menu.label === label);
const all = (menus: AppMenu[]) => menus.flatMap((menu) => roles(menu));

describe('application menu model', () => {
  it('on macOS: the app menu with About, Settings, Hide and Quit; Edit, View, Window, Help', () => {
    const menus = appMenu({ platform: 'darwin', isDevelopment: false });
    expect(menus.map((menu) => menu.label)).toEqual(['Presently', 'Edit', 'View', 'Window', 'Help']);
    expect(roles(menus[0])).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(menus[0]?.items).toContainEqual({
      kind: 'action',
      label: 'Settings…',
      action: { kind: 'show-screen', screen: 'settings' },
      accelerator: 'CmdOrCtrl+,',
    });
  });

  it('on Windows and Linux: File with Settings, Close and Quit, and About under Help', () => {
    for (const platform of ['win32', 'linux']) {
      const menus = appMenu({ platform, isDevelopment: false });
      expect(menus.map((menu) => menu.label)).toEqual(['File', 'Edit', 'View', 'Help']);
      expect(roles(menus[0])).toEqual(['close', 'quit']);
      expect(roles(byLabel(menus, 'Help'))).toEqual(['about']);
    }
  });

  it('has copy and paste, zoom, and Open log folder', () => {
    const menus = appMenu({ platform: 'linux', isDevelopment: false });
    expect(roles(byLabel(menus, 'Edit'))).toEqual(expect.arrayContaining(['cut', 'copy', 'paste', 'selectAll', 'undo', 'redo']));
    expect(roles(byLabel(menus, 'View'))).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']);
    expect(byLabel(menus, 'Help')?.items[0]).toEqual({ kind: 'action', label: 'Open log folder', action: { kind: 'open-log-folder' } });
  });

  it('offers Reload and Developer Tools only in development', () => {
    for (const platform of ['darwin', 'win32', 'linux']) {
      expect(all(appMenu({ platform, isDevelopment: false }))).not.toEqual(expect.arrayContaining(['reload']));
      expect(all(appMenu({ platform, isDevelopment: false }))).not.toContain('toggleDevTools');
      expect(all(appMenu({ platform, isDevelopment: false }))).not.toContain('forceReload');
      expect(roles(byLabel(appMenu({ platform, isDevelopment: true }), 'View')).slice(0, 3)).toEqual([
        'reload',
        'forceReload',
        'toggleDevTools',
      ]);
    }
  });
});
