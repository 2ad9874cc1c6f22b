/**
 * Rules that keep the UDP listener from being a reflector or amplifier. A UDP source address can be forged,
 * so whatever we send in answer may hit a third party who never asked for it.
 *
 *   - Anti-reflection: a NOTIFY over UDP goes to the address the SUBSCRIBE came from. It goes to another
 *     next hop (the Contact, or the first Record-Route) only when that next hop is the source itself or
 *     the watcher has registered from it: a registration from that address is the watcher saying "reach me
 *     here". Otherwise a forged SUBSCRIBE would send NOTIFYs, retransmitted by Timer E (RFC 3261 §17.1.2.2),
 *     to any address it names.
 *   - Amplification bound: a response over UDP is at most `udpAmplificationFactor` times the request's
 *     size. A response echoes the request's Via, From, To, Call-ID and CSeq and adds a few fixed headers;
 *     the one answer that grows with stored state is a REGISTER's 200 listing bindings (RFC 3261 §10.3 step
 *     8), so that list is what is cut to fit (the 200 then says so in a Warning).
 */

/** An IP address and port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** Whether a UDP NOTIFY may go to `nextHop` rather than to the SUBSCRIBE's `source` (see the module comment). */
export function mayNotifyAt(nextHop: Endpoint, source: Endpoint, isRegisteredFrom: (endpoint: Endpoint) => boolean): boolean {
  return (nextHop.address === source.address && nextHop.port === source.port) || isRegisteredFrom(nextHop);
}

/** Bytes the headers a handler adds to a UDP response may take: the response echoes about the request's own size already. */
export function udpResponseBudget(requestBytes: number, amplificationFactor: number): number {
  return Math.max(0, (amplificationFactor - 1) * requestBytes);
}
