/**
 * Network change detection by polling, in the main process: every few seconds it reads whether the
 * system says it is online (the shell passes Electron's `net.isOnline()`) and which addresses the
 * machine's interfaces have (`os.networkInterfaces()`), and reports a change when, being online, either
 * differs from the last reading.
 *
 * Why polling here rather than the renderer's `online`/`offline` events: those need a window (the app
 * may run with none, in the tray) and an IPC channel, and they fire only on online ⇄ offline — not when
 * the computer moves from Wi-Fi to Ethernet or to another network and stays online, which is exactly
 * when our connection (bound to the old local address) is dead. Addresses catch that too.
 */
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** How often to look (a change is noticed within this, and at most one reconnection per interval). */
export const NETWORK_POLL_INTERVAL_MS = 5_000;

/** The interfaces as `os.networkInterfaces()` returns them. */
export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

export interface NetworkWatchOptions {
  /** Whether the system considers itself online. */
  readonly isOnline: () => boolean;
  /** Called when, being online, the network differs from the last reading. */
  readonly onChange: () => void;
  readonly interfaces?: () => InterfaceTable;
  readonly intervalMs?: number;
}

/**
 * What identifies the network we are on: online or not, and every external address (loopback and
 * IPv6 link-local addresses are left out: they exist on every network and change nothing).
 */
export function networkSignature(isOnline: boolean, interfaces: InterfaceTable): string {
  const addresses = Object.entries(interfaces)
    .flatMap(([name, infos]) =>
      (infos ?? [])
        .filter((info) => !info.internal && !info.address.toLowerCase().startsWith('fe80:'))
        .map((info) => `${name}=${info.address}`),
    )
    .sort();
  return `${isOnline ? 'online' : 'offline'} ${addresses.join(' ')}`;
}

/** Starts polling; returns the function that stops it. */
export function watchNetwork(options: NetworkWatchOptions): () => void {
  const read = options.interfaces ?? networkInterfaces;
  let last = networkSignature(options.isOnline(), read());
  const timer = setInterval(() => {
    const online = options.isOnline();
    const now = networkSignature(online, read());
    if (now === last) return;
    last = now;
    // Going offline needs no reconnection (it could not succeed); coming back, or another network, does.
    if (online) options.onChange();
  }, options.intervalMs ?? NETWORK_POLL_INTERVAL_MS);
  // Polling must not keep a quitting process alive.
  timer.unref();
  return () => clearInterval(timer);
}
