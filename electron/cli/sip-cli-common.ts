/**
 * What `presently publish` and `presently watch` share: the account options, exit codes that say what
 * went wrong, and the `--trace` printer. Both run the same engine (electron/sip/) as the app.
 */
import type { AccountState, SipProblem } from '../../shared/presence/presence-state';
import { T1_MS } from '../../shared/sip/timers';
import type { UnnumberedTraceEntry } from '../../shared/trace/trace-entry';
import type { SipAccountConfig } from '../sip/sip-client-types';
import { MAX_EXPIRES_SECONDS } from '../sip/usage/refresh-policy';

/** Exit codes of the SIP subcommands. */
export const EXIT = {
  ok: 0,
  /** A SIP failure not covered below (the message says which). */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** The server could not be reached: name not found, connection refused, no route, TLS refused. */
  unreachable: 3,
  /** The server refused us: 401/407 (credentials) or 403 (forbidden). */
  refused: 4,
  /** The server does not accept presence publications (489, 501, 404 or 405 to PUBLISH). */
  unsupported: 5,
  /** The server did not answer in time. */
  timeout: 6,
} as const;

/** Where a command writes and what makes it stop: the real process by default, a test's own otherwise. */
export interface SipCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the command should stop (Ctrl-C / SIGTERM by default). */
  readonly stopRequested: Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's own IO: stdout, stderr, SIGINT/SIGTERM, environment. */
export function processIo(): SipCommandIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stopRequested: new Promise((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    }),
    env: process.env,
  };
}

/** A usage error: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `parseArgs` option descriptions for the account. */
export const ACCOUNT_OPTIONS = {
  aor: { type: 'string' },
  server: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'display-name': { type: 'string' },
  'outbound-proxy': { type: 'string' },
  'ws-path': { type: 'string' },
  'ca-file': { type: 'string' },
  'no-register': { type: 'boolean' },
  'register-expires': { type: 'string' },
  'sip-t1': { type: 'string' },
  trace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const ACCOUNT_HELP = `Account:
  --aor SIP-URI           your address of record, e.g. sip:alice@example.com (required)
  --server SIP-URI        registrar and presence server, e.g. 'sip:10.0.0.5:5060;transport=tcp' (required);
                          transport=udp|tcp|tls|ws|wss, or sips: for TLS
  --user NAME             digest user name, when it is not the AOR's user part
  --password SECRET       digest password (or set PRESENTLY_PASSWORD, which other users cannot see in ps)
  --display-name TEXT     display name in From
  --outbound-proxy URI    send everything through this proxy
  --ws-path PATH          HTTP path of a WebSocket server (default /)
  --ca-file PEM           extra certificate authorities to trust for TLS/WSS
  --no-register           do not REGISTER first
  --register-expires S    registration interval in seconds (default 600)
  --sip-t1 MS             RFC 3261 T1 in milliseconds (default ${T1_MS}); requests time out after 64×T1
  --trace                 print every SIP message sent and received on stderr`;

type AccountValues = { [K in keyof typeof ACCOUNT_OPTIONS]?: (typeof ACCOUNT_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** A whole number of seconds (or milliseconds) from an option, within bounds. */
export function integerOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} must be a whole number (got "${value}").`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max} (got ${n}).`);
  return n;
}

/** The account configuration from the shared options (publishing and intervals set by the caller). */
export function accountFromOptions(
  values: AccountValues,
  env: SipCommandIo['env'],
  rest: Pick<SipAccountConfig, 'publish' | 'publishExpires' | 'subscribeExpires'>,
): { config: SipAccountConfig; t1: number | undefined } {
  if (values.aor === undefined) throw new UsageError('--aor is required (your address, e.g. sip:alice@example.com).');
  if (values.server === undefined) throw new UsageError("--server is required (e.g. 'sip:example.com;transport=tcp').");
  const password = values.password ?? env.PRESENTLY_PASSWORD;
  const config: SipAccountConfig = {
    aor: values.aor,
    server: values.server,
    register: values['no-register'] !== true,
    registerExpires: integerOption('register-expires', values['register-expires'], 600, 1, MAX_EXPIRES_SECONDS),
    ...rest,
    ...(values.user === undefined ? {} : { authUser: values.user }),
    ...(password === undefined || password === '' ? {} : { password }),
    ...(values['display-name'] === undefined ? {} : { displayName: values['display-name'] }),
    ...(values['outbound-proxy'] === undefined ? {} : { outboundProxy: values['outbound-proxy'] }),
    ...(values['ws-path'] === undefined ? {} : { wsPath: values['ws-path'] }),
    ...(values['ca-file'] === undefined ? {} : { tlsCaFile: values['ca-file'] }),
  };
  const t1 = values['sip-t1'] === undefined ? undefined : integerOption('sip-t1', values['sip-t1'], T1_MS, 10, 10_000);
  return { config, t1 };
}

/** The exit code for a problem. */
export function exitCodeFor(problem: SipProblem | undefined, isUnsupported = false): number {
  if (isUnsupported) return EXIT.unsupported;
  if (!problem) return EXIT.failed;
  if (problem.statusCode === 401 || problem.statusCode === 407 || problem.statusCode === 403) return EXIT.refused;
  switch (problem.cause) {
    case 'unreachable':
    case 'tls':
      return EXIT.unreachable;
    case 'timeout':
      return EXIT.timeout;
    default:
      return problem.statusCode === 408 ? EXIT.timeout : EXIT.failed;
  }
}

/** The message for a failed start: what we tried to reach, and why it did not work. */
export function describeFailedStart(state: AccountState): string {
  const why = state.problem?.message ?? 'the connection failed';
  switch (state.problem?.cause) {
    case 'unreachable':
    case 'tls':
      return `cannot reach ${state.server}: ${why}`;
    case 'timeout':
      return `no answer from ${state.server}: ${why}`;
    default:
      return why;
  }
}

/** A trace entry as `--trace` prints it. */
export function formatTraceEntry(entry: UnnumberedTraceEntry): string {
  const time = new Date(entry.at).toISOString().slice(11, 23);
  const arrow = entry.direction === 'out' ? '→' : '←';
  const [from, to] = entry.direction === 'out' ? [entry.local, entry.remote] : [entry.remote, entry.local];
  return `── ${time} ${entry.direction === 'out' ? 'sent' : 'received'} ${entry.transport.toUpperCase()} ${from.address}:${from.port} ${arrow} ${to.address}:${to.port}\n${entry.raw.replace(/\r\n/g, '\n').trimEnd()}\n`;
}
