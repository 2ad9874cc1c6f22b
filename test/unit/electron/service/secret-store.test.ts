import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore, MemorySecretStore, passwordKey, type SecretCipher } from '../../../../electron/service/secret-store';

/**
 * A real AES-256-GCM cipher with a key held in memory. In the app the cipher is Electron's safeStorage,
 * which needs the OS keychain; this stands in for it with the same contract (bytes only this key opens).
 */
function aesCipher(key = randomBytes(32)): SecretCipher {
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-secrets-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secret stores', () => {
  it('memory: keeps, replaces and deletes secrets and says it does not persist', async () => {
    const store = new MemorySecretStore();
    expect(store.isPersistent).toBe(false);
    await store.set('k', 'one');
    await store.set('k', 'two');
    expect(await store.get('k')).toBe('two');
    await store.delete('k');
    expect(await store.get('k')).toBeNull();
  });

  it('encrypted file: a password survives a restart and is never on disk in clear', async () => {
    const cipher = aesCipher();
    const key = passwordKey('sip:alice@example.com');
    await new EncryptedFileSecretStore(dir, cipher).set(key, 'correct horse battery staple');
    const text = await readFile(path.join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain('correct horse');
    expect(JSON.parse(text)).toMatchObject({ schemaVersion: 1, secrets: { [key]: expect.any(String) } });

    const reopened = new EncryptedFileSecretStore(dir, cipher);
    expect(await reopened.get(key)).toBe('correct horse battery staple');
    await reopened.delete(key);
    expect(await new EncryptedFileSecretStore(dir, cipher).get(key)).toBeNull();
  });

  it('encrypted file: a secret encrypted under another key reads as absent instead of failing', async () => {
    await new EncryptedFileSecretStore(dir, aesCipher()).set('k', 'secret');
    expect(await new EncryptedFileSecretStore(dir, aesCipher()).get('k')).toBeNull();
  });

  it('encrypted file: a damaged file is set aside and the user is told to enter the password again', async () => {
    await writeFile(path.join(dir, 'secrets.json'), '{"schemaVersion":1,"secrets":{"k":"not base64!"}}');
    const told: string[] = [];
    const store = new EncryptedFileSecretStore(dir, aesCipher(), (message) => told.push(message));
    expect(await store.get('k')).toBeNull();
    expect(told).toEqual([expect.stringMatching(/could not be read .* Enter your password again/)]);
  });
});
