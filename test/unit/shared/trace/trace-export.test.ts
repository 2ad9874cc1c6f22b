import { describe, expect, it } from 'vitest';
import { MASK, maskCredentials, maskCredentialValue } from '../../../../shared/trace/credential-mask';
import { formatClockMs, formatDateTimeMicros, formatEndpoint, formatTraceText } from '../../../../shared/trace/trace-format';
import { AUTH_RESPONSE, presenceSession } from './sip-fixtures';

describe('credential masking', () => {
  it('given a Digest Authorization, then only the response is masked and the rest stays readable', () => {
    const masked = maskCredentialValue(
      'Digest username="alice", realm="example.com", nonce="n1", uri="sip:example.com", response="abcdef", qop=auth, nc=00000001, cnonce="c1"',
    );
    expect(masked).toBe(
      `Digest username="alice", realm="example.com", nonce="n1", uri="sip:example.com", response="${MASK}", qop=auth, nc=00000001, cnonce="c1"`,
    );
  });

  it('given a quoted value containing a comma and "response=", then only the real parameter is masked', () => {
    expect(maskCredentialValue('Digest uri="sip:a;x=1,response=9", response=abc, username="u"')).toBe(
      `Digest uri="sip:a;x=1,response=9", response=${MASK}, username="u"`,
    );
  });

  it('given other schemes, then the whole credential is masked', () => {
    expect(maskCredentialValue('Basic YWxpY2U6c2VjcmV0')).toBe(`Basic ${MASK}`);
    expect(maskCredentialValue('Bearer eyJhbGciOi.x.y')).toBe(`Bearer ${MASK}`);
    expect(maskCredentialValue('sometoken')).toBe(MASK);
  });

  it('given a message, then Authorization and Proxy-Authorization (any case, folded) are masked, the body and other headers untouched', () => {
    const raw = [
      'PUBLISH sip:a@b SIP/2.0',
      'proxy-authorization: Digest username="a",',
      '  response="secret1"',
      'AUTHORIZATION: Digest username="a", response="secret2"',
      'WWW-Authenticate: Digest realm="x"',
      '',
      'response="body-is-not-touched"',
    ].join('\r\n');
    const masked = maskCredentials(raw);
    expect(masked).toBe(
      [
        'PUBLISH sip:a@b SIP/2.0',
        `proxy-authorization: Digest username="a", response="${MASK}"`,
        `AUTHORIZATION: Digest username="a", response="${MASK}"`,
        'WWW-Authenticate: Digest realm="x"',
        '',
        'response="body-is-not-touched"',
      ].join('\r\n'),
    );
  });

  it('given a message without credentials, then it comes back as the same string', () => {
    const raw = 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n';
    expect(maskCredentials(raw)).toBe(raw);
  });
});

describe('text export', () => {
  it('given entries, then each is a sngrep-style heading, the raw message and a blank line, credentials masked', () => {
    const session = presenceSession();
    const text = formatTraceText(session.slice(1, 3), { timeZone: 'utc' });
    const [second, third] = session.slice(1, 3);
    expect(text).toBe(
      `2024/05/01 12:00:00.010000 127.0.0.1:5060 -> 127.0.0.1:40000 TCP received #2\n${second!.raw}\n\n` +
        `2024/05/01 12:00:00.020000 127.0.0.1:40000 -> 127.0.0.1:5060 TCP sent #3\n${third!.raw.replace(`response="${AUTH_RESPONSE}"`, `response="${MASK}"`)}\n\n`,
    );
    expect(text).not.toContain(AUTH_RESPONSE);
  });

  it('given includeCredentials, then the Authorization header is exported as it was', () => {
    expect(formatTraceText(presenceSession().slice(2, 3), { includeCredentials: true, timeZone: 'utc' })).toContain(AUTH_RESPONSE);
  });

  it('formats endpoints and times', () => {
    expect(formatEndpoint({ address: '::1', port: 5060 })).toBe('[::1]:5060');
    expect(formatEndpoint({ address: '10.0.0.1', port: 5 })).toBe('10.0.0.1:5');
    const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678) + 0.9;
    expect(formatClockMs(at, 'utc')).toBe('03:04:05.678');
    expect(formatDateTimeMicros(at, 'utc')).toBe('2024/01/02 03:04:05.678900');
  });
});
