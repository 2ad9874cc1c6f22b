/**
 * The compositor against a real, independent SIP implementation: sipp (Debian package sip-tester, installed
 * by .ci/run) plays a publishing device (initial PUBLISH, then refreshes with the SIP-ETag of each 200) and a
 * watcher (SUBSCRIBE, NOTIFYs with the composed document, unsubscribe). sipp's exit code says whether every
 * message matched its scenario.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { userEntry } from '../../../electron/compositor';
import { pidf } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const SCENARIOS = join(process.cwd(), 'test/support/compositor/sipp');

/** Runs sipp against the compositor's UDP port; resolves with its exit code and output. */
function sipp(port: number, scenario: string, extra: readonly string[]): Promise<{ code: number | null; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'presently-sipp-'));
  const child = spawn(
    'sipp',
    [`127.0.0.1:${port}`, '-sf', join(SCENARIOS, scenario), '-i', '127.0.0.1', '-p', '0', '-nostdin', '-timeout', '20s', ...extra],
    {
      cwd: dir,
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: -1, output: `sipp could not start: ${error.message}` }));
    child.once('exit', (code) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output });
    });
  });
}

let fx: CompositorFixture;
beforeEach(async () => {
  fx = await startFixture();
});

describe('sipp against the compositor', () => {
  it('given sipp publishing 50 devices, each with four refreshes, when it runs, then every PUBLISH gets 200 with a fresh SIP-ETag', async () => {
    const result = await sipp(fx.udp.port, 'publish-then-refresh.xml', ['-r', '50', '-m', '50']);
    expect(result.code, result.output.slice(-2000)).toBe(0);
    expect(fx.server.counters()).toMatchObject({
      publicationsActive: 50,
      requestsByMethod: { PUBLISH: 250 },
      responsesByStatus: { '200': 250 },
    });
  });

  it('given sipp as a watcher, when alice publishes a change, then sipp receives it and its unsubscribe ends the subscription', async () => {
    const watcher = sipp(fx.udp.port, 'watch-alice.xml', ['-m', '1']);
    await expect.poll(() => fx.server.counters().subscriptionsActive, { timeout: 10_000 }).toBe(1);
    const epa = await fx.udpPeer();
    const published = await epa.request(
      publishSpec('sip:alice@example.com', {
        body: pidf('sip:alice@example.com', [{ id: 't', basic: 'open', note: 'changed by the test' }]),
      }),
    );
    expect(published.status).toBe(200);
    const result = await watcher;
    expect(result.code, result.output.slice(-2000)).toBe(0);
    expect(fx.server.counters()).toMatchObject({ subscriptionsActive: 0, notifiesSent: 3, notifyFailures: 0 });
  });

  it('given a users file, when sipp publishes as the third-party account bench, then each PUBLISH is challenged and sipp’s MD5 answer accepted', async () => {
    const authenticated = await startFixture({
      thirdPartyPublishers: ['sip:bench@example.com'],
      authentication: { realm: 'example.com', users: [userEntry('example.com', 'bench', 'bench-secret')], algorithms: ['MD5'] },
    });
    const result = await sipp(authenticated.udp.port, 'publish-distinct-aors-auth.xml', [
      '-r',
      '20',
      '-m',
      '20',
      '-au',
      'bench',
      '-ap',
      'bench-secret',
    ]);
    expect(result.code, result.output.slice(-2000)).toBe(0);
    expect(authenticated.server.counters()).toMatchObject({ publicationsActive: 20, responsesByStatus: { '200': 20, '401': 20 } });
  });
});
