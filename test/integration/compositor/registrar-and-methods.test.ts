/**
 * REGISTER (RFC 3261 §10.3), OPTIONS, and what other methods get (405 + Allow, 416, 481), over real UDP.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { startFixture, type CompositorFixture } from '../../support/compositor/compositor-fixture';

let fx: CompositorFixture;
let peer: SipTestPeer;
beforeEach(async () => {
  fx = await startFixture({ minExpires: 60, maxExpires: 3600 });
  peer = await fx.udpPeer();
});

const register = (contacts: readonly string[], options: { expires?: string; callId?: string; cseq?: number } = {}) =>
  peer.request({
    method: 'REGISTER',
    uri: 'sip:example.com',
    from: '<sip:bob@example.com>;tag=r1',
    to: '<sip:bob@example.com>',
    callId: options.callId ?? 'reg-1@test',
    cseq: options.cseq ?? 1,
    headers: [
      ...contacts.map((c) => ['Contact', c] as const),
      ...(options.expires === undefined ? [] : [['Expires', options.expires] as const]),
    ],
  });

describe('REGISTER (RFC 3261 §10.3)', () => {
  it('given a REGISTER, when accepted, then 200 lists the binding with its expires and a Date', async () => {
    const response = await register(['<sip:bob@127.0.0.1:5099>'], { expires: '600' });
    expect(response.status).toBe(200);
    expect(response.headers.getAll('contact')).toEqual(['<sip:bob@127.0.0.1:5099>;expires=600']);
    expect(response.headers.get('date')).toMatch(/GMT$/);
    expect(fx.server.counters().bindingsActive).toBe(1);
  });

  it('given two devices, when both register, then the 200 lists both contacts', async () => {
    await register(['<sip:bob@127.0.0.1:5099>'], { expires: '600', cseq: 1 });
    const response = await register(['<sip:bob@127.0.0.1:6000>;expires=1200'], { expires: '600', cseq: 2 });
    expect(response.headers.getAll('contact').sort()).toEqual([
      '<sip:bob@127.0.0.1:5099>;expires=600',
      '<sip:bob@127.0.0.1:6000>;expires=1200',
    ]);
  });

  it('given Contact: * with Expires: 0, when registered, then every binding is removed', async () => {
    await register(['<sip:bob@127.0.0.1:5099>'], { expires: '600', cseq: 1 });
    const response = await register(['*'], { expires: '0', cseq: 2 });
    expect(response.status).toBe(200);
    expect(response.headers.getAll('contact')).toEqual([]);
    expect(fx.server.counters().bindingsActive).toBe(0);
  });

  it('given Contact: * without Expires: 0, when registered, then 400', async () => {
    expect((await register(['*'], { expires: '60' })).status).toBe(400);
  });

  it('given an interval below the minimum, when registered, then 423 with Min-Expires', async () => {
    const response = await register(['<sip:bob@127.0.0.1:5099>'], { expires: '5' });
    expect([response.status, response.headers.get('min-expires')]).toEqual([423, '60']);
  });

  it('given a REGISTER with no Contact, when received, then it is a query listing the current bindings', async () => {
    await register(['<sip:bob@127.0.0.1:5099>'], { expires: '600', cseq: 1 });
    const response = await register([], { cseq: 2 });
    expect(response.headers.getAll('contact')).toHaveLength(1);
  });

  it('given the same Call-ID with an older CSeq, when registered, then 500 and the binding is unchanged', async () => {
    await register(['<sip:bob@127.0.0.1:5099>'], { expires: '600', cseq: 5 });
    const stale = await register(['<sip:bob@127.0.0.1:5099>'], { expires: '0', cseq: 4 });
    expect(stale.status).toBe(500);
    expect(fx.server.counters().bindingsActive).toBe(1);
  });
});

describe('other methods', () => {
  it('given OPTIONS, when answered, then 200 with Allow, Allow-Events and Accept', async () => {
    const response = await peer.request({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=1',
      to: '<sip:example.com>',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toBe('REGISTER, PUBLISH, SUBSCRIBE, OPTIONS');
    expect(response.headers.get('allow-events')).toBe('presence, presence.winfo, message-summary, dialog');
    expect(response.headers.get('accept')).toBe('application/pidf+xml, application/cpim-pidf+xml');
  });

  it.each(['INVITE', 'MESSAGE', 'BYE', 'NOTIFY', 'REFER', 'INFO'])(
    'given %s, when received, then 405 Method Not Allowed with Allow',
    async (method) => {
      const response = await peer.request({
        method,
        uri: 'sip:alice@example.com',
        from: '<sip:a@example.com>;tag=1',
        to: '<sip:alice@example.com>',
      });
      expect([response.status, response.reason, response.headers.get('allow')]).toEqual([
        405,
        'Method Not Allowed',
        'REGISTER, PUBLISH, SUBSCRIBE, OPTIONS',
      ]);
    },
  );

  it('given a tel: Request-URI, when received, then 416 Unsupported URI Scheme', async () => {
    const response = await peer.request({
      method: 'SUBSCRIBE',
      uri: 'tel:+15551234',
      from: '<sip:a@example.com>;tag=1',
      to: '<tel:+15551234>',
    });
    expect([response.status, response.reason]).toEqual([416, 'Unsupported URI Scheme']);
  });

  it('given a CANCEL, when received, then 481 (nothing is ever pending)', async () => {
    const response = await peer.request({
      method: 'CANCEL',
      uri: 'sip:alice@example.com',
      from: '<sip:a@example.com>;tag=1',
      to: '<sip:alice@example.com>',
    });
    expect(response.status).toBe(481);
  });

  it('given an ACK, when received, then nothing is sent back', async () => {
    peer.sendRaw(
      peer.build({ method: 'ACK', uri: 'sip:alice@example.com', from: '<sip:a@example.com>;tag=1', to: '<sip:alice@example.com>;tag=2' })
        .text,
    );
    const options = await peer.request({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=1',
      to: '<sip:example.com>',
    });
    expect(options.status).toBe(200);
    expect(peer.received).toHaveLength(1);
  });

  it('given a malformed From, when received, then 400 names the header', async () => {
    const response = await peer.request({
      method: 'SUBSCRIBE',
      uri: 'sip:alice@example.com',
      from: '<sip:a@example.com',
      to: '<sip:alice@example.com>',
    });
    expect([response.status, response.reason]).toEqual([400, 'Bad Request (malformed From header)']);
  });
});
