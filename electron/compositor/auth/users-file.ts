/**
 * The compositor's users file: who may log in, as realm, user and HA1 per digest algorithm (RFC 7616 §3.4.2) —
 * never a password. A JSON document, so that it can grow (a display name, a disabled flag) without a new parser:
 *
 *   { "schemaVersion": 1, "users": [ { "realm": "example.com", "user": "alice",
 *                                      "ha1": { "SHA-256": "…64 hex…", "MD5": "…32 hex…" } } ] }
 *
 * HA1 is as good as the password for that realm (it is all a client needs to answer a challenge), so the file
 * must be readable by its owner only: `readUsersFile` refuses a file others can read, as ssh refuses such a key.
 * Writing (atomically, mode 0600) is the command line's (`presently compositor add-user`); this module turns
 * entries into text and back.
 */
import { readFile, stat } from 'node:fs/promises';
import { credentialsHash, DIGEST_ALGORITHMS, type DigestAlgorithm } from '../../net/digest';

/** The version this build writes and reads. */
export const USERS_FILE_SCHEMA_VERSION = 1;

/** One account: who, in which realm, and the credentials hash per algorithm. */
export interface UserEntry {
  readonly realm: string;
  readonly user: string;
  readonly ha1: Readonly<Record<DigestAlgorithm, string>>;
}

/** A users file that cannot be used, in words for the operator. */
export class UsersFileError extends Error {
  override readonly name = 'UsersFileError';
}

/**
 * User names are SIP user parts without escapes (RFC 3261 §25.1 `unreserved` and `user-unreserved` less `;` `?`
 * `/`, which mean something else in a URI) and without `:`, which separates the fields of HA1.
 */
const USER_NAME = /^[A-Za-z0-9\-_.!~*'()&=+$,]{1,64}$/;
/** A realm goes into a quoted-string (RFC 7616 §3.3): printable ASCII without quote or backslash. */
const REALM = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { 'SHA-256': 64, MD5: 32 };

/** Why `user` cannot be a user name, or null. */
export function userNameProblem(user: string): string | null {
  return USER_NAME.test(user) ? null : `"${user}" is not a user name: 1–64 letters, digits or - _ . ! ~ * ' ( ) & = + $ ,`;
}

/** Why `realm` cannot be a realm, or null. */
export function realmProblem(realm: string): string | null {
  return REALM.test(realm) ? null : `"${realm}" is not a realm: 1–128 printable characters without spaces, quotes or backslashes`;
}

/** The entry for `user` with `password`, both HA1s computed; the password goes no further. */
export function userEntry(realm: string, user: string, password: string): UserEntry {
  const problem = userNameProblem(user) ?? realmProblem(realm);
  if (problem !== null) throw new UsersFileError(problem);
  const ha1 = Object.fromEntries(DIGEST_ALGORITHMS.map((algorithm) => [algorithm, credentialsHash(algorithm, user, realm, password)]));
  return { realm, user, ha1: ha1 as Record<DigestAlgorithm, string> };
}

/** The file's text for `entries`, sorted by realm and user so that a change reads as a one-line diff. */
export function usersFileText(entries: readonly UserEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.realm.localeCompare(b.realm) || a.user.localeCompare(b.user));
  return `${JSON.stringify({ schemaVersion: USERS_FILE_SCHEMA_VERSION, users: sorted }, null, 2)}\n`;
}

/** Reads the entries of a users file's text; throws `UsersFileError` saying what is wrong. */
export function parseUsersFile(text: string): UserEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsersFileError(`it is not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null) throw new UsersFileError('it is not a JSON object');
  const { schemaVersion, users } = raw as { schemaVersion?: unknown; users?: unknown };
  if (schemaVersion !== USERS_FILE_SCHEMA_VERSION)
    throw new UsersFileError(`schemaVersion is ${JSON.stringify(schemaVersion)}; this build reads ${USERS_FILE_SCHEMA_VERSION}`);
  if (!Array.isArray(users)) throw new UsersFileError('"users" is not a list');
  const seen = new Set<string>();
  return users.map((candidate: unknown, index) => {
    const entry = decodeEntry(candidate);
    if (typeof entry === 'string') throw new UsersFileError(`users[${index}]: ${entry}`);
    const key = `${entry.user}\n${entry.realm}`;
    if (seen.has(key)) throw new UsersFileError(`users[${index}]: ${entry.user} appears twice in realm ${entry.realm}`);
    seen.add(key);
    return entry;
  });
}

function decodeEntry(candidate: unknown): UserEntry | string {
  if (typeof candidate !== 'object' || candidate === null) return 'not an object';
  const { realm, user, ha1 } = candidate as { realm?: unknown; user?: unknown; ha1?: unknown };
  if (typeof realm !== 'string' || realmProblem(realm) !== null) return 'missing or invalid "realm"';
  if (typeof user !== 'string' || userNameProblem(user) !== null) return 'missing or invalid "user"';
  if (typeof ha1 !== 'object' || ha1 === null) return 'missing "ha1"';
  const hashes: Partial<Record<DigestAlgorithm, string>> = {};
  for (const algorithm of DIGEST_ALGORITHMS) {
    const value = (ha1 as Record<string, unknown>)[algorithm];
    if (typeof value !== 'string' || !new RegExp(`^[0-9a-f]{${HEX_LENGTH[algorithm]}}$`).test(value))
      return `"ha1"."${algorithm}" is not ${HEX_LENGTH[algorithm]} lower-case hex digits`;
    hashes[algorithm] = value;
  }
  return { realm, user, ha1: hashes as Record<DigestAlgorithm, string> };
}

/**
 * Reads a users file; `missing` when it does not exist (for add-user's first entry). Throws `UsersFileError` when it
 * cannot be read, is not valid, or others than its owner may read it (POSIX only: Windows has no mode bits).
 */
export async function readUsersFile(file: string): Promise<UserEntry[] | 'missing'> {
  let text: string;
  try {
    const info = await stat(file);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      throw new UsersFileError(`${file} may be read by others (mode ${mode}); it holds password hashes: chmod 600 ${file}`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsersFileError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new UsersFileError(`cannot read ${file} (${(error as Error).message})`);
  }
  try {
    return parseUsersFile(text);
  } catch (error) {
    throw new UsersFileError(`${file}: ${(error as Error).message}`);
  }
}
