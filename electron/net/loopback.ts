/**
 * Loopback: only processes on this machine reach a server bound to it, or send from it. One predicate for the
 * addresses a server is told to bind (names included) and for the addresses requests come from (IPv4-mapped IPv6
 * included, as Node reports IPv4 peers on a dual-stack socket).
 */

/** Whether a host name or address is loopback: `localhost`, 127.0.0.0/8, `::1`, `[::1]`, `::ffff:127.x.y.z`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ipv4 = bare.toLowerCase().startsWith('::ffff:') ? bare.slice('::ffff:'.length) : bare;
  return bare === '::1' || bare.toLowerCase() === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ipv4);
}
