import { describe, expect, it } from 'vitest';
import { aorOfText } from '../../../../electron/compositor/message/aor';
import { buildResponse } from '../../../../electron/compositor/message/response';
import { parseSipMessage, type SipRequest } from '../../../../electron/compositor/message/sip-message';

describe('address-of-record canonical form (RFC 3903 §6 step 5)', () => {
  it('given sip:, sips: and pres: forms of one AOR with parameters and escapes, when canonicalised, then they share one key', () => {
    const keys = [
      'sip:alice@Example.com;user=phone',
      'sips:alice@example.com',
      'pres:alice@example.com',
      'sip:%61lice@example.com:5060',
    ].map((text) => aorOfText(text)?.key);
    expect(new Set(keys)).toEqual(new Set(['alice@example.com']));
  });

  it('given URIs without a user part or of another scheme, when canonicalised, then there is no AOR', () => {
    expect(aorOfText('sip:example.com')).toBeNull();
    expect(aorOfText('tel:+15551234')).toBeNull();
  });

  it('given a user with characters that need escaping, when the AOR URI is written, then they are %-escaped', () => {
    expect(aorOfText('sip:a%20b@example.com')?.uri).toBe('sip:a%20b@example.com');
    // A run of several characters, one of them outside ASCII (two UTF-8 bytes), between allowed ones.
    expect(aorOfText('sip:x%22%5C%C3%A9y@example.com')?.uri).toBe('sip:x%22%5C%C3%A9y@example.com');
  });
});

describe('buildResponse (RFC 3261 §8.2.6, RFC 3581)', () => {
  const request = (() => {
    const result = parseSipMessage(
      Buffer.from(
        'OPTIONS sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKq;rport, SIP/2.0/UDP proxy;branch=z9hG4bKp\r\n' +
          'Via: SIP/2.0/TCP far;branch=z9hG4bKf\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: c\r\nCSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n',
      ),
      true,
    );
    if (!result.ok || result.message.kind !== 'request') throw new Error('fixture');
    return result.message as SipRequest;
  })();

  it('given a request with rport, when answered, then the top Via gets received and rport and the other Vias stay as they were', () => {
    const text = buildResponse(request, 200, { address: '192.0.2.1', port: 40000 }, { toTag: 'tt' });
    expect(text).toContain(
      'Via: SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKq;rport=40000;received=192.0.2.1, SIP/2.0/UDP proxy;branch=z9hG4bKp\r\n',
    );
    expect(text).toContain('Via: SIP/2.0/TCP far;branch=z9hG4bKf\r\n');
    expect(text).toContain('To: <sip:x@y>;tag=tt\r\n');
    expect(text.startsWith('SIP/2.0 200 OK\r\n')).toBe(true);
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
  });

  it('given a reason phrase with control characters, when answered, then they cannot break the start line', () => {
    const text = buildResponse(request, 400, { address: '192.0.2.1', port: 1 }, { reason: 'Bad\r\nInjected: yes' });
    expect(text.split('\r\n')[0]).toBe('SIP/2.0 400 Bad??Injected: yes');
  });
});
