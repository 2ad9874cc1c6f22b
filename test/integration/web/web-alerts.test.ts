/**
 * Buddy alerts in the web mode: the whole web app as `presently app --web` starts it (the offline demo's
 * compositor on loopback, the loopback web server), a page connected over the real WebSocket, and a second
 * real user agent publishing. The desktop's alert rules decide (electron/desktop/buddy-alerts.ts); the page
 * receives the alert as `onPageAlert`. Nothing is mocked.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BuddyEntry } from '../../../shared/buddy/buddy';
import type { PageAlert } from '../../../shared/ipc/contract';
import { createPresenceApi } from '../../../shared/ipc/create-presence-api';
import { createWebSocketTransport, WEB_IPC_PATH, webIpcProtocols } from '../../../shared/ipc/websocket-transport';
import { DEMO_DOMAIN } from '../../../electron/service/demo/demo-environment';
import { startWebApp, type RunningWebApp } from '../../../electron/web/web-app';
import { SipPeer } from '../../support/sip-watcher';

let root: string;
let web: RunningWebApp;
let socket: WebSocket | null = null;
let peer: SipPeer | null = null;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'presently-web-alerts-'));
  const rendererDir = path.join(root, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  // The server reads the page's policy from its meta tag; the page itself is never loaded here.
  const policy = "default-src 'none'; script-src 'self'; connect-src 'none'; object-src 'none'";
  await writeFile(path.join(rendererDir, 'index.html'), `<meta http-equiv="Content-Security-Policy" content="${policy}" />`);
  web = await startWebApp({ rendererDir, dataDir: path.join(root, 'data'), port: 0, log: () => undefined });
});

afterEach(async () => {
  socket?.close();
  await peer?.stop();
  await web.stop();
  await rm(root, { recursive: true, force: true });
});

/** Connects as the page does, with the token from the app's URL. */
function connectPage() {
  const url = new URL(web.url);
  const token = url.searchParams.get('token') ?? '';
  socket = new WebSocket(`ws://${url.host}${WEB_IPC_PATH}`, webIpcProtocols(token), { origin: url.origin });
  return createPresenceApi(createWebSocketTransport(socket));
}

describe('web mode buddy alerts', () => {
  it('given a buddy with a once-alert, when they turn Available, then the page receives one alert naming them and the alert is off', async () => {
    const api = connectPage();
    const alerts: PageAlert[] = [];
    const seen = { server: null as string | null, registered: false, buddies: new Map<string, BuddyEntry>() };
    api.onPageAlert((alert) => alerts.push(alert));
    api.onSessionChanged((session) => (seen.server = session.demo?.server ?? null));
    api.onAccountStateChanged((connection) => (seen.registered = connection.phase === 'registered'));
    api.onBuddiesChanged((list) => list.forEach((entry) => seen.buddies.set(entry.aor, entry)));
    api.onBuddyPresenceBatch((batch) => {
      for (const presence of batch) {
        const entry = seen.buddies.get(presence.aor);
        if (entry) seen.buddies.set(presence.aor, { ...entry, presence });
      }
    });
    const snapshot = await api.rendererReady();
    seen.server = snapshot.session.demo?.server ?? null;
    seen.registered = snapshot.accountState.phase === 'registered';
    const server = await waitFor(() => (seen.registered ? seen.server : null));

    const zoe = `sip:zoe@${DEMO_DOMAIN}`;
    peer = await SipPeer.start({ aor: zoe, server });
    expect((await peer.client.setPresence('away', 'Out')).phase).toBe('published');
    await api.addBuddy({ aor: zoe, displayName: 'Zoe', group: '' });
    await api.setBuddyAlert({ aor: zoe, alert: 'once' });
    // The alert reads a change: the first status learnt (Away) must have arrived before Zoe turns Available.
    await waitFor(() => (seen.buddies.get(zoe)?.presence.presence?.status === 'away' ? true : null));
    expect(alerts).toEqual([]);

    expect((await peer.client.setPresence('available', '')).phase).toBe('published');
    await waitFor(() => (alerts.length > 0 ? true : null));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ title: 'Zoe is available', onClick: { kind: 'buddy', aor: zoe } });
    // A once-alert is used up: the list that comes back has it off.
    const after = await waitFor(() => {
      const entry = seen.buddies.get(zoe);
      return entry && entry.alert !== 'once' ? entry : null;
    });
    expect(after.alert ?? 'off').toBe('off');
  });
});

/** Polls `probe` every 50 ms until it returns non-null, for at most 5 s. */
async function waitFor<T>(probe: () => T | null): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
