import { describe, expect, it } from 'vitest';
import { readSubscriptionState, responseClass, summarizeSipMessage } from '../../../../shared/trace/trace-summary';
import { splitSipMessage } from '../../../../shared/sip/header-section';
import { BOB, ME, pidf, request, response } from './sip-fixtures';

describe('summarizeSipMessage', () => {
  it('given an initial PUBLISH, then it reads method, addresses, Call-ID, CSeq, Event, Expires, type and sizes', () => {
    const body = pidf(ME, 'open', 'Réunion');
    const raw = request({ method: 'PUBLISH', callId: 'c-1@host', cseq: 7, headers: ['Event: presence', 'Expires: 3600'], body });
    const s = summarizeSipMessage(raw);
    expect(s).toMatchObject({
      kind: 'request',
      method: 'PUBLISH',
      statusCode: 0,
      label: 'PUBLISH',
      requestUri: ME,
      from: ME,
      to: ME,
      fromTag: 'from-c-1@host',
      toTag: '',
      callId: 'c-1@host',
      cseq: '7 PUBLISH',
      cseqNumber: 7,
      branch: 'z9hG4bKc-1@host7',
      event: 'presence',
      etag: '',
      ifMatch: '',
      expires: 3600,
      contentType: 'application/pidf+xml',
      hasCredentials: false,
    });
    expect(s.size).toBe(new TextEncoder().encode(raw).length);
    expect(s.bodySize).toBe(new TextEncoder().encode(body).length);
  });

  it('given a 200 to PUBLISH, then the method is the CSeq method and the ETag is read', () => {
    const s = summarizeSipMessage(
      response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'x', cseq: 2, headers: ['SIP-ETag: dx200xyz', 'Expires: 1800'] }),
    );
    expect(s).toMatchObject({
      kind: 'response',
      method: 'PUBLISH',
      statusCode: 200,
      label: '200 OK',
      etag: 'dx200xyz',
      expires: 1800,
      toTag: 'server',
    });
  });

  it('given compact header names, folded lines and a bare-LF message, then they are read like the long forms', () => {
    const raw = [
      'NOTIFY sip:alice@127.0.0.1:5060 SIP/2.0',
      'v: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKabc',
      'f: sip:bob@example.com;tag=1',
      't: <sip:alice@example.com>;tag=2',
      'i: compact-call',
      'CSeq: 3 NOTIFY',
      'o: presence',
      'Subscription-State: active;',
      ' expires=120',
      'c: application/pidf+xml',
      '',
      '',
    ].join('\n');
    const s = summarizeSipMessage(raw);
    expect(s).toMatchObject({
      from: BOB,
      to: ME,
      fromTag: '1',
      callId: 'compact-call',
      event: 'presence',
      subscriptionState: 'active; expires=120',
      branch: 'z9hG4bKabc',
    });
    expect(readSubscriptionState(s.subscriptionState)).toEqual({ state: 'active', expires: 120, reason: '' });
  });

  it('given whitespace only, then it is a keep-alive; given garbage, then it is unparsable and nothing throws', () => {
    expect(summarizeSipMessage('\r\n\r\n')).toMatchObject({ kind: 'keep-alive', label: 'keep-alive', size: 4 });
    const odd = summarizeSipMessage('\u0000\u0001 hello <not sip>');
    expect(odd.kind).toBe('unparsable');
    expect(odd.label).toBe('unreadable');
    expect(summarizeSipMessage('SIP/2.0 abc\r\n\r\n').kind).toBe('unparsable');
  });

  it('given an Authorization header, then hasCredentials is set; an unreadable Expires is null', () => {
    const raw = request({
      method: 'REGISTER',
      callId: 'r',
      cseq: 1,
      headers: ['Expires: soon', 'Proxy-Authorization: Digest username="a"'],
    });
    expect(summarizeSipMessage(raw)).toMatchObject({ hasCredentials: true, expires: null });
  });

  it('given a status line without a reason phrase, then the label is the code', () => {
    expect(summarizeSipMessage('SIP/2.0 486\r\nCSeq: 1 INVITE\r\n\r\n')).toMatchObject({ label: '486', method: 'INVITE', statusCode: 486 });
  });

  it('counts multi-byte characters in the size as UTF-8 bytes', () => {
    expect(summarizeSipMessage('MESSAGE sip:a@b SIP/2.0\r\n\r\né😀').bodySize).toBe(2 + 4);
  });
});

describe('helpers', () => {
  it('responseClass names the class of a status code', () => {
    expect([0, 100, 202, 302, 412, 503, 603].map(responseClass)).toEqual([null, '1xx', '2xx', '3xx', '4xx', '5xx', '6xx']);
  });

  it('readSubscriptionState reads terminated with a reason', () => {
    expect(readSubscriptionState('terminated;reason=timeout')).toEqual({ state: 'terminated', expires: null, reason: 'timeout' });
  });

  it('splitSipMessage keeps header order and the body exactly', () => {
    const raw = 'SIP/2.0 200 OK\r\nVia: a\r\nVia: b\r\nContent-Length: 4\r\n\r\nab\r\n';
    const parts = splitSipMessage(raw);
    expect(parts.startLine).toBe('SIP/2.0 200 OK');
    expect(parts.headers.map((h) => `${h.key}=${h.value}`)).toEqual(['via=a', 'via=b', 'content-length=4']);
    expect(parts.body).toBe('ab\r\n');
    expect(parts.hasBlankLine).toBe(true);
  });
});
