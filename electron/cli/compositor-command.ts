/**
 * `presently compositor`: the built-in presence server on its own, for a team's lab — one readable log
 * line per request and a summary on Ctrl-C. With `--demo`, the offline demo's simulated colleagues publish
 * to it over real SIP. With `--users`, REGISTER, PUBLISH and SUBSCRIBE need a Digest login (docs/compositor-team.md);
 * `add-user`, `remove-user` and `list-users` keep that file (compositor-users.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage } from '../../shared/error-message';
import { hostPort } from '../../shared/sip/header-values';
import { APP_VERSION } from '../app-identity';
import {
  CompositorConfigError,
  DEFAULT_CONTROL_PORT,
  DEFAULT_EVENT_PACKAGES,
  DEFAULT_RULE_NAMES,
  defaultValidatorThreads,
  DIGEST_ALGORITHMS,
  digestAlgorithmOf,
  openStateStore,
  readUsersFile,
  startCompositor,
  startControlListener,
  type ControlListener,
  type CompositorCounters,
  type CompositorLimits,
  type CompositorOptions,
  type DefaultRuleName,
  type DigestAlgorithm,
  type EventPackageConfig,
  type RunningCompositor,
} from '../compositor';
import { isLoopbackHost } from '../net/loopback';
import { startDemoColleagues } from '../service/demo/demo-colleagues';
import type { RunningDemoColleagues } from '../service/demo/demo-types';
import type { Subcommand } from './subcommand';
import { chooseRealm, readPasswordFromStdin, runUsersCommand, USERS_SUBCOMMANDS } from './compositor-users';
import { parseControlAddress, runStatusCommand } from './compositor-status';

const DEFAULT_DEMO_DOMAIN = 'demo.presently.invalid';

const HELP = `Usage: presently compositor [options]
       presently compositor add-user | remove-user | list-users …   (the users file; add-user --help)
       presently compositor status [--control HOST:PORT] [--user USER] [--json]   (a running server's state)

Runs Presently's built-in presence server: accepts PUBLISH (RFC 3903) from each of a user's devices,
composes their presence, and sends NOTIFY to every watcher (RFC 6665, RFC 3856). Also answers REGISTER
and OPTIONS. Prints one line per request and a summary when stopped with Ctrl-C.

Options:
  --host ADDRESS          address to listen on (default 127.0.0.1); another one needs --users (or --no-auth)
  --advertised-host HOST  address put in Via/Contact (default: --host; for 0.0.0.0 or ::, the first
                          non-loopback address of this machine)
  --users FILE            require Digest logins (SHA-256 or MD5) by the users in FILE (see add-user)
  --realm REALM           the realm users log in to (default: the first --domain, else the file's one realm)
  --digest LIST           challenges offered, in order (default SHA-256,MD5; MD5 alone for clients that
                          answer only the first challenge and know only MD5)
  --default-rule allow|ask|block  watchers of someone who has set no presence rules: allow them, ask
                          the owner (pending until allowed), or block them (default: ask with --users,
                          allow without); owners set rules over XCAP at http://HOST:WS-PORT/xcap-root
  --no-auth               listen on a non-loopback address without --users: anyone reaching it may publish
                          as anyone and read everyone's registrations
  --control HOST:PORT|off where \`presently compositor status\` asks (HTTP, default 127.0.0.1:${DEFAULT_CONTROL_PORT});
                          without --users only on loopback, with --users only for --admin users
  --admin USER            a user of --users who may read the status (repeatable)
  --udp PORT|off          UDP port (default 5060; 0 picks a free port)
  --tcp PORT|off          TCP port (default 5060)
  --ws PORT|off           WebSocket port, RFC 7118 (default 5066)
  --tls-port PORT         TLS port (default 5061), with --tls-cert and --tls-key (PEM files)
  --wss-port PORT|off     secure WebSocket port, RFC 7118 over TLS with the same certificate (default 7443
                          when --tls-cert is given); clients use sips:HOST:PORT;transport=ws
  --domain NAME           serve only this domain (repeatable; default: any domain)
  --min-expires SECONDS   shortest interval accepted, shorter gets 423 (default 60)
  --max-expires SECONDS   longest interval granted (default 3600)
  --default-expires SECONDS  interval when a request has none (default 3600)
  --third-party AOR       allow AOR to publish for others, e.g. a voicemail service (repeatable)
  --coalesce-ms MS        combine changes within MS into one NOTIFY per watcher (default 0)
  --event-package NAME[:TYPE,…]  also serve event package NAME (repeatable): message-summary and dialog
                          (on by default) with their own composition, any other name as last-writer
                          state of the media types given (none given: any type)
  --no-event-package NAME switch a default package off (message-summary or dialog; repeatable)
  --threads N             validate PUBLISH bodies on N worker threads (0: on the main thread; default 1
                          with more than two cores, else 0)
  --state FILE            keep publications, subscriptions, registrations and presence rules in FILE
                          (created with mode 600), so a restart, even a crash, forgets nothing
                          acknowledged (default: memory only)
  --state-sync full|normal  full (default): each commit is on the disk before its 200, a power cut
                          included; normal: survives a crash or kill -9, not a power cut, and costs
                          no fsync per commit (docs/compositor-team.md §6)
Limits (docs/compositor-limits.md; beyond a cap: 503 with Retry-After, or the connection closed):
  --max-connections N     open TCP/TLS/WS connections in total (default 1000)
  --max-connections-per-address N   from one IP address (default 32)
  --message-deadline SECONDS  to finish a message or handshake begun on a connection (default 10)
  --idle-timeout SECONDS  close a connection silent this long (default: max-expires + 300)
  --max-header-fields N   header fields per request, more gets 400 (default 100)
  --max-header-bytes N    header section size, larger gets 513 (default 16384)
  --max-publications N    live publications in total (default 250000)
  --max-publications-per-aor N      per address-of-record (default 32)
  --max-subscriptions N   live subscriptions in total (default 250000)
  --max-subscriptions-per-watcher N per watcher (default 10000)
  --max-bindings N        registered bindings in total (default 100000)
  --max-bindings-per-aor N          per address-of-record (default 20)
  --udp-amplification N   UDP answers at most N times the request's size (default 3)
  --ws-origin ORIGIN      let browser pages from ORIGIN use WebSocket (repeatable; default: no browsers)
  --demo                  start the simulated colleagues of the offline demo
  --demo-domain NAME      their domain (default ${DEFAULT_DEMO_DOMAIN})
  --quiet                 no line per request; only start-up, events and the summary
  --log text|json         json: one JSON object per request or event on stdout, everything else on stderr
  --help                  print this help`;

/** Where the command writes, and what makes it stop; the real process by default, a test's own otherwise. */
export interface CompositorCommandIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the server should stop (Ctrl-C / SIGTERM by default). */
  readonly stopRequested: Promise<string>;
  /** How add-user reads a password (default: the terminal without echo, or stdin's first line). */
  readonly readPassword?: (prompt: string, confirm: boolean) => Promise<string>;
}

export const compositorCommand: Subcommand = {
  summary: 'run the built-in presence server (PUBLISH, SUBSCRIBE/NOTIFY, REGISTER)',
  run: async (args) => {
    const out = batchedLines((text) => process.stdout.write(text));
    try {
      return await runCompositorCommand(args, {
        out: out.write,
        err: (line) => {
          out.flush(); // what was said before an error is printed before it
          console.error(line);
        },
        stopRequested: new Promise((resolve) => {
          process.once('SIGINT', () => resolve('SIGINT'));
          process.once('SIGTERM', () => resolve('SIGTERM'));
        }),
      });
    } finally {
      out.flush();
    }
  },
};

/**
 * Lines written once per turn of the event loop, joined: the request log has a line per request, and one write per
 * line (console.log: a system call each, to a file or a pipe) cost the server about a third more CPU per PUBLISH at
 * thousands a second (bench:compositor, variant cli). A turn's lines go out together when it ends (setImmediate), so the log is behind by one turn at most.
 */
export function batchedLines(write: (text: string) => void): { readonly write: (line: string) => void; readonly flush: () => void } {
  let lines: string[] = [];
  let isScheduled = false;
  const flush = (): void => {
    isScheduled = false;
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    lines = [];
    write(text);
  };
  return {
    write: (line) => {
      lines.push(line);
      if (!isScheduled) {
        isScheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/** Runs the command; resolves with the exit code (0 after a clean stop, 2 for bad usage, 1 when the server cannot start). */
export async function runCompositorCommand(args: readonly string[], io: CompositorCommandIo): Promise<number> {
  if ((USERS_SUBCOMMANDS as readonly string[]).includes(args[0] ?? ''))
    return runUsersCommand(args, { out: io.out, err: io.err, readPassword: io.readPassword ?? readPasswordFromStdin });
  if (args[0] === 'status')
    return runStatusCommand(args.slice(1), { out: io.out, err: io.err, readPassword: io.readPassword ?? readPasswordFromStdin });
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(args);
  } catch (error) {
    io.err(`presently compositor: ${errorMessage(error)}\n(see presently compositor --help)`);
    return 2;
  }
  if (parsed === 'help') {
    io.out(HELP);
    return 0;
  }
  const { demo, quiet, logFormat } = parsed;
  let options: CompositorOptions;
  try {
    options = { ...parsed.options, ...(await authentication(parsed.users, parsed.realm, parsed.algorithms, parsed.options.domains ?? [])) };
  } catch (error) {
    io.err(`presently compositor: ${errorMessage(error)}`);
    return 1;
  }
  const users = new Set(options.authentication?.users.map((entry) => entry.user));
  const stranger = parsed.admins.find((admin) => !users.has(admin));
  if (stranger !== undefined) {
    io.err(
      `presently compositor: --admin ${stranger}: no such user in realm ${options.authentication?.realm ?? ''} of ${parsed.users ?? ''}`,
    );
    return 2;
  }
  // With --log json, stdout carries only the log's objects; what people read goes to stderr.
  const say = logFormat === 'json' ? io.err : io.out;
  const startedAt = Date.now();
  let state: CompositorOptions['state'];
  try {
    state =
      parsed.state === undefined
        ? undefined
        : await openStateStore(parsed.state, { synchronous: parsed.stateSync, ...stateWriterThread() });
  } catch (error) {
    io.err(`presently compositor: ${errorMessage(error)}`);
    return 1;
  }
  let server: RunningCompositor;
  try {
    server = await startCompositor({
      ...options,
      ...(state === undefined ? {} : { state }),
      log: (entry) => {
        if (quiet && entry.kind === 'request') return;
        io.out(logFormat === 'json' ? JSON.stringify(entry) : `${clock(entry.time)}  ${entry.line}`);
      },
    });
  } catch (error) {
    io.err(`presently compositor: ${startFailure(error)}`);
    return error instanceof CompositorConfigError ? 2 : 1;
  }

  say(`Presently compositor ${APP_VERSION} — presence server listening on:`);
  for (const bound of Object.values(server.addresses)) say(`  ${bound.transport.padEnd(4)} ${bound.uri}`);
  if (server.xcapRoot !== null) say(`  xcap ${server.xcapRoot} (presence rules, buddy lists)`);
  say(`  events: ${server.allowEvents}`);
  const domains = options.domains ?? [];
  say(
    `  domains: ${domains.length === 0 ? 'any' : domains.join(', ')} · expires ${options.minExpires ?? 60}–${options.maxExpires ?? 3600} s` +
      ` (default ${options.defaultExpires ?? 3600})`,
  );
  say(
    options.authentication === undefined
      ? '  authentication: none — anyone who can reach this address may publish, watch and register as anyone (give --users FILE for a team)'
      : `  authentication: Digest (${(options.authentication.algorithms ?? DIGEST_ALGORITHMS).join(', ')}), realm ${options.authentication.realm}, ${options.authentication.users.length} users in ${parsed.users}`,
  );

  let colleagues: RunningDemoColleagues | null = null;
  if (demo !== null) {
    const target = server.addresses.udp ?? server.addresses.tcp ?? server.addresses.ws;
    if (target === undefined) {
      io.err('presently compositor: --demo needs a UDP, TCP or WS listener');
    } else {
      try {
        // The colleagues run on this machine: they reach a wildcard listener through loopback, since the advertised
        // host may be a name or an address this machine cannot send to (NAT, DNS not set up yet).
        const local = target.host === '0.0.0.0' ? '127.0.0.1' : target.host === '::' ? '::1' : target.host;
        const server = `sip:${hostPort(local, target.port)};transport=${target.transport}`;
        colleagues = await startDemoColleagues({ server, domain: demo });
        say(`Demo colleagues (changing every 20–60 s): ${colleagues.colleagues.map((c) => `${c.name} <${c.aor}>`).join(', ')}`);
      } catch (error) {
        io.err(`presently compositor: the demo colleagues could not start: ${errorMessage(error)}`);
      }
    }
  }
  if (parsed.state !== undefined) say(`  state: kept in ${parsed.state}`);
  let control: ControlListener | null = null;
  if (parsed.control !== null) {
    try {
      control = await startControlListener({
        ...parsed.control,
        status: () => server.status(),
        ...(options.authentication === undefined ? {} : { authentication: options.authentication, admins: parsed.admins }),
      });
      say(
        `  control: ${control.url} (presently compositor status${parsed.control.isDefault ? '' : ` --control ${hostPort(control.host, control.port)}`})` +
          (options.authentication === undefined
            ? ', no login (loopback only)'
            : parsed.admins.length === 0
              ? ' — no --admin given, so nobody may read it'
              : `, for ${parsed.admins.join(', ')}`),
      );
    } catch (error) {
      if (!parsed.control.isDefault) {
        io.err(`presently compositor: --control ${parsed.control.given}: ${startFailure(error)}`);
        await colleagues?.stop();
        await server.stop();
        return 1;
      }
      // Only the default address: a second compositor on this machine still runs, without a status of its own.
      io.err(`presently compositor: the control listener is off: ${startFailure(error)} (give --control HOST:PORT)`);
    }
  }
  say('Press Ctrl-C to stop.');

  const signal = await io.stopRequested;
  say(`\n${signal} received, stopping…`);
  await control?.close();
  await colleagues?.stop();
  const counters = server.counters();
  await server.stop();
  for (const line of summary(counters, Date.now() - startedAt)) say(line);
  return 0;
}

type ParsedCommandLine =
  | 'help'
  | {
      options: CompositorOptions;
      demo: string | null;
      quiet: boolean;
      logFormat: 'text' | 'json';
      users: string | undefined;
      realm: string | undefined;
      algorithms: readonly DigestAlgorithm[] | undefined;
      state: string | undefined;
      stateSync: 'full' | 'normal';
      /** The control listener's address as given (or the default), null with `--control off`. */
      control: { host: string; port: number; given: string; isDefault: boolean } | null;
      admins: readonly string[];
    };

/** The `authentication` option from the users file, for the realm chosen as add-user chooses it; none without a file. */
async function authentication(
  file: string | undefined,
  given: string | undefined,
  algorithms: readonly DigestAlgorithm[] | undefined,
  domains: readonly string[],
): Promise<Pick<CompositorOptions, 'authentication'>> {
  if (file === undefined) return {};
  const entries = await readUsersFile(file);
  if (entries === 'missing')
    throw new Error(`--users: ${file} does not exist (create it with: presently compositor add-user USER --users ${file})`);
  const realm = chooseRealm(given, domains, entries);
  const users = entries.filter((entry) => entry.realm === realm);
  if (users.length === 0) throw new Error(`--users: ${file} has no users in realm ${realm}`);
  return { authentication: { users, realm, ...(algorithms === undefined ? {} : { algorithms }) } };
}

/** `--digest SHA-256,MD5`: the algorithms in the order given, each known and named once. */
function digestAlgorithms(list: string): DigestAlgorithm[] {
  const names = list.split(',').map((name) => name.trim());
  const algorithms = names.map((name) => {
    const algorithm = digestAlgorithmOf(name);
    if (algorithm === null) throw new Error(`--digest: "${name}" is not one of ${DIGEST_ALGORITHMS.join(', ')}`);
    return algorithm;
  });
  if (new Set(algorithms).size !== algorithms.length) throw new Error('--digest names an algorithm twice');
  return algorithms;
}

function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      'advertised-host': { type: 'string' },
      users: { type: 'string' },
      realm: { type: 'string' },
      digest: { type: 'string' },
      'no-auth': { type: 'boolean' },
      'default-rule': { type: 'string' },
      log: { type: 'string' },
      udp: { type: 'string' },
      tcp: { type: 'string' },
      ws: { type: 'string' },
      'tls-port': { type: 'string' },
      'wss-port': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      domain: { type: 'string', multiple: true },
      'min-expires': { type: 'string' },
      'max-expires': { type: 'string' },
      'default-expires': { type: 'string' },
      'third-party': { type: 'string', multiple: true },
      'coalesce-ms': { type: 'string' },
      'event-package': { type: 'string', multiple: true },
      'no-event-package': { type: 'string', multiple: true },
      threads: { type: 'string' },
      state: { type: 'string' },
      'state-sync': { type: 'string' },
      ...LIMIT_FLAG_OPTIONS,
      'ws-origin': { type: 'string', multiple: true },
      demo: { type: 'boolean' },
      'demo-domain': { type: 'string' },
      quiet: { type: 'boolean' },
      control: { type: 'string' },
      admin: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) return 'help';
  const host = values.host ?? '127.0.0.1';
  // Safest default: a server others can reach does not start open by accident.
  if (!isLoopbackHost(host) && values.users === undefined && values['no-auth'] !== true)
    throw new Error(`--host ${host} lets other machines in: give --users FILE so that they must log in (or --no-auth to run open anyway)`);
  if (values.users !== undefined && values['no-auth'] === true) throw new Error('--users and --no-auth contradict each other');
  if (values.users !== undefined && values.demo === true)
    throw new Error('--demo runs without --users: the simulated colleagues have no passwords');
  const control = controlAddress(values.control);
  // The status lists everyone's presence and registrations: beyond loopback it is only for logged-in admins.
  if (control !== null && !isLoopbackHost(control.host) && values.users === undefined)
    throw new Error(
      `--control ${control.given} lets other machines read the status: give --users FILE and --admin USER, or keep it on loopback`,
    );
  if (values.admin !== undefined && values.users === undefined) throw new Error('--admin names a user of --users FILE: give the file too');
  const logFormat = values.log ?? 'text';
  if (logFormat !== 'text' && logFormat !== 'json') throw new Error(`--log must be text or json, not "${logFormat}"`);
  const defaultRule = values['default-rule'];
  if (defaultRule !== undefined && !(DEFAULT_RULE_NAMES as readonly string[]).includes(defaultRule))
    throw new Error(`--default-rule must be ${DEFAULT_RULE_NAMES.join(', ')}, not "${defaultRule}"`);
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (certFile === undefined && values['wss-port'] !== undefined)
    throw new Error('--wss-port needs --tls-cert and --tls-key (WSS uses the TLS certificate)');
  const tls =
    certFile !== undefined && keyFile !== undefined
      ? {
          cert: readPem(certFile, '--tls-cert'),
          key: readPem(keyFile, '--tls-key'),
          port: port(values['tls-port'] ?? '5061', '--tls-port') ?? 5061,
          wssPort: port(values['wss-port'] ?? '7443', '--wss-port'),
        }
      : undefined;
  const options: CompositorOptions = {
    host,
    ...(values['advertised-host'] === undefined ? {} : { advertisedHost: values['advertised-host'] }),
    udpPort: port(values.udp ?? '5060', '--udp'),
    tcpPort: port(values.tcp ?? '5060', '--tcp'),
    wsPort: port(values.ws ?? '5066', '--ws'),
    ...(tls === undefined ? {} : { tls }),
    ...(values.domain === undefined ? {} : { domains: values.domain }),
    ...(values['min-expires'] === undefined ? {} : { minExpires: seconds(values['min-expires'], '--min-expires') }),
    ...(values['max-expires'] === undefined ? {} : { maxExpires: seconds(values['max-expires'], '--max-expires') }),
    ...(values['default-expires'] === undefined ? {} : { defaultExpires: seconds(values['default-expires'], '--default-expires') }),
    ...(values['third-party'] === undefined ? {} : { thirdPartyPublishers: values['third-party'] }),
    ...(values['coalesce-ms'] === undefined ? {} : { notifyCoalesceMs: seconds(values['coalesce-ms'], '--coalesce-ms') }),
    ...validatorThreads(values.threads),
    ...limitOptions(values),
    ...(defaultRule === undefined ? {} : { defaultRule: defaultRule as DefaultRuleName }),
    ...eventPackageOptions(values['event-package'] ?? [], values['no-event-package'] ?? []),
  };
  const demo = values.demo === true ? (values['demo-domain'] ?? DEFAULT_DEMO_DOMAIN) : null;
  const algorithms = values.digest === undefined ? undefined : digestAlgorithms(values.digest);
  const stateSync = values['state-sync'] ?? 'full';
  if (stateSync !== 'full' && stateSync !== 'normal') throw new Error(`--state-sync must be full or normal, not "${stateSync}"`);
  if (values['state-sync'] !== undefined && values.state === undefined) throw new Error('--state-sync goes with --state FILE');
  return {
    options,
    demo,
    quiet: values.quiet === true,
    logFormat,
    users: values.users,
    realm: values.realm,
    algorithms,
    state: values.state,
    stateSync,
    control,
    admins: values.admin ?? [],
  };
}

/**
 * `--event-package NAME[:TYPE,…]` and `--no-event-package NAME`: the defaults (message-summary, dialog) less those
 * switched off, with those given added or, for a default, its media types replaced. Names are checked by the
 * compositor (a CompositorConfigError names the bad one).
 */
function eventPackageOptions(added: readonly string[], removed: readonly string[]): Pick<CompositorOptions, 'eventPackages'> {
  if (added.length === 0 && removed.length === 0) return {};
  const switchedOff = new Set(removed.map((name) => name.trim().toLowerCase()));
  for (const name of switchedOff) {
    if (!DEFAULT_EVENT_PACKAGES.some((config) => config.name === name))
      throw new Error(
        `--no-event-package ${name}: only the default packages (${DEFAULT_EVENT_PACKAGES.map((c) => c.name).join(', ')}) can be switched off`,
      );
  }
  const packages = new Map<string, EventPackageConfig>();
  for (const config of DEFAULT_EVENT_PACKAGES) if (!switchedOff.has(config.name)) packages.set(config.name, config);
  for (const text of added) {
    const colon = text.indexOf(':');
    const name = (colon === -1 ? text : text.slice(0, colon)).trim().toLowerCase();
    if (name.length === 0) throw new Error(`--event-package "${text}" names no package`);
    if (switchedOff.has(name)) throw new Error(`--event-package ${name} and --no-event-package ${name} contradict each other`);
    const types =
      colon === -1
        ? []
        : text
            .slice(colon + 1)
            .split(',')
            .map((type) => type.trim())
            .filter((type) => type.length > 0);
    packages.set(name, types.length === 0 ? { name } : { name, contentTypes: types });
  }
  return { eventPackages: [...packages.values()] };
}

/** `--control HOST:PORT` or `off`; absent, the default loopback address. */
function controlAddress(value: string | undefined): { host: string; port: number; given: string; isDefault: boolean } | null {
  if (value === 'off' || value === 'none') return null;
  const given = value ?? `127.0.0.1:${DEFAULT_CONTROL_PORT}`;
  return { ...parseControlAddress(given, '--control'), given, isDefault: value === undefined };
}

/**
 * The body validator threads: the worker is bundled beside the CLI (dist/cli/pidf-validator-worker.cjs).
 * Run from TypeScript source there is no bundled worker, and bodies are validated on the main thread.
 */
function validatorThreads(value: string | undefined): Pick<CompositorOptions, 'bodyValidation'> {
  const threads = value === undefined ? defaultValidatorThreads() : seconds(value, '--threads');
  if (threads === 0) return {};
  const workerFile = typeof __dirname === 'string' ? join(__dirname, 'pidf-validator-worker.cjs') : null;
  if (workerFile === null || !existsSync(workerFile)) {
    if (value !== undefined)
      throw new Error('--threads needs the built CLI (npm run build:node): the validator thread is bundled beside it');
    return {};
  }
  return { bodyValidation: { workerFile, threads } };
}

/**
 * The state file's writer thread, bundled beside the CLI (dist/cli/state-writer-worker.cjs), so that commits and their
 * fsyncs run beside the event loop. Run from TypeScript source there is none, and commits run on the main thread.
 */
function stateWriterThread(): { writerThread?: string } {
  const workerFile = typeof __dirname === 'string' ? join(__dirname, 'state-writer-worker.cjs') : null;
  return workerFile !== null && existsSync(workerFile) ? { writerThread: workerFile } : {};
}

/** The numeric limit flags and the option each sets, with the factor from the flag's unit to the option's. */
const LIMIT_FLAGS = {
  'max-connections': ['maxConnections', 1],
  'max-connections-per-address': ['maxConnectionsPerAddress', 1],
  'message-deadline': ['messageDeadlineMs', 1000],
  'idle-timeout': ['idleTimeoutMs', 1000],
  'max-header-fields': ['maxHeaderFields', 1],
  'max-header-bytes': ['maxHeaderBytes', 1],
  'max-publications': ['maxPublications', 1],
  'max-publications-per-aor': ['maxPublicationsPerAor', 1],
  'max-subscriptions': ['maxSubscriptions', 1],
  'max-subscriptions-per-watcher': ['maxSubscriptionsPerWatcher', 1],
  'max-bindings': ['maxBindings', 1],
  'max-bindings-per-aor': ['maxBindingsPerAor', 1],
  'udp-amplification': ['udpAmplificationFactor', 1],
} as const satisfies Record<string, readonly [Exclude<keyof CompositorLimits, 'wsAllowedOrigins'>, number]>;

/** The limit flags as `parseArgs` options: each takes a value. */
const LIMIT_FLAG_OPTIONS = Object.fromEntries(Object.keys(LIMIT_FLAGS).map((flag) => [flag, { type: 'string' }])) as Record<
  keyof typeof LIMIT_FLAGS,
  { readonly type: 'string' }
>;

/** The `limits` option from the limit flags given (absent ones keep the compositor's defaults). */
function limitOptions(values: Readonly<Record<string, string | boolean | string[] | undefined>>): Pick<CompositorOptions, 'limits'> {
  const limits: { -readonly [K in keyof CompositorLimits]?: CompositorLimits[K] } = {};
  for (const [flag, [name, factor]] of Object.entries(LIMIT_FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') limits[name] = seconds(value, `--${flag}`) * factor;
  }
  const origins = values['ws-origin'];
  if (Array.isArray(origins)) limits.wsAllowedOrigins = origins;
  return Object.keys(limits).length === 0 ? {} : { limits };
}

/** A port number or `off` (null). */
function port(value: string, name: string): number | null {
  if (value === 'off' || value === 'none') return null;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535)
    throw new Error(`${name} must be a port number (0–65535) or "off", not "${value}"`);
  return Number(value);
}

function seconds(value: string, name: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return Number(value);
}

function readPem(file: string, name: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${name}: cannot read ${file} (${errorMessage(error)})`, { cause: error });
  }
}

/** A start-up failure in words: which address could not be bound and why. */
function startFailure(error: unknown): string {
  const e = error as { code?: string; address?: string; port?: number; message?: string };
  const where = e.address !== undefined ? ` ${e.address}:${e.port ?? ''}` : '';
  switch (e.code) {
    case 'EADDRINUSE':
      return `cannot listen on${where}: the port is already in use (choose another with --udp/--tcp/--ws/--tls-port/--wss-port, or "off")`;
    case 'EACCES':
      return `cannot listen on${where}: permission denied (ports below 1024 need privileges)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on${where}: this machine has no such address (check --host)`;
    default:
      return errorMessage(error);
  }
}

function summary(counters: CompositorCounters, elapsedMs: number): string[] {
  const list = (record: Readonly<Record<string, number>>, format: (key: string, n: number) => string) => {
    const entries = Object.entries(record);
    return entries.length === 0 ? 'none' : entries.map(([key, n]) => format(key, n)).join(', ');
  };
  return [
    `Stopped after ${duration(elapsedMs)}.`,
    `  requests:      ${list(counters.requestsByMethod, (method, n) => `${n} ${method}`)}`,
    `  responses:     ${list(counters.responsesByStatus, (status, n) => `${n}×${status}`)}`,
    `  publications:  ${counters.publicationsActive} live at stop, ${counters.publicationsExpired} expired`,
    `  subscriptions: ${counters.subscriptionsActive} live at stop, ${counters.subscriptionsExpired} expired`,
    `  registrations: ${counters.bindingsActive} bindings at stop`,
    `  NOTIFY:        ${counters.notifiesSent} sent, ${counters.notifyRetransmissions} retransmitted, ${counters.notifyFailures} failed, ${counters.watchersDropped} watchers dropped`,
    `  retransmitted requests answered from cache: ${counters.retransmissionsAbsorbed} · malformed messages: ${counters.malformedMessages}`,
    `  PUBLISH bodies validated on worker threads: ${counters.bodiesValidatedOnWorkers}`,
  ];
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 23);
}
