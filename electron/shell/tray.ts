/**
 * The tray icon: Electron's `Tray` showing the model of electron/desktop/tray-menu.ts — icon per
 * published status, tooltip, menu — rebuilt whenever the service's session, account state or own
 * presence changes.
 */
import path from 'node:path';
import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import {
  menuLabel,
  performTrayAction,
  trayIconFile,
  trayIconStatus,
  trayMenu,
  trayTooltip,
  type TrayHost,
  type TrayMenuItem,
  type TrayState,
} from '../desktop/tray-menu';
import type { PresenceService } from '../service/presence-service';

/** The tray icons next to the bundled main (dist/main/main.cjs → assets/tray/), in the asar when packaged. */
const TRAY_ICONS = path.join(__dirname, '..', '..', 'assets', 'tray');

/** Shows the tray icon until the returned function removes it; `onModel` sees each menu built (test hook). */
export function createTray(
  service: PresenceService,
  host: TrayHost,
  onModel?: (menu: TrayMenuItem[], state: TrayState) => void,
): () => void {
  const platform = process.platform;
  const iconFor = (state: TrayState) => {
    const image = nativeImage.createFromPath(path.join(TRAY_ICONS, trayIconFile(trayIconStatus(state), platform)));
    if (platform === 'darwin') image.setTemplateImage(true);
    return image;
  };
  const toOptions = (item: TrayMenuItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: menuLabel(item.label, platform), enabled: false };
      case 'item':
        return {
          label: menuLabel(item.label, platform),
          type: item.type,
          checked: item.checked,
          enabled: item.enabled,
          ...(item.reason ? { sublabel: item.reason, toolTip: item.reason } : {}),
          click: () => performTrayAction(item.action, host),
        };
    }
  };

  const initial = service.desktopView;
  const tray = new Tray(iconFor(initial));
  const update = () => {
    const state = service.desktopView;
    const menu = trayMenu(state);
    tray.setImage(iconFor(state));
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(Menu.buildFromTemplate(menu.map(toOptions)));
    onModel?.(menu, state);
  };
  // A click on the icon itself opens the window (Windows and most Linux trays; macOS opens the menu).
  tray.on('click', () => host.showScreen('main'));
  update();
  const stopObserving = service.outbox.observeState((change) => {
    if (change.name === 'onSessionChanged' || change.name === 'onAccountStateChanged' || change.name === 'onSelfPresenceChanged') update();
  });
  return () => {
    stopObserving();
    tray.destroy();
  };
}
