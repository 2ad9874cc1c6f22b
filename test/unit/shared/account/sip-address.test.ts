import { describe, expect, it } from 'vitest';
import { joinServerUri, parseSipAddress, parseSipServer, splitServerUri } from '../../../../shared/account/sip-address';

describe('reading a SIP address typed by a person', () => {
  it.each([
    ['sip:bob@example.com', 'sip:bob@example.com'],
    ['  SIP:bob@Example.COM ', 'sip:bob@example.com'],
    ['bob@example.com', 'sip:bob@example.com'],
    ['sips:carol@pbx.example.com:5061', 'sips:carol@pbx.example.com:5061'],
    ['sip:5551234@10.0.0.7', 'sip:5551234@10.0.0.7'],
    ['sip:alice.smith%40corp@example.com', 'sip:alice.smith%40corp@example.com'],
    ['sip:dave@[2001:db8::1]:5060', 'sip:dave@[2001:db8::1]:5060'],
  ])('given %j, then it reads as %s', (input, uri) => {
    const result = parseSipAddress(input);
    expect(result).toMatchObject({ ok: true, value: { uri } });
  });

  it.each([
    ['', /Enter a SIP address/],
    ['bob', /no user part/],
    ['sip:example.com', /no user part/],
    ['sip:@example.com', /no user before the @/],
    ['sip:bob@', /no domain after the @/],
    ['sip:bob @example.com', /cannot contain spaces/],
    ['tel:+15551234', /not a SIP address; use sip: or sips:/],
    ['mailto:bob@example.com', /not a SIP address/],
    ['sip:bob:secret@example.com', /no password/],
    ['sip:bob@example.com;transport=tcp', /no parameters/],
    ['sip:bob@example.com?subject=hi', /no parameters/],
    ['sip:bob@exa_mple.com', /not a valid domain/],
    ['sip:bob@-example.com', /not a valid domain/],
    ['sip:bob@999.1.1.1', /not a valid domain or IP address/],
    ['sip:bob@example.com:0', /Port “0”/],
    ['sip:bob@example.com:70000', /Port “70000”/],
    ['sip:bob@example.com:http', /Port “http”/],
    ['sip:b<o>b@example.com', /characters a SIP address cannot carry/],
    ['sip:bob@[2001:db8::1', /does not close it/],
    [`sip:${'a'.repeat(300)}@example.com`, /at most 256 characters/],
  ])('given %j, then it is refused with a reason', (input, reason) => {
    const result = parseSipAddress(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(reason);
  });
});

describe('reading a server address', () => {
  it.each([
    ['pbx.example.com', undefined, 'sip:pbx.example.com;transport=udp'],
    ['pbx.example.com:5080', 'tcp', 'sip:pbx.example.com:5080;transport=tcp'],
    ['sip:pbx.example.com;transport=TLS', 'udp', 'sip:pbx.example.com;transport=tls'],
    ['sips:pbx.example.com', undefined, 'sips:pbx.example.com;transport=tls'],
    ['sip:127.0.0.1:5066;transport=ws', undefined, 'sip:127.0.0.1:5066;transport=ws'],
    ['sip:registrar@pbx.example.com;lr', 'wss', 'sip:pbx.example.com;transport=wss'],
  ] as const)('given %j with fallback %s, then the URI is %s', (input, fallback, uri) => {
    expect(parseSipServer(input, fallback)).toMatchObject({ ok: true, value: { uri } });
  });

  it.each([
    ['', /Enter a server address/],
    ['wss://pbx.example.com/ws', /WebSocket path has its own field/],
    ['sip:pbx.example.com;transport=sctp', /Transport “sctp”/],
    ['sips:pbx.example.com;transport=udp', /needs a secure transport/],
    ['http:pbx', /not a SIP server address/],
    ['pbx.example.com:99999', /Port “99999”/],
  ])('given %j, then it is refused with a reason', (input, reason) => {
    const result = parseSipServer(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(reason);
  });

  it('given the form shows address and transport separately, then they round-trip through the stored URI', () => {
    expect(splitServerUri('sip:pbx.example.com:5061;transport=tls')).toEqual({ address: 'pbx.example.com:5061', transport: 'tls' });
    expect(splitServerUri('sips:pbx.example.com;transport=wss')).toEqual({ address: 'sips:pbx.example.com', transport: 'wss' });
    expect(joinServerUri('pbx.example.com:5061', 'tls')).toBe('sip:pbx.example.com:5061;transport=tls');
    // The transport choice wins over a transport typed into the address.
    expect(joinServerUri('sip:pbx.example.com;transport=udp', 'tcp')).toBe('sip:pbx.example.com;transport=tcp');
    // Unreadable input keeps the choice, so that checking it names the real problem.
    expect(joinServerUri('sips:pbx.example.com', 'udp')).toBe('sips:pbx.example.com;transport=udp');
    expect(joinServerUri('   ', 'udp')).toBe('');
  });
});
