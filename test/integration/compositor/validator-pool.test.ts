/**
 * PUBLISH bodies validated on a worker thread (CompositorOptions.bodyValidation), over real UDP: the same
 * answers as inline validation, arrival order kept per AOR while a body is away, retransmissions of a
 * pending request absorbed, and inline validation taking over when the worker fails.
 * The worker runs our TypeScript source through tsx (test/support/compositor/pidf-validator-worker.dev.mjs),
 * as the benchmark does.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pidf } from '../../support/compositor/sip-test-peer';
import { publishSpec, startFixture, subscribeSpec, type CompositorFixture } from '../../support/compositor/compositor-fixture';

/** The worker from TypeScript source, through the dev bootstrap that registers tsx inside the worker. */
const WORKER = fileURLToPath(new URL('../../support/compositor/pidf-validator-worker.dev.mjs', import.meta.url));
const ALICE = 'sip:alice@example.com';
const note = (text: string) => pidf(ALICE, [{ id: 'desk', basic: 'open', note: text }]);

function withPool(workerFile: string | URL = WORKER): Promise<CompositorFixture> {
  return startFixture({ bodyValidation: { workerFile } });
}

describe('body validation on a worker thread', () => {
  it('given valid and invalid bodies, when published, then the answers are the same as inline (200, 400 with reason, 403)', async () => {
    const pool = await withPool();
    const peer = await pool.udpPeer();
    expect((await peer.request(publishSpec(ALICE, { body: note('fine') }))).status).toBe(200);
    const bad = await peer.request(
      publishSpec(ALICE, { body: '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:alice@example.com"><tuple>' }),
    );
    expect(bad.status).toBe(400);
    expect(bad.reason).toMatch(/^Bad Request \(Malformed XML/);
    const other = await peer.request(publishSpec(ALICE, { body: pidf('sip:bob@example.com', [{ id: 'x', basic: 'open' }]) }));
    expect([other.status, other.reason]).toEqual([403, 'Forbidden (PIDF entity does not match the address-of-record)']);
    expect(pool.server.currentDocument(ALICE)).toContain('fine');
    expect(pool.server.counters().bodiesValidatedOnWorkers).toBe(3);
  });

  it('given ten PUBLISHes for one AOR sent back to back, when validated on the worker, then they are processed in arrival order', async () => {
    const pool = await withPool();
    const peer = await pool.udpPeer();
    const built = Array.from({ length: 10 }, (_, i) =>
      peer.build({ ...publishSpec(ALICE, { body: note(`step ${i}`) }), cseq: i + 1, callId: 'order@test' }),
    );
    for (const request of built) peer.sendRaw(request.text);
    const responses = await Promise.all(built.map((request) => peer.responseTo(request.branch)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    // The same tuple id in every publication: the newest wins, and the newest is the last one sent.
    expect(pool.server.currentDocument(ALICE)).toContain('<note>step 9</note>');
    const order = peer.received
      .filter((r) => r.message.kind === 'response')
      .map((r) => Number((r.message.headers.get('cseq') ?? '').split(' ')[0]));
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(pool.server.counters().bodiesValidatedOnWorkers).toBe(10);
  });

  it('given a PUBLISH retransmitted while its body is being validated, when both arrive, then it is processed once', async () => {
    const pool = await withPool();
    const peer = await pool.udpPeer();
    const built = peer.build(publishSpec(ALICE, { body: note('once') }));
    peer.sendRaw(built.text);
    peer.sendRaw(built.text);
    expect((await peer.responseTo(built.branch)).status).toBe(200);
    await peer.request({ method: 'OPTIONS', uri: 'sip:example.com', from: '<sip:p@example.com>;tag=1', to: '<sip:example.com>' });
    expect(pool.server.counters()).toMatchObject({
      publicationsActive: 1,
      retransmissionsAbsorbed: 1,
      requestsByMethod: { PUBLISH: 1, OPTIONS: 1 },
    });
    // Absorbed while pending (Trying): the copy got no answer of its own. Inline, it would have got a second 200.
    expect(peer.received.filter((r) => r.message.kind === 'response' && r.raw.includes(built.branch))).toHaveLength(1);
    expect(pool.server.counters().bodiesValidatedOnWorkers).toBe(1);
  });

  it('given a body that smuggles a job separator and a forged job, when published, then it is refused and no other job is answered', async () => {
    const pool = await withPool();
    const victim = await pool.udpPeer();
    const attacker = await pool.udpPeer();
    const forged = `<x/>\u00021\u0001application/pidf+xml\u0001${pidf('sip:bob@example.com', [{ id: 'f', basic: 'open' }])}`;
    const victimRequest = victim.build(
      publishSpec('sip:bob@example.com', { body: '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple>' }),
    );
    victim.sendRaw(victimRequest.text);
    const attack = await attacker.request(publishSpec(ALICE, { body: forged }));
    expect(attack.status).toBe(400);
    expect((await victim.responseTo(victimRequest.branch)).status).toBe(400);
    expect(pool.server.counters().publicationsActive).toBe(0);
  });

  it('given a watched AOR, when its presence changes, then watchers get the new document', async () => {
    const pool = await withPool();
    const watcher = await pool.udpPeer();
    const epa = await pool.udpPeer();
    await epa.request(publishSpec(ALICE, { body: note('before anyone watched') }));
    await watcher.request(subscribeSpec(watcher, ALICE));
    expect((await watcher.nextRequest()).body).toContain('before anyone watched');
    await epa.request(publishSpec(ALICE, { body: note('while watched') }));
    expect((await watcher.nextRequest()).body).toContain('while watched');
  });

  it('given a worker that cannot start, when PUBLISHes arrive, then they are validated inline and the failure is logged', async () => {
    const pool = await withPool(new URL('data:text/javascript,throw new Error("no worker here")'));
    const peer = await pool.udpPeer();
    expect((await peer.request(publishSpec(ALICE, { body: note('inline after all') }))).status).toBe(200);
    expect(pool.server.currentDocument(ALICE)).toContain('inline after all');
    await expect.poll(() => pool.log.some((e) => e.what === 'validator-failed')).toBe(true);
    expect(pool.server.counters().bodiesValidatedOnWorkers).toBe(0);
  });
});
