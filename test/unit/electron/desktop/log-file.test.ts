import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFile, maskForLog } from '../../../../electron/desktop/log-file';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'presently-log-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

/** A line of exactly `bytes` bytes in the file (timestamp and level included). */
function lineOf(log: LogFile, bytes: number, tag: string): void {
  const prefix = '2024-01-01T00:00:00.000Z INFO  '.length;
  log.write('info', `${tag} `.padEnd(bytes - prefix - 1, 'x'));
}

const fixedClock = () => Date.parse('2024-01-01T00:00:00.000Z');

describe('log file rotation', () => {
  it('given lines past the size limit, then files rotate with no file above it and at most maxFiles of them, the newest lines in presently.log', async () => {
    const log = new LogFile({ folder, maxBytes: 1_000, maxFiles: 3, now: fixedClock });
    for (let i = 0; i < 40; i++) lineOf(log, 100, `line-${String(i).padStart(2, '0')}`);
    await log.flush();

    expect((await readdir(folder)).sort()).toEqual(['presently.log', 'presently.log.1', 'presently.log.2']);
    for (const name of log.fileNames()) expect((await stat(name)).size).toBeLessThanOrEqual(1_000);
    // Ten lines fill a file: the current one holds the newest ten, each older name the ten before; 0–9 were dropped.
    const tags = async (file: string) =>
      (await readFile(file, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => /line-(\d+)/.exec(l)?.[1]);
    expect(await tags(path.join(folder, 'presently.log'))).toEqual(['30', '31', '32', '33', '34', '35', '36', '37', '38', '39']);
    expect((await tags(path.join(folder, 'presently.log.1')))[0]).toBe('20');
    expect((await tags(path.join(folder, 'presently.log.2')))[0]).toBe('10');
  });

  it('given a rotation, then each file moves up one name and the oldest is dropped — none is overwritten before it moved', async () => {
    for (const [name, text] of [
      ['presently.log', 'current\n'],
      ['presently.log.1', 'one\n'],
      ['presently.log.2', 'two\n'],
    ] as const) {
      await writeFile(path.join(folder, name), text.padEnd(999, '.') + '\n');
    }
    const log = new LogFile({ folder, maxBytes: 1_000, maxFiles: 3, now: fixedClock });
    log.write('info', 'after the rotation');
    await log.flush();

    const read = (name: string) => readFile(path.join(folder, name), 'utf8');
    expect(await read('presently.log')).toBe('2024-01-01T00:00:00.000Z INFO  after the rotation\n');
    expect(await read('presently.log.1')).toMatch(/^current/);
    expect(await read('presently.log.2')).toMatch(/^one/);
    expect((await readdir(folder)).sort()).toEqual(['presently.log', 'presently.log.1', 'presently.log.2']);
  });

  it('given an existing small file, then lines are appended to it until it is full', async () => {
    await writeFile(path.join(folder, 'presently.log'), 'from the last run\n');
    const log = new LogFile({ folder, now: fixedClock });
    log.write('warn', 'this run');
    await log.flush();
    expect(await readFile(log.file, 'utf8')).toBe('from the last run\n2024-01-01T00:00:00.000Z WARN  this run\n');
  });

  it('given lines written while a write is under way, then all arrive in order', async () => {
    const log = new LogFile({ folder, maxBytes: 500, now: fixedClock });
    for (let i = 0; i < 50; i++) {
      log.write('info', `n${i}`);
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await log.flush();
    const lines: string[] = [];
    for (const name of log.fileNames().reverse()) {
      const text = await readFile(name, 'utf8').catch(() => '');
      lines.push(...text.split('\n').filter(Boolean));
    }
    expect(lines.map((l) => l.split(' ').pop())).toEqual(Array.from({ length: 50 }, (_, i) => `n${i}`).slice(-lines.length));
    expect(lines.length).toBeGreaterThan(20);
  });
});

describe('log file and credentials', () => {
  const PASSWORD = 'hunter2-secret';
  const RESPONSE = '6629fae49393a05397450978507c4ef1';
  const register = [
    'REGISTER sip:example.com SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1',
    'From: <sip:alice@example.com>;tag=1',
    'To: <sip:alice@example.com>',
    'Call-ID: abc',
    'CSeq: 2 REGISTER',
    `Authorization: Digest username="alice", realm="example.com", nonce="n0nce", uri="sip:example.com", response="${RESPONSE}", algorithm=MD5`,
    `Proxy-Authorization: Basic YWxpY2U6aHVudGVyMg==`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');

  it('given a REGISTER with credentials, a settings object with a password and an error quoting the header, then no secret reaches any file', async () => {
    const log = new LogFile({ folder, maxBytes: 600, now: fixedClock });
    log.writeSipMessage({
      at: fixedClock(),
      direction: 'out',
      transport: 'tcp',
      local: { address: '127.0.0.1', port: 5070 },
      remote: { address: '127.0.0.1', port: 5060 },
      raw: register,
    });
    log.write('info', 'settings loaded', {
      account: { aor: 'sip:alice@example.com', password: PASSWORD, nested: [{ secretToken: PASSWORD }] },
    });
    log.write('error', `server refused: Authorization: Digest username="alice", response="${RESPONSE}"`);
    log.write('error', 'sending failed', new Error(`Proxy-Authorization: Basic YWxpY2U6aHVudGVyMg==`));
    await log.flush();

    const everything = (await Promise.all((await readdir(folder)).map((name) => readFile(path.join(folder, name), 'utf8')))).join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(RESPONSE);
    expect(everything).not.toContain('YWxpY2U6aHVudGVyMg==');
    // What one needs to debug a challenge stays readable.
    expect(everything).toContain('nonce="n0nce"');
    expect(everything).toContain('username="alice"');
    expect(everything).toContain('"aor":"sip:alice@example.com"');
    expect(everything).toContain('REGISTER sip:example.com SIP/2.0');
  });

  it('given text without credentials, then it is written unchanged', () => {
    expect(maskForLog('account registered sip:example.com')).toBe('account registered sip:example.com');
  });
});
