/**
 * Via branches with enough randomness. sip.js 0.21 makes a client transaction's branch as `z9hG4bK` plus
 * `Math.floor(Math.random() * 10000000)`: about 23 bits. RFC 3261 §8.1.1.7 asks for a branch unique across space and
 * time, because the branch is what identifies the transaction on both sides (§17.1.3, §17.2.3). With thousands of
 * SUBSCRIBEs in flight two of them share a branch about once per 5,000 (the birthday bound); the server then takes
 * the second as a retransmission of the first and answers it with the first's response, our reliability layer
 * tracks one where there are two, and the buddy waits for Timer F and a retry (measured: 2–3 of 5,000 buddies shown
 * only after 40 s in `npm run bench:buddies`, every other one within 6 s).
 *
 * So the core's branch maker is replaced, once, by one with 96 random bits. It is a static method the transaction
 * constructor calls through its class, which is what makes this replacement take; CANCEL keeps its INVITE's branch.
 */
import { ClientTransaction, type OutgoingRequestMessage } from 'sip.js/lib/core/index.js';
import { randomToken } from '../../net/random-token';

/** RFC 3261 §8.1.1.7's magic cookie, which says the branch was made by an RFC 3261 client. */
export const BRANCH_COOKIE = 'z9hG4bK';

/** A branch for a new client transaction: the cookie and 96 random bits, base64url (all token characters). */
export function newBranch(): string {
  return BRANCH_COOKIE + randomToken(12);
}

type MakeId = (request: OutgoingRequestMessage) => string;
const sipJsMakeId = (ClientTransaction as unknown as { makeId: MakeId }).makeId;

/** Installs `newBranch` as sip.js's branch maker; harmless twice. */
export function useRandomBranches(): void {
  (ClientTransaction as unknown as { makeId: MakeId }).makeId = (request) =>
    request.method === 'CANCEL' ? sipJsMakeId(request) : newBranch();
}
