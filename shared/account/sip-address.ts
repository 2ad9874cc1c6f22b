/**
 * Reading what a person types as a SIP address (a buddy's or their own address-of-record) or as a
 * server address, into a normalised URI — or one sentence saying what is wrong with it.
 *
 * Grammar: RFC 3261 §25.1 (SIP-URI, userinfo, hostport) and §19.1.1 (URI components). We accept the
 * subset a person uses for an AOR — `sip:`/`sips:`, a user part, a host, an optional port, no URI
 * parameters or headers (an AOR names a person, not a route) — and, for servers, the `transport`
 * parameter (RFC 3261 §19.1.1; `ws`/`wss` from RFC 7118 §5.2). Both sides use these: the renderer for
 * instant form feedback, the main process again because the renderer is not trusted.
 */
import { isSipTransport, type SipTransport } from '../sip/transport';

/** Longest address we accept; real AORs are far shorter, this bounds what we store and send. */
export const MAX_SIP_ADDRESS_LENGTH = 256;

/** The result of reading user input: the normalised value, or a sentence for the user. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** A SIP address-of-record, normalised: lower-case scheme and host, `sip:` added when missing. */
export interface SipAddress {
  readonly scheme: 'sip' | 'sips';
  /** The user part, still %-escaped as typed (RFC 3261 §19.1.2: compared case-sensitively). */
  readonly user: string;
  readonly host: string;
  readonly port: number | null;
  /** `sip:user@host[:port]` */
  readonly uri: string;
}

/** A server or outbound proxy: where to send requests and over which transport. */
export interface SipServerAddress {
  readonly scheme: 'sip' | 'sips';
  readonly host: string;
  readonly port: number | null;
  readonly transport: SipTransport;
  /** `sip:host[:port];transport=x` (always with the transport, so nobody has to guess). */
  readonly uri: string;
}

// RFC 3261 §25.1: user = 1*( unreserved / escaped / user-unreserved ). The unreserved marks and
// user-unreserved characters, without the ones that would confuse a form (quotes, spaces).
const USER_PART = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
// hostname = *( domainlabel "." ) toplabel [ "." ]; labels start and end alphanumeric.
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_REFERENCE = /^\[[0-9A-Fa-f:.]{2,45}\]$/;

const EXAMPLE_AOR = 'sip:name@example.com';

/**
 * Reads a person's SIP address: `sip:bob@example.com`, `sips:bob@example.com:5061`, or `bob@example.com`
 * (the `sip:` is added). Rejects anything without a user and a host, with parameters or headers, or
 * with characters a SIP URI cannot carry.
 */
export function parseSipAddress(input: string): Parsed<SipAddress> {
  const text = input.trim();
  if (text === '') return fail(`Enter a SIP address, like ${EXAMPLE_AOR}.`);
  if (text.length > MAX_SIP_ADDRESS_LENGTH) return fail(`A SIP address can have at most ${MAX_SIP_ADDRESS_LENGTH} characters.`);
  if (/\s/.test(text)) return fail(`A SIP address cannot contain spaces; it looks like ${EXAMPLE_AOR}.`);

  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  let scheme: 'sip' | 'sips' = 'sip';
  let rest = text;
  if (schemeMatch) {
    const name = schemeMatch[1]!.toLowerCase();
    if (name !== 'sip' && name !== 'sips')
      return fail(`“${schemeMatch[1]}:” is not a SIP address; use sip: or sips:, like ${EXAMPLE_AOR}.`);
    scheme = name;
    rest = text.slice(schemeMatch[0].length);
  }

  const at = rest.lastIndexOf('@');
  if (at < 0) return fail(`“${text}” has no user part: a SIP address looks like ${EXAMPLE_AOR}.`);
  const user = rest.slice(0, at);
  const hostport = rest.slice(at + 1);
  if (user === '') return fail(`“${text}” has no user before the @: a SIP address looks like ${EXAMPLE_AOR}.`);
  if (user.includes(':')) return fail('Put no password in a SIP address; enter it in the account settings instead.');
  if (user.includes('@') || !USER_PART.test(user)) return fail(`The user part “${user}” contains characters a SIP address cannot carry.`);
  if (hostport === '') return fail(`“${text}” has no domain after the @: a SIP address looks like ${EXAMPLE_AOR}.`);
  if (/[;?]/.test(hostport)) return fail('A SIP address for a person takes no parameters (;…) or headers (?…).');

  const host = parseHostPort(hostport);
  if (!host.ok) return host;
  const { hostname, port } = host.value;
  const uri = `${scheme}:${user}@${hostname}${port === null ? '' : `:${port}`}`;
  return { ok: true, value: { scheme, user, host: hostname, port, uri } };
}

/**
 * Reads a server or outbound proxy address: `pbx.example.com`, `pbx.example.com:5061`,
 * `sip:pbx.example.com;transport=tcp`, `sips:pbx.example.com`. The transport comes from the URI's
 * `transport` parameter, else `fallbackTransport` (the form's transport choice), else `udp`
 * (`tls` for `sips:`, RFC 3261 §26.2.2). A user part is accepted and dropped.
 */
export function parseSipServer(input: string, fallbackTransport?: SipTransport): Parsed<SipServerAddress> {
  const text = input.trim();
  const example = 'sip:pbx.example.com;transport=tls';
  if (text === '') return fail(`Enter a server address, like pbx.example.com or ${example}.`);
  if (text.length > MAX_SIP_ADDRESS_LENGTH) return fail(`A server address can have at most ${MAX_SIP_ADDRESS_LENGTH} characters.`);
  if (/\s/.test(text)) return fail('A server address cannot contain spaces.');
  if (/^(wss?|https?):\/\//i.test(text)) {
    return fail(
      `Write the server as a SIP address (${example.replace('tls', 'wss')}) and choose the transport; the WebSocket path has its own field.`,
    );
  }

  // `sip:`/`sips:` always name the scheme; any other `word:` does unless a port follows (`host:5060`).
  const schemeMatch = /^(sips?):/i.exec(text) ?? /^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)/.exec(text);
  let scheme: 'sip' | 'sips' = 'sip';
  let rest = text;
  if (schemeMatch) {
    const name = schemeMatch[1]!.toLowerCase();
    if (name !== 'sip' && name !== 'sips')
      return fail(`“${schemeMatch[1]}:” is not a SIP server address; use sip: or sips:, like ${example}.`);
    scheme = name;
    rest = text.slice(schemeMatch[0].length);
  }
  if (rest.includes('?')) return fail('A server address takes no headers (?…).');

  const [hostpartRaw = '', ...params] = rest.split(';');
  const hostpart = hostpartRaw.slice(hostpartRaw.lastIndexOf('@') + 1);
  let transport: SipTransport | null = null;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.toLowerCase() !== 'transport') continue;
    const lower = value.toLowerCase();
    if (!isSipTransport(lower)) {
      return fail(`Transport “${value}” is not one Presently speaks; choose UDP, TCP, TLS, WS or WSS.`);
    }
    transport = lower;
  }
  transport ??= fallbackTransport ?? (scheme === 'sips' ? 'tls' : 'udp');
  if (scheme === 'sips' && (transport === 'udp' || transport === 'tcp' || transport === 'ws')) {
    return fail(`A sips: server needs a secure transport (TLS or WSS), not ${transport.toUpperCase()}.`);
  }

  const host = parseHostPort(hostpart);
  if (!host.ok) return host;
  const { hostname, port } = host.value;
  const uri = `${scheme}:${hostname}${port === null ? '' : `:${port}`};transport=${transport}`;
  return { ok: true, value: { scheme, host: hostname, port, transport, uri } };
}

/** Reads `host[:port]`, `[IPv6][:port]`: the host lower-cased (IPv6 kept in brackets), the port null when absent. */
export function parseHostPort(hostport: string): Parsed<{ hostname: string; port: number | null }> {
  let hostname = hostport;
  let portText: string | null = null;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return fail(`“${hostport}” opens an IPv6 address with [ but does not close it.`);
    hostname = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return fail(`“${hostport}” has text after the IPv6 address.`);
      portText = after.slice(1);
    }
    if (!IPV6_REFERENCE.test(hostname)) return fail(`“${hostname}” is not an IPv6 address.`);
  } else {
    const colon = hostport.indexOf(':');
    if (colon >= 0) {
      hostname = hostport.slice(0, colon);
      portText = hostport.slice(colon + 1);
    }
    if (hostname === '') return fail('The address has no domain or host.');
    if (!IPV4.test(hostname) && (/^[\d.]+$/.test(hostname) || !HOSTNAME.test(hostname))) {
      return fail(`“${hostname}” is not a valid domain or IP address.`);
    }
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return fail(`Port “${portText}” must be a number from 1 to 65535.`);
    }
    port = Number(portText);
  }
  return { ok: true, value: { hostname: hostname.toLowerCase(), port } };
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/**
 * The settings form shows a server as an address (`pbx.example.com:5061`, or `sips:…`) and a separate
 * transport choice; these two functions convert between that and the stored URI.
 */
export function splitServerUri(uri: string): { address: string; transport: SipTransport } {
  const parsed = parseSipServer(uri);
  if (!parsed.ok) return { address: uri, transport: 'udp' };
  const { scheme, host, port, transport } = parsed.value;
  return { address: `${scheme === 'sips' ? 'sips:' : ''}${host}${port === null ? '' : `:${port}`}`, transport };
}

/**
 * Joins the form's address and transport choice into a server URI. Unreadable input comes back with
 * the transport appended, so that checking it later reports what is wrong with it.
 */
export function joinServerUri(address: string, transport: SipTransport): string {
  const withoutTransport = address.trim().replace(/;transport=[^;]*/gi, '');
  if (withoutTransport === '') return '';
  const parsed = parseSipServer(withoutTransport, transport);
  return parsed.ok ? parsed.value.uri : `${withoutTransport};transport=${transport}`;
}
