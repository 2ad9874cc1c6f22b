/**
 * Real SIP clients (the engine's SipClient) for integration tests, made in one line and stopped by the
 * factory itself, so a spec shows only its behaviour:
 *
 *   const [alice, bob] = await startClients(server.uri, ['alice', 'bob']);   // both registered
 *   const [carol] = createClients(kamailio.serverUri('tcp'), ['carol'], { passwords });   // not started yet
 *
 * User `alice` is `sip:alice@example.com` (or `options.domain`), with testAccount's settings and
 * FAST_TIMERS. Clients made by these functions are stopped when the current test finishes, passed or
 * failed (vitest's onTestFinished, which runs after afterEach; call them in a test or a beforeEach).
 * A client shared by the tests of a suite comes from a TestSipClients the suite stops in afterAll.
 */
import { expect, onTestFinished } from 'vitest';
import { SipClient } from '../../../electron/sip/sip-client';
import type { DnsResolver } from '../../../electron/sip/locate/locate-server';
import type { SipAccountConfig, SipClientOptions, SipTimers } from '../../../electron/sip/sip-client-types';
import { FAST_TIMERS, testAccount } from './test-account';

/** How long a cleanup waits for each client to unpublish and unregister. */
const STOP_TIMEOUT_MS = 1_000;

/** What the clients of one call have in common. */
export interface TestClientOptions {
  /** The AORs' domain: user `alice` is `sip:alice@<domain>` (default example.com). */
  readonly domain?: string;
  /** Account settings over testAccount's, for every client of the call. */
  readonly account?: Partial<SipAccountConfig>;
  /** Digest passwords by user name, for servers that challenge. */
  readonly passwords?: Readonly<Record<string, string>>;
  /** Timers over FAST_TIMERS. */
  readonly timers?: Partial<SipTimers>;
  /** The device name each client publishes with its tuple (SipClientOptions.deviceLabel). */
  readonly deviceLabel?: string;
  /** Where the clients' DNS queries go (a test/support/dns/ responder); default the system's DNS. */
  readonly resolver?: DnsResolver;
  /** The window of new SUBSCRIBEs in flight (SipClientOptions.subscribePacing); default the engine's. */
  readonly subscribePacing?: SipClientOptions['subscribePacing'];
}

/** One client per user name, in the same order (a tuple, so `const [alice, bob] = …` needs no checks). */
export type ClientsFor<Users extends readonly string[]> = { readonly [K in keyof Users]: SipClient };

/** Clients made together and stopped together. */
export class TestSipClients {
  private readonly clients: SipClient[] = [];

  /** Makes one client per user, not started. */
  create<const Users extends readonly string[]>(server: string, users: Users, options: TestClientOptions = {}): ClientsFor<Users> {
    const made = users.map((user) => {
      const password = options.passwords?.[user];
      const account = testAccount(`sip:${user}@${options.domain ?? 'example.com'}`, server, {
        ...(password === undefined ? {} : { password }),
        ...options.account,
      });
      return new SipClient(account, {
        timers: { ...FAST_TIMERS, ...options.timers },
        ...(options.deviceLabel === undefined ? {} : { deviceLabel: options.deviceLabel }),
        ...(options.resolver === undefined ? {} : { resolver: options.resolver }),
        ...(options.subscribePacing === undefined ? {} : { subscribePacing: options.subscribePacing }),
      });
    });
    this.clients.push(...made);
    return made as unknown as ClientsFor<Users>;
  }

  /** Makes one client per user and starts them one after the other; each must register. */
  async start<const Users extends readonly string[]>(
    server: string,
    users: Users,
    options: TestClientOptions = {},
  ): Promise<ClientsFor<Users>> {
    const made = this.create(server, users, options);
    for (const client of made) expect(await client.start(), `${client.config.aor} registers`).toMatchObject({ phase: 'registered' });
    return made;
  }

  /** Stops every client made here (again, for those a test stopped itself: stopping twice is harmless). */
  async stopAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.stop({ timeoutMs: STOP_TIMEOUT_MS })));
  }
}

/** A set whose clients are stopped when the current test finishes. */
function clientsForThisTest(): TestSipClients {
  const clients = new TestSipClients();
  onTestFinished(() => clients.stopAll());
  return clients;
}

/** Clients for `users` on `server`, not started (for a test that watches or checks the start), stopped when the current test finishes. */
export function createClients<const Users extends readonly string[]>(
  server: string,
  users: Users,
  options: TestClientOptions = {},
): ClientsFor<Users> {
  return clientsForThisTest().create(server, users, options);
}

/** Clients for `users` on `server`, started and registered, stopped when the current test finishes. */
export function startClients<const Users extends readonly string[]>(
  server: string,
  users: Users,
  options: TestClientOptions = {},
): Promise<ClientsFor<Users>> {
  return clientsForThisTest().start(server, users, options);
}
