/**
 * `presently compositor add-user | remove-user | list-users`: the compositor's users file (electron/compositor/auth/
 * users-file.ts) kept from the command line. A password is read from the terminal without echo (asked twice) or,
 * when stdin is not a terminal, from its first line — never from argv, which other users of the machine can read
 * in the process list. The file is rewritten atomically with mode 0600 on every change.
 */
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/error-message';
import { readUsersFile, realmProblem, userEntry, usersFileText, UsersFileError, type UserEntry } from '../compositor';
import { writeTextAtomically } from '../service/json-file';

/** The users file when `--users` is not given: in the folder the command runs in, like a server's config. */
export const DEFAULT_USERS_FILE = 'presently-users.json';

/** The subcommands this module runs. */
export const USERS_SUBCOMMANDS = ['add-user', 'remove-user', 'list-users'] as const;

/** Where the users commands write and how they get a password (a test's own, or the terminal's). */
export interface UsersCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Reads a password; `confirm` asks a terminal user to type it twice. */
  readonly readPassword: (prompt: string, confirm: boolean) => Promise<string>;
}

const USAGE = `Usage: presently compositor add-user USER [--realm REALM] [--users FILE]
       presently compositor remove-user USER [--realm REALM] [--users FILE]
       presently compositor list-users [--users FILE]

The users file (default ./${DEFAULT_USERS_FILE}, mode 0600) holds, per user and realm, the digest hashes
(HA1, SHA-256 and MD5) the compositor checks logins against, never a password. add-user asks for the
password on the terminal, or reads the first line of stdin: printf '%s\\n' "$PASSWORD" | presently compositor add-user alice
The realm is the SIP domain the users log in to; it may be left out when the file has one realm only.`;

/** Runs one users subcommand; resolves with the exit code (0 done, 1 the file could not be used, 2 bad usage). */
export async function runUsersCommand(args: readonly string[], io: UsersCommandIo): Promise<number> {
  const [subcommand, ...rest] = args;
  let values: { realm?: string; users?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: { realm: { type: 'string' }, users: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    io.err(`presently compositor ${subcommand}: ${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.out(USAGE);
    return 0;
  }
  const wantsUser = subcommand !== 'list-users';
  if (positionals.length !== (wantsUser ? 1 : 0)) {
    io.err(`presently compositor ${subcommand}: ${wantsUser ? 'give exactly one user name' : 'takes no user name'}\n${USAGE}`);
    return 2;
  }
  const file = values.users ?? DEFAULT_USERS_FILE;
  try {
    const found = await readUsersFile(file);
    const entries = found === 'missing' ? [] : found;
    if (subcommand === 'list-users') {
      if (entries.length === 0) io.out(`${file}: no users`);
      for (const entry of entries) io.out(`${entry.user}@${entry.realm}`);
      return 0;
    }
    const user = positionals[0] as string;
    const realm = chooseRealm(values.realm, [], entries);
    const others = entries.filter((entry) => entry.user !== user || entry.realm !== realm);
    if (subcommand === 'remove-user') {
      if (others.length === entries.length) {
        io.err(`presently compositor remove-user: ${user} is not in realm ${realm} of ${file}`);
        return 1;
      }
      await writeTextAtomically(file, usersFileText(others));
      io.out(`Removed ${user}@${realm} from ${file}.`);
      return 0;
    }
    const password = await io.readPassword(`Password for ${user}@${realm}: `, true);
    if (password.length === 0) {
      io.err('presently compositor add-user: the password is empty');
      return 2;
    }
    await writeTextAtomically(file, usersFileText([...others, userEntry(realm, user, password)]));
    io.out(`${others.length === entries.length ? 'Added' : 'Changed the password of'} ${user}@${realm} in ${file}.`);
    return 0;
  } catch (error) {
    io.err(`presently compositor ${subcommand}: ${errorMessage(error)}`);
    return error instanceof UsersFileError ? 1 : 2;
  }
}

/**
 * The realm: as given, else the first served domain, else the one realm of the users file. The server and add-user
 * decide it the same way, so that a file made without `--realm` is the one the server reads without it.
 */
export function chooseRealm(given: string | undefined, domains: readonly string[], entries: readonly UserEntry[]): string {
  const realms = [...new Set(entries.map((entry) => entry.realm))];
  const realm = given ?? domains[0] ?? (realms.length === 1 ? realms[0] : undefined);
  if (realm === undefined)
    throw new Error(
      realms.length === 0
        ? 'say which realm (the SIP domain) with --realm'
        : `the file has realms ${realms.join(', ')}: say which with --realm`,
    );
  const problem = realmProblem(realm);
  if (problem !== null) throw new Error(problem);
  return realm;
}

/**
 * A password from the terminal, typed without echo (twice when `confirm`), or the first line of stdin when that is
 * a pipe or a file.
 */
export async function readPasswordFromStdin(prompt: string, confirm: boolean): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  const first = await readHidden(prompt);
  if (!confirm) return first;
  const second = await readHidden('Again: ');
  if (first !== second) throw new Error('the two passwords differ');
  return first;
}

/** One line from the terminal in raw mode, nothing echoed; Ctrl-C ends the process as usual (exit 130). */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const onData = (chunk: Buffer): void => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          process.exit(130);
        }
        if (character === '\r' || character === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(typed);
          return;
        }
        typed = character === '\u007f' || character === '\b' ? typed.slice(0, -1) : typed + character;
      }
    };
    stdin.on('data', onData);
  });
}
