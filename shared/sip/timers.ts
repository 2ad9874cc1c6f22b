/**
 * The RFC 3261 §17.1.1.1 timer defaults, in milliseconds, for every transaction layer in the app: the
 * client's reliability layer (electron/sip/transport/) and the compositor's client and server transactions
 * (electron/compositor/transaction/). Each takes its values as options, so tests can shorten them; these
 * are what they start from.
 */

/** T1: the round-trip time estimate, and the first retransmission interval over UDP. */
export const T1_MS = 500;

/** T2: the longest retransmission interval for non-INVITE requests (§17.1.2.2). */
export const T2_MS = 4_000;

/** T4: the longest time a message stays in the network (Timer K, §17.1.2.2). */
export const T4_MS = 5_000;

/**
 * 64·T1: how long a transaction lives — Timer F, after which a non-INVITE client transaction has failed
 * (§17.1.2.2), and Timer J, how long a UDP server transaction answers retransmissions (§17.2.2).
 */
export function transactionTimeoutMs(t1Ms: number): number {
  return 64 * t1Ms;
}
