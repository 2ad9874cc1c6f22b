/**
 * The compositor with baresip (Debian package baresip-core, installed by .ci/run), an independent SIP user
 * agent with a presence module: baresip publishes its own presence (PUBLISH, RFC 3903) and watches a
 * contact (SUBSCRIBE, RFC 3856); we check that its PIDF is accepted and composed, and that it understands
 * the NOTIFYs the compositor composes for the contact (it prints every status change it reads).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePresenceBody } from '../../../shared/pidf';
import { publishSpec, startFixture, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
const CAROL = 'sip:carol@example.com';
const RPID = 'xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"';

let fx: CompositorFixture;
let baresip: ChildProcess;
let output = '';
let dir: string;

/** baresip's output without colour codes. */
const plain = () => output.replace(/\u001b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex

beforeEach(async () => {
  fx = await startFixture({ tcpPort: null, wsPort: null });
  dir = mkdtempSync(join(tmpdir(), 'presently-baresip-'));
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method epoll',
      'sip_listen 127.0.0.1:0',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module account.so',
      'module contact.so',
      'module presence.so',
      'audio_player none',
      'audio_source none',
      '',
    ].join('\n'),
  );
  // carol publishes (pubint) through the compositor as outbound proxy, registers nowhere (regint=0).
  writeFileSync(join(dir, 'accounts'), `<${CAROL}>;outbound="sip:127.0.0.1:${fx.udp.port}";regint=0;pubint=600\n`);
  writeFileSync(join(dir, 'contacts'), `"Alice" <${ALICE}>;presence=p2p\n`);
  output = '';
  baresip = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  baresip.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  baresip.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
});

afterEach(async () => {
  if (baresip.exitCode === null) {
    const exited = once(baresip, 'exit');
    baresip.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('baresip against the compositor', () => {
  it('given baresip running, then its PUBLISH is accepted and composed, and it watches its contact', async () => {
    await expect.poll(() => fx.server.counters().publicationsActive, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => fx.server.counters().subscriptionsActive, { timeout: 10_000 }).toBe(1);
    // baresip 1.0 publishes `<basic>unknown</basic>` until its user picks a status (not RFC 3863, read as
    // "no basic"); its tuple and contact must still be composed into carol's document.
    const composed = parsePresenceBody(fx.server.currentDocument(CAROL), 'application/pidf+xml');
    expect(composed.ok && composed.document.tuples.map((t) => t.contact?.uri)).toEqual([CAROL]);
    expect(fx.log.some((e) => e.what === 'PUBLISH' && e.aor === CAROL && e.status === 200)).toBe(true);
    expect(fx.log.some((e) => e.what === 'SUBSCRIBE' && e.aor === ALICE && e.status === 200)).toBe(true);
  });

  it('given baresip watching alice, when alice publishes busy and then removes her publication, then baresip reads Busy and then Offline', async () => {
    await expect.poll(() => fx.server.counters().subscriptionsActive, { timeout: 10_000 }).toBe(1);
    const epa = await fx.udpPeer();
    const busy = `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" ${RPID} entity="${ALICE}"><tuple id="t"><status><basic>open</basic></status></tuple><dm:person id="p"><rpid:activities><rpid:busy/></rpid:activities></dm:person></presence>`;
    const published = await epa.request(publishSpec(ALICE, { body: busy }));
    expect(published.status).toBe(200);
    await expect.poll(() => plain(), { timeout: 10_000 }).toMatch(/<sip:alice@example\.com> changed status from \S+ to Busy/);
    await epa.request(publishSpec(ALICE, { etag: published.headers.get('sip-etag') as string, expires: 0 }));
    await expect.poll(() => plain(), { timeout: 10_000 }).toMatch(/changed status from Busy to Offline/);
  });

  it('given baresip quits, then it removes its publication and ends its subscription at the compositor', async () => {
    await expect.poll(() => fx.server.counters().subscriptionsActive, { timeout: 10_000 }).toBe(1);
    const exited = once(baresip, 'exit');
    baresip.kill('SIGTERM');
    await exited;
    expect(fx.server.counters().subscriptionsActive).toBe(0);
    expect(fx.log.some((e) => e.what === 'PUBLISH' && e.aor === CAROL && e.line.includes('remove'))).toBe(true);
  });
});
