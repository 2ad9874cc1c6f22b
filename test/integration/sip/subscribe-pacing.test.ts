/**
 * Watching hundreds of buddies at once through the SUBSCRIBE pacer (electron/sip/subscribe/subscribe-pacer.ts),
 * against the built-in compositor over real UDP on 127.0.0.1. Every buddy is published beforehand by a raw test
 * peer (one PUBLISH per AOR: the compositor takes a publication for any AOR), and the watcher is a real SipClient.
 * The SUBSCRIBEs in flight are counted from the wire (the trace tap), not from the pacer's own figures.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { SipClient } from '../../../electron/sip/sip-client';
import { buildPidf } from '../../../shared/pidf';
import type { UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { publishSpec, startFixture } from '../../support/compositor/compositor-fixture';
import { FAST_TIMERS, testAccount } from '../../support/sip/test-account';
import { waitFor } from '../../support/sip/wait-for';

const BUDDIES = 300;
const MAX_WINDOW = 16;
const aorOf = (i: number) => `sip:buddy${i}@example.com`;

/** Follows new SUBSCRIBE transactions (no To tag) from request to final response; remembers the most at once. */
function inFlightCounter() {
  const open = new Set<string>();
  const targets: string[] = [];
  let most = 0;
  const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
  return {
    get most() {
      return most;
    },
    /** The Request-URIs of the new SUBSCRIBEs, in the order they went out (retransmissions not repeated). */
    targets,
    observe({ direction, raw }: UnnumberedTraceEntry) {
      const callId = header(raw, 'call-id');
      if (direction === 'out' && raw.startsWith('SUBSCRIBE ') && !/;\s*tag=/i.test(header(raw, 'to'))) {
        if (!open.has(callId)) targets.push(raw.slice('SUBSCRIBE '.length, raw.indexOf(' ', 'SUBSCRIBE '.length)));
        open.add(callId);
        most = Math.max(most, open.size);
      } else if (direction === 'in' && /^SIP\/2\.0 [2-6]\d\d /.test(raw) && /\bSUBSCRIBE$/i.test(header(raw, 'cseq'))) {
        open.delete(callId);
      }
    },
  };
}

describe('subscription pacing (compositor, UDP)', () => {
  it(`given ${BUDDIES} buddies each published busy, when all are watched at once with a window of at most ${MAX_WINDOW}, every tenth with a higher priority, then the SUBSCRIBEs in flight never exceed it, the priority ones go first and every buddy ends active and busy`, async () => {
    const fixture = await startFixture();
    const publisher = await fixture.udpPeer();
    for (let start = 0; start < BUDDIES; start += 50) {
      const batch = Array.from({ length: Math.min(50, BUDDIES - start) }, (_, k) => start + k);
      const answers = await Promise.all(
        batch.map((i) =>
          publisher.request(
            publishSpec(aorOf(i), {
              body: buildPidf({ entity: aorOf(i), tupleId: `t${i}`, status: 'busy', note: `In a meeting ${i}`, timestamp: new Date() }),
            }),
          ),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(batch.map(() => 200));
    }

    const watcher = new SipClient(testAccount('sip:watcher@example.com', fixture.server.addresses.udp!.uri, { publish: false }), {
      timers: FAST_TIMERS,
      // FAST_TIMERS shorten T1 to 50 ms for quick retransmissions; with the compositor in this same process every answer
      // waits behind the NOTIFYs already queued, so a slow answer is judged by RFC 3261's T1, as in the app.
      subscribePacing: { maxWindow: MAX_WINDOW, slowAnswerMs: 500 },
    });
    onTestFinished(() => watcher.stop({ timeoutMs: 1_000 }));
    const counter = inFlightCounter();
    watcher.onTrace((entry) => counter.observe(entry));
    expect(await watcher.start()).toMatchObject({ phase: 'registered' });

    const shown = new Set<string>();
    const allBusy = waitFor(
      watcher.onBuddy.bind(watcher),
      (b) => {
        if (b.subscription.phase === 'active' && b.presence?.status === 'busy') shown.add(b.aor);
        return shown.size === BUDDIES;
      },
      { what: `all ${BUDDIES} buddies active and busy`, timeoutMs: 30_000 },
    );
    for (let i = 0; i < BUDDIES; i += 1) watcher.watch(aorOf(i), { priority: i % 10 === 0 ? 1 : 0 });
    await allBusy;

    const prioritised = Array.from({ length: BUDDIES / 10 }, (_, k) => aorOf(k * 10));
    expect(counter.targets.slice(0, prioritised.length)).toEqual(prioritised);
    expect(new Set(counter.targets).size).toBe(BUDDIES);
    expect(counter.most).toBeGreaterThan(1);
    expect(counter.most).toBeLessThanOrEqual(MAX_WINDOW);
    expect(watcher.subscribePacing.maxInFlight).toBeLessThanOrEqual(MAX_WINDOW);
    expect(watcher.buddies.every((b) => b.subscription.phase === 'active')).toBe(true);
  }, 60_000);
});
