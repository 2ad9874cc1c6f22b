/**
 * Starts a real Kamailio 5.6 presence server for interoperability tests (Debian packages `kamailio`,
 * `kamailio-presence-modules`, and for TLS/WebSocket listeners `kamailio-tls-modules`,
 * `kamailio-websocket-modules`; `.ci/run` installs them). Loopback only, free ports, a generated
 * configuration in a fresh temporary folder, and no state that outlives a run: registrations and
 * subscriptions in memory (usrloc `db_mode=0`, `subs_db_mode=0`), publications in db_text tables inside
 * the temporary folder, emptied on every (re)start — so a restart forgets every registration,
 * publication and subscription, which is what "the server went away" looks like.
 *
 * Why not `publ_cache=2` (publications in memory only): Kamailio 5.6.3 in that mode loses the document
 * when a publication is refreshed the RFC 3903 way (SIP-If-Match, no body) — watchers get bodyless
 * NOTIFYs ("Empty notify body record" in its log) and even a later modify is not delivered. With
 * `publ_cache=1` backed by db_text it behaves. With `forceActive: false`, subscriptions and watcher
 * authorisations also go to db_text (`subs_db_mode=1`): Kamailio decides "pending" only with a
 * watchers table; in memory-only mode it accepts every watcher.
 *
 * Options: the listeners (udp, tcp, tls, ws), `forceActive` (presence_xml: accept every watcher at once,
 * or leave subscriptions pending — bodyless NOTIFYs — as an unauthorised watcher sees them), digest
 * authentication with known users (REGISTER challenged with 401, PUBLISH and SUBSCRIBE with 407),
 * a minimum subscription interval (423 below it) and the presence domain (an alias, so
 * `sip:alice@example.com` is local).
 *
 *   const kamailio = await startKamailio({ transports: ['udp', 'tcp'] });
 *   kamailio.serverUri('tcp')   // 'sip:127.0.0.1:40123;transport=tcp'
 *   await kamailio.restart();    // same ports, empty state
 *   await kamailio.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../net/free-port';

export type KamailioTransport = 'udp' | 'tcp' | 'tls' | 'ws';

export interface KamailioOptions {
  /** Listeners to open (default udp and tcp). A UDP listener is always opened: it is used to probe readiness. */
  readonly transports?: readonly KamailioTransport[];
  /**
   * presence_xml `force_active`: true (default) accepts every watcher. When false, watchers of the users
   * in `confirmWatchersOf` stay pending (an XCAP pres-rules document with `confirm` for them), as a
   * watcher the presentity has not yet authorised sees it; other presentities' watchers are accepted.
   */
  readonly forceActive?: boolean;
  readonly confirmWatchersOf?: readonly string[];
  /** Users and passwords: when given, REGISTER, PUBLISH and SUBSCRIBE need digest authentication. */
  readonly users?: Readonly<Record<string, string>>;
  /** The presence domain (default `example.com`). */
  readonly domain?: string;
  /** presence `min_expires`: SUBSCRIBEs asking for less get 423 with Min-Expires. */
  readonly minSubscribeExpires?: number;
  /**
   * Rewrite every client's Contact to the address its request came from (nathelper
   * `fix_nated_contact`), so NOTIFYs go back the way the SUBSCRIBE came — needed behind a relay or NAT.
   * WebSocket clients always get this (their Contact host is `.invalid`, RFC 7118).
   */
  readonly fixContacts?: boolean;
  /** TLS certificate and key files (required with the tls transport). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /**
   * Room for thousands of publications and subscriptions (the buddies benchmark): 512 MB shared memory instead of 64
   * (each subscription and publication lives there), 32 MB private memory per process instead of 8, and four workers
   * per transport instead of two. TCP limits stay Kamailio's defaults (tcp_max_connections 2048 is far more than the
   * one connection a watcher opens), so what a burst does to a stock server's connection is still measured.
   * Publications are kept in memory only (`publ_cache=2`): with db_text every SUBSCRIBE scans the table (measured:
   * about 110 SUBSCRIBEs a second with 1,000 publications). That mode's bug above needs a bodyless refresh PUBLISH,
   * which a benchmark publishing once for an hour never sends; functional tests must not use it.
   */
  readonly largeLists?: boolean;
}

export interface RunningKamailio {
  readonly ports: Readonly<Partial<Record<KamailioTransport, number>>>;
  readonly domain: string;
  /** The server URI a client uses to reach this listener. */
  serverUri(transport: KamailioTransport): string;
  /** Everything Kamailio wrote to stderr so far (for failure messages). */
  log(): string;
  /** Stops it (SIGTERM, then SIGKILL after 5 s) and keeps the ports for `start()`. */
  stopProcess(): Promise<void>;
  /** Starts it again on the same ports with empty state. */
  startProcess(): Promise<void>;
  /** stopProcess + startProcess. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

const MODULE_DIR = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
].find((dir) => existsSync(path.join(dir, 'presence.so')));

const DBTEXT_SCHEMA = '/usr/share/kamailio/dbtext/kamailio';

function configText(options: KamailioOptions, ports: Partial<Record<KamailioTransport, number>>, dir: string): string {
  const domain = options.domain ?? 'example.com';
  const users = options.users ?? {};
  const hasAuth = Object.keys(users).length > 0;
  const hasTls = ports.tls !== undefined;
  const hasWs = ports.ws !== undefined;
  const listen = [
    `listen=udp:127.0.0.1:${ports.udp}`,
    ports.tcp === undefined ? '' : `listen=tcp:127.0.0.1:${ports.tcp}`,
    hasTls ? `listen=tls:127.0.0.1:${ports.tls}` : '',
    hasWs ? `listen=tcp:127.0.0.1:${ports.ws}` : '',
  ].filter((l) => l !== '');
  const needsAuthorisation = options.forceActive === false;
  const dbUrl = `text://${path.join(dir, 'db')}`;
  const modules = [
    'kex',
    'corex',
    'tm',
    'tmx',
    'sl',
    'rr',
    'pv',
    'maxfwd',
    'textops',
    'siputils',
    'xlog',
    'sanity',
    'usrloc',
    'registrar',
    'auth',
    'nathelper',
  ];
  modules.push('db_text', 'presence', 'presence_xml');
  if (hasTls) modules.push('tls');
  if (hasWs) modules.push('xhttp', 'websocket');
  const passwordLines = Object.entries(users)
    .map(([user, password]) => `  if ($fU == "${user}") $var(pw) = "${password.replace(/["\\]/g, '')}";`)
    .join('\n');
  return `#!KAMAILIO
# Generated by test/support/kamailio/kamailio.ts for one test run.
debug=${process.env.KAMAILIO_DEBUG ?? 2}
log_stderror=yes
children=${options.largeLists ? 4 : 2}
tcp_children=${options.largeLists ? 4 : 2}
auto_aliases=no
tcp_accept_no_cl=yes
${listen.join('\n')}
alias="${domain}"
${hasTls ? 'enable_tls=yes' : ''}
mpath="${MODULE_DIR}/"
${modules.map((m) => `loadmodule "${m}.so"`).join('\n')}
modparam("usrloc", "db_mode", 0)
modparam("presence", "db_url", "${dbUrl}")
modparam("presence", "publ_cache", ${options.largeLists ? 2 : 1})
modparam("presence", "subs_db_mode", ${needsAuthorisation ? 1 : 0})
${options.minSubscribeExpires === undefined ? '' : `modparam("presence", "min_expires", ${options.minSubscribeExpires})\nmodparam("presence", "min_expires_action", 1)`}
modparam("presence_xml", "force_active", ${options.forceActive === false ? 0 : 1})
modparam("presence_xml", "force_dummy_presence", 0)
${needsAuthorisation ? `modparam("presence_xml", "db_url", "${dbUrl}")\nmodparam("presence_xml", "integrated_xcap_server", 1)` : ''}
${hasTls ? `modparam("tls", "config", "${path.join(dir, 'tls.cfg')}")` : ''}
${hasWs ? 'modparam("websocket", "sub_protocols", 1)' : ''}

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (is_method("OPTIONS") && uri == myself && $rU == $null) { sl_send_reply("200", "OK"); exit; }
  # WebSocket clients put a .invalid host in Contact (RFC 7118): NOTIFYs go back over their connection.
  ${options.fixContacts ? 'fix_nated_contact();' : 'if (proto == WS || proto == WSS) { fix_nated_contact(); }'}
  if (has_totag()) {
    if (is_method("ACK")) { t_check_trans(); exit; }
    if (is_method("SUBSCRIBE")) { route(AUTH); route(PRESENCE); exit; }
    sl_send_reply("481", "No Such Dialog");
    exit;
  }
  if (is_method("REGISTER")) {
    route(AUTH);
    if (!save("location")) { sl_reply_error(); }
    exit;
  }
  if (is_method("PUBLISH|SUBSCRIBE")) { route(AUTH); route(PRESENCE); exit; }
  sl_send_reply("404", "Not Found");
}

route[PRESENCE] {
  if (!t_newtran()) { sl_reply_error(); exit; }
  if (is_method("PUBLISH")) { handle_publish(); } else { handle_subscribe(); }
  exit;
}

route[AUTH] {
${
  hasAuth
    ? `  $var(pw) = "";
${passwordLines}
  if ($var(pw) == "" || !pv_auth_check("$fd", "$var(pw)", "0", "0")) {
    auth_challenge("$fd", "0");
    exit;
  }
  consume_credentials();`
    : '  return;'
}
}

${
  hasWs
    ? `event_route[xhttp:request] {
  if ($Rp != ${ports.ws}) { xhttp_reply("403", "Forbidden", "", ""); exit; }
  if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
    if (ws_handle_handshake()) { exit; }
  }
  xhttp_reply("404", "Not Found", "", "");
}`
    : ''
}
`;
}

export async function startKamailio(options: KamailioOptions = {}): Promise<RunningKamailio> {
  // Free ports are picked before Kamailio binds them; another test may take one in between. Try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startKamailioOnce(options);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use|bind/i.test(String(error))) throw error;
    }
  }
}

async function startKamailioOnce(options: KamailioOptions): Promise<RunningKamailio> {
  if (!MODULE_DIR) throw new Error('Kamailio presence modules are not installed (apt-get install kamailio kamailio-presence-modules).');
  const transports = new Set<KamailioTransport>(['udp', ...(options.transports ?? ['udp', 'tcp'])]);
  if (transports.has('tls') && !options.tls) throw new Error('The tls transport needs options.tls (certificate and key files).');
  const ports: Partial<Record<KamailioTransport, number>> = {};
  const taken = new Set<number>();
  for (const transport of transports) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[transport] = port;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'presently-kamailio-'));
  const configFile = path.join(dir, 'kamailio.cfg');
  await writeFile(configFile, configText(options, ports, dir));
  if (options.tls) {
    await writeFile(
      path.join(dir, 'tls.cfg'),
      `[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\nrequire_certificate = no\nprivate_key = ${options.tls.keyFile}\ncertificate = ${options.tls.certFile}\n\n[client:default]\nverify_certificate = no\nrequire_certificate = no\n`,
    );
  }

  let child: ChildProcess | undefined;
  let output = '';
  const domain = options.domain ?? 'example.com';

  /** Fresh, empty db_text tables (Debian's kamailio package ships the schema), plus the pres-rules. */
  const resetDatabase = async (): Promise<void> => {
    const db = path.join(dir, 'db');
    await rm(db, { recursive: true, force: true });
    await cp(DBTEXT_SCHEMA, db, { recursive: true });
    const domain = options.domain ?? 'example.com';
    // doc_type 2 = pres-rules (RFC 5025); one rule with no conditions: every watcher must be confirmed.
    const rules =
      '<?xml version="1.0" encoding="UTF-8"?><cr:ruleset xmlns="urn:ietf:params:xml:ns:pres-rules" xmlns:cr="urn:ietf:params:xml:ns:common-policy">' +
      '<cr:rule id="confirm-everyone"><cr:conditions/><cr:actions><sub-handling>confirm</sub-handling></cr:actions><cr:transformations/></cr:rule></cr:ruleset>';
    const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    const rows = (options.confirmWatchersOf ?? []).map(
      (user, i) => `${i + 1}:${escape(user)}:${escape(domain)}:${escape(rules)}:2:etag${i + 1}:1:${escape(`sip:${user}@${domain}`)}:0`,
    );
    await writeFile(
      path.join(db, 'xcap'),
      [
        'id(int,auto) username(string) domain(string) doc(string) doc_type(int) etag(string) source(int) doc_uri(string) port(int) ',
        ...rows,
        '',
      ].join('\n'),
    );
  };

  const startProcess = async (): Promise<void> => {
    await resetDatabase();
    const process_ = spawn(
      'kamailio',
      ['-f', configFile, '-DD', '-E', '-m', options.largeLists ? '512' : '64', '-M', options.largeLists ? '32' : '8', '-w', dir, '-Y', dir],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child = process_;
    process_.stderr?.setEncoding('utf8');
    process_.stderr?.on('data', (chunk: string) => {
      output = (output + chunk).slice(-200_000);
    });
    const exited = new Promise<never>((_, reject) => {
      process_.once('exit', (code, signal) =>
        reject(new Error(`Kamailio exited during start-up (${code ?? signal}).\n${output.slice(-4000)}`)),
      );
      process_.once('error', (error) => reject(error));
    });
    exited.catch(() => undefined);
    await Promise.race([waitUntilAnswering(ports.udp ?? 0, 10_000), exited]);
    for (const [kind, port] of Object.entries(ports)) {
      if (kind !== 'udp' && port !== undefined) await Promise.race([waitForTcp(port, 10_000), exited]);
    }
  };

  const stopProcess = async (): Promise<void> => {
    const process_ = child;
    child = undefined;
    if (!process_ || process_.exitCode !== null || process_.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => process_.once('exit', () => resolve()));
    process_.kill('SIGTERM');
    const timer = setTimeout(() => process_.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await startProcess();
  } catch (error) {
    await stopProcess();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    ports,
    domain,
    serverUri: (transport) => {
      const port = ports[transport];
      if (port === undefined) throw new Error(`Kamailio was not started with a ${transport} listener.`);
      return transport === 'udp' ? `sip:127.0.0.1:${port}` : `sip:127.0.0.1:${port};transport=${transport}`;
    },
    log: () => output,
    stopProcess,
    startProcess,
    restart: async () => {
      await stopProcess();
      await startProcess();
    },
    stop: async () => {
      await stopProcess();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sends OPTIONS over UDP until Kamailio answers (any response means its SIP workers run). */
async function waitUntilAnswering(port: number, timeoutMs: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const local = socket.address().port;
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`Kamailio did not answer on udp:127.0.0.1:${port} within ${timeoutMs} ms.`)),
        timeoutMs,
      );
      socket.on('message', () => {
        clearTimeout(deadline);
        clearInterval(probe);
        resolve();
      });
      let n = 0;
      const send = () => {
        n += 1;
        const options = [
          `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKprobe${n}${Date.now()};rport`,
          'Max-Forwards: 70',
          `From: <sip:probe@127.0.0.1>;tag=probe${n}`,
          `To: <sip:127.0.0.1:${port}>`,
          `Call-ID: probe-${n}-${Date.now()}@127.0.0.1`,
          'CSeq: 1 OPTIONS',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n');
        socket.send(options, port, '127.0.0.1');
      };
      const probe = setInterval(send, 100);
      send();
    });
  } finally {
    socket.close();
  }
}

async function waitForTcp(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Kamailio did not listen on tcp:127.0.0.1:${port} within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
