/**
 * The transaction layer over real UDP (RFC 3261 §17.2 server transactions, §18.2.2 + RFC 3581 response
 * routing): retransmitted requests are answered with the same response and not processed twice.
 * (NOTIFY retransmission, Timer E/F, is in subscribe.test.ts.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { pidf } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

const ALICE = 'sip:alice@example.com';
let fx: CompositorFixture;
beforeEach(async () => {
  fx = await startFixture();
});

describe('retransmitted requests (RFC 3261 §17.2.2)', () => {
  it('given a PUBLISH sent twice with the same branch, when answered, then both answers are identical and one publication exists', async () => {
    const epa = await fx.udpPeer();
    const built = epa.build(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open' }]) }));
    epa.sendRaw(built.text);
    const first = await epa.responseTo(built.branch);
    epa.sendRaw(built.text);
    const second = await epa.responseTo(built.branch);
    expect(second.raw).toBe(first.raw);
    expect(second.headers.get('sip-etag')).toBe(first.headers.get('sip-etag'));
    expect(fx.server.counters()).toMatchObject({ publicationsActive: 1, retransmissionsAbsorbed: 1, requestsByMethod: { PUBLISH: 1 } });
    expect(fx.log.filter((e) => e.kind === 'request')).toHaveLength(1);
  });

  it('given a SUBSCRIBE retransmitted, when answered, then there is one subscription and one initial NOTIFY', async () => {
    const watcher = await fx.udpPeer();
    const built = watcher.build(subscribeSpec(watcher, ALICE));
    watcher.sendRaw(built.text);
    const first = await watcher.responseTo(built.branch);
    watcher.sendRaw(built.text);
    const second = await watcher.responseTo(built.branch);
    expect(second.raw).toBe(first.raw);
    await watcher.nextRequest();
    const epa = await fx.udpPeer();
    await epa.request(publishSpec(ALICE, { body: pidf(ALICE, [{ id: 't', basic: 'open', note: 'marker' }]) }));
    const next = await watcher.nextRequest();
    expect(next.body).toContain('marker');
    expect(next.headers.get('cseq')).toBe('2 NOTIFY');
    expect(fx.server.counters().subscriptionsActive).toBe(1);
  });

  it('given two requests with the same branch but a different sent-by, when received, then they are two transactions', async () => {
    const a = await fx.udpPeer();
    const b = await fx.udpPeer();
    const specA = publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'a', basic: 'open' }]) });
    const ra = await a.request({ ...specA, branch: 'z9hG4bK-same' });
    const rb = await b.request({ ...publishSpec(ALICE, { body: pidf(ALICE, [{ id: 'b', basic: 'open' }]) }), branch: 'z9hG4bK-same' });
    expect(ra.headers.get('sip-etag')).not.toBe(rb.headers.get('sip-etag'));
    expect(fx.server.counters().publicationsActive).toBe(2);
  });
});

describe('response routing (RFC 3261 §18.2.2, RFC 3581)', () => {
  it('given a Via without rport, when answered, then the response goes to the Via port at the source address', async () => {
    const sender = await fx.udpPeer();
    const viaPortOwner = await fx.udpPeer();
    // The sender writes the other peer's port in its Via (as a client with a separate receive port would).
    const built = sender.build({
      method: 'OPTIONS',
      uri: 'sip:example.com',
      from: '<sip:a@example.com>;tag=1',
      to: '<sip:example.com>',
      viaParams: '',
    });
    const text = built.text.replace(sender.hostPort, viaPortOwner.hostPort);
    sender.sendRaw(text);
    const response = await viaPortOwner.responseTo(built.branch);
    expect(response.status).toBe(200);
    expect(response.headers.get('via')).toContain('received=127.0.0.1');
    expect(response.headers.get('via')).not.toContain('rport');
    expect(sender.received).toHaveLength(0);
  });

  it('given a Via with rport, when answered, then the response goes to the source port and says so in rport', async () => {
    const sender = await fx.udpPeer();
    const built = sender.build({ method: 'OPTIONS', uri: 'sip:example.com', from: '<sip:a@example.com>;tag=1', to: '<sip:example.com>' });
    sender.sendRaw(built.text.replace(`${sender.hostPort};`, '127.0.0.1:1;'));
    const response = await sender.responseTo(built.branch);
    expect(response.headers.get('via')).toContain(`rport=${sender.localPort};received=127.0.0.1`);
  });
});
