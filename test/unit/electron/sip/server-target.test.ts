import { describe, expect, it } from 'vitest';
import { readServerUri, targetAsGiven } from '../../../../electron/sip/server-target';

/** The next hop a server URI names, without DNS. */
const parseServerTarget = (uri: string, options: { wsPath?: string } = {}) => targetAsGiven(readServerUri(uri, options));

describe('server URI → next hop', () => {
  it.each([
    ['sip:example.com', { kind: 'udp', host: 'example.com', port: 5060 }],
    ['sip:10.0.0.5:5070;transport=tcp', { kind: 'tcp', host: '10.0.0.5', port: 5070 }],
    ['sip:example.com;transport=TLS', { kind: 'tls', host: 'example.com', port: 5061 }],
    ['sips:example.com', { kind: 'tls', host: 'example.com', port: 5061 }],
    ['sips:example.com;transport=tcp', { kind: 'tls', host: 'example.com', port: 5061 }],
    ['sip:[::1]:5080;transport=udp', { kind: 'udp', host: '::1', port: 5080 }],
    ['sip:ws.example.com;transport=ws', { kind: 'ws', host: 'ws.example.com', port: 80, wsUrl: 'ws://ws.example.com:80/' }],
    ['sips:ws.example.com;transport=ws', { kind: 'wss', host: 'ws.example.com', port: 443, wsUrl: 'wss://ws.example.com:443/' }],
    ['sip:127.0.0.1:8443;transport=wss', { kind: 'wss', host: '127.0.0.1', port: 8443 }],
  ])('reads %s', (uri, expected) => {
    expect(parseServerTarget(uri)).toMatchObject(expected);
  });

  it('given a WebSocket path, then it is part of the URL', () => {
    expect(parseServerTarget('sip:example.com:8080;transport=ws', { wsPath: '/sip' }).wsUrl).toBe('ws://example.com:8080/sip');
  });

  it.each([
    ['example.com', /is not a SIP URI/],
    ['tel:+15551234', /is not a SIP URI|must start with sip: or sips:/],
    ['sip:example.com;transport=sctp', /Transport "sctp" in "sip:example.com;transport=sctp" is not one of udp, tcp, tls, ws, wss\./],
  ])('refuses %s with a readable message', (uri, message) => {
    expect(() => parseServerTarget(uri)).toThrow(message);
  });

  it('refuses a WebSocket path that does not start with a slash', () => {
    expect(() => parseServerTarget('sip:example.com;transport=ws', { wsPath: 'sip' })).toThrow(/must start with \//);
  });
});
