/**
 * Starts a real Kamailio 5.6 presence server for interoperability tests (Debian packages `kamailio`,
 * `kamailio-presence-modules`, and for TLS/WebSocket listeners `kamailio-tls-modules`,
 * `kamailio-websocket-modules`; `.ci/run` installs them), running the reference configuration we ship,
 * docs/kamailio/presently.cfg (docs/kamailio.md): its placeholders set to this run's free loopback ports,
 * domain and a fresh temporary folder, and `TEST_` switches for the options the reference does not have.
 * No state outlives a run: registrations in memory (usrloc `db_mode=0`); publications, subscriptions, the
 * users (`subscriber`, HA1 hashes) and the pres-rules (`xcap`) in db_text tables inside the folder, laid
 * anew on every (re)start — so a restart forgets every registration, publication and subscription, which is
 * what "the server went away" looks like.
 *
 * Why not `publ_cache=2` (publications in memory only): Kamailio 5.6.3 in that mode loses the document
 * when a publication is refreshed the RFC 3903 way (SIP-If-Match, no body) — watchers get bodyless
 * NOTIFYs ("Empty notify body record" in its log) and even a later modify is not delivered. With
 * `publ_cache=1` backed by db_text it behaves. Watcher authorisation (`forceActive: false`) needs
 * subscriptions in the database too (`subs_db_mode=1`): Kamailio decides "pending" only with a watchers
 * table; in memory-only mode it accepts every watcher.
 *
 * Options: the listeners (udp and tcp always — UDP probes readiness, TCP also carries XCAP — plus tls,
 * ws), `forceActive` (default true, a test switch: accept every watcher at once; false is the reference's
 * own behaviour, pending — bodyless NOTIFYs — until the owner's pres-rules decide), digest authentication
 * with known users (REGISTER challenged with 401, PUBLISH and SUBSCRIBE with 407; without users a test
 * switch opens the server), XCAP for those users (`xcap`, `xcapRoot`), a minimum subscription interval
 * (423 below it) and the presence domain (an alias, so `sip:alice@example.com` is local).
 *
 *   const kamailio = await startKamailio({ users: { alice: 'pw' }, forceActive: false, xcap: true });
 *   kamailio.serverUri('tcp')   // 'sip:127.0.0.1:40123;transport=tcp'
 *   kamailio.xcapRoot           // 'http://127.0.0.1:40123/xcap-root'
 *   await kamailio.restart();    // same ports, empty state
 *   await kamailio.stop();
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildRlsServices } from '../../../shared/resource-lists';
import { freePort } from '../net/free-port';

export type KamailioTransport = 'udp' | 'tcp' | 'tls' | 'ws';

export interface KamailioOptions {
  /** Listeners to open besides udp and tcp, which are always open (UDP probes readiness, TCP carries XCAP). */
  readonly transports?: readonly KamailioTransport[];
  /**
   * presence_xml `force_active`: true (default) accepts every watcher. When false (the reference's own
   * setting), a watcher stays pending until the presentity's pres-rules allow or block them; a presentity
   * without a document keeps every watcher pending. `confirmWatchersOf` seeds a `confirm` document for
   * those users (without XCAP).
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
  /**
   * Watcher authorisation by the owners' own pres-rules documents, written over XCAP (`xcapRoot`) with HTTP
   * Digest as the SIP users; needs `users` and `forceActive: false`. (The reference configuration always
   * serves XCAP; this says a test relies on it.)
   */
  readonly xcap?: boolean;
  /**
   * The optional event packages of the reference configuration to switch on (its WITH_ switches): `rls` resource lists
   * (RFC 4662), `message-summary` (RFC 3842, presence_mwi), `dialog` (RFC 4235, presence_dialoginfo).
   */
  readonly packages?: readonly KamailioPackage[];
  /**
   * Resource lists to seed, by owner user: each becomes a `<service>` of that user's rls-services document (RFC 4826
   * §4) with its members inline, as XCAP would have stored it. Needs the `rls` package.
   */
  readonly serviceLists?: Readonly<Record<string, readonly { readonly uri: string; readonly members: readonly string[] }[]>>;
}

/** The reference configuration's optional packages (WITH_RLS, WITH_MWI, WITH_DIALOG). */
export type KamailioPackage = 'rls' | 'message-summary' | 'dialog';

const PACKAGE_SWITCHES: Readonly<Record<KamailioPackage, string>> = {
  rls: 'WITH_RLS',
  'message-summary': 'WITH_MWI',
  dialog: 'WITH_DIALOG',
};

/** The xcap table's doc_type of an rls-services document (Kamailio's xcap_client: RLS_SERVICE = 1 << 3). */
const RLS_SERVICES_DOC_TYPE = 8;

export interface RunningKamailio {
  readonly ports: Readonly<Partial<Record<KamailioTransport, number>>>;
  readonly domain: string;
  /** The XCAP root (RFC 4825 §6): `http://127.0.0.1:<tcp port>/xcap-root`, served by xcap_server over xhttp. */
  readonly xcapRoot: string;
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

/** Where Debian installs Kamailio's modules (undefined when the presence modules are missing). */
export const MODULE_DIR = [
  '/usr/lib/x86_64-linux-gnu/kamailio/modules',
  '/usr/lib/aarch64-linux-gnu/kamailio/modules',
  '/usr/lib/kamailio/modules',
].find((dir) => existsSync(path.join(dir, 'presence.so')));

const DBTEXT_SCHEMA = '/usr/share/kamailio/dbtext/kamailio';

/** The reference configuration (docs/kamailio.md): the tests run exactly this file, placeholders filled in. */
export const REFERENCE_CONFIG = path.resolve(import.meta.dirname, '../../../docs/kamailio/presently.cfg');

/** The line of the reference configuration after which the test switches go. */
const SWITCHES_MARKER = '# PRESENTLY_TEST_SWITCHES';

/**
 * The reference configuration for one run: its `#!substdef` placeholders set to this run's domain, ports and
 * folder, and `#!define`s for the options the reference does not have (each a `TEST_` switch in the file).
 */
export function renderConfig(
  template: string,
  options: KamailioOptions,
  ports: Partial<Record<KamailioTransport, number>>,
  dir: string,
): string {
  const placeholders: Record<string, string> = {
    PRESENTLY_DOMAIN: options.domain ?? 'example.com',
    PRESENTLY_LISTEN_ADDR: '127.0.0.1',
    PRESENTLY_UDP_PORT: String(ports.udp),
    PRESENTLY_TCP_PORT: String(ports.tcp),
    PRESENTLY_DB_URL: `text://${path.join(dir, 'db')}`,
    PRESENTLY_WORKERS: options.largeLists ? '4' : '2',
  };
  let text = template;
  for (const [name, value] of Object.entries(placeholders)) {
    const line = new RegExp(`^#!substdef "!${name}![^!\\n]*!g"$`, 'm');
    if (!line.test(text)) throw new Error(`${REFERENCE_CONFIG} has no placeholder line for ${name}.`);
    text = text.replace(line, `#!substdef "!${name}!${value}!g"`);
  }
  const hasAuth = Object.keys(options.users ?? {}).length > 0;
  const switches: string[] = [];
  if (!hasAuth) switches.push('#!define TEST_WITHOUT_AUTH');
  if (options.forceActive !== false) switches.push('#!define TEST_FORCE_ACTIVE');
  if (options.largeLists) switches.push('#!define TEST_LARGE_LISTS');
  if (options.minSubscribeExpires !== undefined) switches.push(`#!define TEST_MIN_EXPIRES ${Math.trunc(options.minSubscribeExpires)}`);
  if (options.fixContacts) switches.push('#!define TEST_FIX_CONTACTS');
  if (ports.tls !== undefined) {
    switches.push(
      '#!define TEST_TLS',
      `#!substdef "!TEST_TLS_PORT!${ports.tls}!g"`,
      `#!substdef "!TEST_TLS_CONFIG!${path.join(dir, 'tls.cfg')}!g"`,
    );
  }
  if (ports.ws !== undefined) switches.push('#!define TEST_WS', `#!substdef "!TEST_WS_PORT!${ports.ws}!g"`);
  for (const eventPackage of options.packages ?? []) switches.push(`#!define ${PACKAGE_SWITCHES[eventPackage]}`);
  const marker = text.indexOf(SWITCHES_MARKER);
  if (marker === -1) throw new Error(`${REFERENCE_CONFIG} has no "${SWITCHES_MARKER}" line.`);
  const afterMarker = text.indexOf('\n', marker) + 1;
  return `${text.slice(0, afterMarker)}${switches.join('\n')}\n${text.slice(afterMarker)}`;
}

/** A db_text field: backslash and colon escaped (db_text's separator). */
function dbTextField(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/** md5 hex, for the subscriber table's HA1 columns. */
function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
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
  const moduleDir = MODULE_DIR;
  if (!moduleDir) throw new Error('Kamailio presence modules are not installed (apt-get install kamailio kamailio-presence-modules).');
  // UDP probes readiness; TCP carries XCAP: the reference configuration always has both.
  const transports = new Set<KamailioTransport>(['udp', 'tcp', ...(options.transports ?? [])]);
  const hasUsers = Object.keys(options.users ?? {}).length > 0;
  if (options.xcap && (!hasUsers || options.forceActive !== false)) {
    throw new Error('options.xcap needs users (XCAP is authenticated) and forceActive: false (else the rules are not consulted).');
  }
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
  await writeFile(configFile, renderConfig(await readFile(REFERENCE_CONFIG, 'utf8'), options, ports, dir));
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
    const rows = (options.confirmWatchersOf ?? []).map(
      (user, i) =>
        `${i + 1}:${dbTextField(user)}:${dbTextField(domain)}:${dbTextField(rules)}:2:etag${i + 1}:1:${dbTextField(`/xcap-root/pres-rules/users/sip:${user}@${domain}/index`)}:0`,
    );
    for (const [user, lists] of Object.entries(options.serviceLists ?? {})) {
      const document = buildRlsServices({
        services: lists.map((list) => ({
          uri: list.uri,
          source: { kind: 'list', list: { items: list.members.map((uri) => ({ kind: 'entry', uri })) } },
          packages: ['presence'],
        })),
      });
      const id = rows.length + 1;
      // db_text keeps one row a line: the document's own line breaks would end it.
      const oneLine = document.replace(/\n\s*/g, '');
      rows.push(
        `${id}:${dbTextField(user)}:${dbTextField(domain)}:${dbTextField(oneLine)}:${RLS_SERVICES_DOC_TYPE}:etag${id}:1:${dbTextField(`/xcap-root/rls-services/users/sip:${user}@${domain}/index`)}:0`,
      );
    }
    await writeFile(
      path.join(db, 'xcap'),
      [
        'id(int,auto) username(string) domain(string) doc(string) doc_type(int) etag(string) source(int) doc_uri(string) port(int) ',
        ...rows,
        '',
      ].join('\n'),
    );
    // The subscriber table holds HA1 hashes (realm = the domain), never the password itself.
    const subscribers = Object.entries(options.users ?? {}).map(
      ([user, password], i) =>
        `${i + 1}:${dbTextField(user)}:${dbTextField(domain)}::${md5(`${user}:${domain}:${password}`)}:${md5(`${user}@${domain}:${domain}:${password}`)}`,
    );
    await writeFile(
      path.join(db, 'subscriber'),
      ['id(int,auto) username(string) domain(string) password(string,null) ha1(string) ha1b(string)', ...subscribers, ''].join('\n'),
    );
  };

  const startProcess = async (): Promise<void> => {
    await resetDatabase();
    const process_ = spawn(
      'kamailio',
      [
        '-f',
        configFile,
        '-L',
        moduleDir,
        `--debug=${process.env.KAMAILIO_DEBUG ?? 2}`,
        '-DD',
        '-E',
        '-m',
        options.largeLists ? '512' : '64',
        '-M',
        options.largeLists ? '32' : '8',
        '-w',
        dir,
        '-Y',
        dir,
      ],
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
    xcapRoot: `http://127.0.0.1:${ports.tcp}/xcap-root`,
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
