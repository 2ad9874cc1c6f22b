/**
 * The trace's live outputs through the service, over real SIP: Kamailio on 127.0.0.1 with digest
 * authentication (test/support/kamailio; `.ci/run` installs it), the real engine, and the preferences
 * set through the real router, so payload validation and the service's own checks are part of what is
 * tested. The capture file is read by tshark; the HEP collector is our decoding one on loopback.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../../shared/account/account-settings';
import type { AppPreferences, IpcResult } from '../../../shared/ipc/contract';
import { DEFAULT_HEP_MIRROR, DEFAULT_LIVE_CAPTURE, type TraceCaptureStatus } from '../../../shared/trace/live-capture-settings';
import { createRequestRouter } from '../../../electron/ipc/request-router';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { createRequestHandlers } from '../../../electron/service/request-handlers';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { ServiceProbe } from '../../support/service-probe';
import { startUdpCollector } from '../../support/trace/hep-collector';
import { sipRows, tsharkSip } from '../../support/trace/tshark';

const PASSWORD = 'alice-secret';

let kamailio: RunningKamailio;
let dataDir: string;
let service: PresenceService;

beforeAll(async () => {
  kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: { alice: PASSWORD } });
}, 30_000);
afterAll(async () => {
  await kamailio?.stop();
});

const newService = () => new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined, trace: { batchMs: 10 } });

beforeEach(async () => {
  await kamailio.restart();
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-capture-service-'));
  service = newService();
});
afterEach(async () => {
  await service.stop({ timeoutMs: 2_000 });
  await rm(dataDir, { recursive: true, force: true });
});

function request<T>(channel: string, payload?: unknown): Promise<IpcResult<T>> {
  const router = createRequestRouter(createRequestHandlers(service), () => undefined);
  return router.handle(channel, payload) as Promise<IpcResult<T>>;
}

/** Signs in with digest auth and publishes; resolves once the 200 to the PUBLISH is traced. */
async function signInAndPublish(): Promise<ServiceProbe> {
  const probe = ServiceProbe.attach(service);
  await service.saveAccount({
    ...DEFAULT_ACCOUNT_SETTINGS,
    aor: `sip:alice@${kamailio.domain}`,
    password: PASSWORD,
    server: kamailio.serverUri('tcp'),
  });
  await service.setStatus({ status: 'busy', note: 'Capturing' });
  await probe.waitFor('onTraceBatch', (b) => b.entries.some((e) => e.raw.startsWith('SIP/2.0 200') && /CSeq: \d+ PUBLISH/.test(e.raw)), {
    what: 'the 200 to our PUBLISH',
  });
  return probe;
}

describe('trace capture through the service', () => {
  it('given the capture and the HEP mirror turned on, then a signed-in session is in the pcapng file and at the collector, credentials masked in both', async () => {
    const collector = await startUdpCollector();
    try {
      await service.start();
      const captureOn = { ...DEFAULT_LIVE_CAPTURE, enabled: true };
      const hepOn = {
        ...DEFAULT_HEP_MIRROR,
        enabled: true,
        collector: `127.0.0.1:${collector.port}`,
        captureId: 4_294_967_295,
        authKey: 'k',
      };
      const set = await request<AppPreferences>('app:set-preferences', { liveCapture: captureOn, hepMirror: hepOn });
      expect(set).toEqual({
        ok: true,
        value: expect.objectContaining({ liveCapture: captureOn, hepMirror: hepOn, keepRunningInTray: true }),
      });

      const probe = await signInAndPublish();
      await service.traceCaptureIdle();
      const status = await request<TraceCaptureStatus>('trace:capture-status');
      expect(status).toMatchObject({
        ok: true,
        value: { file: { state: 'writing', dropped: 0 }, hep: { state: 'sending', collector: hepOn.collector } },
      });
      const file = status.ok ? status.value.file.file! : '';
      expect(path.dirname(file)).toBe(path.join(dataDir, 'captures'));

      const rows = await tsharkSip(file, ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq']);
      // The window's trace batches go out on a timer, the capture file as each message happens: the last answer can be
      // in the file before its batch reaches the probe.
      const recordedNow = () => probe.received('onTraceBatch').flatMap((b) => b.entries);
      await vi.waitFor(() => expect(sipRows(recordedNow()).length).toBe(rows.length), { timeout: 5_000 });
      const recorded = recordedNow();
      expect(rows.map(([method, code, callId, cseq]) => [method || code, callId, cseq])).toEqual(sipRows(recorded));
      await vi.waitFor(() => expect(collector.packets.length).toBe(recorded.length), { timeout: 5_000 });
      expect(collector.packets.every((p) => p.captureId === 4_294_967_295 && p.authKey === 'k')).toBe(true);

      const bytes = await readFile(file, 'latin1');
      const withCredentials = recorded.filter((e) => /^Authorization: Digest/m.test(e.raw));
      expect(withCredentials.length).toBeGreaterThan(0);
      for (const entry of withCredentials) {
        const response = /response="([0-9a-f]+)"/.exec(entry.raw)![1]!;
        expect(bytes).not.toContain(response);
        expect(collector.packets.some((p) => p.payload.includes(response))).toBe(false);
      }
    } finally {
      await collector.close();
    }
  }, 30_000);

  it('given a collector without a port or a capture ID beyond 32 bits, then the preference is refused with why, and the others stay as they were', async () => {
    await service.start();
    await service.setPreferences({ startAtLogin: true });
    const noPort = await request('app:set-preferences', {
      hepMirror: { ...DEFAULT_HEP_MIRROR, enabled: true, collector: 'homer.example.com' },
    });
    expect(noPort).toMatchObject({
      ok: false,
      error: { message: "HEP collector: Add the collector's port, like homer.example.com:9060." },
    });
    const tooLarge = await request('app:set-preferences', {
      hepMirror: { ...DEFAULT_HEP_MIRROR, enabled: true, collector: 'homer:9060', captureId: 2 ** 32 },
    });
    expect(tooLarge).toMatchObject({ ok: false });
    expect(service.preferences).toEqual({ keepRunningInTray: true, startAtLogin: true, traceToFile: false });
    expect(await request('trace:capture-status')).toMatchObject({ ok: true, value: { hep: { state: 'off' }, file: { state: 'off' } } });
  });

  it('given the capture on, when the app restarts, then it writes to a new file and the capture settings are kept', async () => {
    await service.start();
    await service.setPreferences({ liveCapture: { ...DEFAULT_LIVE_CAPTURE, enabled: true, format: 'text' } });
    await signInAndPublish();
    await service.traceCaptureIdle();
    const first = service.traceCaptureStatus().file.file;
    await service.stop({ timeoutMs: 2_000 });

    service = newService();
    await service.start();
    expect(service.preferences.liveCapture).toEqual({ ...DEFAULT_LIVE_CAPTURE, enabled: true, format: 'text' });
    await signInAndPublish();
    await service.traceCaptureIdle();
    const second = service.traceCaptureStatus().file.file;
    expect(second).not.toBe(first);
    expect((await readdir(path.join(dataDir, 'captures'))).map((name) => path.join(dataDir, 'captures', name))).toEqual([first, second]);
  }, 30_000);
});
