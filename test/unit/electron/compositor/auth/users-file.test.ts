/** The users file: entries with both HA1s, the JSON form and its checks, and the refusal of a file others can read. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialsHash } from '../../../../../electron/net/digest';
import { parseUsersFile, readUsersFile, userEntry, usersFileText } from '../../../../../electron/compositor/auth/users-file';

describe('userEntry and the file text', () => {
  it('given a password, then the entry holds HA1 for SHA-256 and MD5 and the text holds no password', () => {
    const entry = userEntry('example.com', 'alice', 'correct horse');
    expect(entry.ha1['SHA-256']).toBe(credentialsHash('SHA-256', 'alice', 'example.com', 'correct horse'));
    expect(entry.ha1.MD5).toBe(credentialsHash('MD5', 'alice', 'example.com', 'correct horse'));
    const text = usersFileText([entry]);
    expect(text).not.toContain('correct horse');
    expect(parseUsersFile(text)).toEqual([entry]);
  });

  it('given entries in any order, then the text lists them by realm and user', () => {
    const text = usersFileText([userEntry('b.example', 'zed', 'p'), userEntry('a.example', 'bob', 'p'), userEntry('a.example', 'al', 'p')]);
    expect(parseUsersFile(text).map((entry) => `${entry.realm}/${entry.user}`)).toEqual(['a.example/al', 'a.example/bob', 'b.example/zed']);
  });

  it('given a user name with a colon or a realm with a quote, then refused (they would break HA1 or the challenge)', () => {
    expect(() => userEntry('example.com', 'al:ice', 'p')).toThrow(/not a user name/);
    expect(() => userEntry('exa"mple', 'alice', 'p')).toThrow(/not a realm/);
  });

  it('given damaged files, then each is refused saying what is wrong', () => {
    expect(() => parseUsersFile('{')).toThrow(/not valid JSON/);
    expect(() => parseUsersFile('{"schemaVersion":2,"users":[]}')).toThrow(/schemaVersion is 2/);
    expect(() => parseUsersFile('{"schemaVersion":1,"users":[{"realm":"r","user":"a","ha1":{"MD5":"00"}}]}')).toThrow(
      /users\[0\]: "ha1"."SHA-256"/,
    );
    const entry = userEntry('r', 'a', 'p');
    expect(() => parseUsersFile(JSON.stringify({ schemaVersion: 1, users: [entry, entry] }))).toThrow(/appears twice/);
  });
});

describe('readUsersFile', () => {
  let folder: string | undefined;
  afterEach(async () => {
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
  });

  it.skipIf(process.platform === 'win32')('given mode 0600, then read; given 0644, then refused naming the chmod', async () => {
    folder = await mkdtemp(join(tmpdir(), 'presently-users-'));
    const file = join(folder, 'users.json');
    expect(await readUsersFile(file)).toBe('missing');
    await writeFile(file, usersFileText([userEntry('example.com', 'alice', 'p')]), { mode: 0o600 });
    expect(await readUsersFile(file)).toHaveLength(1);
    await chmod(file, 0o644);
    await expect(readUsersFile(file)).rejects.toThrow(`mode 644); it holds password hashes: chmod 600 ${file}`);
  });
});
