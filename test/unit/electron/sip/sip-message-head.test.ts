import { describe, expect, it } from 'vitest';
import { localResponse, LOCAL_RESPONSE_HEADER } from '../../../../electron/sip/transport/reliability-layer';
import { readMessageHead } from '../../../../electron/sip/transport/sip-message-head';

const request = [
  'PUBLISH sip:alice@example.com SIP/2.0',
  'v: SIP/2.0/UDP 127.0.0.1:5555;rport;branch=z9hG4bKabc',
  'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy',
  'f: <sip:alice@example.com>;tag=1',
  'To: <sip:alice@example.com>',
  'i: call-1',
  'CSeq: 7',
  ' PUBLISH',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

describe('reading the head of a raw SIP message', () => {
  it('reads a request with compact names and a folded CSeq', () => {
    expect(readMessageHead(request)).toMatchObject({
      kind: 'request',
      method: 'PUBLISH',
      branch: 'z9hG4bKabc',
      cseq: 7,
      callId: 'call-1',
      statusCode: 0,
    });
  });

  it('reads a response, taking the method from CSeq', () => {
    const head = readMessageHead(
      'SIP/2.0 412 Conditional Request Failed\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKx, SIP/2.0/UDP other;branch=y\r\nCSeq: 3 PUBLISH\r\n\r\n',
    );
    expect(head).toMatchObject({ kind: 'response', statusCode: 412, method: 'PUBLISH', branch: 'z9hG4bKx' });
  });

  it.each(['', 'hello', 'SIP/2.0 OK\r\n\r\n', 'GET / HTTP/1.1\r\n\r\n'])('refuses %j', (text) => {
    expect(readMessageHead(text)).toBeNull();
  });

  it("makes a local 408 that carries the request's Via, From, To, Call-ID and CSeq, marked as local", () => {
    const response = localResponse(request, 408, 'Request Timeout', 'timeout', 'no response within 32 s');
    expect(response.startsWith('SIP/2.0 408 Request Timeout\r\n')).toBe(true);
    expect(readMessageHead(response)).toMatchObject({
      kind: 'response',
      statusCode: 408,
      method: 'PUBLISH',
      branch: 'z9hG4bKabc',
      callId: 'call-1',
    });
    expect(response).toContain(`${LOCAL_RESPONSE_HEADER}: timeout; detail="no response within 32 s"`);
    expect(response.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });
});
