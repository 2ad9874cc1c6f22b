/**
 * Watcher dialogs across a restart with a state file, in this process over real sockets: a clean stop keeps the
 * dialogs (no final NOTIFY, they go on after the start), a dialog on a TCP connection is dropped (the connection
 * died with the old server), one that expired while the server was down gets its final NOTIFY, and a removed
 * publication stays removed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openStateStore,
  startCompositor,
  type CompositorLogEntry,
  type CompositorOptions,
  type RunningCompositor,
} from '../../../electron/compositor';
import { pidf, SipTestPeer } from '../../support/compositor/sip-test-peer';
import { publishSpec, subscribeSpec } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';

let folder: string;
let stateFile: string;
const servers: RunningCompositor[] = [];
const peers: SipTestPeer[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'presently-dialogs-'));
  stateFile = join(folder, 'state.db');
});

afterEach(async () => {
  for (const peer of peers.splice(0)) await peer.close();
  for (const server of servers.splice(0)) await server.stop();
  rmSync(folder, { recursive: true, force: true });
});

/** A compositor on the state file; `udpPort` 0 picks a free port. */
async function start(udpPort: number, options: CompositorOptions = {}): Promise<{ server: RunningCompositor; log: CompositorLogEntry[] }> {
  const log: CompositorLogEntry[] = [];
  const server = await startCompositor({
    udpPort,
    tcpPort: null,
    wsPort: null,
    minExpires: 1,
    ...options,
    state: await openStateStore(stateFile),
    log: (entry) => log.push(entry),
  });
  servers.push(server);
  return { server, log };
}

async function udpPeer(server: RunningCompositor): Promise<SipTestPeer> {
  const peer = await SipTestPeer.udp({ host: '127.0.0.1', port: server.addresses.udp?.port ?? 0 });
  peers.push(peer);
  return peer;
}

function cseqOf(request: { headers: { get(name: string): string | undefined } }): number {
  return Number((request.headers.get('cseq') ?? '').split(' ')[0]);
}

function restoredLine(log: readonly CompositorLogEntry[]): string {
  return log.find((entry) => entry.what === 'restored')?.line ?? '(no restored line)';
}

describe('watcher dialogs across a restart with a state file', () => {
  it('given a UDP and a TCP watcher, when stopped cleanly and started again, then the UDP dialog goes on with no final NOTIFY and the TCP one is dropped', async () => {
    const first = await start(0, { tcpPort: 0 });
    const port = first.server.addresses.udp?.port ?? 0;
    const watcher = await udpPeer(first.server);
    const tcpWatcher = await SipTestPeer.tcp({ host: '127.0.0.1', port: first.server.addresses.tcp?.port ?? 0 });
    peers.push(tcpWatcher);
    expect((await watcher.request(subscribeSpec(watcher, ALICE, { callId: 'udp-dialog@test', fromTag: 'u1' }))).status).toBe(200);
    const firstNotify = await watcher.nextRequest();
    expect((await tcpWatcher.request(subscribeSpec(tcpWatcher, ALICE, { callId: 'tcp-dialog@test', fromTag: 't1' }))).status).toBe(200);
    await tcpWatcher.nextRequest();
    await first.server.stop();

    // The TCP watcher's dialog is not kept: its connection cannot outlive the process, and the watcher, seeing it
    // close, subscribes again.
    const second = await start(port, { tcpPort: 0 });
    expect(restoredLine(second.log)).toMatch(/: 0 publications, 1 subscriptions, 0 bindings;/);
    const epa = await udpPeer(second.server);
    expect((await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'pc', basic: 'open', note: 'back' }]) }))).status).toBe(200);
    // The next NOTIFY the watcher sees is the change, on its old dialog: nothing ended it in between.
    const next = await watcher.nextRequest();
    expect(next.headers.get('call-id')).toBe('udp-dialog@test');
    expect(next.headers.get('subscription-state')).toMatch(/^active;/);
    expect(next.body).toContain('<note>back</note>');
    expect(cseqOf(next)).toBeGreaterThan(cseqOf(firstNotify));
    expect(second.server.counters().subscriptionsActive).toBe(1);
  });

  it('given a subscription that expires while the server is down, when it starts again, then the watcher gets terminated;reason=timeout on its dialog', async () => {
    const first = await start(0);
    const port = first.server.addresses.udp?.port ?? 0;
    const watcher = await udpPeer(first.server);
    expect((await watcher.request(subscribeSpec(watcher, ALICE, { expires: 1, callId: 'short@test', fromTag: 's1' }))).status).toBe(200);
    const deadline = Date.now() + 1000;
    const firstNotify = await watcher.nextRequest();
    await first.server.stop();
    // The wall clock has to pass the subscription's deadline while no server runs: that is the event waited for.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now() + 5)));

    const second = await start(port);
    const final = await watcher.nextRequest();
    expect(final.headers.get('call-id')).toBe('short@test');
    expect(final.headers.get('subscription-state')).toBe('terminated;reason=timeout');
    expect(cseqOf(final)).toBeGreaterThan(cseqOf(firstNotify));
    expect(restoredLine(second.log)).toMatch(/expired while down: 0 publications, 1 subscriptions \(final NOTIFY sent\)/);
    expect(second.server.counters().subscriptionsActive).toBe(0);
  });

  it('given a publication removed before the stop, when started again, then it stays removed and its ETag is unknown', async () => {
    const first = await start(0);
    const port = first.server.addresses.udp?.port ?? 0;
    const epa = await udpPeer(first.server);
    const published = await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'pc', basic: 'open', note: 'here' }]) }));
    const etag = published.headers.get('sip-etag') as string;
    const removed = await epa.request(publishSpec(ALICE, { etag, expires: 0 }));
    expect(removed.status).toBe(200);
    await first.server.stop();

    const second = await start(port);
    expect(second.server.counters().publicationsActive).toBe(0);
    expect(second.server.currentDocument(ALICE)).toContain('<basic>closed</basic>');
    expect((await epa.request(publishSpec(ALICE, { etag, expires: 600 }))).status).toBe(412);
  });
});
