/**
 * The limits' decision logic without sockets: connection counting, the connection timers (fake timers),
 * a stream chunk's progress, the header checks, the once-per-source log, the UDP rules and the option checks.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectionCounter,
  ConnectionTimers,
  streamProgress,
  type ConnectionExpiry,
} from '../../../../electron/compositor/limits/connection-limits';
import { OncePerSource } from '../../../../electron/compositor/limits/limit-log';
import { defaultLimits, invalidLimit, normaliseOrigin, overCapacity } from '../../../../electron/compositor/limits/limits';
import { headerProblem, headerSectionBytes } from '../../../../electron/compositor/limits/message-checks';
import { mayNotifyAt, udpResponseBudget } from '../../../../electron/compositor/limits/udp-rules';

describe('ConnectionCounter', () => {
  it('given caps of 3 in total and 2 per address, when connections come and go, then each cap refuses by name and a release frees a place', () => {
    const counter = new ConnectionCounter(3, 2);
    expect([counter.admit('10.0.0.1'), counter.admit('10.0.0.1'), counter.admit('10.0.0.1')]).toEqual([
      null,
      null,
      'maxConnectionsPerAddress',
    ]);
    expect([counter.admit('10.0.0.2'), counter.admit('10.0.0.3')]).toEqual([null, 'maxConnections']);
    counter.release('10.0.0.1');
    expect(counter.admit('10.0.0.3')).toBeNull();
    expect(counter.size).toBe(3);
    counter.release('10.0.0.9'); // never admitted: ignored
    expect(counter.size).toBe(3);
  });
});

describe('ConnectionTimers', () => {
  afterEach(() => vi.useRealTimers());

  function timers(deadlineMs: number, idleMs: number): { timers: ConnectionTimers; expired: ConnectionExpiry[] } {
    const expired: ConnectionExpiry[] = [];
    return { timers: new ConnectionTimers(deadlineMs, idleMs, (why) => expired.push(why)), expired };
  }

  it('given a message begun, when it is not complete within the deadline, then the deadline expires', () => {
    vi.useFakeTimers();
    const t = timers(100, 10_000);
    t.timers.received({ completed: false, midMessage: true });
    vi.advanceTimersByTime(99);
    t.timers.received({ completed: false, midMessage: true }); // more bytes of the same message: no new deadline
    vi.advanceTimersByTime(1);
    expect(t.expired).toEqual(['message-deadline']);
  });

  it('given a message completed in time, when the old deadline would have passed, then nothing expires; the next message gets a fresh deadline', () => {
    vi.useFakeTimers();
    const t = timers(100, 10_000);
    t.timers.received({ completed: false, midMessage: true });
    vi.advanceTimersByTime(80);
    t.timers.received({ completed: true, midMessage: true }); // one message ended, the next began
    vi.advanceTimersByTime(80);
    expect(t.expired).toEqual([]);
    t.timers.received({ completed: true, midMessage: false });
    vi.advanceTimersByTime(500);
    expect(t.expired).toEqual([]);
    t.timers.dispose();
  });

  it('given traffic, when it keeps coming, then the idle timeout waits; when it stops, it expires once', () => {
    vi.useFakeTimers();
    const t = timers(100, 1000);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      t.timers.received({ completed: true, midMessage: false });
    }
    expect(t.expired).toEqual([]);
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(5000);
    expect(t.expired).toEqual(['idle']);
  });
});

describe('streamProgress', () => {
  const bytes = (text: string) => Buffer.from(text);

  it.each([
    ['a whole message', 1, 'OPTIONS …\r\n\r\n', 0, false, { completed: true, midMessage: false }],
    ['half a message', 0, 'OPTIONS sip:x SIP/2.0\r\n', 23, false, { completed: false, midMessage: true }],
    ['a message and the start of the next', 1, '…\r\n\r\nOPT', 3, false, { completed: true, midMessage: true }],
    ['a single CRLF held back (pong or half a ping)', 0, '\r\n', 2, false, { completed: true, midMessage: false }],
    ['CRLF after a message began', 0, '\r\n', 40, true, { completed: false, midMessage: true }],
    ['a CR after held-back bytes of a message', 0, '\r', 3, true, { completed: false, midMessage: true }],
  ] as const)('given %s, then %j', (_what, items, chunk, pending, wasMid, expected) => {
    expect(streamProgress(items, bytes(chunk), pending, wasMid)).toEqual(expected);
  });
});

describe('header checks', () => {
  const fields = (pairs: ReadonlyArray<readonly [string, string]>) => ({ names: pairs.map(([n]) => n), values: pairs.map(([, v]) => v) });

  it('given the header section end, then its size is the bytes before the empty line, or the whole message without one', () => {
    expect(headerSectionBytes(Buffer.from('A: b\r\n\r\nbody'))).toBe(4);
    expect(headerSectionBytes(Buffer.from('A: b\r\nC: d'))).toBe(10);
  });

  it('given too many fields, a control character in a value or the Request-URI, or a tab, then 400 names what is wrong, except for the tab', () => {
    expect(
      headerProblem(
        'sip:x',
        fields([
          ['a', '1'],
          ['b', '2'],
          ['c', '3'],
        ]),
        2,
      ),
    ).toEqual({ status: 400, reason: 'Bad Request (more than 2 header fields)', limit: 'maxHeaderFields' });
    expect(headerProblem('sip:x', fields([['call-id', 'a\x00b']]), 10)?.reason).toBe(
      'Bad Request (control character in the Call-ID header)',
    );
    expect(headerProblem('sip:x', fields([['subject', 'bell\x07']]), 10)?.limit).toBeNull();
    expect(headerProblem('sip:x', fields([['subject', 'del\x7f']]), 10)?.status).toBe(400);
    expect(headerProblem('sip:x\x1b', fields([]), 10)?.reason).toBe('Bad Request (control character in the Request-URI)');
    expect(headerProblem('sip:x', fields([['subject', 'a\tb é']]), 10)).toBeNull();
  });
});

describe('OncePerSource', () => {
  it('given repeated cases from one address, then only the first is logged until the window has passed; other limits and addresses count apart', () => {
    let now = 0;
    const log = new OncePerSource(1000, 100, () => now);
    expect([log.shouldLog('maxPublications', '10.0.0.1'), log.shouldLog('maxPublications', '10.0.0.1')]).toEqual([true, false]);
    expect(log.shouldLog('maxBindings', '10.0.0.1')).toBe(true);
    expect(log.shouldLog('maxPublications', '10.0.0.2')).toBe(true);
    now = 999;
    expect(log.shouldLog('maxPublications', '10.0.0.1')).toBe(false);
    now = 1000;
    expect(log.shouldLog('maxPublications', '10.0.0.1')).toBe(true);
  });

  it('given more sources than its capacity, then it forgets the oldest and stays bounded', () => {
    const log = new OncePerSource(60_000, 3, () => 0);
    for (const address of ['a', 'b', 'c', 'd']) log.shouldLog('udpReflection', address);
    expect(log.size).toBe(3);
    expect(log.shouldLog('udpReflection', 'a')).toBe(true);
    expect(log.shouldLog('udpReflection', 'd')).toBe(false);
  });
});

describe('UDP rules', () => {
  const source = { address: '192.0.2.1', port: 5060 };

  it('given a next hop, then a NOTIFY may go there only when it is the source or the watcher registered from it', () => {
    expect(mayNotifyAt(source, source, () => false)).toBe(true);
    expect(mayNotifyAt({ address: '198.51.100.7', port: 5060 }, source, () => false)).toBe(false);
    expect(mayNotifyAt({ address: '192.0.2.1', port: 5070 }, source, () => false)).toBe(false);
    expect(mayNotifyAt({ address: '198.51.100.7', port: 5060 }, source, (e) => e.address === '198.51.100.7')).toBe(true);
  });

  it('given a request size, then what a handler may add is the factor less the echoed request', () => {
    expect(udpResponseBudget(400, 3)).toBe(800);
    expect(udpResponseBudget(400, 1)).toBe(0);
  });
});

describe('limit options', () => {
  it('given the defaults, then they pass, and the idle timeout is the longest interval plus five minutes', () => {
    expect(invalidLimit(defaultLimits(3600))).toBeNull();
    expect(defaultLimits(3600).idleTimeoutMs).toBe(3_900_000);
  });

  it('given a zero, a fraction or a bad origin, then the problem is named', () => {
    expect(invalidLimit({ ...defaultLimits(60), maxBindings: 0 })).toMatch(/maxBindings/);
    expect(invalidLimit({ ...defaultLimits(60), messageDeadlineMs: 0.5 })).toMatch(/messageDeadlineMs/);
    expect(invalidLimit({ ...defaultLimits(60), wsAllowedOrigins: ['app.example.com'] })).toMatch(/origin/);
  });

  it('given origins in any spelling, then they compare in their serialised form', () => {
    expect(normaliseOrigin('HTTPS://App.Example.com:443/path')).toBe('https://app.example.com');
    expect(normaliseOrigin('null')).toBeNull();
  });

  it('given a cap reached, then the answer is 503 with Retry-After and names the limit', () => {
    expect(overCapacity('maxPublications', '3 publications live', 'sip:a@example.com')).toEqual({
      status: 503,
      reason: 'Service Unavailable (3 publications live)',
      headers: [['Retry-After', '60']],
      aor: 'sip:a@example.com',
      note: 'limit maxPublications',
      limited: 'maxPublications',
    });
  });
});
