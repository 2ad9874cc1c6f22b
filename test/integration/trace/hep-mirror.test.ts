/**
 * The HEP v3 mirror, end to end on 127.0.0.1: a real presence run (the built-in compositor and real
 * SipClients) mirrored through TraceCapture to collectors that really listen — our own UDP and TCP
 * collectors (test/support/trace/hep-collector.ts, which decodes every chunk), and sngrep listening
 * for HEP (`sngrep -N -L udp:…`, Debian's package) writing what it received to a pcap that tshark
 * reads — and so does our capture reader. tshark 4.0 has no HEP dissector of its own, so it reads the SIP sngrep unpacked. An
 * unreachable collector is a real closed port; nothing is mocked.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CaptureReader } from '../../../shared/trace/capture/capture-reader';
import { maskCredentials } from '../../../shared/trace/credential-mask';
import { DEFAULT_LIVE_CAPTURE, type HepMirrorSettings } from '../../../shared/trace/live-capture-settings';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { TraceCapture } from '../../../electron/service/trace-capture/trace-capture';
import { freePort } from '../../support/net/free-port';
import { startTcpCollector, startUdpCollector, type HepPacket } from '../../support/trace/hep-collector';
import { tracedPresenceRun } from '../../support/trace/traced-presence-run';
import { sipRows, tsharkSip } from '../../support/trace/tshark';
import { AUTH_RESPONSE, presenceSession } from '../../unit/shared/trace/sip-fixtures';

let notices: string[];
let capture: TraceCapture;
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'presently-hep-'));
  notices = [];
  capture = new TraceCapture({
    dataDir: workDir,
    application: 'Presently test',
    now: Date.now,
    notify: (_level, text) => notices.push(text),
    hepBackoff: { initialMs: 50, maxMs: 200 },
  });
});
afterEach(async () => {
  await capture.close();
  await rm(workDir, { recursive: true, force: true });
});

const mirror = (collector: string, change: Partial<HepMirrorSettings> = {}): HepMirrorSettings => ({
  enabled: true,
  transport: 'udp',
  collector,
  captureId: 0xfedc_ba98,
  authKey: '',
  ...change,
});

/** What the collector must have received for `entry`. */
function expectedPacket(entry: TraceEntry, captureId: number, authKey: string | null): HepPacket {
  const micros = Math.round(entry.at * 1000);
  const [source, destination] = entry.direction === 'out' ? [entry.local, entry.remote] : [entry.remote, entry.local];
  return {
    family: 2,
    protocol: entry.transport === 'udp' ? 17 : 6,
    source: source.address,
    destination: destination.address,
    sourcePort: source.port,
    destinationPort: destination.port,
    seconds: Math.floor(micros / 1_000_000),
    micros: micros % 1_000_000,
    protocolType: 1,
    captureId,
    authKey,
    payload: maskCredentials(entry.raw),
  };
}

/** Waits until `holds` is true (vitest's waitFor polls it every 20 ms). */
const until = (holds: () => boolean, what: string, timeout = 5_000) =>
  vi.waitFor(() => expect(holds(), what).toBe(true), { timeout, interval: 20 });

describe('HEP v3 mirror', () => {
  it.each(['udp', 'tcp'] as const)(
    'given a real presence run and a %s collector, then every message arrives in order with its addresses, ports, time, capture ID and auth key',
    async (transport) => {
      const collector = transport === 'udp' ? await startUdpCollector() : await startTcpCollector();
      try {
        capture.configure(DEFAULT_LIVE_CAPTURE, mirror(`127.0.0.1:${collector.port}`, { transport, authKey: 'homer-key' }));
        const traced = await tracedPresenceRun('tcp', (entry) => capture.record(entry));
        await capture.idle();
        await until(() => collector.packets.length >= traced.length, 'every message at the collector');
        expect(collector.packets).toEqual(traced.map((entry) => expectedPacket(entry, 0xfedc_ba98, 'homer-key')));
        expect(capture.status.hep).toMatchObject({ state: 'sending', sent: traced.length, dropped: 0, problem: null });
        expect(notices).toEqual([]);
      } finally {
        await collector.close();
      }
    },
    30_000,
  );

  it('given credentials in a message, then the collector receives them masked, and no auth key chunk when none is set', async () => {
    const collector = await startUdpCollector();
    try {
      capture.configure(DEFAULT_LIVE_CAPTURE, mirror(`127.0.0.1:${collector.port}`));
      const session = presenceSession();
      for (const entry of session) capture.record(entry);
      await until(() => collector.packets.length >= session.length, 'the session at the collector');
      expect(collector.packets.map((p) => p.authKey)).toEqual(session.map(() => null));
      expect(collector.packets.some((p) => p.payload.includes('Authorization: Digest username="alice"'))).toBe(true);
      expect(collector.packets.some((p) => p.payload.includes(AUTH_RESPONSE))).toBe(false);
    } finally {
      await collector.close();
    }
  });

  it('given a UDP collector port where nothing listens, then the mirror says "HEP collector unreachable" once and the SIP path carries on', async () => {
    const port = await freePort();
    capture.configure(DEFAULT_LIVE_CAPTURE, mirror(`127.0.0.1:${port}`));
    const session = presenceSession();
    for (let round = 0; round < 3; round++) {
      for (const entry of session) capture.record(entry);
      await capture.idle();
    }
    // The refusal is an ICMP message that comes back after the datagram went out.
    await until(() => capture.status.hep.state === 'unreachable', 'the collector unreachable');
    for (const entry of session) capture.record(entry);
    await capture.idle();
    expect(capture.status.hep).toMatchObject({ state: 'unreachable', collector: `127.0.0.1:${port}` });
    expect(capture.status.hep.problem).toMatch(/ECONNREFUSED/);
    expect(capture.status.hep.sent + capture.status.hep.dropped).toBe(session.length * 4);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^HEP collector unreachable \(127\.0\.0\.1:\d+: .*ECONNREFUSED.*\)/);
  });

  it('given a TCP collector that is down at first, then the mirror reports it unreachable, reconnects with back-off once it listens, and sends again', async () => {
    const port = await freePort();
    capture.configure(DEFAULT_LIVE_CAPTURE, mirror(`127.0.0.1:${port}`, { transport: 'tcp' }));
    const session = presenceSession();
    await until(() => capture.status.hep.state === 'unreachable', 'the collector unreachable');
    for (const entry of session) capture.record(entry);
    await capture.idle();
    expect(capture.status.hep).toMatchObject({ state: 'unreachable', sent: 0, dropped: session.length });
    expect(notices.filter((n) => n.startsWith('HEP collector unreachable'))).toHaveLength(1);

    const collector = await startTcpCollector(port);
    try {
      await until(() => capture.status.hep.state === 'sending', 'the mirror connected');
      for (const entry of session) capture.record(entry);
      await until(() => collector.packets.length >= session.length, 'the session at the collector');
      expect(collector.packets.map((p) => p.payload)).toEqual(session.map((e) => maskCredentials(e.raw)));
      expect(collector.connections()).toBe(1);

      // The collector goes away and comes back: the mirror connects again by itself.
      await collector.close();
      await until(() => capture.status.hep.state === 'unreachable', 'the collector gone');
      const again = await startTcpCollector(port);
      try {
        await until(() => capture.status.hep.state === 'sending', 'the mirror reconnected');
        capture.record(session[0]!);
        await until(() => again.packets.length === 1, 'a message after the reconnection');
      } finally {
        await again.close();
      }
    } finally {
      await collector.close();
    }
  });

  const hasSngrep = (() => {
    try {
      execFileSync('sngrep', ['-V'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasSngrep)(
    'given sngrep listening for HEP with an auth key, then it accepts every message of a real run, and tshark reads them from its capture in order',
    async () => {
      const port = await freePort();
      const config = path.join(workDir, 'sngreprc');
      const output = path.join(workDir, 'sngrep.pcap');
      // sngrep checks the auth key chunk against eep.listen.pass and drops packets that do not match.
      await writeFile(config, 'set eep.listen.pass homer-key\n');
      const sngrep = spawn('sngrep', ['-f', config, '-N', '-L', `udp:127.0.0.1:${port}`, '-O', output], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let printed = '';
      sngrep.stdout.on('data', (data: Buffer) => (printed += data.toString()));
      sngrep.stderr.on('data', (data: Buffer) => (printed += data.toString()));
      const exited = new Promise<void>((resolve) => sngrep.once('exit', () => resolve()));
      // sngrep writes its capture file when it is interrupted.
      const traced = await (async () => {
        try {
          await until(() => printed.includes('Dialog count'), 'sngrep listening', 10_000);
          capture.configure(DEFAULT_LIVE_CAPTURE, mirror(`127.0.0.1:${port}`, { authKey: 'homer-key' }));
          const run = await tracedPresenceRun('tcp', (entry) => capture.record(entry));
          await capture.idle();
          const dialogs = new Set(run.map((e) => /^Call-ID:\s*(.+?)\r?$/im.exec(e.raw)?.[1]).filter((id) => id !== undefined)).size;
          await until(() => printed.endsWith(`Dialog count: ${dialogs}`), `sngrep to count ${dialogs} dialogs`);
          return run;
        } finally {
          sngrep.kill('SIGINT');
          await exited;
        }
      })();
      const rows = await tsharkSip(output, ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq']);
      expect(rows.map(([method, code, callId, cseq]) => [method || code, callId, cseq])).toEqual(sipRows(traced));
      // And the trace pane's reader opens sngrep's own file with the same messages, in the same order.
      const reader = new CaptureReader();
      const opened = [...reader.push(await readFile(output)), ...reader.end()];
      expect(reader.problem).toBeNull();
      expect(sipRows(opened)).toEqual(sipRows(traced));
    },
    30_000,
  );
});
