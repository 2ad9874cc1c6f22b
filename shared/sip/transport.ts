/**
 * The transports SIP runs over here: RFC 3261 §18 (UDP, TCP, TLS) and RFC 7118 (WebSocket: WS, WSS),
 * written lower case as in a URI's `transport` parameter (RFC 3261 §19.1.1). The account form, the SIP
 * engine, the trace and the compositor all name transports with this one list.
 */

/** A transport a SIP message can travel on. */
export type SipTransport = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** Every transport, in the order the account form offers them. */
export const SIP_TRANSPORTS: readonly SipTransport[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** Whether `value` (already lower case) names one of SIP_TRANSPORTS. */
export function isSipTransport(value: string): value is SipTransport {
  return (SIP_TRANSPORTS as readonly string[]).includes(value);
}
