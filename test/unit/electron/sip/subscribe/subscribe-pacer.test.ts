/**
 * The SUBSCRIBE pacer's window (electron/sip/subscribe/subscribe-pacer.ts) as pure logic: a fake clock stands in for
 * time, and the "SUBSCRIBEs" are callbacks that record their tickets, so every answer, delay and timeout is scripted.
 */
import { describe, expect, it } from 'vitest';
import {
  SubscribePacer,
  subscribeOutcome,
  type PacerClock,
  type PacerTicket,
  type SubscribePacerOptions,
} from '../../../../../electron/sip/subscribe/subscribe-pacer';

/** A clock whose time moves only when the test says so; timers fire as it passes them. */
function fakeClock(): PacerClock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; run: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, run, id });
      return id;
    },
    clearTimeout: (handle) => {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.run();
    },
  };
}

/** Lets the pacer admit what was queued (it does so on the next microtask). */
const queued = () => Promise.resolve();

/** A pacer with `count` SUBSCRIBEs queued and the first admitted; `sent` lists the tickets of those admitted, in order. */
async function setUp(count: number, options: SubscribePacerOptions = {}) {
  const clock = fakeClock();
  const pacer = new SubscribePacer({ clock, ...options });
  const sent: { name: string; ticket: PacerTicket }[] = [];
  const tickets = Array.from({ length: count }, (_, i) => pacer.enqueue((ticket) => sent.push({ name: `b${i}`, ticket })));
  /** Answers every admitted, unanswered SUBSCRIBE after `ms`. */
  let answered = 0;
  const answerAll = (ms = 10, outcome = { kind: 'answered' } as const) => {
    clock.advance(ms);
    const batch = sent.slice(answered);
    answered = sent.length;
    for (const { ticket } of batch) ticket.finished(outcome);
    return batch.length;
  };
  await queued();
  return { clock, pacer, sent, tickets, answerAll };
}

describe('SubscribePacer', () => {
  it('given 1,000 queued SUBSCRIBEs, when answers come back fast, then it starts with the initial window and doubles it per round trip up to the ceiling', async () => {
    const { pacer, sent, answerAll } = await setUp(1_000, { initialWindow: 4, maxWindow: 64 });
    expect(sent).toHaveLength(4);
    const rounds = [answerAll(), answerAll(), answerAll(), answerAll(), answerAll()];
    expect(rounds).toEqual([4, 8, 16, 32, 64]);
    answerAll();
    expect(pacer.statistics.window).toBe(64);
    expect(pacer.statistics.maxInFlight).toBe(64);
  });

  it('given a grown window, when a round trip is slower than slowAnswerMs, then the window is halved once for that round, not once per slow answer', async () => {
    const { pacer, answerAll } = await setUp(1_000, { initialWindow: 4, slowAnswerMs: 500 });
    answerAll();
    answerAll();
    answerAll(); // window 32 now, 32 in flight
    expect(pacer.statistics.window).toBe(32);
    answerAll(600);
    expect(pacer.statistics.window).toBe(16);
    expect(pacer.statistics.slowAnswers).toBe(32);
    // Past the threshold it grows by about one per round trip (congestion avoidance).
    expect(answerAll()).toBe(16);
    expect(pacer.statistics.window).toBeGreaterThan(16.9);
    expect(pacer.statistics.window).toBeLessThan(17.1);
  });

  it('given SUBSCRIBEs in flight, when one times out, then the window falls to the floor and grows back from there', async () => {
    const { pacer, sent } = await setUp(100, { initialWindow: 8 });
    expect(sent).toHaveLength(8);
    sent[0]!.ticket.finished({ kind: 'timeout' });
    expect(pacer.statistics.window).toBe(1);
    for (const { ticket } of sent.slice(1)) ticket.finished({ kind: 'answered' });
    // The seven fast answers grow it again: slow start from 1 up to the threshold of 4, then about 1/window each.
    expect(pacer.statistics.timeouts).toBe(1);
    expect(pacer.statistics.window).toBeCloseTo(4.92, 2);
    expect(sent).toHaveLength(12);
  });

  it('given a 503 with Retry-After: 5, when it arrives, then nothing new is sent for 5 seconds and the window is halved', async () => {
    const { clock, pacer, sent } = await setUp(100, { initialWindow: 8 });
    sent[0]!.ticket.finished(subscribeOutcome(503, 'server', 5));
    expect(pacer.statistics.window).toBe(4);
    for (const { ticket } of sent.slice(1)) ticket.finished({ kind: 'answered' });
    expect(sent).toHaveLength(8);
    clock.advance(4_999);
    expect(sent).toHaveLength(8);
    clock.advance(1);
    expect(sent.length).toBeGreaterThan(8);
    expect(pacer.statistics.overloads).toBe(1);
  });

  it('given buddies of two priorities queued together, when slots free up, then every higher-priority one goes before any other, each priority in order of arrival', async () => {
    const clock = fakeClock();
    const pacer = new SubscribePacer({ clock, initialWindow: 1, maxWindow: 1 });
    const order: string[] = [];
    const queue = (name: string, priority: number) =>
      pacer.enqueue((ticket) => (order.push(name), ticket.finished({ kind: 'answered' })), priority);
    let blocker: PacerTicket | undefined;
    pacer.enqueue((ticket) => (order.push('first'), (blocker = ticket)), -1);
    await queued();
    queue('hidden-1', 0);
    queue('visible-1', 10);
    const hidden2 = queue('hidden-2', 0);
    queue('visible-2', 10);
    hidden2.reprioritize(20);
    await queued();
    expect(order).toEqual(['first']);
    blocker!.finished({ kind: 'answered' });
    expect(order).toEqual(['first', 'hidden-2', 'visible-1', 'visible-2', 'hidden-1']);
  });

  it('given SUBSCRIBEs waiting and in flight, when the link comes up again (restart), then the old tickets are void and the window starts over', async () => {
    const { pacer, sent, tickets, answerAll } = await setUp(200, { initialWindow: 4 });
    answerAll();
    answerAll();
    expect(pacer.statistics.window).toBe(16);
    pacer.restart();
    expect(pacer.statistics).toMatchObject({ inFlight: 0, waiting: 0, window: 4 });
    // Late answers from the old link neither free slots nor move the window.
    for (const { ticket } of sent) ticket.finished({ kind: 'timeout' });
    tickets[199]!.cancel();
    expect(pacer.statistics).toMatchObject({ inFlight: 0, waiting: 0, window: 4, timeouts: 0 });
    const resent: PacerTicket[] = [];
    for (let i = 0; i < 10; i += 1) pacer.enqueue((ticket) => resent.push(ticket));
    await queued();
    expect(resent).toHaveLength(4);
  });

  it('given a waiting ticket, when it is cancelled, then it never goes out; an admitted one cancelled frees its slot without changing the window', async () => {
    const { pacer, sent, tickets } = await setUp(6, { initialWindow: 4 });
    tickets[5]!.cancel();
    tickets[0]!.cancel();
    await queued();
    expect(pacer.statistics.window).toBe(4);
    expect(sent.map((s) => s.name)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    expect(pacer.statistics.waiting).toBe(0);
  });

  it('reads final responses: our timeout, a lost connection, 503 with and without Retry-After, and any other answer', () => {
    expect(subscribeOutcome(408, 'timeout', undefined)).toEqual({ kind: 'timeout' });
    expect(subscribeOutcome(503, 'transport', undefined)).toEqual({ kind: 'abandoned' });
    expect(subscribeOutcome(503, 'server', 30)).toEqual({ kind: 'overloaded', retryAfterSeconds: 30 });
    expect(subscribeOutcome(503, 'server', undefined)).toEqual({ kind: 'overloaded' });
    expect(subscribeOutcome(404, 'server', undefined)).toEqual({ kind: 'answered' });
  });

  it('given pacing off (an infinite window), when 5,000 are queued, then all go at once', async () => {
    const { sent } = await setUp(5_000, { initialWindow: Infinity, maxWindow: Infinity });
    expect(sent).toHaveLength(5_000);
  });
});
