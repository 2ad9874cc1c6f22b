import { describe, expect, it } from 'vitest';
import { SipStreamFramer } from '../../../../electron/net/sip-stream-framer';

describe('stream framing as a client reads it (crlfIsPong)', () => {
  it('given a lone CRLF after our ping, then it is a pong at once, not half a ping', () => {
    const framer = new SipStreamFramer({ crlfIsPong: true });
    expect(framer.push(Buffer.from('\r\n')).map((i) => i.kind)).toEqual(['pong']);
  });

  it('given the server-side default, then a lone CRLF still waits for the next bytes', () => {
    const framer = new SipStreamFramer();
    expect(framer.push(Buffer.from('\r\n'))).toEqual([]);
  });

  it('given pongs around messages, then messages are still whole', () => {
    const framer = new SipStreamFramer({ crlfIsPong: true });
    const message = 'SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok';
    expect(framer.push(Buffer.from(`\r\n${message}\r\n`)).map((i) => i.kind)).toEqual(['pong', 'message', 'pong']);
  });
});
