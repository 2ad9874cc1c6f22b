/**
 * Trace exports through the service, over real SIP: Kamailio's presence server on 127.0.0.1 with digest
 * authentication (test/support/kamailio; `.ci/run` installs it), the real engine as our user agent, and a SaveFileChooser that
 * answers with a path in a fresh folder, as the test harness does for the save dialog. The requests
 * go through the real router, so payload validation is part of what is tested.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import type { IpcResult, TraceExportResult } from '../../../shared/ipc/contract';
import { summarizeSipMessage } from '../../../shared/trace/trace-summary';
import { MASK } from '../../../shared/trace/credential-mask';
import { createRequestHandlers } from '../../../electron/service/request-handlers';
import { createRequestRouter } from '../../../electron/ipc/request-router';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import type { SaveFileRequest } from '../../../electron/service/trace-export';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { ServiceProbe } from '../../support/service-probe';

const run = promisify(execFile);
const PASSWORD = 'alice-secret';

let dataDir: string;
let exportDir: string;
let kamailio: RunningKamailio;
let service: PresenceService;
let asked: SaveFileRequest[];
let answer: string | null;

beforeAll(async () => {
  kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: { alice: PASSWORD } });
}, 30_000);
afterAll(async () => {
  await kamailio?.stop();
});

beforeEach(async () => {
  await kamailio.restart();
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-service-'));
  exportDir = await mkdtemp(path.join(tmpdir(), 'presently-export-'));
  asked = [];
  answer = null;
  service = new PresenceService({
    host: nodeHostInfo(),
    dataDir,
    log: () => undefined,
    trace: { batchMs: 10 },
    saveFileChooser: {
      choose: async (request) => {
        asked.push(request);
        return answer;
      },
    },
  });
});

afterEach(async () => {
  await service.stop({ timeoutMs: 2_000 });
  await rm(dataDir, { recursive: true, force: true });
  await rm(exportDir, { recursive: true, force: true });
});

/** Signs in with digest auth, publishes, and waits until the 200 to our PUBLISH is in the trace. */
async function signInAndPublish(): Promise<ServiceProbe> {
  await service.start();
  const probe = ServiceProbe.attach(service);
  await service.saveAccount({
    ...DEFAULT_ACCOUNT_SETTINGS,
    displayName: 'Alice',
    aor: `sip:alice@${kamailio.domain}`,
    password: PASSWORD,
    server: kamailio.serverUri('tcp'),
  });
  await service.setStatus({ status: 'busy', note: 'Exporting' });
  await probe.waitFor('onTraceBatch', (b) => b.entries.some((e) => e.raw.startsWith('SIP/2.0 200') && /CSeq: \d+ PUBLISH/.test(e.raw)), {
    what: 'the 200 to our PUBLISH',
  });
  return probe;
}

function router() {
  const errors: unknown[] = [];
  return { errors, router: createRequestRouter(createRequestHandlers(service), (message, error) => errors.push([message, error])) };
}

describe('trace export through the service', () => {
  it('given a signed-in session with digest auth, when all is exported as text, then every message is in the file with credentials masked', async () => {
    const probe = await signInAndPublish();
    answer = path.join(exportDir, 'trace.txt');
    const { router: r, errors } = router();
    const result = (await r.handle('trace:export', {
      format: 'text',
      scope: { kind: 'all', afterSeq: 0 },
      includeCredentials: false,
    })) as IpcResult<TraceExportResult>;
    expect(errors).toEqual([]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const text = await readFile(answer, 'utf8');
    const recorded = probe.received('onTraceBatch').flatMap((b) => b.entries);
    expect(result.value).toEqual({ saved: true, path: answer, messages: expect.any(Number), bytes: Buffer.byteLength(text) });
    expect(result.value.messages).toBeGreaterThanOrEqual(recorded.length);
    expect(asked).toEqual([
      {
        title: 'Export SIP trace as text',
        defaultName: expect.stringMatching(/^presently-trace-\d{8}-\d{6}\.txt$/),
        filters: [{ name: 'Text', extensions: ['txt', 'log'] }],
      },
    ]);

    const withCredentials = recorded.filter((e) => /^Authorization: Digest/m.test(e.raw));
    expect(withCredentials.length).toBeGreaterThan(0);
    for (const entry of withCredentials) {
      const response = /response="([0-9a-f]+)"/.exec(entry.raw)![1]!;
      expect(text).not.toContain(response);
    }
    expect(text).toContain(`response="${MASK}"`);
    expect(text).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+ TCP sent #1\nREGISTER /);
    expect(text).toContain('SIP-ETag: ');
    expect(await readdir(exportDir)).toEqual(['trace.txt']);
  });

  it('given listed messages and a pcap, when exported, then tshark reads exactly those messages', async () => {
    const probe = await signInAndPublish();
    const recorded = probe.received('onTraceBatch').flatMap((b) => b.entries);
    const publishes = recorded.filter((e) => summarizeSipMessage(e.raw).method === 'PUBLISH');
    answer = path.join(exportDir, 'publish.pcap');
    const result = await service.exportTrace({
      format: 'pcap',
      scope: { kind: 'messages', seqs: publishes.map((e) => e.seq) },
      includeCredentials: false,
    });
    expect(result).toMatchObject({ saved: true, messages: publishes.length });
    const { stdout } = await run('tshark', ['-r', answer, '-Y', 'sip', '-T', 'fields', '-e', 'sip.CSeq']);
    expect(stdout.trim().split('\n')).toEqual(publishes.map((e) => summarizeSipMessage(e.raw).cseq));
  });

  it('given the user cancels the save dialog, then nothing is written and the answer says so', async () => {
    await signInAndPublish();
    answer = null;
    expect(await service.exportTrace({ format: 'pcap', scope: { kind: 'all', afterSeq: 0 }, includeCredentials: false })).toEqual({
      saved: false,
      path: null,
      messages: 0,
      bytes: 0,
    });
    expect(await readdir(exportDir)).toEqual([]);
  });

  it('given nothing to export, a folder that does not exist, or a bad payload, then a readable refusal and no file', async () => {
    const probe = await signInAndPublish();
    const { router: r, errors } = router();
    const lastSeq = probe.received('onTraceBatch').at(-1)!.entries.at(-1)!.seq;
    answer = path.join(exportDir, 'x.txt');
    expect(
      await r.handle('trace:export', { format: 'text', scope: { kind: 'all', afterSeq: lastSeq + 1000 }, includeCredentials: false }),
    ).toEqual({
      ok: false,
      error: { code: 'failed', message: 'There are no SIP messages to export.' },
    });
    expect(asked).toEqual([]);

    answer = path.join(exportDir, 'missing-folder', 'x.txt');
    const failed = await r.handle('trace:export', { format: 'text', scope: { kind: 'all', afterSeq: 0 }, includeCredentials: false });
    expect(failed).toMatchObject({
      ok: false,
      error: { code: 'failed', message: expect.stringMatching(/^The trace could not be saved to .*missing-folder.*x\.txt \(ENOENT/) },
    });

    const invalid = await r.handle('trace:export', { format: 'html', scope: { kind: 'all', afterSeq: 0 }, includeCredentials: false });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const tooMany = await r.handle('trace:export', {
      format: 'text',
      scope: { kind: 'messages', seqs: new Array(100_001).fill(1) },
      includeCredentials: false,
    });
    expect(tooMany).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(errors).toEqual([]);
    expect(await readdir(exportDir)).toEqual([]);
  });
});
