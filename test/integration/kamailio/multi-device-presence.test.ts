/**
 * One person, several devices: each device is its own SipClient publishing for the same AOR, a watcher
 * subscribes, and whatever order the devices publish in, the watcher sees the same buddy status (the
 * precedence rule of shared/presence/status-precedence.ts) with the winning device's note, and each
 * device row with that device's own status and note — through our compositor (which composes one
 * document per AOR) and through Kamailio 5.6 (which keeps every publication's tuples and persons side
 * by side). Real servers on loopback, real clients; nothing mocked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompositor, type RunningCompositor } from '../../../electron/compositor';
import type { SipClient } from '../../../electron/sip/sip-client';
import type { ChosenStatus, PresenceStatus } from '../../../shared/presence/presence-status';
import { startKamailio, type RunningKamailio } from '../../support/kamailio/kamailio';
import { startClients } from '../../support/sip/sip-clients';
import { waitFor } from '../../support/sip/wait-for';

interface Device {
  readonly label: string;
  readonly status: ChosenStatus;
  readonly note: string;
  /** The row a watcher should see for it. */
  readonly row: PresenceStatus;
}

interface Scenario {
  readonly name: string;
  readonly devices: readonly Device[];
  readonly expected: PresenceStatus;
}

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'a desk phone on the phone and a laptop available',
    devices: [
      { label: 'Desk phone', status: 'on-the-phone', note: 'Call with a customer', row: 'on-the-phone' },
      { label: 'Laptop', status: 'available', note: 'At my desk', row: 'available' },
    ],
    expected: 'on-the-phone',
  },
  {
    name: 'a desk phone busy, a laptop away and a mobile appearing offline',
    devices: [
      { label: 'Desk phone', status: 'busy', note: 'Quarterly report', row: 'busy' },
      { label: 'Laptop', status: 'away', note: 'Lunch', row: 'away' },
      { label: 'Mobile', status: 'appear-offline', note: 'Off grid', row: 'offline' },
    ],
    expected: 'busy',
  },
  {
    name: 'a laptop in do-not-disturb, a desk phone in a meeting and a mobile available',
    devices: [
      { label: 'Laptop', status: 'do-not-disturb', note: 'Focus time', row: 'do-not-disturb' },
      { label: 'Desk phone', status: 'in-a-meeting', note: 'Design review', row: 'in-a-meeting' },
      { label: 'Mobile', status: 'available', note: 'On the train', row: 'available' },
    ],
    expected: 'do-not-disturb',
  },
];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

interface Server {
  readonly name: string;
  start(): Promise<{ readonly uri: string; stop(): Promise<void> }>;
}

const SERVERS: readonly Server[] = [
  {
    name: 'the built-in compositor',
    start: async () => {
      const compositor: RunningCompositor = await startCompositor({ tcpPort: null, wsPort: null });
      const uri = compositor.addresses.udp?.uri;
      if (uri === undefined) throw new Error('the compositor opened no UDP listener');
      return { uri, stop: () => compositor.stop() };
    },
  },
  {
    name: 'Kamailio',
    start: async () => {
      const kamailio: RunningKamailio = await startKamailio({ transports: ['udp'] });
      return { uri: kamailio.serverUri('udp'), stop: () => kamailio.stop() };
    },
  },
];

/** A fresh user per case, so no case sees another's publications. */
let nextUser = 0;

for (const server of SERVERS) {
  describe(`several devices of one person, through ${server.name}`, () => {
    let running: { readonly uri: string; stop(): Promise<void> };

    beforeAll(async () => {
      running = await server.start();
    });
    afterAll(async () => {
      await running?.stop();
    });

    for (const scenario of SCENARIOS) {
      for (const order of permutations(scenario.devices)) {
        it(`given ${scenario.name}, publishing ${order.map((d) => d.label).join(' → ')}, then ${scenario.expected} with its note and each device row its own`, async () => {
          const user = `multi${++nextUser}`;
          const aor = `sip:${user}@example.com`;
          const [watcher] = await startClients(running.uri, ['watcher']);
          const clients = new Map<string, SipClient>();
          for (const device of order) {
            const [client] = await startClients(running.uri, [user], { deviceLabel: device.label });
            clients.set(device.label, client);
          }
          for (const device of order) {
            expect(await clients.get(device.label)?.setPresence(device.status, device.note), device.label).toMatchObject({
              phase: 'published',
            });
          }

          watcher.watch(aor);
          const seen = await waitFor(
            watcher.onBuddy.bind(watcher),
            (buddy) => buddy.aor === aor && buddy.presence?.devices.length === order.length,
            { what: `${aor} with ${order.length} devices`, current: watcher.buddies.find((b) => b.aor === aor) },
          );
          expect(seen.presence?.status).toBe(scenario.expected);
          expect(seen.presence?.note).toBe(scenario.devices.find((d) => d.row === scenario.expected)?.note);
          const rows = (seen.presence?.devices ?? []).map((d) => [d.label, d.status, d.note]);
          // A device appearing offline publishes neither its name nor its note: its row is an unnamed offline one.
          const expectedRows = scenario.devices.map((d) =>
            d.status === 'appear-offline' ? [null, d.row, null] : [d.label, d.row, d.note],
          );
          expect(rows.sort()).toEqual(expectedRows.sort());
        });
      }
    }
  });
}
