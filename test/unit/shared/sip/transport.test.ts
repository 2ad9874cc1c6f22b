import { describe, expect, it } from 'vitest';
import { isSipTransport, SIP_TRANSPORTS } from '../../../../shared/sip/transport';

describe('SIP transports', () => {
  it('given the transport list, when checked, then it holds the RFC 3261 and RFC 7118 transports and nothing else', () => {
    expect(SIP_TRANSPORTS).toEqual(['udp', 'tcp', 'tls', 'ws', 'wss']);
    expect(SIP_TRANSPORTS.every(isSipTransport)).toBe(true);
    for (const other of ['sctp', 'UDP', '', 'http']) expect(isSipTransport(other)).toBe(false);
  });
});
