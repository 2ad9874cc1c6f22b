/**
 * The live capture to files, end to end: real SipClients talking to the built-in compositor over UDP,
 * TCP and WS on 127.0.0.1 (test/support/trace/traced-presence-run.ts), every traced message handed to
 * the TraceCapture as the service does; the files it writes in a fresh data folder are read by the real
 * tshark. Rotation and restarts are checked on the folder itself; a disk that cannot be written is a
 * real one: `captures` made a plain file, so creating the folder fails as it would on a broken disk.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MASK } from '../../../shared/trace/credential-mask';
import type { LiveCaptureSettings } from '../../../shared/trace/live-capture-settings';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { summarizeSipMessage } from '../../../shared/trace/trace-summary';
import { CAPTURES_FOLDER, CaptureFiles } from '../../../electron/service/trace-capture/capture-files';
import { TraceCapture } from '../../../electron/service/trace-capture/trace-capture';
import type { CompositorTransport } from '../../../electron/compositor/compositor-types';
import { tracedPresenceRun } from '../../support/trace/traced-presence-run';
import { sipRows, tsharkSip } from '../../support/trace/tshark';
import { AUTH_RESPONSE, presenceSession } from '../../unit/shared/trace/sip-fixtures';

const PCAPNG: LiveCaptureSettings = { enabled: true, format: 'pcapng', maxFileMegabytes: 10, maxFiles: 5 };

let dataDir: string;
let notices: string[];
let capture: TraceCapture;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-live-capture-'));
  notices = [];
  capture = new TraceCapture({ dataDir, application: 'Presently test', now: Date.now, notify: (_level, text) => notices.push(text) });
});
afterEach(async () => {
  await capture.close();
  await rm(dataDir, { recursive: true, force: true });
});

const capturesDir = () => path.join(dataDir, CAPTURES_FOLDER);
const captureFiles = async () => (await readdir(capturesDir())).sort();

/** A real presence run, every message handed to the capture; returns them once all are written. */
async function presenceRun(transport: CompositorTransport): Promise<TraceEntry[]> {
  const traced = await tracedPresenceRun(transport, (entry) => capture.record(entry));
  await capture.idle();
  return traced;
}

describe('live capture to files', () => {
  it.each(['udp', 'tcp'] as const)(
    'given a pcapng capture during a real presence run over %s, then tshark lists the same SIP messages in order, with their ports and directions',
    async (transport) => {
      capture.configure(PCAPNG);
      const traced = await presenceRun(transport);
      const status = capture.status.file;
      expect(status).toMatchObject({ state: 'writing', dropped: 0, problem: null, written: traced.length });
      const [file, ...others] = await captureFiles();
      expect(others).toEqual([]);
      expect(status.file).toBe(path.join(capturesDir(), file!));
      expect(file).toMatch(/^presently-capture-\d{8}T\d{6}\.\d{3}Z-00\.pcapng$/);

      const port = `${transport}.srcport`;
      const fields = ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq', port, 'frame.packet_flags_direction', 'frame.comment'];
      const rows = await tsharkSip(status.file!, fields);
      expect(rows.map(([method, code, callId, cseq]) => [method || code, callId, cseq])).toEqual(sipRows(traced));
      const sipEntries = traced.filter((e) => ['request', 'response'].includes(summarizeSipMessage(e.raw).kind));
      expect(rows.map((row) => row[4])).toEqual(sipEntries.map((e) => String(e.direction === 'out' ? e.local.port : e.remote.port)));
      // epb_flags: 1 inbound, 2 outbound.
      expect(rows.map((row) => row[5])).toEqual(sipEntries.map((e) => (e.direction === 'in' ? '0x00000001' : '0x00000002')));
      expect(rows.every((row) => row[6] === '')).toBe(true);
    },
    30_000,
  );

  it('given a pcapng capture over WS, then tshark decodes SIP from the TCP payload and each packet says it travelled on WS', async () => {
    capture.configure(PCAPNG);
    const traced = await presenceRun('ws');
    const rows = await tsharkSip(capture.status.file.file!, ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq', 'frame.comment']);
    expect(rows.map(([method, code, callId, cseq]) => [method || code, callId, cseq])).toEqual(sipRows(traced));
    expect(new Set(rows.map((row) => row[4]))).toEqual(new Set(['SIP over WS, shown as TCP payload as the app saw it']));
  }, 30_000);

  it('given a text capture, then each message is written as the text export writes it', async () => {
    capture.configure({ ...PCAPNG, format: 'text' });
    const traced = await presenceRun('udp');
    const [file] = await captureFiles();
    expect(file).toMatch(/\.txt$/);
    const text = await readFile(path.join(capturesDir(), file!), 'utf8');
    const headings = text.split('\n').filter((line) => /^\d{4}\/\d\d\/\d\d /.test(line));
    expect(headings.map((line) => /#(\d+)$/.exec(line)?.[1])).toEqual(traced.map((e) => String(e.seq)));
    for (const entry of traced) expect(text).toContain(entry.raw);
  }, 30_000);

  it.each(['pcapng', 'text'] as const)('given messages with digest credentials, then the %s file holds them masked', async (format) => {
    capture.configure({ ...PCAPNG, format });
    for (const entry of presenceSession()) capture.record(entry);
    await capture.idle();
    const bytes = await readFile(capture.status.file.file!, 'latin1');
    expect(bytes).toContain('Authorization: Digest username="alice"');
    expect(bytes).toContain(MASK);
    expect(bytes).not.toContain(AUTH_RESPONSE);
  });

  it('given a capture turned off and on again (as a restart does), then a new file is started and the old one kept', async () => {
    capture.configure(PCAPNG);
    for (const entry of presenceSession()) capture.record(entry);
    await capture.idle();
    const first = capture.status.file.file;
    capture.configure({ ...PCAPNG, enabled: false });
    expect(capture.status.file.state).toBe('off');
    capture.configure(PCAPNG);
    for (const entry of presenceSession()) capture.record(entry);
    await capture.idle();
    const second = capture.status.file.file;
    expect(second).not.toBe(first);
    expect((await captureFiles()).map((name) => path.join(capturesDir(), name))).toEqual([first, second]);
    expect(await tsharkSip(second!, ['sip.Call-ID'])).toHaveLength(sipRows(presenceSession()).length);
  });

  it('given a data folder where captures/ cannot be created, then messages are dropped and counted, the user is told once, and nothing throws', async () => {
    await writeFile(capturesDir(), 'not a folder');
    capture.configure(PCAPNG);
    const session = presenceSession();
    for (const entry of session) capture.record(entry);
    await capture.idle();
    for (const entry of session) capture.record(entry);
    await capture.idle();
    expect(capture.status.file).toMatchObject({ state: 'failing', written: 0, dropped: session.length * 2 });
    expect(capture.status.file.problem).toMatch(/EEXIST|ENOTDIR/);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^The live capture could not be written \(.+\); SIP messages are dropped until it can\.$/);

    // Once the disk is usable again, writing resumes by itself.
    await rm(capturesDir());
    for (const entry of session) capture.record(entry);
    await capture.idle();
    expect(capture.status.file).toMatchObject({ state: 'writing', written: session.length, dropped: session.length * 2, problem: null });
  });
});

describe('capture file rotation', () => {
  const ROTATE = { format: 'pcapng', maxFileBytes: 4096, maxFiles: 3, application: 'Presently test', now: Date.now } as const;

  it('given more messages than fit in maxFiles files, then only the newest maxFiles files are kept, each within its size and readable', async () => {
    const files = new CaptureFiles({ ...ROTATE, folder: capturesDir() });
    const session = presenceSession();
    for (let round = 0; round < 10; round++) await files.write(session);
    await files.close();

    const names = await captureFiles();
    expect(names).toHaveLength(3);
    for (const name of names) {
      const file = path.join(capturesDir(), name);
      expect((await stat(file)).size).toBeLessThanOrEqual(ROTATE.maxFileBytes);
      // Each file is a whole pcapng of its own: it begins with a section header block.
      expect((await readFile(file)).readUInt32LE(0)).toBe(0x0a0d0d0a);
    }
    // The newest file opens in tshark and ends with the last message written.
    const last = await tsharkSip(path.join(capturesDir(), names.at(-1)!), ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq']);
    expect(last.map(([method, code, callId, cseq]) => [method || code, callId, cseq]).at(-1)).toEqual(sipRows(session).at(-1));
  }, 30_000);

  it('given files from an earlier run, then a restart starts a new file and the oldest beyond maxFiles go', async () => {
    const session = presenceSession();
    let clock = Date.UTC(2026, 0, 1);
    for (let run = 0; run < 3; run++) {
      const files = new CaptureFiles({ ...ROTATE, maxFileBytes: 1024 * 1024, folder: capturesDir(), now: () => clock });
      await files.write(session);
      await files.close();
      clock += 60_000;
    }
    expect(await captureFiles()).toEqual([
      'presently-capture-20260101T000000.000Z-00.pcapng',
      'presently-capture-20260101T000100.000Z-00.pcapng',
      'presently-capture-20260101T000200.000Z-00.pcapng',
    ]);
    // Someone else's file in the folder is left alone.
    await writeFile(path.join(capturesDir(), 'notes.txt'), 'mine');
    const restarted = new CaptureFiles({ ...ROTATE, maxFileBytes: 1024 * 1024, folder: capturesDir(), now: () => clock });
    await restarted.write(session);
    await restarted.close();
    expect(await captureFiles()).toEqual([
      'notes.txt',
      'presently-capture-20260101T000100.000Z-00.pcapng',
      'presently-capture-20260101T000200.000Z-00.pcapng',
      'presently-capture-20260101T000300.000Z-00.pcapng',
    ]);
  });
});
