/**
 * Captures of real traffic opened by our readers: Kamailio on loopback with our engine's clients over
 * UDP, TCP and WebSocket, captured by the real tshark on `lo` (as pcapng, and as pcap with `-F pcap`).
 * The messages opened equal, in order and frame by frame, those `tshark -r file -Y sip` lists; a file cut
 * short gives what it could read and where it stopped; the main-process loader reports progress on the
 * way. Nothing is mocked: tshark needs capture rights on lo (root or CAP_NET_RAW here).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureFinished, CaptureProgress } from '../../../shared/ipc/contract';
import type { CaptureEntry } from '../../../shared/trace/capture/capture-entry';
import { CaptureReader } from '../../../shared/trace/capture/capture-reader';
import { summarizeSipMessage } from '../../../shared/trace/trace-summary';
import { CaptureLoader } from '../../../electron/service/capture-loader';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { createClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

const run = promisify(execFile);
let dir: string;
let kamailio: RunningKamailio;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-capture-'));
  kamailio = await startKamailio({ transports: ['udp', 'tcp', 'ws'] });
});
afterAll(async () => {
  await kamailio?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** tshark capturing `port` on lo into `file` until stopped; resolves once it is capturing. */
async function startCapture(file: string, port: number, format: 'pcapng' | 'pcap'): Promise<ChildProcess> {
  const tshark = spawn('tshark', ['-i', 'lo', '-f', `port ${port}`, '-w', file, ...(format === 'pcap' ? ['-F', 'pcap'] : [])], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  await new Promise<void>((resolve, reject) => {
    tshark.stderr!.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('Capturing on')) resolve();
    });
    tshark.on('exit', (code) => reject(new Error(`tshark exited (${code}): ${said}`)));
  });
  // "Capturing on" is printed as the capture starts; give the kernel filter a moment to be attached.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return tshark;
}

async function stopCapture(tshark: ChildProcess): Promise<void> {
  // Packets still in the kernel's buffer are written before tshark exits on SIGINT.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const exited = new Promise((resolve) => tshark.on('exit', resolve));
  tshark.kill('SIGINT');
  await exited;
}

/** Registration, a watch, two publications: the traffic of one capture. */
async function presenceTraffic(transport: 'udp' | 'tcp' | 'ws', format: string): Promise<void> {
  const [alice, bob] = createClients(kamailio.serverUri(transport), [`alice-${transport}-${format}`, `bob-${transport}-${format}`]);
  expect(await alice.start()).toMatchObject({ phase: 'registered' });
  expect(await bob.start()).toMatchObject({ phase: 'registered' });
  bob.watch(alice.config.aor);
  await waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active', { current: bob.buddies[0], what: 'bob watching alice' });
  await alice.setPresence('in-a-meeting', 'Design review');
  await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'in-a-meeting', {
    current: bob.buddies[0],
    what: 'the meeting at bob',
  });
  await alice.setPresence('available', 'Back');
  await waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.status === 'available', { current: bob.buddies[0], what: 'available at bob' });
  await Promise.all([alice.stop({ timeoutMs: 1_000 }), bob.stop({ timeoutMs: 1_000 })]);
}

/** What tshark lists as SIP, one row per message: [frame, Call-ID, CSeq] (a frame holding two messages gives two rows). */
async function tsharkSip(file: string, decodeAs: string): Promise<string[][]> {
  const { stdout } = await run(
    'tshark',
    [
      '-r',
      file,
      '-d',
      decodeAs,
      '-Y',
      'sip',
      '-T',
      'fields',
      '-E',
      'occurrence=a',
      '-E',
      'aggregator=;',
      '-e',
      'frame.number',
      '-e',
      'sip.Call-ID',
      '-e',
      'sip.CSeq',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const [frame, callIds, cseqs] = line.split('\t') as [string, string, string];
      const cseqList = cseqs.split(';');
      return callIds.split(';').map((callId, i) => [frame, callId, cseqList[i] ?? '']);
    });
}

function ours(entries: readonly CaptureEntry[]): string[][] {
  return entries.map((entry) => {
    const summary = summarizeSipMessage(entry.raw);
    return [String(entry.frame), summary.callId, summary.cseq];
  });
}

function readAll(bytes: Uint8Array): { entries: CaptureEntry[]; reader: CaptureReader } {
  const reader = new CaptureReader();
  const entries: CaptureEntry[] = [];
  for (let at = 0; at < bytes.length; at += 100_000) entries.push(...reader.push(bytes.subarray(at, at + 100_000)));
  entries.push(...reader.end());
  return { entries, reader };
}

describe('captures of real traffic, opened', () => {
  const cases = [
    ['udp', 'pcapng'],
    ['tcp', 'pcapng'],
    ['ws', 'pcapng'],
    ['tcp', 'pcap'],
    ['udp', 'pcap'],
  ] as const;
  for (const [transport, format] of cases) {
    it(`given ${transport.toUpperCase()} traffic captured by tshark as ${format}, then the messages opened are those tshark lists as SIP, in order, seen from the first registering client`, async () => {
      const port = kamailio.ports[transport]!;
      const file = path.join(dir, `${transport}.${format}`);
      const tshark = await startCapture(file, port, format);
      await presenceTraffic(transport, format);
      await stopCapture(tshark);

      const { entries, reader } = readAll(await readFile(file));
      expect(reader.problem).toBeNull();
      const decodeAs =
        transport === 'udp' ? `udp.port==${port},sip` : transport === 'tcp' ? `tcp.port==${port},sip` : `tcp.port==${port},http`;
      const listed = await tsharkSip(file, decodeAs);
      expect(listed.length).toBeGreaterThan(10);
      expect(ours(entries)).toEqual(listed);
      expect(new Set(entries.map((e) => e.transport))).toEqual(new Set([transport]));
      // "me" is alice's connection: her REGISTER went first, out, to Kamailio.
      expect(entries[0]).toMatchObject({ direction: 'out', remote: { port } });
      expect(entries[0]!.raw).toMatch(/^REGISTER /);
      // tshark takes seconds to start and to read under load.
    }, 90_000);
  }

  // The two below read the captures the cases above took (vitest runs a file's tests in order).
  it('given a capture cut in the middle, then the messages before the cut are opened and it says where reading stopped', async () => {
    const file = path.join(dir, 'tcp.pcapng');
    const whole = await readFile(file);
    const full = readAll(whole).entries;
    const cut = Math.floor(whole.length / 2);
    const { entries, reader } = readAll(whole.subarray(0, cut));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThan(full.length);
    expect(ours(entries)).toEqual(ours(full).slice(0, entries.length));
    expect(reader.problem).toMatchObject({ reason: expect.stringMatching(/^the file ends inside a block/) });
    expect(reader.problem!.byte).toBeLessThanOrEqual(cut);
    expect(reader.problem!.packet).toBeGreaterThan(Math.max(...entries.map((e) => e.frame)));
  });

  it('given the loader opening a capture file, then progress events carry every entry and the end says complete, an export reads the same again; a damaged copy ends damaged', async () => {
    const file = path.join(dir, 'ws.pcapng');
    const expected = readAll(await readFile(file)).entries;
    const progress: CaptureProgress[] = [];
    const finished: CaptureFinished[] = [];
    const loader = new CaptureLoader({ progress: (p) => progress.push(p), finished: (f) => finished.push(f) }, { readBytes: 4096 });
    const opened = await loader.open({ kind: 'path', path: file });
    expect(opened).toEqual({ id: 1, name: 'ws.pcapng', totalBytes: (await stat(file)).size });
    await expect.poll(() => finished.length).toBe(1);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.flatMap((p) => p.entries)).toEqual(expected);
    expect(progress.at(-1)!.bytesRead).toBe(opened!.totalBytes);
    expect(finished[0]).toEqual({ id: 1, outcome: 'complete', messages: expected.length, problem: null });
    // An export from the capture view reads the file again: the same entries, numbered the same.
    expect(await loader.entriesOf(1)).toEqual(expected);
    const upload = await loader.open({ kind: 'upload', name: 'dropped.pcapng', totalBytes: 10 });
    await expect(loader.entriesOf(upload!.id)).rejects.toThrow(/cannot be exported/);
    loader.cancel(upload!.id);

    const damaged = path.join(dir, 'damaged.pcapng');
    await writeFile(damaged, (await readFile(file)).subarray(0, 3000));
    await loader.open({ kind: 'path', path: damaged });
    await expect.poll(() => finished.length).toBe(2);
    expect(finished[1]).toMatchObject({
      id: 3,
      outcome: 'damaged',
      problem: expect.stringMatching(/^damaged\.pcapng stopped being readable at byte [\d,]+ \(packet \d+\): /),
    });
  });
});
