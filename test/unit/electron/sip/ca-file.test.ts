import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_CA_FILE_BYTES, readCaFile } from '../../../../electron/sip/transport/ca-file';
import { makeTestCertificates } from '../../../support/sip/test-certificates';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-ca-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readCaFile', () => {
  it('given a PEM CA file, then its text is returned', async () => {
    const certificates = await makeTestCertificates();
    try {
      await expect(readCaFile(certificates.caFile)).resolves.toBe(certificates.caPem);
    } finally {
      await certificates.remove();
    }
  });

  it('given a directory, then it is refused as not a regular file', async () => {
    await expect(readCaFile(dir)).rejects.toThrow('it is not a regular file');
  });

  it('given a file larger than a CA bundle can be, then it is refused without being read', async () => {
    const file = path.join(dir, 'huge.log');
    await writeFile(file, '');
    await truncate(file, MAX_CA_FILE_BYTES + 1);
    await expect(readCaFile(file)).rejects.toThrow(/KB; a CA file holds a few certificates/);
  });

  it('given a file with no PEM certificate (DER, a key, text), then it is refused', async () => {
    const file = path.join(dir, 'ca.der');
    await writeFile(file, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    await expect(readCaFile(file)).rejects.toThrow('it holds no PEM certificate');
  });

  it('given a missing file, then the system error is passed on', async () => {
    await expect(readCaFile(path.join(dir, 'nope.pem'))).rejects.toThrow(/ENOENT/);
  });
});
