/**
 * Retransmissions as the trace timing index sees them in a real run: the engine's SipClient registers
 * over real UDP on loopback with the built-in compositor, through a relay that loses the compositor's
 * first answer. The client's Timer E sends the REGISTER again (RFC 3261 §17.1.2.2), the compositor
 * answers the copy from its transaction, and the index numbers the copy and times the answer from the
 * first send. Nothing is mocked: the loss is the relay's, on the wire.
 */
import { describe, expect, it } from 'vitest';
import { TraceBuffer } from '../../../shared/trace/trace-buffer';
import type { TraceEntry, UnnumberedTraceEntry } from '../../../shared/trace/trace-entry';
import { TraceTimingIndex } from '../../../shared/trace/trace-timing';
import { startFixture } from '../../support/compositor/compositor-fixture';
import { startLossyUdpRelay } from '../../support/sip/lossy-udp-relay';
import { createClients } from '../../support/sip/sip-clients';
import { FAST_TIMERS } from '../../support/sip/test-account';

describe('trace timing over real UDP', () => {
  it('given the first answer to REGISTER lost, then the REGISTER sent again is copy 2 of the first and its 200 is timed from the first send', async () => {
    const fx = await startFixture();
    const relay = await startLossyUdpRelay({
      targetPort: fx.udp.port,
      lossRate: 0,
      drop: (direction, datagram, index) => direction === 'toClient' && index === 0 && datagram.toString().startsWith('SIP/2.0 200'),
    });
    try {
      const [alice] = createClients(`sip:127.0.0.1:${relay.port}`, ['alice'], { account: { publish: false } });
      const seen: UnnumberedTraceEntry[] = [];
      alice.onTrace((entry) => seen.push(entry));
      expect(await alice.start()).toMatchObject({ phase: 'registered' });
      expect(relay.stats.toClient.dropped).toBe(1);

      const buffer = new TraceBuffer();
      const index = new TraceTimingIndex(buffer, FAST_TIMERS.t1);
      buffer.append(seen.map((entry, i): TraceEntry => ({ ...entry, seq: i + 1 })));
      index.sync();
      const records = buffer.toArray();
      const registers = records.filter((r) => r.summary.kind === 'request' && r.summary.method === 'REGISTER');
      const [first, again] = registers;
      expect(again, 'the REGISTER was sent again').toBeDefined();
      expect(again!.summary.branch).toBe(first!.summary.branch);
      expect(index.timingOf(again!.entry.seq)).toMatchObject({ originalSeq: first!.entry.seq, copy: 2 });
      expect(index.timingOf(first!.entry.seq)).toMatchObject({ isAnswered: true });
      expect(index.timingOf(first!.entry.seq)!.copies).toBeGreaterThanOrEqual(2);

      const ok = records.find((r) => r.summary.kind === 'response' && r.summary.method === 'REGISTER' && r.summary.statusCode === 200)!;
      const timing = index.timingOf(ok.entry.seq)!;
      // The answer came only after the resend, at least T1 after the first send.
      expect(timing.roundTripMs).toBe(ok.entry.at - first!.entry.at);
      expect(timing.roundTripMs!).toBeGreaterThanOrEqual(FAST_TIMERS.t1! - 1);
      expect(index.isUnanswered(first!, Infinity)).toBe(false);
    } finally {
      await relay.close();
    }
  });
});
