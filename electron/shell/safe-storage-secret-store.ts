/**
 * The app's secret store: passwords encrypted with Electron's `safeStorage` (macOS Keychain, Windows
 * DPAPI, libsecret or KWallet on Linux) in secrets.json, through the Node-only EncryptedFileSecretStore.
 *
 * Where the OS offers no real keychain — `safeStorage` unavailable, or Linux falling back to its
 * `basic_text` backend, which encrypts with a key hard-coded in Chromium — a password on disk would be
 * as good as plain text. Then passwords are kept in memory only, and the user is told so.
 * Must be called after the app is ready (safeStorage needs it on Linux).
 */
import { safeStorage } from 'electron';
import { EncryptedFileSecretStore, MemorySecretStore, memoryOnlyPasswordNotice, type SecretStore } from '../service/secret-store';

export function createSafeStorageSecretStore(dataDir: string, tell: (message: string) => void): SecretStore {
  const isLinuxPlainText = process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text';
  if (!safeStorage.isEncryptionAvailable() || isLinuxPlainText) {
    tell(memoryOnlyPasswordNotice('This system offers no keychain Presently can use (on Linux: GNOME Keyring or KWallet)'));
    return new MemorySecretStore();
  }
  return new EncryptedFileSecretStore(
    dataDir,
    { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (encrypted) => safeStorage.decryptString(encrypted) },
    tell,
  );
}
