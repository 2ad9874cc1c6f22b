/**
 * Test fixture for the compositor: starts one on 127.0.0.1 with free ports, collects its log lines, makes
 * test peers, and stops everything afterwards. Plus short helpers for the PUBLISH and SUBSCRIBE requests
 * the tests send again and again (each helper writes the request in full through SipTestPeer).
 *
 *   const fx = await startFixture({ minExpires: 1 });   // in a test or a beforeEach: stopped after the test
 *   const watcher = await fx.udpPeer();                  // closed with the fixture
 */
import { onTestFinished } from 'vitest';
import { startCompositor, type CompositorLogEntry, type CompositorOptions, type RunningCompositor } from '../../../electron/compositor';
import { SipTestPeer, type RequestSpec, type Target } from './sip-test-peer';

export interface CompositorFixture {
  readonly server: RunningCompositor;
  readonly log: CompositorLogEntry[];
  readonly udp: Target;
  /** A new UDP peer talking to the compositor (closed by `stop`). */
  udpPeer(): Promise<SipTestPeer>;
  tcpPeer(): Promise<SipTestPeer>;
  /** A TLS peer that trusts only `ca`, the PEM certificate the compositor was started with. */
  tlsPeer(ca: string): Promise<SipTestPeer>;
  wsPeer(): Promise<SipTestPeer>;
  /** A WSS peer that trusts only `ca` (the compositor was started with `tls.wssPort`). */
  wssPeer(ca: string): Promise<SipTestPeer>;
  /** Stops the compositor and closes the peers; calling it again is harmless. */
  stop(): Promise<void>;
}

/**
 * Starts a fixture for the current test, stopped when the test finishes, passed or failed (vitest's
 * onTestFinished, after afterEach). Call it in a test or a beforeEach; a suite sharing one compositor
 * uses startSharedFixture.
 */
export async function startFixture(options: CompositorOptions = {}): Promise<CompositorFixture> {
  const fixture = await startSharedFixture(options);
  onTestFinished(() => fixture.stop());
  return fixture;
}

/** Starts a fixture that the caller stops (in afterAll, for a compositor shared by a suite's tests). */
export async function startSharedFixture(options: CompositorOptions = {}): Promise<CompositorFixture> {
  const log: CompositorLogEntry[] = [];
  const server = await startCompositor({ ...options, log: (entry) => log.push(entry) });
  const peers: SipTestPeer[] = [];
  const target = (transport: 'udp' | 'tcp' | 'tls' | 'ws' | 'wss'): Target => {
    const bound = server.addresses[transport];
    if (bound === undefined) throw new Error(`${transport} is off in this fixture`);
    return { host: bound.host, port: bound.port };
  };
  const keep = (peer: SipTestPeer): SipTestPeer => {
    peers.push(peer);
    return peer;
  };
  let stopped: Promise<void> | undefined;
  return {
    server,
    log,
    get udp() {
      return target('udp');
    },
    udpPeer: async () => keep(await SipTestPeer.udp(target('udp'))),
    tcpPeer: async () => keep(await SipTestPeer.tcp(target('tcp'))),
    tlsPeer: async (ca) => keep(await SipTestPeer.tls(target('tls'), ca)),
    wsPeer: async () => keep(await SipTestPeer.ws(target('ws'))),
    wssPeer: async (ca) => keep(await SipTestPeer.wss(target('wss'), ca)),
    stop: () => {
      stopped ??= (async () => {
        await server.stop();
        await Promise.all(peers.map((peer) => peer.close()));
      })();
      return stopped;
    },
  };
}

/** `sip:alice@example.com` → `<sip:alice@example.com>` with an optional tag. */
export function nameAddr(aor: string, tag?: string): string {
  return tag === undefined ? `<${aor}>` : `<${aor}>;tag=${tag}`;
}

export interface PublishOptions {
  readonly body?: string;
  readonly contentType?: string;
  readonly expires?: number | string | null;
  readonly etag?: string;
  readonly from?: string;
  readonly event?: string | null;
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
  readonly callId?: string;
  readonly cseq?: number;
}

/** A PUBLISH for `aor` (From = To = aor unless `from` says otherwise). */
export function publishSpec(aor: string, options: PublishOptions = {}): RequestSpec {
  const headers: Array<readonly [string, string]> = [];
  if (options.event !== null) headers.push(['Event', options.event ?? 'presence']);
  if (options.expires !== null) headers.push(['Expires', String(options.expires ?? 600)]);
  if (options.etag !== undefined) headers.push(['SIP-If-Match', options.etag]);
  headers.push(...(options.extraHeaders ?? []));
  return {
    method: 'PUBLISH',
    uri: aor,
    from: nameAddr(options.from ?? aor, 'pub' + Math.random().toString(36).slice(2, 8)),
    to: nameAddr(aor),
    headers,
    ...(options.body === undefined ? {} : { body: options.body, contentType: options.contentType ?? 'application/pidf+xml' }),
    ...(options.callId === undefined ? {} : { callId: options.callId }),
    ...(options.cseq === undefined ? {} : { cseq: options.cseq }),
  };
}

export interface SubscribeOptions {
  readonly expires?: number | string | null;
  readonly event?: string | null;
  readonly accept?: string;
  readonly from?: string;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly callId?: string;
  readonly cseq?: number;
  readonly contact?: string | null;
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
}

/** A SUBSCRIBE from `peer` to `aor`'s presence. */
export function subscribeSpec(peer: SipTestPeer, aor: string, options: SubscribeOptions = {}): RequestSpec {
  const headers: Array<readonly [string, string]> = [];
  if (options.event !== null) headers.push(['Event', options.event ?? 'presence']);
  if (options.accept !== undefined) headers.push(['Accept', options.accept]);
  if (options.expires !== null) headers.push(['Expires', String(options.expires ?? 600)]);
  if (options.contact !== null) headers.push(['Contact', options.contact ?? `<${peer.contactUri}>`]);
  headers.push(...(options.extraHeaders ?? []));
  return {
    method: 'SUBSCRIBE',
    uri: aor,
    from: nameAddr(options.from ?? 'sip:watcher@example.com', options.fromTag ?? 'w' + Math.random().toString(36).slice(2, 8)),
    to: nameAddr(aor, options.toTag),
    headers,
    ...(options.callId === undefined ? {} : { callId: options.callId }),
    ...(options.cseq === undefined ? {} : { cseq: options.cseq }),
  };
}

/** The To tag of a response. */
export function toTagOf(response: { headers: { get(name: string): string | undefined } }): string {
  const match = /;tag=([^;\s]+)/.exec(response.headers.get('to') ?? '');
  if (match === null) throw new Error('response without To tag');
  return match[1] as string;
}
