import { describe, expect, it } from 'vitest';
import { parseSipMessage, type SipRequest } from '../../../../electron/compositor/message/sip-message';

const PUBLISH_HEAD = [
  'PUBLISH sip:alice@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK776;rport',
  'Max-Forwards: 70',
  'From: <sip:alice@example.com>;tag=a1',
  'To: <sip:alice@example.com>',
  'Call-ID: c1@10.0.0.1',
  'CSeq: 7 PUBLISH',
  'Event: presence',
];

function message(lines: readonly string[], body = '', contentLength: number | null = Buffer.byteLength(body)): Buffer {
  const head = contentLength === null ? lines : [...lines, `Content-Length: ${contentLength}`];
  return Buffer.from(head.join('\r\n') + '\r\n\r\n' + body);
}

function request(data: Buffer, isDatagram = true): SipRequest {
  const result = parseSipMessage(data, isDatagram);
  if (!result.ok) throw new Error(`parse failed: ${result.detail}`);
  if (result.message.kind !== 'request') throw new Error('not a request');
  return result.message;
}

describe('parseSipMessage', () => {
  it('given a PUBLISH with a body, when parsed, then method, URI, headers and the exact body come out', () => {
    const body = '<presence/>é';
    const parsed = request(message(PUBLISH_HEAD, body));
    expect(parsed.method).toBe('PUBLISH');
    expect(parsed.requestUri).toBe('sip:alice@example.com');
    expect(parsed.headers.get('cseq')).toBe('7 PUBLISH');
    expect(parsed.headers.get('event')).toBe('presence');
    expect(parsed.body).toBe(body);
    expect(parsed.bodyBytes).toBe(Buffer.byteLength(body));
  });

  it('given compact header names, when parsed, then they are found under their long names', () => {
    const parsed = request(
      message([
        'SUBSCRIBE sip:bob@example.com SIP/2.0',
        'v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1',
        'f: <sip:a@example.com>;tag=1',
        't: <sip:bob@example.com>',
        'i: abc',
        'CSeq: 1 SUBSCRIBE',
        'o: presence',
        'm: <sip:a@10.0.0.1>',
      ]),
    );
    expect(parsed.headers.get('via')).toContain('branch=z9hG4bK1');
    expect(parsed.headers.get('call-id')).toBe('abc');
    expect(parsed.headers.get('event')).toBe('presence');
    expect(parsed.headers.get('contact')).toBe('<sip:a@10.0.0.1>');
  });

  it('given a folded header line, when parsed, then the continuation is joined with one space', () => {
    const parsed = request(message([...PUBLISH_HEAD, 'Subject: first', '   second']));
    expect(parsed.headers.get('subject')).toBe('first second');
  });

  it('given several header lines of one name, when read, then getAll keeps their order', () => {
    const parsed = request(message([...PUBLISH_HEAD, 'Record-Route: <sip:p1;lr>', 'Record-Route: <sip:p2;lr>']));
    expect(parsed.headers.getAll('record-route')).toEqual(['<sip:p1;lr>', '<sip:p2;lr>']);
  });

  it('given a response, when parsed, then status and reason come out', () => {
    const result = parseSipMessage(
      Buffer.from(
        'SIP/2.0 481 Subscription Does Not Exist\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 3 NOTIFY\r\nContent-Length: 0\r\n\r\n',
      ),
      true,
    );
    expect(result.ok && result.message.kind === 'response' && [result.message.status, result.message.reason]).toEqual([
      481,
      'Subscription Does Not Exist',
    ]);
  });

  it('given a datagram without Content-Length, when parsed, then the body is the rest of the datagram (RFC 3261 §18.3)', () => {
    expect(request(message(PUBLISH_HEAD, '<x/>', null)).body).toBe('<x/>');
  });

  it('given a datagram with bytes beyond Content-Length, when parsed, then they are discarded', () => {
    expect(request(message(PUBLISH_HEAD, '<x/>garbage', 4)).body).toBe('<x/>');
  });

  it('given a Content-Length larger than the datagram, when parsed, then it fails with a partial request to answer 400', () => {
    const result = parseSipMessage(message(PUBLISH_HEAD, '<x/>', 400), true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe('body-shorter-than-content-length');
    expect(result.detail).toBe('Content-Length exceeds the message');
    expect(result.partial?.method).toBe('PUBLISH');
  });

  it('given a stream message without Content-Length, when parsed, then it is refused', () => {
    const result = parseSipMessage(message(PUBLISH_HEAD, '', null), false);
    expect(result.ok || result.error).toBe('bad-content-length');
  });

  it('given a truncated message without the empty line, when parsed, then it fails as no-header-end with what was readable', () => {
    const result = parseSipMessage(Buffer.from(PUBLISH_HEAD.join('\r\n')), true);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBe('no-header-end');
    expect(result.partial?.headers.get('call-id')).toBe('c1@10.0.0.1');
  });

  it.each([
    ['garbage start line', 'HELLO WORLD\r\n\r\n', 'bad-start-line'],
    ['a binary blob', '\u0000\u0001\u0002\u0003', 'bad-start-line'],
    ['an empty buffer', '', 'empty'],
    ['a bad status code', 'SIP/2.0 99 Odd\r\nVia: x\r\n\r\n', 'bad-start-line'],
    ['a header line without colon', 'OPTIONS sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n', 'bad-header'],
  ])('given %s, when parsed, then it fails with %s and never throws', (_name, text, error) => {
    const result = parseSipMessage(Buffer.from(text), true);
    expect(result.ok || result.error).toBe(error);
  });

  it('given a request without Call-ID, when parsed, then the failure names the missing header', () => {
    const result = parseSipMessage(message(PUBLISH_HEAD.filter((l) => !l.startsWith('Call-ID'))), true);
    expect(result.ok || result.detail).toBe('Missing Call-ID header');
  });

  it('given a CSeq whose method differs from the request method, when parsed, then it fails as bad-cseq', () => {
    const result = parseSipMessage(message(PUBLISH_HEAD.map((l) => (l.startsWith('CSeq') ? 'CSeq: 7 NOTIFY' : l))), true);
    expect(result.ok || result.error).toBe('bad-cseq');
  });

  it('given two different Content-Length headers, when parsed, then it fails', () => {
    const result = parseSipMessage(message([...PUBLISH_HEAD, 'Content-Length: 3'], 'abcd'), true);
    expect(result.ok || result.error).toBe('bad-content-length');
  });

  it('given bare LF line ends, when parsed, then the request is still read', () => {
    const text = PUBLISH_HEAD.join('\n') + '\nContent-Length: 0\n\n';
    expect(request(Buffer.from(text)).headers.get('event')).toBe('presence');
  });
});
