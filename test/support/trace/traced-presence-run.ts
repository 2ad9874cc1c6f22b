/**
 * A short real presence run for the trace's output tests: the built-in compositor on 127.0.0.1 and two
 * real SipClients over one transport — alice registers and publishes, bob registers, subscribes to her
 * and sees her note — with every traced message numbered by a TraceRecorder, as the service does, and
 * handed to `record` as it happens. The compositor and the clients stop when the test finishes.
 */
import { expect } from 'vitest';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import type { CompositorTransport } from '../../../electron/compositor/compositor-types';
import { TraceRecorder } from '../../../electron/service/trace-recorder';
import { startFixture } from '../compositor/compositor-fixture';
import { createClients } from '../sip/sip-clients';
import { waitFor } from '../sip/wait-for';

/** Runs the exchange over `transport` and returns every message traced, in order. */
export async function tracedPresenceRun(transport: CompositorTransport, record: (entry: TraceEntry) => void): Promise<TraceEntry[]> {
  const fixture = await startFixture();
  const recorder = new TraceRecorder(() => undefined);
  const [alice, bob] = createClients(fixture.server.addresses[transport]!.uri, ['alice', 'bob']);
  const untrace = [alice, bob].map((client) => client.onTrace((entry) => record(recorder.record(entry))));
  for (const client of [alice, bob]) expect(await client.start()).toMatchObject({ phase: 'registered' });
  expect(await alice.setPresence('away', 'Lunch')).toMatchObject({ phase: 'published' });
  const seen = waitFor(bob.onBuddy.bind(bob), (b) => b.presence?.note === 'Lunch', { what: 'bob to see alice away', timeoutMs: 5_000 });
  bob.watch('sip:alice@example.com');
  await seen;
  // What comes later (refreshes, the clients' stop) is not part of the run.
  for (const stop of untrace) stop();
  recorder.dispose();
  return recorder.recent();
}
