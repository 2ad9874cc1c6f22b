/**
 * `presently compositor status`: asks a running compositor's control listener (electron/compositor/control/) for
 * `GET /status` and prints who publishes, who watches whom and who is registered, as tables or (`--json`) as the
 * server sent it. With a users file the server wants HTTP Digest (RFC 7616) as one of its `--admin` users: the
 * password comes from the terminal or stdin's first line, as add-user reads it, never from argv.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/error-message';
import { printable } from '../../shared/sip/header-section';
import {
  DEFAULT_CONTROL_PORT,
  type CompositorStatus,
  type PresentityStatus,
  type RegistrationStatus,
  type WatcherStatus,
} from '../compositor';
import { authorizationHeader, parseDigestChallenge } from '../net/digest';

/** Where the status command writes and how it reads a password. */
export interface StatusCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly readPassword: (prompt: string, confirm: boolean) => Promise<string>;
}

/** How long to wait for the control listener's answer. */
const ANSWER_TIMEOUT_MS = 5_000;

const USAGE = `Usage: presently compositor status [--control HOST:PORT] [--user USER] [--json]

Shows what a running compositor holds: presentities (status, devices, expiry), watchers (who watches whom,
state, transport, expiry) and registrations. It asks the compositor's control listener (default
127.0.0.1:${DEFAULT_CONTROL_PORT}; the compositor's --control). A compositor with --users wants a login as one of
its --admin users: the password is asked on the terminal, or read from the first line of stdin.
  --control HOST:PORT   where the control listener is
  --user USER           log in as USER
  --json                print the status as JSON (the times are milliseconds since 1970)`;

/** Runs `status`; resolves with the exit code (0 shown, 1 no answer or refused, 2 bad usage). */
export async function runStatusCommand(args: readonly string[], io: StatusCommandIo): Promise<number> {
  let values: { control?: string; user?: string; json?: boolean; help?: boolean };
  let target: { host: string; port: number };
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: { control: { type: 'string' }, user: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }));
    target = parseControlAddress(values.control ?? `127.0.0.1:${DEFAULT_CONTROL_PORT}`, '--control');
  } catch (error) {
    io.err(`presently compositor status: ${errorMessage(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.out(USAGE);
    return 0;
  }
  const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  const fail = (sentence: string): number => {
    io.err(`presently compositor status: ${sentence}`);
    return 1;
  };
  try {
    let answer = await get(target, undefined);
    if (answer.status === 401) {
      if (values.user === undefined) return fail(`the compositor at ${where} wants a login: give --user NAME (one of its --admin users)`);
      const password = await io.readPassword(`Password for ${values.user}: `, false);
      // A stale nonce (RFC 7616 §3.3) is answered once more with the new one; a second 401 is a wrong password.
      for (let attempt = 0; attempt < 2 && answer.status === 401; attempt++) {
        const challenge = firstChallenge(answer.challenges);
        if (challenge === null) return fail(`the compositor at ${where} sent no Digest challenge it can be answered with`);
        if (attempt === 1 && !challenge.stale) break;
        const cnonce = randomBytes(8).toString('hex');
        answer = await get(
          target,
          authorizationHeader(challenge, { username: values.user, password, method: 'GET', uri: '/status', nonceCount: 1, cnonce }),
        );
      }
      if (answer.status === 401) return fail('wrong user or password');
    }
    if (answer.status !== 200) return fail(`the compositor at ${where} answered ${answer.status}: ${errorText(answer.body)}`);
    const status = JSON.parse(answer.body) as CompositorStatus;
    if (values.json === true) io.out(JSON.stringify(status, null, 2));
    else for (const line of statusTables(status, where)) io.out(line);
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH')
      return fail(`No compositor answers at ${where} (is it running, and is its --control the same?)`);
    return fail(`the status from ${where} could not be read: ${errorMessage(error)}`);
  }
}

/** `HOST:PORT` (IPv6 in brackets) as `--control` takes it; `off` is the server's and not meant here. */
export function parseControlAddress(value: string, name: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value);
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new Error(`${name} must be HOST:PORT (e.g. 127.0.0.1:${DEFAULT_CONTROL_PORT}), not "${value}"`);
  return { host: match[1] ?? (match[2] as string), port };
}

interface Answer {
  readonly status: number;
  /** The WWW-Authenticate values, one per field: Node joins repeated fields with commas in `headers`. */
  readonly challenges: readonly string[];
  readonly body: string;
}

function get(target: { host: string; port: number }, authorization: string | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      {
        host: target.host,
        port: target.port,
        path: '/status',
        method: 'GET',
        headers: { Accept: 'application/json', ...(authorization === undefined ? {} : { Authorization: authorization }) },
        timeout: ANSWER_TIMEOUT_MS,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        const challenges = response.rawHeaders.filter(
          (_value, index, raw) => index % 2 === 1 && raw[index - 1]?.toLowerCase() === 'www-authenticate',
        );
        response.on('end', () => resolve({ status: response.statusCode ?? 0, challenges, body }));
        response.on('error', reject);
      },
    );
    sent.on('timeout', () => sent.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
    sent.on('error', reject);
    sent.end();
  });
}

/** The server's preferred challenge we can answer (it lists SHA-256 first). */
function firstChallenge(challenges: readonly string[]): ReturnType<typeof parseDigestChallenge> {
  for (const value of challenges) {
    const challenge = parseDigestChallenge(value);
    if (challenge !== null) return challenge;
  }
  return null;
}

/** The sentence of a refusal's `{"error": …}`, or the body as it is. */
function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // Not ours, or not JSON: show what came.
  }
  return body.slice(0, 200);
}

/** The status as three readable tables. */
export function statusTables(status: CompositorStatus, where: string): string[] {
  const expires = (at: number): string => `${Math.max(0, Math.round((at - status.time) / 1000))} s`;
  const soonest = (presentity: PresentityStatus): number => Math.min(...presentity.publications.map((p) => p.expiresAt));
  const presence = status.presentities.filter((p) => p.event === 'presence');
  // Other packages (message-summary, dialog, …) get a table of their own only when something is published in them.
  const others = status.presentities.filter((p) => p.event !== 'presence');
  const otherTable =
    others.length === 0
      ? []
      : [
          '',
          ...table(
            `Other event state (${others.length})`,
            ['AOR', 'EVENT', 'PUBLISHERS', 'EXPIRES IN', 'STATE'],
            others.map((p) => [p.aor, p.event, String(p.publications.length), expires(soonest(p)), p.summary ?? '']),
          ),
        ];
  return [
    `Presently compositor at ${where}, ${new Date(status.time).toISOString().replace('T', ' ').slice(0, 19)} UTC`,
    '',
    ...table(
      `Presentities (${presence.length})`,
      ['AOR', 'STATUS', 'DEVICES', 'EXPIRES IN', 'NOTE'],
      presence.map((p) => [p.aor, p.status, devicesText(p), p.publications.length === 0 ? '-' : expires(soonest(p)), p.note ?? '']),
    ),
    ...otherTable,
    '',
    ...table(
      `Watchers (${status.watchers.length})`,
      ['WATCHER', 'WATCHES', 'STATE', 'TRANSPORT', 'EXPIRES IN', 'FROM'],
      status.watchers.map((w: WatcherStatus) => [
        w.watcher,
        w.listMembers !== null
          ? `${w.presentity} (list of ${w.listMembers})`
          : w.event === 'presence'
            ? w.presentity
            : w.event === 'presence.winfo'
              ? `${w.presentity} (watcher info)`
              : `${w.presentity} (${w.event})`,
        w.state,
        w.transport,
        expires(w.expiresAt),
        w.source,
      ]),
    ),
    '',
    ...table(
      `Registrations (${status.registrations.length})`,
      ['AOR', 'CONTACT', 'EXPIRES IN', 'FROM'],
      status.registrations.map((r: RegistrationStatus) => [r.aor, r.contact, expires(r.expiresAt), r.source ?? '(connection)']),
    ),
  ];
}

/** `2: pc (busy), phone (available)`: how many devices publish, and each one's own status. */
function devicesText(presentity: PresentityStatus): string {
  const each = presentity.devices.map((device) => `${device.label ?? device.id} (${device.status})`).join(', ');
  return `${presentity.publications.length}${each === '' ? '' : `: ${each}`}`;
}

/**
 * A titled table, columns padded to their widest cell; "none" when it has no rows. Cells are what clients sent (notes,
 * contacts): control characters are replaced, so that a note cannot drive the reader's terminal.
 */
function table(title: string, heads: readonly string[], rawRows: ReadonlyArray<readonly string[]>): string[] {
  if (rawRows.length === 0) return [title, '  none'];
  const rows = rawRows.map((row) => row.map((cell) => printable(cell, 200)));
  const widths = heads.map((head, column) => Math.max(head.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    '  ' +
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [title, line(heads), ...rows.map(line)];
}
