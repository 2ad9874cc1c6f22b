/**
 * The settings dialog's Trace section: the live capture to files and the HEP mirror, checked in the
 * form (host:port, capture ID 0..2^32−1), applied with the other preferences kept, and their status
 * shown while the dialog is open. The core is the harness's real service on the offline demo; the
 * collector is a real UDP socket on 127.0.0.1 that decodes what arrives.
 */
import { startUdpCollector } from '../support/trace/hep-collector';
import { expect, test } from './fixtures';

test.describe('trace capture settings', () => {
  test('given the Trace section, when a collector lacks its port or the capture ID is too large, then the field says why and nothing is saved; when fixed and applied, then both outputs run and say so', async ({
    app,
    harness,
  }, testInfo) => {
    const collector = await startUdpCollector();
    try {
      await harness.service.setPreferences({ startAtLogin: true });
      const settings = await app.openSettings();
      const trace = settings.root.getByTestId('trace-capture-settings');
      const status = trace.getByTestId('trace-capture-status');
      await expect(status).toHaveText('Not capturing and not mirroring.');

      await trace.getByRole('checkbox', { name: /Mirror every SIP message to a HEP collector/ }).check();
      await trace.getByLabel('Collector', { exact: true }).fill('homer.example.com');
      await trace.getByLabel('Capture ID', { exact: true }).fill('4294967296');
      await trace.getByRole('button', { name: 'Apply trace settings' }).click();
      await expect(settings.fieldError('trace-hep-collector')).toHaveText("Add the collector's port, like homer.example.com:9060.");
      await expect(settings.fieldError('trace-hep-capture-id')).toHaveText('Enter a whole number from 0 to 4294967295.');
      expect(harness.service.preferences.hepMirror).toBeUndefined();

      await trace.getByLabel('Collector', { exact: true }).fill(`127.0.0.1:${collector.port}`);
      await trace.getByLabel('Capture ID', { exact: true }).fill('4294967295');
      await trace.getByRole('checkbox', { name: 'Capture every SIP message to files as it happens' }).check();
      await trace.getByRole('button', { name: 'Apply trace settings' }).click();
      await expect(trace.getByTestId('trace-capture-outcome')).toHaveText('Trace settings applied.');
      expect(harness.service.preferences).toEqual({
        keepRunningInTray: true,
        startAtLogin: true,
        traceToFile: false,
        liveCapture: { enabled: true, format: 'pcapng', maxFileMegabytes: 10, maxFiles: 5 },
        hepMirror: { enabled: true, transport: 'udp', collector: `127.0.0.1:${collector.port}`, captureId: 4294967295, authKey: '' },
      });

      // A PUBLISH and its answer go to both outputs.
      await harness.service.setStatus({ status: 'busy', note: 'Capturing' });
      await expect(status).toContainText(/Writing to .*captures.presently-capture-.*\.pcapng: [1-9]\d* messages, 0 dropped\./);
      await expect(status).toContainText(
        new RegExp(`Sending to the HEP collector 127\\.0\\.0\\.1:${collector.port}: [1-9]\\d* messages, 0 dropped\\.`),
      );
      expect(collector.packets.some((p) => p.payload.startsWith('PUBLISH ') && p.captureId === 4294967295)).toBe(true);
      await trace.scrollIntoViewIfNeeded();
      await app.screenshot(testInfo, 'trace-capture-settings');
    } finally {
      await collector.close();
    }
  });
});
