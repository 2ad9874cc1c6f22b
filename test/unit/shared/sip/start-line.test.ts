import { describe, expect, it } from 'vitest';
import { readStartLine } from '../../../../shared/sip/start-line';
import { expectLinearTime } from '../../../support/linear-time';

describe('readStartLine', () => {
  it('given a request line, when read, then method (as written) and Request-URI come out (RFC 3261 §7.1)', () => {
    expect(readStartLine('PUBLISH sip:alice@example.com SIP/2.0')).toEqual({
      kind: 'request',
      method: 'PUBLISH',
      requestUri: 'sip:alice@example.com',
    });
    expect(readStartLine('x-Odd.1 sip:[::1]:5060 sip/2.0')).toEqual({ kind: 'request', method: 'x-Odd.1', requestUri: 'sip:[::1]:5060' });
  });

  it('given status lines, when read, then code and reason come out, a missing reason reads as empty (RFC 3261 §7.2)', () => {
    expect(readStartLine('SIP/2.0 481 Subscription Does Not Exist')).toEqual({
      kind: 'response',
      status: 481,
      reason: 'Subscription Does Not Exist',
    });
    expect(readStartLine('SIP/2.0 486')).toEqual({ kind: 'response', status: 486, reason: '' });
  });

  it.each([
    '',
    'HELLO WORLD',
    'SIP/2.0 OK',
    'SIP/2.0 99 Odd',
    'SIP/2.0 700 Too High',
    'SIP/2.0 200OK',
    'GET / HTTP/1.1',
    'A B C SIP/2.0',
    'BAD:METHOD sip:a SIP/2.0',
    'OPTIONS sip:a SIP/2.0 ',
  ])('given %j, when read, then it is no start line', (line) => expect(readStartLine(line)).toBeNull());

  it('given 64 KiB of spaces in a start line, when read, then it costs at most 4× per byte what 4 KiB costs', () => {
    expectLinearTime((bytes) => `OPTIONS ${' '.repeat(bytes)} SIP/2.0`, readStartLine);
    expectLinearTime((bytes) => `SIP/2.0 200 ${' '.repeat(bytes)}\r`, readStartLine);
  });
});
