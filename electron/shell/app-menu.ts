/** Installs the application menu model (electron/desktop/app-menu.ts) with Electron's `Menu`. */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { appMenu, type AppMenuAction, type AppMenuContext, type AppMenuItem } from '../desktop/app-menu';

/** Sets the application menu for `context`; our own items call `perform` with their action. */
export function installAppMenu(context: AppMenuContext, perform: (action: AppMenuAction) => void): void {
  const toOptions = (item: AppMenuItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'role':
        return { role: item.role };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return { label: item.label, ...(item.accelerator ? { accelerator: item.accelerator } : {}), click: () => perform(item.action) };
    }
  };
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenu(context).map((menu) => ({ label: menu.label, submenu: menu.items.map(toOptions) }))),
  );
}
