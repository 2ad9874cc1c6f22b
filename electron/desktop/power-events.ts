/**
 * What the desktop tells us about the computer — it is going to sleep, it woke up, the screen was
 * locked or unlocked, the network changed — and what the presence service does about it. The shell
 * implements `PowerEvents` with Electron's powerMonitor (electron/shell/power-monitor.ts); tests with a
 * fake. The decisions are here, under plain Node:
 *
 *   suspend         → the service removes our publication (watchers see offline, not a stale status)
 *   resume          → the service reconnects, registers, publishes and subscribes again at once
 *   network-change  → the same, unless the computer is asleep (interfaces going down on the way to sleep)
 *   lock / unlock   → logged here; the automatic status reads them with the idle time (PowerEvents is
 *                     the service's ActivitySource, electron/service/auto-status-controller.ts)
 */

/** The events the desktop reports. */
export type PowerEventName = 'suspend' | 'resume' | 'lock-screen' | 'unlock-screen' | 'network-change';

/** The desktop's power and network events, and the user's idle time. */
export interface PowerEvents {
  /** Calls `listener` on every `event`; returns the function that stops it. */
  on(event: PowerEventName, listener: () => void): () => void;
  /** Seconds since the user last touched keyboard or mouse (the automatic Away's idle time). */
  getSystemIdleTime(): number;
}

/** The presence service's side (PresenceService has these methods). */
export interface SleepAwareService {
  systemSuspended(): Promise<void>;
  systemResumed(): void;
  networkChanged(): void;
}

/** Writes one diagnostic line. */
export type PowerLog = (message: string) => void;

/** Connects the desktop's events to the service as the module comment says; returns the disconnect. */
export function connectPowerEvents(events: PowerEvents, service: SleepAwareService, log: PowerLog): () => void {
  let isAsleep = false;
  const stops = [
    events.on('suspend', () => {
      isAsleep = true;
      void service.systemSuspended().catch((error: unknown) => log(`preparing for sleep failed: ${String(error)}`));
    }),
    events.on('resume', () => {
      isAsleep = false;
      service.systemResumed();
    }),
    events.on('network-change', () => {
      if (isAsleep) log('network change while asleep: ignored until the computer wakes');
      else service.networkChanged();
    }),
    events.on('lock-screen', () => log(`screen locked (idle ${events.getSystemIdleTime()} s)`)),
    events.on('unlock-screen', () => log('screen unlocked')),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
