/**
 * `PowerEvents` (electron/desktop/power-events.ts) from Electron: powerMonitor's suspend, resume,
 * lock-screen and unlock-screen events and idle time, and network changes from the Node-only poller
 * (electron/desktop/power-network-watch.ts) fed with `net.isOnline()`. Call only after app 'ready'.
 */
import { net, powerMonitor } from 'electron';
import type { PowerEventName, PowerEvents } from '../desktop/power-events';
import { watchNetwork } from '../desktop/power-network-watch';

/** The desktop's power events. The network polling runs for the app's lifetime (it does not hold a quit). */
export function createElectronPowerEvents(): PowerEvents {
  const networkListeners = new Set<() => void>();
  watchNetwork({
    isOnline: () => net.isOnline(),
    onChange: () => {
      for (const listener of [...networkListeners]) listener();
    },
  });
  return {
    on(event: PowerEventName, listener: () => void) {
      if (event === 'network-change') {
        networkListeners.add(listener);
        return () => networkListeners.delete(listener);
      }
      // As a plain emitter: the typed overloads take one literal event name at a time.
      const emitter: NodeJS.EventEmitter = powerMonitor;
      emitter.on(event, listener);
      return () => emitter.off(event, listener);
    },
    getSystemIdleTime: () => powerMonitor.getSystemIdleTime(),
  };
}
