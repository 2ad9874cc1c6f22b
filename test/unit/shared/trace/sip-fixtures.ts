/**
 * SIP messages as the trace tap records them, for the trace tests and the benchmark: a REGISTER
 * challenged and sent again with credentials, an RFC 3903 publication (initial → refresh → modify →
 * remove), a presence subscription with its NOTIFYs, OPTIONS pings and a keep-alive. Shaped after what
 * the SIP engine sends and Kamailio / the compositor answer (see draft-olson-simple-publish-02 §12's M1–M14 flow).
 */
import type { SipTransport } from '../../../../shared/sip/transport';
import type { TraceEntry } from '../../../../shared/trace/trace-entry';

export const ME = 'sip:alice@example.com';
export const BOB = 'sip:bob@example.com';
const LOCAL = { address: '127.0.0.1', port: 40_000 };
const SERVER = { address: '127.0.0.1', port: 5060 };

interface RequestOptions {
  readonly method: string;
  readonly uri?: string;
  readonly from?: string;
  readonly to?: string;
  readonly toTag?: string;
  readonly callId: string;
  readonly cseq: number;
  readonly headers?: readonly string[];
  readonly body?: string;
  readonly contentType?: string;
}

export function request(o: RequestOptions): string {
  const body = o.body ?? '';
  return [
    `${o.method} ${o.uri ?? o.to ?? ME} SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:40000;rport;branch=z9hG4bK${o.callId}${o.cseq}`,
    'Max-Forwards: 70',
    `From: "Alice" <${o.from ?? ME}>;tag=from-${o.callId}`,
    `To: <${o.to ?? ME}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} ${o.method}`,
    ...(o.headers ?? []),
    ...(body ? [`Content-Type: ${o.contentType ?? 'application/pidf+xml'}`] : []),
    `Content-Length: ${new TextEncoder().encode(body).length}`,
    '',
    body,
  ].join('\r\n');
}

export function response(o: {
  code: number;
  reason: string;
  method: string;
  callId: string;
  cseq: number;
  from?: string;
  to?: string;
  toTag?: string;
  headers?: readonly string[];
}): string {
  return [
    `SIP/2.0 ${o.code} ${o.reason}`,
    `Via: SIP/2.0/TCP 127.0.0.1:40000;rport=40000;received=127.0.0.1;branch=z9hG4bK${o.callId}${o.cseq}`,
    `From: "Alice" <${o.from ?? ME}>;tag=from-${o.callId}`,
    `To: <${o.to ?? ME}>;tag=${o.toTag ?? 'server'}`,
    `Call-ID: ${o.callId}`,
    `CSeq: ${o.cseq} ${o.method}`,
    ...(o.headers ?? []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

export function pidf(entity: string, basic: 'open' | 'closed', note: string, activity?: string): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="${entity}">`,
    `<tuple id="t1"><status><basic>${basic}</basic></status><note>${note}</note></tuple>`,
    `<dm:person id="p1">${activity ? `<rpid:activities><rpid:${activity}/></rpid:activities>` : ''}<dm:note>${note}</dm:note></dm:person>`,
    '</presence>',
  ].join('');
}

/** Numbers messages into trace entries, `stepMs` apart, in the given direction per message. */
export function entries(
  messages: readonly (readonly ['in' | 'out', string])[],
  options: { startAt?: number; stepMs?: number; firstSeq?: number; transport?: SipTransport } = {},
): TraceEntry[] {
  const startAt = options.startAt ?? Date.UTC(2024, 4, 1, 12, 0, 0);
  return messages.map(([direction, raw], i) => ({
    seq: (options.firstSeq ?? 1) + i,
    at: startAt + i * (options.stepMs ?? 10),
    direction,
    transport: options.transport ?? 'tcp',
    local: LOCAL,
    remote: SERVER,
    raw,
  }));
}

export const AUTH_RESPONSE = '6629fae49393a05397450978507c4ef1';

/** A whole presence session: registration with digest auth, publication chain, subscription, pings. */
export function presenceSession(): TraceEntry[] {
  const challenge = 'Digest realm="example.com", nonce="abc123", qop="auth"';
  const auth = `Authorization: Digest username="alice", realm="example.com", nonce="abc123", uri="sip:example.com", response="${AUTH_RESPONSE}", qop=auth, nc=00000001, cnonce="0a4f113b", algorithm=MD5`;
  return entries([
    [
      'out',
      request({
        method: 'REGISTER',
        uri: 'sip:example.com',
        callId: 'reg-1',
        cseq: 1,
        headers: ['Contact: <sip:alice@127.0.0.1:40000;transport=tcp>', 'Expires: 600'],
      }),
    ],
    [
      'in',
      response({
        code: 401,
        reason: 'Unauthorized',
        method: 'REGISTER',
        callId: 'reg-1',
        cseq: 1,
        headers: [`WWW-Authenticate: ${challenge}`],
      }),
    ],
    [
      'out',
      request({
        method: 'REGISTER',
        uri: 'sip:example.com',
        callId: 'reg-1',
        cseq: 2,
        headers: ['Contact: <sip:alice@127.0.0.1:40000;transport=tcp>', 'Expires: 600', auth],
      }),
    ],
    [
      'in',
      response({
        code: 200,
        reason: 'OK',
        method: 'REGISTER',
        callId: 'reg-1',
        cseq: 2,
        headers: ['Contact: <sip:alice@127.0.0.1:40000;transport=tcp>;expires=600', 'Expires: 600'],
      }),
    ],
    [
      'out',
      request({
        method: 'PUBLISH',
        callId: 'pub-1',
        cseq: 1,
        headers: ['Event: presence', 'Expires: 600'],
        body: pidf(ME, 'open', 'Available'),
      }),
    ],
    [
      'in',
      response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'pub-1', cseq: 1, headers: ['SIP-ETag: etag-1', 'Expires: 600'] }),
    ],
    [
      'out',
      request({
        method: 'SUBSCRIBE',
        to: BOB,
        callId: 'sub-bob',
        cseq: 1,
        headers: ['Event: presence', 'Accept: application/pidf+xml', 'Expires: 600', 'Contact: <sip:alice@127.0.0.1:40000;transport=tcp>'],
      }),
    ],
    [
      'in',
      response({
        code: 200,
        reason: 'OK',
        method: 'SUBSCRIBE',
        to: BOB,
        toTag: 'bob-dialog',
        callId: 'sub-bob',
        cseq: 1,
        headers: ['Expires: 600'],
      }),
    ],
    [
      'in',
      request({
        method: 'NOTIFY',
        uri: 'sip:alice@127.0.0.1:40000;transport=tcp',
        from: BOB,
        to: ME,
        toTag: 'from-sub-bob',
        callId: 'sub-bob',
        cseq: 1,
        headers: ['Event: presence', 'Subscription-State: active;expires=600'],
        body: pidf(BOB, 'open', 'In the lab', 'busy'),
      }),
    ],
    ['out', response({ code: 200, reason: 'OK', method: 'NOTIFY', from: BOB, to: ME, callId: 'sub-bob', cseq: 1 })],
    ['out', request({ method: 'OPTIONS', uri: 'sip:example.com', callId: 'ping-1', cseq: 1 })],
    ['in', response({ code: 200, reason: 'OK', method: 'OPTIONS', callId: 'ping-1', cseq: 1 })],
    ['out', '\r\n\r\n'],
    ['out', request({ method: 'PUBLISH', callId: 'pub-1', cseq: 2, headers: ['Event: presence', 'Expires: 600', 'SIP-If-Match: etag-1'] })],
    [
      'in',
      response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'pub-1', cseq: 2, headers: ['SIP-ETag: etag-2', 'Expires: 600'] }),
    ],
    [
      'in',
      request({
        method: 'NOTIFY',
        uri: 'sip:alice@127.0.0.1:40000;transport=tcp',
        from: BOB,
        to: ME,
        toTag: 'from-sub-bob',
        callId: 'sub-bob',
        cseq: 2,
        headers: ['Event: presence', 'Subscription-State: active;expires=590'],
        body: pidf(BOB, 'open', 'Lunch', 'away'),
      }),
    ],
    ['out', response({ code: 200, reason: 'OK', method: 'NOTIFY', from: BOB, to: ME, callId: 'sub-bob', cseq: 2 })],
    // A modify sent on a new Call-ID still continues the publication by its ETag.
    [
      'out',
      request({
        method: 'PUBLISH',
        callId: 'pub-2',
        cseq: 1,
        headers: ['Event: presence', 'Expires: 600', 'SIP-If-Match: etag-2'],
        body: pidf(ME, 'open', 'Busy', 'busy'),
      }),
    ],
    [
      'in',
      response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'pub-2', cseq: 1, headers: ['SIP-ETag: etag-3', 'Expires: 300'] }),
    ],
    ['out', request({ method: 'PUBLISH', callId: 'pub-2', cseq: 2, headers: ['Event: presence', 'Expires: 0', 'SIP-If-Match: etag-3'] })],
    ['in', response({ code: 200, reason: 'OK', method: 'PUBLISH', callId: 'pub-2', cseq: 2, headers: ['SIP-ETag: etag-4', 'Expires: 0'] })],
  ]);
}
