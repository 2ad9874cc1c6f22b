/**
 * The offline demo's simulated colleagues: real SIP user agents (the engine's SipClient) publishing to a
 * real compositor over UDP on 127.0.0.1, watched by another SipClient as the app would watch them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuddyPresence } from '../../../../shared/presence/presence-state';
import { parsePresenceBody } from '../../../../shared/pidf';
import type { SipClient } from '../../../../electron/sip/sip-client';
import { startCompositor, type RunningCompositor } from '../../../../electron/compositor';
import { startDemoColleagues } from '../../../../electron/service/demo/demo-colleagues';
import type { RunningDemoColleagues } from '../../../../electron/service/demo/demo-types';
import { TestSipClients } from '../../../support/sip/sip-clients';

const DOMAIN = 'demo.presently.invalid';

describe('demo colleagues', () => {
  let compositor: RunningCompositor;
  let demo: RunningDemoColleagues;
  const sharedClients = new TestSipClients();
  let watcher: SipClient;
  const latest = new Map<string, BuddyPresence>();
  const waiters: Array<{ test: (b: BuddyPresence) => boolean; resolve: (b: BuddyPresence) => void }> = [];

  /** Resolves with the first buddy update (already seen or coming) that passes `test`. */
  function buddyWhere(test: (b: BuddyPresence) => boolean): Promise<BuddyPresence> {
    for (const buddy of latest.values()) if (test(buddy)) return Promise.resolve(buddy);
    return new Promise((resolve) => waiters.push({ test, resolve }));
  }

  beforeAll(async () => {
    compositor = await startCompositor({ tcpPort: null, wsPort: null });
    const server = compositor.addresses.udp?.uri as string;
    // Long intervals: in this test, changes happen only when the test asks for them.
    demo = await startDemoColleagues({ server, domain: DOMAIN, changeIntervalMs: [3_600_000, 3_600_000] });
    [watcher] = await sharedClients.start(server, ['you'], { domain: DOMAIN, account: { publish: false } });
    watcher.onBuddy((buddy) => {
      latest.set(buddy.aor, buddy);
      for (let i = waiters.length - 1; i >= 0; i--) {
        const waiter = waiters[i];
        if (waiter !== undefined && waiter.test(buddy)) {
          waiters.splice(i, 1);
          waiter.resolve(buddy);
        }
      }
    });
    for (const colleague of demo.colleagues) watcher.watch(colleague.aor);
  });

  afterAll(async () => {
    await sharedClients.stopAll();
    await demo.stop();
    await compositor.stop();
  });

  it('given the demo started, then five named colleagues each have a live publication (six devices)', () => {
    expect(demo.colleagues.map((c) => c.name)).toEqual([
      'Ada Lovelace',
      'Grace Hopper',
      'Alan Turing',
      'Katherine Johnson',
      'Margaret Hamilton',
    ]);
    expect(demo.colleagues.every((c) => c.aor.endsWith(`@${DOMAIN}`))).toBe(true);
    expect(compositor.counters().publicationsActive).toBe(6);
    expect(compositor.counters().bindingsActive).toBe(7); // six devices and the watcher
  });

  it('given Ada with a desk phone and a laptop, then her composed document has two tuples, each named for its device', async () => {
    const ada = demo.colleagues.find((c) => c.name === 'Ada Lovelace');
    expect(ada?.devices).toEqual(['Desk phone', 'Laptop']);
    const parsed = parsePresenceBody(compositor.currentDocument(ada?.aor as string), 'application/pidf+xml');
    expect(parsed.ok && parsed.document.tuples.length).toBe(2);
    const buddy = await buddyWhere((b) => b.aor === ada?.aor && b.presence?.devices.length === 2);
    expect(buddy.presence?.devices.map((d) => d.label).sort()).toEqual(['Desk phone', 'Laptop']);
  });

  it('given a watcher, then it sees each colleague with the status they published', async () => {
    for (const colleague of demo.colleagues) {
      const buddy = await buddyWhere((b) => b.aor === colleague.aor && b.presence !== null);
      expect(buddy.subscription.phase).toBe('active');
      expect(buddy.presence?.status).toBe(colleague.status);
    }
  });

  it('given changeNow for Grace, when it resolves, then the watcher receives her new status and note', async () => {
    const changed = await demo.changeNow(`sip:grace@${DOMAIN}`);
    expect(changed.status).toBe('in-a-meeting');
    expect(changed.note).toBe('Standards committee');
    const buddy = await buddyWhere((b) => b.aor === changed.aor && b.presence?.status === 'in-a-meeting');
    expect(buddy.presence?.note).toBe('Standards committee');
  });

  it('given changeNow without an AOR, when called repeatedly, then the colleagues take turns', async () => {
    const first = await demo.changeNow();
    const second = await demo.changeNow();
    expect(first.aor).not.toBe(second.aor);
  });

  it('given an unknown AOR, when changeNow is called, then it rejects with a clear error', async () => {
    await expect(demo.changeNow('sip:nobody@example.com')).rejects.toThrow('no demo colleague sip:nobody@example.com');
  });

  it('given the demo stops, then every publication and registration is removed', async () => {
    await demo.stop();
    expect(compositor.counters()).toMatchObject({ publicationsActive: 0, bindingsActive: 1 });
    await expect(demo.changeNow()).rejects.toThrow('stopped');
  });
});
