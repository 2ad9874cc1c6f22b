/**
 * `presently publish`: publish your presence (RFC 3903) from the command line and keep it refreshed
 * until Ctrl-C, then remove it; with `--once`, publish, print the result, remove and exit. One JSON line
 * on stdout per change of the publication; problems on stderr; the exit code says what went wrong.
 */
import { parseArgs } from 'node:util';
import type { PublicationState } from '../../shared/presence/presence-state';
import { CHOSEN_STATUSES, isChosenStatus, type ChosenStatus } from '../../shared/presence/presence-status';
import { T2_MS } from '../../shared/sip/timers';
import { SipClient, SipConfigError } from '../sip/sip-client';
import { MAX_EXPIRES_SECONDS } from '../sip/usage/refresh-policy';
import {
  ACCOUNT_HELP,
  ACCOUNT_OPTIONS,
  accountFromOptions,
  describeFailedStart,
  EXIT,
  exitCodeFor,
  formatTraceEntry,
  integerOption,
  processIo,
  type SipCommandIo,
  UsageError,
} from './sip-cli-common';
import type { Subcommand } from './subcommand';

const HELP = `Usage: presently publish --aor SIP-URI --server SIP-URI [options]

Publishes your presence (PUBLISH, RFC 3903) and keeps it refreshed until Ctrl-C, then removes it.
Prints one JSON line per change of the publication on stdout.

Presence:
  --status STATUS         ${CHOSEN_STATUSES.join(', ')} (default available)
  --note TEXT             a note for your watchers (up to 140 characters)
  --expires SECONDS       publication interval (default 600)
  --once                  publish, print the result, remove the publication and exit

${ACCOUNT_HELP}

Exit codes: 0 done, 1 other SIP failure, 2 bad usage, 3 server unreachable, 4 refused (401/403/407),
5 the server does not accept presence publications (489/501/404/405), 6 no answer (timeout).`;

export const publishCommand: Subcommand = {
  summary: 'publish your presence and keep it until Ctrl-C (RFC 3903 PUBLISH)',
  run: (args) => runPublishCommand(args, processIo()),
};

/** The JSON line printed for a publication state. */
export function publicationLine(aor: string, state: PublicationState): string {
  return JSON.stringify({
    aor,
    phase: state.phase,
    status: state.status ?? null,
    note: state.note ?? null,
    etag: state.etag ?? null,
    expiresAt: state.expiresAt === undefined ? null : new Date(state.expiresAt).toISOString(),
    ...(state.problem ? { problem: state.problem.message, statusCode: state.problem.statusCode ?? null } : {}),
    ...(state.retryAt === undefined ? {} : { retryAt: new Date(state.retryAt).toISOString() }),
  });
}

export async function runPublishCommand(args: readonly string[], io: SipCommandIo): Promise<number> {
  let client: SipClient;
  let status: ChosenStatus;
  let note: string;
  let once: boolean;
  let trace: boolean;
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        ...ACCOUNT_OPTIONS,
        status: { type: 'string' },
        note: { type: 'string' },
        expires: { type: 'string' },
        once: { type: 'boolean' },
      },
      allowPositionals: false,
      strict: true,
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const wanted = values.status ?? 'available';
    if (!isChosenStatus(wanted)) throw new UsageError(`--status must be one of ${CHOSEN_STATUSES.join(', ')} (got "${wanted}").`);
    status = wanted;
    note = values.note ?? '';
    once = values.once === true;
    trace = values.trace === true;
    const { config, t1 } = accountFromOptions(values, io.env, {
      publish: true,
      publishExpires: integerOption('expires', values.expires, 600, 1, MAX_EXPIRES_SECONDS),
      subscribeExpires: 600,
    });
    client = new SipClient(config, t1 === undefined ? {} : { timers: { t1, t2: Math.max(t1 * 8, T2_MS) } });
  } catch (error) {
    if (error instanceof UsageError || error instanceof SipConfigError || (error instanceof Error && 'code' in error)) {
      io.err(`presently publish: ${error.message}\n(see presently publish --help)`);
      return EXIT.usage;
    }
    throw error;
  }

  const aor = client.config.aor;
  if (trace) client.onTrace((entry) => io.err(formatTraceEntry(entry)));
  let last = '';
  const print = (state: PublicationState) => {
    const line = publicationLine(aor, state);
    if (line !== last) io.out(line);
    last = line;
  };
  let isStarted = false;
  client.onAccountState((state) => {
    // Before the first attempt has settled, its failure is reported once below, with the exit code.
    if (isStarted && state.phase === 'failed' && state.problem)
      io.err(
        `presently publish: ${state.problem.message}${state.retryAt ? ` (retrying in ${Math.round((state.retryAt - Date.now()) / 1000)} s)` : ''}`,
      );
  });

  const started = await client.start();
  isStarted = true;
  if (started.phase === 'failed') {
    io.err(`presently publish: ${describeFailedStart(started)}`);
    await client.stop({ timeoutMs: 1_000 });
    return exitCodeFor(started.problem);
  }

  const result = await client.setPresence(status, note);
  print(result);
  if (result.phase !== 'published') {
    io.err(`presently publish: ${result.problem?.message ?? 'the publication failed.'}`);
    await client.stop({ timeoutMs: 2_000 });
    return exitCodeFor(result.problem, result.phase === 'unsupported');
  }

  if (once) {
    print(await client.clearPresence());
    await client.stop({ timeoutMs: 5_000 });
    return EXIT.ok;
  }

  // Keep it refreshed (the engine does) and report every change until asked to stop.
  const unsubscribe = client.onPublication((state) => {
    if (state.phase !== 'publishing') print(state);
  });
  await io.stopRequested;
  unsubscribe();
  // stop() removes the publication first (Expires: 0), then unregisters — within five seconds in all.
  await client.stop({ timeoutMs: 5_000 });
  const final = client.publication;
  print(final);
  if (final.phase !== 'removed') io.err('presently publish: the publication could not be removed in time; it expires by itself.');
  return EXIT.ok;
}
