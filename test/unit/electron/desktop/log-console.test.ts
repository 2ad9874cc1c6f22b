import { describe, expect, it } from 'vitest';
import { routeConsoleToLog, type ConsoleLike } from '../../../../electron/desktop/log-console';
import type { LogLevel } from '../../../../electron/desktop/log-file';

function setUp() {
  const printed: string[] = [];
  const target: ConsoleLike = {
    log: (...args: unknown[]) => printed.push(`log ${args.join(' ')}`),
    warn: (...args: unknown[]) => printed.push(`warn ${args.join(' ')}`),
    error: (...args: unknown[]) => printed.push(`error ${args.join(' ')}`),
  };
  const written: [LogLevel, string, unknown][] = [];
  const log = routeConsoleToLog({ write: (level, message, detail) => written.push([level, message, detail]) }, target);
  return { target, printed, written, log };
}

describe('main log and the console', () => {
  it('given console.error and console.warn anywhere in main, then the line is printed and also written to the log, errors with their stack', () => {
    const { target, printed, written } = setUp();
    target.error('[main] shutdown failed', new Error('boom'));
    target.warn('careful', { count: 2 });
    target.log('chatter');
    expect(printed).toEqual(['error [main] shutdown failed Error: boom', 'warn careful [object Object]', 'log chatter']);
    expect(written.map(([level]) => level)).toEqual(['error', 'warn']);
    expect(written[0]?.[1]).toMatch(/^\[main\] shutdown failed Error: boom\n\s+at /);
    expect(written[1]?.[1]).toBe('careful {"count":2}');
  });

  it('given a line written through the main log, then it is printed once and written once — the console copy does not write it again', () => {
    const { printed, written, log } = setUp();
    log.write('error', 'the presence service did not start');
    log.write('info', 'account registered');
    expect(printed).toEqual(['error the presence service did not start', 'log account registered']);
    expect(written).toEqual([
      ['error', 'the presence service did not start', undefined],
      ['info', 'account registered', undefined],
    ]);
  });

  it('given it is restored, then the console no longer writes to the log', () => {
    const { target, written, log } = setUp();
    log.restore();
    target.error('after');
    expect(written).toEqual([]);
  });
});
