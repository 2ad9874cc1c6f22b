/**
 * The client side of watcher authorisation, as one scenario for every server that offers it (the built-in compositor,
 * Kamailio with xcap_server): alice's engine watches her own watcher information (RFC 3857), bob subscribes to her
 * presence and waits pending, alice's Allow — written into her pres-rules over XCAP (RFC 4825, RFC 5025) — makes him
 * active with her presence, her Block rejects him. Real engines, real sockets, real servers.
 */
import { expect } from 'vitest';
import { PresRulesEditor } from '../../../electron/sip/xcap/pres-rules-editor';
import { XcapClient } from '../../../electron/sip/xcap/xcap-client';
import { handlingFor } from '../../../shared/pres-rules';
import { TestSipClients } from './sip-clients';
import { waitFor } from './wait-for';

/** A server with watcher authorisation: where the clients connect and where alice's rules are. */
export interface AuthorisingServer {
  /** The server URI the clients use, e.g. `sip:127.0.0.1:40123;transport=tcp`. */
  readonly server: string;
  readonly xcapRoot: string;
  readonly domain: string;
  readonly passwords: Readonly<Record<'alice' | 'bob', string>>;
}

/** Runs the scenario; the clients are stopped at the end, passed or failed. */
export async function runWatcherAuthorisation(server: AuthorisingServer): Promise<void> {
  const clients = new TestSipClients();
  const aliceAor = `sip:alice@${server.domain}`;
  const bobAor = `sip:bob@${server.domain}`;
  try {
    const [alice] = clients.create(server.server, ['alice'], {
      domain: server.domain,
      passwords: server.passwords,
      account: { watcherInfo: true },
    });
    const [bob] = clients.create(server.server, ['bob'], { domain: server.domain, passwords: server.passwords });
    const listening = waitFor(alice.onWatcherInfo.bind(alice), (info) => info.subscription.phase === 'active', {
      what: "alice's watcher information active",
      current: alice.watcherInfo,
    });
    expect(await alice.start()).toMatchObject({ phase: 'registered' });
    expect(await bob.start()).toMatchObject({ phase: 'registered' });
    await listening;
    expect((await alice.setPresence('available', 'At my desk')).phase).toBe('published');

    // Given bob asks to watch alice, then he waits pending and alice hears of him.
    const bobPending = waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'pending', { what: 'bob pending' });
    const aliceHears = waitFor(
      alice.onWatcherInfo.bind(alice),
      (info) => info.watchers.some((w) => w.uri === bobAor && w.status === 'pending'),
      { what: 'bob pending in alice’s watcher information' },
    );
    bob.watch(aliceAor);
    expect((await bobPending).presence).toBeNull();
    await aliceHears;

    // When alice allows him, then he becomes active with her presence, and her list says so.
    const rules = new PresRulesEditor(
      new XcapClient({ xcapRoot: server.xcapRoot, username: 'alice', password: server.passwords.alice }),
      aliceAor,
    );
    const bobActive = waitFor(bob.onBuddy.bind(bob), (b) => b.subscription.phase === 'active' && b.presence !== null, {
      what: 'bob active with a body',
    });
    const aliceSeesActive = waitFor(
      alice.onWatcherInfo.bind(alice),
      (info) => info.watchers.some((w) => w.uri === bobAor && w.status === 'active'),
      { what: 'bob active in alice’s watcher information' },
    );
    const allowed = await rules.setHandling(bobAor, 'allow');
    alice.refreshWatcherInfo(); // as the app does after a decision (WatcherDesk)
    expect(handlingFor(allowed, bobAor)).toBe('allow');
    expect((await bobActive).presence).toMatchObject({ status: 'available', note: 'At my desk' });
    await aliceSeesActive;
    expect(handlingFor(await rules.read(), bobAor)).toBe('allow');

    // When she blocks him, then his subscription ends rejected.
    const bobRejected = waitFor(
      bob.onBuddy.bind(bob),
      (b) => b.subscription.phase === 'terminated' && b.subscription.reason === 'rejected',
      { what: 'bob rejected' },
    );
    const blocked = await rules.setHandling(bobAor, 'block');
    expect(handlingFor(blocked, bobAor)).toBe('block');
    await bobRejected;
  } finally {
    await clients.stopAll();
  }
}
