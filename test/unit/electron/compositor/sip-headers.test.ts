import { describe, expect, it } from 'vitest';
import { aorOfText } from '../../../../electron/compositor/message/aor';
import {
  eventPackage,
  mediaType,
  parseDeltaSeconds,
  parseNameAddr,
  parseUri,
  parseVia,
  splitCommaValues,
  tagOf,
} from '../../../../electron/compositor/message/sip-headers';
import { buildResponse } from '../../../../electron/compositor/message/response';
import { parseSipMessage, type SipRequest } from '../../../../electron/compositor/message/sip-message';

describe('SIP header values', () => {
  it('given a SIP URI with port and parameters, when parsed, then user, host, port and params come out', () => {
    const uri = parseUri('sip:Alice%20B@Example.COM:5070;transport=tcp;lr');
    expect(uri).toMatchObject({ scheme: 'sip', user: 'Alice B', host: 'example.com', port: 5070 });
    expect(uri?.params.get('transport')).toBe('tcp');
    expect(uri?.params.has('lr')).toBe(true);
  });

  it('given an IPv6 URI, when parsed, then the host keeps its brackets', () => {
    expect(parseUri('sip:bob@[::1]:5060')).toMatchObject({ host: '[::1]', port: 5060 });
  });

  it.each(['', 'alice@example.com', 'sip:', 'sip:alice@example.com:99999', 'sip:alice@example.com:0'])(
    'given the malformed URI %j, when parsed, then the result is null',
    (text) => expect(parseUri(text)).toBeNull(),
  );

  it('given a name-addr with display name and tag, when parsed, then URI and header params are separated', () => {
    const parsed = parseNameAddr('"Bob, the watcher" <sip:bob@example.com;transport=udp>;tag=88a');
    expect(parsed?.displayName).toBe('Bob, the watcher');
    expect(parsed?.uri.params.get('transport')).toBe('udp');
    expect(parsed?.params.get('tag')).toBe('88a');
  });

  it('given an addr-spec with parameters, when parsed, then the parameters belong to the header (RFC 3261 §20.10)', () => {
    const parsed = parseNameAddr('sip:bob@example.com;tag=x');
    expect(parsed?.params.get('tag')).toBe('x');
    expect(parsed?.uri.params.size).toBe(0);
  });

  it('given a Via with rport and received, when parsed, then routing fields come out', () => {
    expect(parseVia('SIP/2.0/udp 10.0.0.1:5070;branch=z9hG4bKa;rport;received=1.2.3.4')).toMatchObject({
      transport: 'UDP',
      host: '10.0.0.1',
      port: 5070,
      branch: 'z9hG4bKa',
      received: '1.2.3.4',
      hasRport: true,
      sentBy: '10.0.0.1:5070',
    });
    expect(parseVia('SIP/2.0 UDP nonsense')).toBeNull();
  });

  it('given commas inside quotes and angle brackets, when split, then only value separators split', () => {
    expect(splitCommaValues('"a, b" <sip:x@y;p=1,2>, <sip:z@w>')).toEqual(['"a, b" <sip:x@y;p=1,2>', '<sip:z@w>']);
  });

  it('given From values, when the tag is read, then a URI parameter named tag inside <> is not mistaken for it', () => {
    expect(tagOf('<sip:a@b;tag=inuri>;tag=real')).toBe('real');
    expect(tagOf('<sip:a@b;tag=inuri>')).toBeNull();
    expect(tagOf('sip:a@b;tag=plain')).toBe('plain');
  });

  it('given Expires-like values, when read as delta-seconds, then only digits are accepted', () => {
    expect(parseDeltaSeconds(' 600 ')).toBe(600);
    expect(parseDeltaSeconds('-1')).toBeNull();
    expect(parseDeltaSeconds('1e3')).toBeNull();
    expect(parseDeltaSeconds('99999999999999')).toBe(0xffffffff);
  });

  it('given Event and Content-Type values with parameters, when read, then the bare lower-case name comes out', () => {
    expect(eventPackage('Presence;id=7')).toBe('presence');
    expect(eventPackage('')).toBeNull();
    expect(mediaType('Application/PIDF+XML; charset=UTF-8')).toBe('application/pidf+xml');
  });
});

describe('address-of-record canonical form (RFC 3903 §6 step 5)', () => {
  it('given sip:, sips: and pres: forms of one AOR with parameters and escapes, when canonicalised, then they share one key', () => {
    const keys = ['sip:alice@Example.com;user=phone', 'sips:alice@example.com', 'pres:alice@example.com', 'sip:%61lice@example.com:5060'].map(
      (text) => aorOfText(text)?.key,
    );
    expect(new Set(keys)).toEqual(new Set(['alice@example.com']));
  });

  it('given URIs without a user part or of another scheme, when canonicalised, then there is no AOR', () => {
    expect(aorOfText('sip:example.com')).toBeNull();
    expect(aorOfText('tel:+15551234')).toBeNull();
  });

  it('given a user with characters that need escaping, when the AOR URI is written, then they are %-escaped', () => {
    expect(aorOfText('sip:a%20b@example.com')?.uri).toBe('sip:a%20b@example.com');
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
    expect(text).toContain('Via: SIP/2.0/UDP 10.0.0.9:5070;branch=z9hG4bKq;rport=40000;received=192.0.2.1, SIP/2.0/UDP proxy;branch=z9hG4bKp\r\n');
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
