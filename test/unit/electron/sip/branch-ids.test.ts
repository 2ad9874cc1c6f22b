/**
 * The Via branches of our client transactions (transport/branch-ids.ts): sip.js's own have 23 random bits, so two of
 * 5,000 SUBSCRIBEs in flight shared one; ours are 96 bits, through the same static maker sip.js's transactions call.
 */
import { ClientTransaction, type OutgoingRequestMessage } from 'sip.js/lib/core/index.js';
import { describe, expect, it } from 'vitest';
import '../../../../electron/sip/sip-stack';

const makeId = (request: Partial<OutgoingRequestMessage>): string =>
  (ClientTransaction as unknown as { makeId(request: Partial<OutgoingRequestMessage>): string }).makeId(request);

describe('client transaction branches', () => {
  it('given the SIP stack loaded, when 50,000 transactions are made, then every branch is distinct, RFC 3261 style', () => {
    const branches = Array.from({ length: 50_000 }, () => makeId({ method: 'SUBSCRIBE' }));
    expect(new Set(branches).size).toBe(50_000);
    for (const branch of branches.slice(0, 100)) expect(branch).toMatch(/^z9hG4bK[A-Za-z0-9_-]{16}$/);
  });

  it('given a CANCEL, then it keeps the branch of the request it cancels (RFC 3261 §9.1)', () => {
    expect(makeId({ method: 'CANCEL', branch: 'z9hG4bKinvite1' })).toBe('z9hG4bKinvite1');
  });
});
