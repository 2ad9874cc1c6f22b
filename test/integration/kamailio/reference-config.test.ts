/**
 * The reference Kamailio configuration (docs/kamailio/presently.cfg) as a team gets it: Kamailio's own
 * configuration check (`kamailio -c`) accepts the file unchanged and with every test switch the test support
 * renders, and the renderer refuses a file whose placeholder lines it cannot find instead of starting a server on
 * the wrong ports. Its behaviour (presence, winfo, digest, XCAP) is tested by the other files in this folder.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULE_DIR, REFERENCE_CONFIG, renderConfig, type KamailioOptions } from '../../support/kamailio/kamailio';

const run = promisify(execFile);

/** `kamailio -c` on a file: resolves with its output, rejects with it when the check fails. */
async function check(file: string): Promise<string> {
  const { stdout, stderr } = await run('kamailio', ['-c', '-L', MODULE_DIR ?? '', '-f', file]);
  return stdout + stderr;
}

describe('the reference Kamailio configuration', () => {
  let dir: string;
  let template: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'presently-kamailio-cfg-'));
    template = await readFile(REFERENCE_CONFIG, 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('given the file as shipped, when Kamailio checks it, then it is accepted and listens on loopback only', async () => {
    const output = await check(REFERENCE_CONFIG);
    expect(output).toMatch(/udp: 127\.0\.0\.1 \[127\.0\.0\.1\]:5060/);
    expect(output).toMatch(/tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:5060/);
    expect(output).not.toMatch(/(udp|tcp|tls): (?!127\.0\.0\.1)/);
  });

  const variants: ReadonlyArray<readonly [string, KamailioOptions, Partial<Record<'tls' | 'ws', number>>]> = [
    ['users, watcher authorisation and XCAP', { users: { alice: 'a' }, forceActive: false, xcap: true }, {}],
    ['the open loopback demo', {}, {}],
    ['large lists and a minimum subscription interval', { largeLists: true, minSubscribeExpires: 120 }, {}],
    ['fixed contacts and a WebSocket listener', { fixContacts: true }, { ws: 40003 }],
    ['a TLS listener', { tls: { certFile: '/nonexistent.pem', keyFile: '/nonexistent.key' } }, { tls: 40004 }],
  ];
  for (const [title, options, extra] of variants) {
    it(`given ${title}, when the test support renders it, then Kamailio accepts it on the chosen ports`, async () => {
      const file = path.join(dir, `${title.replace(/\W+/g, '-')}.cfg`);
      await writeFile(file, renderConfig(template, options, { udp: 40001, tcp: 40002, ...extra }, dir));
      const output = await check(file);
      expect(output).toMatch(/udp: 127\.0\.0\.1 \[127\.0\.0\.1\]:40001/);
      expect(output).toMatch(/tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:40002/);
      if (extra.ws !== undefined) expect(output).toMatch(/tcp: 127\.0\.0\.1 \[127\.0\.0\.1\]:40003/);
      if (extra.tls !== undefined) expect(output).toMatch(/tls: 127\.0\.0\.1 \[127\.0\.0\.1\]:40004/);
    });
  }

  it('given a file without the port placeholder line, when rendered, then the renderer says which placeholder is missing', () => {
    const broken = template.replace(/^#!substdef "!PRESENTLY_TCP_PORT!.*$/m, '');
    expect(() => renderConfig(broken, {}, { udp: 40001, tcp: 40002 }, dir)).toThrow(/no placeholder line for PRESENTLY_TCP_PORT/);
  });
});
