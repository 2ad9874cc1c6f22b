/**
 * Reads the extra certificate authority file an account may name for TLS and WSS (a company CA). The
 * path comes from the settings form, so it is checked before it is read whole: a regular file, of a
 * size a CA bundle has (the system bundle is about 200 KB), holding at least one PEM certificate. A
 * wrong choice (a directory, /dev/zero, a 2 GB log, a DER file) gets a sentence, not a hang or a
 * TLS error nobody can read.
 */
import { open } from 'node:fs/promises';

/** The largest CA file read. */
export const MAX_CA_FILE_BYTES = 1024 * 1024;

const PEM_CERTIFICATE = '-----BEGIN CERTIFICATE-----';

/** The PEM text of a CA file; throws an Error whose message completes "Could not read the CA file X: …". */
export async function readCaFile(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error('it is not a regular file');
    if (info.size > MAX_CA_FILE_BYTES) {
      throw new Error(
        `it is ${Math.ceil(info.size / 1024)} KB; a CA file holds a few certificates (at most ${MAX_CA_FILE_BYTES / 1024} KB)`,
      );
    }
    const text = await file.readFile('utf8');
    if (!text.includes(PEM_CERTIFICATE)) throw new Error(`it holds no PEM certificate (a line "${PEM_CERTIFICATE}")`);
    return text;
  } finally {
    await file.close();
  }
}
