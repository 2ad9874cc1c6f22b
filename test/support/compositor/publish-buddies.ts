/**
 * Publishes presence for many AORs `sip:buddyN@example.com` from one raw UDP peer, a window of transactions at a time:
 * the cheapest real way to give a server thousands of present buddies (the compositor and Kamailio both take a
 * publication for any AOR here). Used by the buddy benchmarks and the buddy-list scale test.
 */
import { buildPidf } from '../../../shared/pidf';
import type { ChosenStatus } from '../../../shared/presence/presence-status';
import { SipTestPeer, type Target } from './sip-test-peer';

/** PUBLISH transactions in flight at once. */
const PUBLISH_WINDOW = 100;

/** The AOR of buddy `i`. */
export const benchBuddyAor = (i: number): string => `sip:buddy${i}@example.com`;

/**
 * Publishes buddies `first` to `first + count - 1` with `status` and the note "In a meeting (N)"; resolves with how
 * many the server refused.
 */
export async function publishBuddies(target: Target, count: number, status: ChosenStatus = 'busy', first = 0): Promise<number> {
  const peer = await SipTestPeer.udp(target);
  let next = first;
  let failures = 0;
  const worker = async () => {
    while (next < first + count) {
      const i = next++;
      const aor = benchBuddyAor(i);
      const response = await peer.request({
        method: 'PUBLISH',
        uri: aor,
        from: `<${aor}>;tag=p${i}`,
        to: `<${aor}>`,
        headers: [
          ['Event', 'presence'],
          ['Expires', '3600'],
        ],
        body: buildPidf({ entity: aor, tupleId: `t${i}`, status, note: `In a meeting (${i})`, timestamp: new Date() }),
        contentType: 'application/pidf+xml',
      });
      if (response.status !== 200) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PUBLISH_WINDOW, count) }, worker));
  await peer.close();
  return failures;
}
