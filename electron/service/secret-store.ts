/**
 * Where account passwords live: never in settings.json. The service sees only this interface.
 *
 * - `MemorySecretStore`: kept until the process ends (tests; and the app when the OS offers no keychain).
 * - `EncryptedFileSecretStore`: secrets.json holding each secret encrypted by a `SecretCipher`; in the
 *   app the cipher is Electron's `safeStorage` (Keychain on macOS, DPAPI on Windows, libsecret/kwallet on
 *   Linux — see electron/shell/safe-storage-secret-store.ts). The file never holds a password in clear.
 */
import path from 'node:path';
import { DocumentFile, type DocumentFormat } from './json-file';

export interface SecretStore {
  /** True when secrets survive a restart (a keychain); false when they are held in memory only. */
  readonly isPersistent: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, secret: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What the window says when passwords are held by a MemorySecretStore; `why` names what is missing, e.g. "This system offers no keychain". */
export function memoryOnlyPasswordNotice(why: string): string {
  return `${why}, so your SIP password is kept only until Presently quits.`;
}

/** The key an account's password is stored under. */
export const passwordKey = (aor: string): string => `sip-password:${aor}`;

/** Secrets in memory only (tests; and the app on a system without a usable keychain). */
export class MemorySecretStore implements SecretStore {
  readonly isPersistent = false;
  private readonly secrets = new Map<string, string>();

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.secrets.get(key) ?? null);
  }

  set(key: string, secret: string): Promise<void> {
    this.secrets.set(key, secret);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.secrets.delete(key);
    return Promise.resolve();
  }
}

/** Turns a secret into bytes only this user on this machine can turn back (the OS keychain's key). */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

export const SECRETS_FILE_NAME = 'secrets.json';

/** secrets.json, schema 1: `{ "schemaVersion": 1, "secrets": { key: base64(ciphertext) } }`. */
const secretsFormat: DocumentFormat<Readonly<Record<string, string>>> = {
  schemaVersion: 1,
  decode(raw) {
    if (typeof raw !== 'object' || raw === null) return { ok: false, error: 'not an object' };
    const secrets = (raw as { secrets?: unknown }).secrets;
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets))
      return { ok: false, error: 'secrets: expected an object' };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(secrets)) {
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
        return { ok: false, error: `secrets.${key}: expected base64` };
      out[key] = value;
    }
    return { ok: true, value: out };
  },
  encode: (secrets) => ({ secrets }),
};

/** Secrets encrypted by `cipher` in `dataDir/secrets.json`, written atomically. */
export class EncryptedFileSecretStore implements SecretStore {
  readonly isPersistent = true;
  private readonly file: DocumentFile<Readonly<Record<string, string>>>;
  private loaded: Promise<Record<string, string>> | null = null;

  constructor(
    dataDir: string,
    private readonly cipher: SecretCipher,
    /** Told when secrets.json was unreadable and set aside (the passwords in it must be entered again). */
    private readonly onSetAside: (message: string) => void = () => undefined,
  ) {
    this.file = new DocumentFile(path.join(dataDir, SECRETS_FILE_NAME), secretsFormat);
  }

  async get(key: string): Promise<string | null> {
    const encrypted = (await this.secrets())[key];
    if (encrypted === undefined) return null;
    try {
      return this.cipher.decrypt(Buffer.from(encrypted, 'base64'));
    } catch {
      // Encrypted under another user or machine key (a copied profile): as good as absent.
      return null;
    }
  }

  async set(key: string, secret: string): Promise<void> {
    const secrets = { ...(await this.secrets()), [key]: this.cipher.encrypt(secret).toString('base64') };
    await this.file.save(secrets);
    this.loaded = Promise.resolve(secrets);
  }

  async delete(key: string): Promise<void> {
    const { [key]: _removed, ...rest } = await this.secrets();
    await this.file.save(rest);
    this.loaded = Promise.resolve(rest);
  }

  private secrets(): Promise<Record<string, string>> {
    this.loaded ??= this.file.load().then((result) => {
      if (result.kind === 'set-aside') {
        this.onSetAside(
          `The saved passwords could not be read (${result.reason}); the file was kept as ${result.movedTo}. Enter your password again in Settings.`,
        );
      }
      return result.kind === 'loaded' ? { ...result.value } : {};
    });
    return this.loaded;
  }
}
