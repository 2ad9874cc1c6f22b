/**
 * The PresenceService against real SIP: the built-in compositor on 127.0.0.1 (port 0) as the server,
 * the real engine as the service's user agent, and other real SipClients as watchers and buddies.
 * Nothing is mocked; the "renderer" is a ServiceProbe that does the ready handshake and records events.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_ACCOUNT_SETTINGS, type AccountForm } from '../../../shared/account/account-settings';
import type { AccountState, BuddyPresence } from '../../../shared/presence/presence-state';
import type { RunningCompositor } from '../../../electron/compositor';
import { nodeHostInfo, PresenceService, type PresenceServiceOptions } from '../../../electron/service/presence-service';
import { MemorySecretStore } from '../../../electron/service/secret-store';
import type { SipClient } from '../../../electron/sip/sip-client';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { freePort } from '../../support/net/free-port';
import { ServiceProbe } from '../../support/service-probe';
import { startClients } from '../../support/sip/sip-clients';
import { makeTestCertificates } from '../../support/sip/test-certificates';
import { waitFor } from '../../support/sip/wait-for';

const DOMAIN = 'example.test';
const ME = `sip:alice@${DOMAIN}`;

let dataDir: string;
let compositor: RunningCompositor;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'presently-service-'));
  onTestFinished(() => rm(dataDir, { recursive: true, force: true }));
  compositor = (await startFixture()).server;
});

function newService(options: Partial<PresenceServiceOptions> = {}): PresenceService {
  const service = new PresenceService({ host: nodeHostInfo(), dataDir, log: () => undefined, ...options });
  onTestFinished(() => service.stop({ timeoutMs: 2_000 }));
  return service;
}

function account(overrides: Partial<AccountForm> = {}): AccountForm {
  return { ...DEFAULT_ACCOUNT_SETTINGS, displayName: 'Alice', aor: ME, server: compositor.addresses.tcp!.uri, ...overrides };
}

/** Another real user agent on the compositor (a colleague, or a watcher of ours). */
async function peer(user: string): Promise<SipClient> {
  const [client] = await startClients(compositor.addresses.udp!.uri, [user], { domain: DOMAIN });
  return client;
}

/** The next update of `aor` at `client` that satisfies `predicate`. */
function waitForBuddy(client: SipClient, aor: string, predicate: (b: BuddyPresence) => boolean, what: string): Promise<BuddyPresence> {
  return waitFor(client.onBuddy.bind(client), (buddy) => buddy.aor === aor && predicate(buddy), { what });
}

describe('presence service with an account on a real presence server', () => {
  it('given no account and no demo, when started, then it is offline and says nothing is configured', async () => {
    const service = newService();
    await service.start();
    const probe = ServiceProbe.attach(service);
    expect(probe.snapshot.session).toEqual({ mode: 'offline', account: null, demo: null, isPasswordStorePersistent: false });
    expect(probe.snapshot.self).toMatchObject({ status: 'available', note: '', publication: { phase: 'idle' } });
  });

  it('given an account saved, when the user chooses busy with a note, then a separate watcher receives busy and the note', async () => {
    const service = newService();
    await service.start();
    const probe = ServiceProbe.attach(service);
    const watcher = await peer('watcher');
    watcher.watch(ME);

    const session = await service.saveAccount(account());
    expect(session).toMatchObject({ mode: 'account', account: { aor: ME, displayName: 'Alice', hasPassword: false } });
    await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'registered', { what: 'registration' });

    // Listening before the change: the watcher's NOTIFY may arrive before our PUBLISH's 200 does.
    const seenBusy = waitForBuddy(watcher, ME, (b) => b.presence?.status === 'busy', 'the watcher to see busy');
    const self = await service.setStatus({ status: 'busy', note: 'Writing the quarterly report' });
    expect(self.publication).toMatchObject({
      phase: 'published',
      status: 'busy',
      note: 'Writing the quarterly report',
      etag: expect.any(String),
    });
    expect(self.recentNotes).toEqual(['Writing the quarterly report']);

    const seen = await seenBusy;
    expect(seen.presence).toMatchObject({ status: 'busy', note: 'Writing the quarterly report' });
  });

  it('given a buddy added, when the buddy publishes, then its presence arrives as an event; a bad address saves nothing', async () => {
    const service = newService();
    await service.start();
    await service.saveAccount(account());
    const probe = ServiceProbe.attach(service);
    const bob = await peer('bob');

    await expect(service.addBuddy({ aor: 'bob at example', displayName: 'Bob', group: '' })).rejects.toThrow(/cannot contain spaces/);
    const entry = await service.addBuddy({ aor: `bob@${DOMAIN}`, displayName: 'Bob', group: 'Team' });
    expect(entry).toMatchObject({ aor: `sip:bob@${DOMAIN}`, source: 'saved', presence: { subscription: { phase: expect.any(String) } } });
    expect(
      probe
        .received('onBuddiesChanged')
        .at(-1)
        ?.map((b) => b.aor),
    ).toEqual([`sip:bob@${DOMAIN}`]);

    await bob.setPresence('away', 'Back at 3');
    const presence = await probe.waitForBuddy((p) => p.aor === `sip:bob@${DOMAIN}` && p.presence?.status === 'away', {
      what: "Bob's away",
    });
    expect(presence.presence?.note).toBe('Back at 3');
    const saved = JSON.parse(await readFile(path.join(dataDir, 'buddies.json'), 'utf8')) as { buddies: unknown[] };
    expect(saved.buddies).toEqual([{ aor: `sip:bob@${DOMAIN}`, displayName: 'Bob', group: 'Team' }]);
  });

  it('given account, password, buddies and status, when the service restarts, then all come back and are published again', async () => {
    const secretStore = new MemorySecretStore();
    const first = newService({ secretStore });
    await first.start();
    await first.saveAccount(account({ password: 'hunter2' }));
    await first.addBuddy({ aor: `sip:carol@${DOMAIN}`, displayName: 'Carol', group: '' });
    await first.setStatus({ status: 'in-a-meeting', note: 'Planning' });
    await first.stop({ timeoutMs: 2_000 });
    expect(await readFile(path.join(dataDir, 'settings.json'), 'utf8')).not.toContain('hunter2');

    const watcher = await peer('watcher');
    watcher.watch(ME);
    const second = newService({ secretStore });
    await second.start();
    const probe = ServiceProbe.attach(second);
    expect(probe.snapshot.session).toMatchObject({ mode: 'account', account: { aor: ME, hasPassword: true } });
    expect(probe.snapshot.buddies.map((b) => b.aor)).toEqual([`sip:carol@${DOMAIN}`]);
    expect(probe.snapshot.self).toMatchObject({ status: 'in-a-meeting', note: 'Planning', recentNotes: ['Planning'] });
    await waitForBuddy(watcher, ME, (b) => b.presence?.status === 'in-a-meeting', 'the republished status');
  });

  it('given a running account, when the service stops, then the publication is removed and watchers see offline', async () => {
    const service = newService();
    await service.start();
    await service.saveAccount(account());
    await service.setStatus({ status: 'available', note: 'Here' });
    const watcher = await peer('watcher');
    watcher.watch(ME);
    await waitForBuddy(watcher, ME, (b) => b.presence?.status === 'available', 'available');

    const offline = waitForBuddy(watcher, ME, (b) => b.presence?.status === 'offline', 'offline after shutdown');
    await service.stop({ timeoutMs: 3_000 });
    await offline;
    expect(compositor.counters().publicationsActive).toBe(0);
  });

  it('given a server that is not there, then the connection reports failed with why; when it is there and the user retries, then it registers', async () => {
    const port = await freePort();
    const service = newService({ sipOptions: { timers: { connectTimeout: 2_000, reconnectBase: 60_000, reconnectMax: 60_000 } } });
    await service.start();
    const probe = ServiceProbe.attach(service);
    await service.saveAccount(account({ server: `sip:127.0.0.1:${port};transport=tcp` }));
    const failed = await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'failed', { what: 'the connection to fail' });
    expect(failed.problem?.message).toEqual(expect.any(String));
    expect(failed.problem?.message.length).toBeGreaterThan(10);

    await startFixture({ udpPort: null, tcpPort: port, wsPort: null });
    const mark = probe.mark();
    await service.reconnect();
    await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'registered', { since: mark, what: 'registration after retrying' });
  });

  for (const transport of ['udp', 'tcp', 'ws'] as const) {
    it(`given the server entered with transport ${transport}, then the account registers and its status is published over it`, async () => {
      const service = newService({ trace: { batchMs: 10 } });
      await service.start();
      const probe = ServiceProbe.attach(service);
      const bound = compositor.addresses[transport]!;
      await service.saveAccount(account({ server: `sip:127.0.0.1:${bound.port};transport=${transport}` }));
      await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'registered', { what: `registration over ${transport}` });
      const self = await service.setStatus({ status: 'on-the-phone', note: `over ${transport}` });
      expect(self.publication.phase).toBe('published');
      await probe.waitFor('onTraceBatch', (b) => b.entries.some((e) => e.raw.startsWith('PUBLISH ')));
      const transports = new Set(probe.received('onTraceBatch').flatMap((b) => b.entries.map((e) => e.transport)));
      expect([...transports]).toEqual([transport]);
    });
  }

  it('given a TLS server signed by a company CA, then the account connects only with that CA file given in the settings', async () => {
    const certificates = await makeTestCertificates();
    onTestFinished(() => certificates.remove());
    const { server: tlsServer } = await startFixture({
      udpPort: null,
      tcpPort: null,
      wsPort: null,
      tls: { cert: certificates.certPem, key: certificates.keyPem },
    });
    const server = `sip:127.0.0.1:${tlsServer.addresses.tls!.port};transport=tls`;
    const service = newService();
    await service.start();
    const probe = ServiceProbe.attach(service);

    // Without the CA the certificate is not trusted: the status line says so and nothing connects.
    let mark = probe.mark();
    await service.saveAccount(account({ server }));
    const refused = await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'failed', { since: mark, what: 'TLS refused' });
    expect(refused.problem?.message).toMatch(/certificate/i);

    mark = probe.mark();
    const session = await service.saveAccount(account({ server, tlsCaFile: certificates.caFile }));
    expect(session.account).toMatchObject({ server, tlsCaFile: certificates.caFile });
    await probe.waitFor('onAccountStateChanged', (c) => c.phase === 'registered', { since: mark, what: 'registration over TLS' });
    expect((await service.setStatus({ status: 'busy', note: 'over TLS' })).publication.phase).toBe('published');
    const saved = JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8')) as {
      settings: { account: { tlsCaFile?: string } };
    };
    expect(JSON.stringify(saved)).toContain(JSON.stringify(certificates.caFile));
  });

  it('given an account form with bad values, when saved, then main refuses it with the reasons and keeps nothing', async () => {
    const service = newService();
    await service.start();
    await expect(service.saveAccount(account({ server: 'wss://x/ws', registerExpires: 5 }))).rejects.toThrow(
      /Server: .*WebSocket path has its own field.*Registration expiry: Enter whole seconds from 60 to 86400/,
    );
    expect(await readdir(dataDir)).not.toContain('settings.json');
    expect(service.sessionMode).toBe('offline');
  });

  it('given a damaged settings file, when started, then it is set aside and the user is told where it went', async () => {
    await writeFile(path.join(dataDir, 'settings.json'), '{"schemaVersion":1,"account":');
    const service = newService();
    await service.start();
    const probe = ServiceProbe.attach(service);
    const notice = await probe.waitFor('onNotice', (n) => n.level === 'warning');
    expect(notice.text).toMatch(/Your settings could not be read because it is not valid JSON .* kept as .*settings\.json\.corrupt-/);
    expect((await readdir(dataDir)).some((name) => name.startsWith('settings.json.corrupt-'))).toBe(true);
  });

  it('given state changes while the window loads, when it becomes ready, then the snapshot has them and no older state follows it', async () => {
    const service = newService();
    await service.start();
    const delivered: { channel: string; payload: unknown }[] = [];
    service.attachRenderer((channel, payload) => delivered.push({ channel, payload }));
    service.notify('info', 'queued notice');
    await service.saveAccount(account());
    await service.addBuddy({ aor: `sip:dave@${DOMAIN}`, displayName: '', group: '' });
    await service.setStatus({ status: 'away', note: 'Coffee' });
    expect(delivered).toEqual([]);

    const snapshot = service.rendererReady();
    expect(snapshot.session.mode).toBe('account');
    expect(snapshot.buddies.map((b) => b.aor)).toEqual([`sip:dave@${DOMAIN}`]);
    expect(snapshot.self).toMatchObject({ status: 'away', note: 'Coffee' });
    // The queued notice follows the snapshot on the next turn; the state events of before do not.
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered[0]).toEqual({ channel: 'app:notice', payload: expect.objectContaining({ text: 'queued notice' }) });
    expect(delivered.filter((e) => e.channel === 'account:session' || e.channel === 'buddy:list')).toEqual([]);
    expect(delivered.some((e) => e.channel === 'presence:self' && (e.payload as { status: string }).status !== 'away')).toBe(false);
  });

  it('given the tray observing state, then it sees every state event with no window attached, and the desktop view and preferences follow', async () => {
    const service = newService();
    const seen: string[] = [];
    const stop = service.outbox.observeState((change) => seen.push(change.name));
    await service.start();
    const registered = waitFor<AccountState>(
      (listener) => service.outbox.observeState((change) => change.name === 'onAccountStateChanged' && listener(change.payload)),
      (state) => state.phase === 'registered',
      { what: 'registered' },
    );
    await service.saveAccount(account());
    await registered;
    await service.setStatus({ status: 'busy', note: 'In a workshop' });
    stop();
    expect(seen).toEqual(expect.arrayContaining(['onSessionChanged', 'onAccountStateChanged', 'onSelfPresenceChanged']));
    expect(service.desktopView).toMatchObject({
      session: { mode: 'account' },
      accountState: { phase: 'registered' },
      self: { status: 'busy', note: 'In a workshop', publication: { phase: 'published' } },
    });

    expect(service.rendererReady().preferences).toEqual({ keepRunningInTray: true, startAtLogin: false, traceToFile: false });
    expect(await service.setPreferences({ keepRunningInTray: false })).toEqual({
      keepRunningInTray: false,
      startAtLogin: false,
      traceToFile: false,
    });
    expect(service.hasExplainedTray).toBe(false);
    await service.markTrayExplained();
    expect({ keepRunningInTray: service.preferences.keepRunningInTray, hasExplainedTray: service.hasExplainedTray }).toEqual({
      keepRunningInTray: false,
      hasExplainedTray: true,
    });
  });

  it('records the trace: numbered from 1, sent in batches, and in the snapshot of a window that opens late', async () => {
    const service = newService({ trace: { batchMs: 20 } });
    await service.start();
    const probe = ServiceProbe.attach(service);
    await service.saveAccount(account());
    await service.setStatus({ status: 'busy', note: '' });
    const batch = await probe.waitFor(
      'onTraceBatch',
      (b) => b.entries.some((e) => e.raw.startsWith('SIP/2.0 200') && /CSeq: \d+ PUBLISH/.test(e.raw)),
      {
        what: 'the 200 to our PUBLISH',
      },
    );
    expect(batch.entries.length).toBeGreaterThan(0);
    const all = probe.received('onTraceBatch').flatMap((b) => b.entries.map((e) => e.seq));
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));

    const late = ServiceProbe.attach(service);
    expect(late.snapshot.trace.entries.map((e) => e.seq)).toEqual(Array.from({ length: late.snapshot.trace.lastSeq }, (_, i) => i + 1));
    expect(late.snapshot.trace.entries.some((e) => e.raw.startsWith('PUBLISH '))).toBe(true);
  });
});
