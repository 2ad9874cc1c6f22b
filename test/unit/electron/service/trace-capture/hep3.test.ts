import { describe, expect, it } from 'vitest';
import { encodeHep3 } from '../../../../../electron/service/trace-capture/hep3';
import { decodeHep3 } from '../../../../support/trace/hep-collector';
import { presenceSession } from '../../../shared/trace/sip-fixtures';

describe('HEP3 encoding', () => {
  it('given an IPv6 TLS entry, then the packet says IPv6 and TCP and carries the IPv6 addresses', () => {
    const [entry] = presenceSession();
    const packet = encodeHep3(
      { ...entry!, transport: 'tls', local: { address: '2001:db8::1', port: 40001 }, remote: { address: '2001:db8::2', port: 5061 } },
      { captureId: 0, authKey: '' },
    );
    expect(decodeHep3(packet!)).toMatchObject({
      family: 10,
      protocol: 6,
      source: '2001:db8:0:0:0:0:0:1',
      destination: '2001:db8:0:0:0:0:0:2',
      sourcePort: 40001,
      destinationPort: 5061,
      captureId: 0,
      authKey: null,
    });
  });

  it('given a message too large for the 16-bit packet length, then nothing is encoded', () => {
    const [entry] = presenceSession();
    expect(encodeHep3({ ...entry!, raw: `${entry!.raw}${'x'.repeat(65_535)}` }, { captureId: 1, authKey: '' })).toBeNull();
    expect(encodeHep3({ ...entry!, raw: 'x'.repeat(65_000) }, { captureId: 1, authKey: '' })?.length).toBeGreaterThan(65_000);
  });
});
