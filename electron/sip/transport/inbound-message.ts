/**
 * The fast inbound path: turns a received SIP message into the `IncomingRequestMessage` or `IncomingResponseMessage`
 * sip.js's core expects, without sip.js's message grammar. sip.js's `Parser.parseMessage` runs its PEG grammar once
 * per start line and once per well-known header, at about 0.1 ms a run, which limits the client to a few hundred
 * NOTIFYs a second; this reader builds the same objects in microseconds.
 *
 * What it sets is exactly what `Parser.parseMessage` sets: `data`, `body`, `headers` (names as sip.js spells them,
 * each `{ raw, parsed }`), `method` and `ruri` or `statusCode` and `reasonPhrase`, `via` and `viaBranch` (top Via,
 * RFC 3261 §20.42), `from`/`to` with `fromTag`/`toTag` (§20.20, §20.39), `callId` (§20.8), `cseq` (§20.16; a
 * response's `method` from it), and the parsed values of Contact and Record-Route (split per value, §20.10, §20.30),
 * Content-Length, Content-Type and Max-Forwards. Every other header stays raw and is parsed by sip.js's grammar only
 * if someone asks for it (`parseHeader`), as sip.js does — except Event and Subscription-State (RFC 6665 §8.2.1,
 * §8.2.3), whose common forms get their parsed value here too, because the core reads both for every NOTIFY.
 *
 * It reads only the common shapes, each a subset of what sip.js's grammar accepts, and builds the values that grammar
 * would: lower-cased `transport` and `user` URI parameters, `q` and `expires` of a Contact as sip.js normalises them,
 * and so on. Anything else — a folded line, a bare LF, an IPv6 host, an escaped user, a URI header, a quoted-pair,
 * WWW-Authenticate or Refer-To, a parameter name that only begins like one sip.js knows (`lrx`),
 * whatever sip.js might read differently — makes `readInboundMessage` give up on the whole message, and
 * `parseInboundMessage` hands it to sip.js's parser instead, so such a message is read, or refused, exactly as before.
 * Optional values it cannot read (an Event with parameters) are left to sip.js's grammar on demand — up to
 * MAX_UNREAD_EVENT_VALUE characters for Event and Subscription-State, which the core parses for every NOTIFY. And a
 * message handed to sip.js's parser may give its grammar at most MAX_GRAMMAR_WORK characters and have no header line
 * without a colon: the grammar's cost grows with the text, sip.js's parser's with the square of colon-less lines, and a
 * long damaged message would otherwise hold the engine for a tenth of a second or more.
 *
 * Linear time on any input: each reader is an index scan or an anchored regular expression whose parts cannot overlap.
 */
import { NameAddrHeader, URI } from 'sip.js/lib/grammar/index.js';
import { IncomingRequestMessage, IncomingResponseMessage, Parser, type Logger } from 'sip.js/lib/core/index.js';
import { headerize } from 'sip.js/lib/core/messages/utils.js';
import { commaValueEnd, isToken } from '../../../shared/sip/header-values';
import { findHeaderSectionEnd, forEachHeaderField } from '../../../shared/sip/header-section';
import { readStartLine } from '../../../shared/sip/start-line';

/** A message as sip.js's core takes it. */
export type IncomingSipMessage = IncomingRequestMessage | IncomingResponseMessage;

/** Which reader turns inbound text into sip.js messages: ours with sip.js's as the fallback, or sip.js's alone. */
export type InboundParser = 'fast' | 'sip.js';

/** One header as sip.js's `IncomingMessage` keeps it. */
interface HeaderEntry {
  raw: string;
  parsed?: unknown;
}

/** The top Via as sip.js's grammar returns it (RFC 3261 §20.42; the generic parameters only when there are some). */
interface ParsedVia {
  protocol: string;
  transport: string;
  host_type: 'IPv4' | 'domain';
  host: string;
  port?: number;
  branch?: string;
  rport?: string;
  received?: string;
  params?: Record<string, string | undefined>;
}

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;

/** The methods sip.js's grammar knows by name, and the extension methods that do not begin like one of them. */
const METHODS = new Set(['INVITE', 'ACK', 'OPTIONS', 'BYE', 'CANCEL', 'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'PUBLISH']);
const OTHER_METHODS = new Set(['MESSAGE', 'INFO', 'PRACK', 'UPDATE']);
/** The media types sip.js's grammar names (RFC 3261 §20.15 `m-type`); any other type is read by its grammar. */
const MEDIA_TYPES = new Set(['text', 'image', 'audio', 'video', 'application', 'message', 'multipart']);
/** Via transports (RFC 3261 §20.42, RFC 7118 §5.1); a longer word beginning like UDP, TCP or TLS sip.js may refuse. */
const VIA_TRANSPORTS = new Set(['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS']);
const SUBSCRIPTION_STATES = new Set(['active', 'pending', 'terminated']);
/** RFC 6665 §8.4 event-reason-value, as sip.js's grammar lists them. */
const TERMINATION_REASONS = new Set(['deactivated', 'probation', 'rejected', 'timeout', 'giveup', 'noresource', 'invariant']);

/** URI parameters sip.js's grammar reads by name; one that begins like these but is longer it may refuse. */
const URI_PARAMS = ['transport', 'user', 'method', 'ttl', 'maddr', 'lr'];
const VIA_PARAMS = ['ttl', 'maddr', 'received', 'branch', 'rport'];
const CONTACT_PARAMS = ['q', 'expires'];
const FROM_TO_PARAMS = ['tag'];
const NO_PARAMS: readonly string[] = [];

/** RFC 3261 §25.1 `unreserved` (alphanum and - _ . ! ~ * ' ( )) plus `+`: user parts and URI parameters read here. */
const URI_CHARS = /^[A-Za-z0-9\-_.!~*'()+]+$/;
/** RFC 3261 §25.1 `callid = word [ "@" word ]`, exactly as sip.js's grammar reads it. */
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(?:@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;
/** A reason phrase of RFC 3261 §25.1 `reserved`, `unreserved`, SP and HTAB characters (no escapes, no UTF-8). */
const REASON_PHRASE = /^[A-Za-z0-9 \t;/?:@&=+$,\-_.!~*'()]*$/;
/** A quoted string without quoted-pairs, of printable ASCII (display names, header parameter values). */
const SIMPLE_QUOTED = /^"[ !#-[\]-~]*"$/;
const DIGITS = /^[0-9]{1,10}$/;
/** sip.js's grammar for Content-Length and Max-Forwards: `1*DIGIT`. */
const ALL_DIGITS = /^[0-9]+$/;
/** RFC 3261 §8.1.1.5: a CSeq sequence number is below 2^31. */
const MAX_CSEQ = 2 ** 31 - 1;
/** RFC 3261 §20.10 `qvalue`. */
const QVALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
/** A host name whose labels start and end with an alphanumeric and whose top label starts with a letter. */
const HOSTNAME = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** RFC 6665 §8.4 `event-type` without parameters: dot-separated tokens. */
const EVENT_TYPE = /^[A-Za-z0-9\-!%*_+`'~]+(?:\.[A-Za-z0-9\-!%*_+`'~]+)*$/;

/** Thrown inside the reader when the message holds something it does not read; caught in readInboundMessage. */
class NotReadHere extends Error {}

/** Thrown where sip.js's grammar is sure to refuse the message (see `refuse`); caught in readInboundMessage. */
class SureRefusal extends Error {}

function giveUp(): never {
  throw new NotReadHere();
}

/**
 * For the few headers whose grammar in sip.js is exactly a character class (Call-ID's `word ["@" word]`, the digits
 * of Content-Length and Max-Forwards; the unit tests check every character against that grammar): a value outside
 * it makes `Parser.parseMessage` refuse the message. Saying so here spares a hostile message sip.js's grammar, which
 * takes up to hundreds of milliseconds on a long malformed value before it refuses.
 */
function refuse(): never {
  throw new SureRefusal();
}

/**
 * The longest Event or Subscription-State value left to sip.js's grammar when this reader cannot read it. The core
 * parses both for every NOTIFY, and the grammar takes about 10 µs per parameter (160 ms for a 32 KB run of `;a`); real
 * values are a few dozen characters (`presence;id=7`, `active;expires=600;retry-after=30`). A longer one that is
 * not in the common form is refused as unparsable (400) — the one place this reader refuses what sip.js might read.
 */
const MAX_UNREAD_EVENT_VALUE = 256;

/**
 * The most work sip.js's grammar may be given for one message this reader leaves to it, in characters: the start line
 * plus the values of the headers sip.js's parser reads at once (see `GRAMMAR_HEADERS`), each header counted
 * GRAMMAR_RUN_COST characters more for the run itself. Measured here, the grammar takes 3–7 µs per character and
 * 60–120 µs per run, so a message past this bound would take it tens to hundreds of milliseconds, which a peer could
 * repeat at will. The messages that do need sip.js's parser (a challenge, an IPv6 host, a folded line) are a few hundred
 * characters; a REGISTER response listing a dozen bindings with IPv6 contacts stays below it too.
 */
const MAX_GRAMMAR_WORK = 4096;
const GRAMMAR_RUN_COST = 16;

// prettier-ignore
const GRAMMAR_HEADERS = new Set([
  'via', 'v', 'from', 'f', 'to', 't', 'record-route', 'call-id', 'i', 'contact', 'm', 'content-length', 'l', 'content-type', 'c',
  'cseq', 'max-forwards', 'www-authenticate', 'proxy-authenticate', 'refer-to', 'r', 'event', 'o', 'subscription-state',
]);

/**
 * How many characters sip.js's grammar would run over for `text`, split into header lines as sip.js's parser splits
 * them (at CRLF, a line beginning with whitespace continuing the one before); counting stops past MAX_GRAMMAR_WORK.
 * Infinite for a header line without a colon, which sip.js's parser reads in time quadratic in the message.
 */
function grammarWorkOf(text: string): number {
  const firstBreak = text.indexOf('\r\n');
  if (firstBreak === -1) return 0; // sip.js discards it without a grammar run
  let work = firstBreak;
  let sawVia = false;
  for (let start = firstBreak + 2; work <= MAX_GRAMMAR_WORK && !text.startsWith('\r\n', start);) {
    let end = text.indexOf('\r\n', start);
    while (end !== -1 && !text.startsWith('\r\n', end + 2) && /\s/.test(text.charAt(end + 2))) end = text.indexOf('\r\n', end + 2);
    if (end === -1) break; // sip.js discards it as malformed
    const colon = indexWithin(text, ':', start, end);
    // sip.js takes the name up to the next colon anywhere in the message (or, with none, everything before the line):
    // a run of lines without one costs it time quadratic in the message. Such a line is no header field (RFC 3261 §7.3).
    if (colon === -1) return Number.POSITIVE_INFINITY;
    const name = text.slice(start, colon).trim().toLowerCase();
    const isVia = name === 'via' || name === 'v';
    if (GRAMMAR_HEADERS.has(name) && !(isVia && sawVia)) work += end - colon + GRAMMAR_RUN_COST;
    sawVia ||= isVia;
    start = end + 2;
  }
  return work;
}

/** The first `char` in `text` from `from` up to `end`, or -1: a scan that never goes past the line. */
function indexWithin(text: string, char: string, from: number, end: number): number {
  for (let i = from; i < end; i++) if (text[i] === char) return i;
  return -1;
}

/**
 * Reads `text` with our reader and, where it gives up, with sip.js's `Parser.parseMessage`; undefined when the message
 * cannot be parsed (as sip.js's parser would say). With `parser: 'sip.js'` only sip.js's parser runs (the figure before
 * this path).
 */
export function parseInboundMessage(text: string, logger: Logger, parser: InboundParser = 'fast'): IncomingSipMessage | undefined {
  if (parser === 'fast') {
    const reading = readInboundMessage(text);
    if (reading === 'unparsable') {
      logger.warn('a header sip.js cannot parse, message discarded');
      return undefined;
    }
    if (reading !== null) return reading;
    if (grammarWorkOf(text) > MAX_GRAMMAR_WORK) {
      logger.warn(
        `a message this reader cannot read and sip.js's parser would take too long over (a header line without a colon, or more than ${MAX_GRAMMAR_WORK} characters for its grammar), message discarded`,
      );
      return undefined;
    }
  }
  try {
    const message = Parser.parseMessage(text, logger);
    if (message !== undefined && !(message.cseq <= MAX_CSEQ)) {
      logger.warn('a CSeq number of 2^31 or more (RFC 3261 §8.1.1.5), message discarded');
      return undefined;
    }
    return message;
  } catch (error) {
    // sip.js's parser throws on some values its grammar refuses (a response whose CSeq does not parse reads
    // `.method` of undefined): the message is unparsable, not a reason to take the engine down.
    logger.warn(`sip.js's parser failed (${error instanceof Error ? error.message : String(error)}), message discarded`);
    return undefined;
  }
}

/**
 * The message as sip.js's parser would build it; `unparsable` where that parser is sure to refuse it (see `refuse`);
 * null when it holds something this reader leaves to sip.js's parser.
 */
export function readInboundMessage(text: string): IncomingSipMessage | 'unparsable' | null {
  try {
    return readMessage(text);
  } catch (error) {
    if (error instanceof NotReadHere) return null;
    if (error instanceof SureRefusal) return 'unparsable';
    throw error;
  }
}

function readMessage(text: string): IncomingSipMessage {
  const end = findHeaderSectionEnd(text);
  // sip.js splits lines at CRLF only (RFC 3261 §7); a bare CR or LF in the header section it reads its own way.
  if (end === null || !text.startsWith('\r\n\r\n', end.headEnd) || !hasOnlyCrlf(text, end.headEnd)) giveUp();
  const firstBreak = text.indexOf('\r\n');
  const message = readFirstLine(text.slice(0, firstBreak));
  const headers: Record<string, HeaderEntry[]> = {};
  const malformed = forEachHeaderField(
    text,
    (_key, value, name, fieldStart, fieldEnd) => {
      // A folded field (RFC 3261 §7.3.1): sip.js keeps its line breaks in the value.
      if (text.indexOf('\r\n', fieldStart) !== fieldEnd) giveUp();
      readHeader(message, headers, name.toLowerCase(), value);
    },
    'strict',
  );
  if (malformed !== null) giveUp();
  message.headers = headers;
  message.data = text;
  // RFC 3261 §18.3: bytes beyond Content-Length are discarded; sip.js counts them in UTF-16 units, and so do we.
  const length = headers['Content-Length']?.[0]?.parsed;
  message.body = typeof length === 'number' ? text.substr(end.bodyStart, length) : text.substring(end.bodyStart);
  return message;
}

function hasOnlyCrlf(text: string, headEnd: number): boolean {
  for (let lf = text.indexOf('\n'); lf !== -1 && lf < headEnd; lf = text.indexOf('\n', lf + 1))
    if (text.charCodeAt(lf - 1) !== CR) return false;
  for (let cr = text.indexOf('\r'); cr !== -1 && cr < headEnd; cr = text.indexOf('\r', cr + 1))
    if (text.charCodeAt(cr + 1) !== LF) return false;
  return true;
}

/** RFC 3261 §7.1 Request-Line or §7.2 Status-Line, in SIP/2.0 exactly. */
function readFirstLine(line: string): IncomingSipMessage {
  const start = readStartLine(line);
  if (start === null) giveUp();
  if (start.kind === 'response') {
    // sip.js requires the space before an empty reason phrase.
    if (!line.startsWith('SIP/2.0 ') || line.length < 12 || !REASON_PHRASE.test(start.reason)) giveUp();
    const response = new IncomingResponseMessage();
    response.statusCode = start.status;
    response.reasonPhrase = start.reason;
    return response;
  }
  if (!line.endsWith(' SIP/2.0') || !isKnownMethod(start.method)) giveUp();
  const request = new IncomingRequestMessage();
  request.method = start.method;
  request.ruri = readUri(start.requestUri, true);
  return request;
}

function isKnownMethod(method: string): boolean {
  return METHODS.has(method) || OTHER_METHODS.has(method);
}

/** One header field, as sip.js's `Parser.parseHeader` files it: by the name in lower case, compact forms of §7.3.3 it knows. */
function readHeader(message: IncomingSipMessage, headers: Record<string, HeaderEntry[]>, name: string, value: string): void {
  switch (name) {
    case 'via':
    case 'v': {
      const vias = (headers['Via'] ??= []);
      // Only the top Via is parsed; sip.js parses one that holds several values its own way.
      if (vias.length === 0) {
        const via = readVia(value);
        vias.push({ raw: value, parsed: via });
        message.via = via as unknown as IncomingSipMessage['via'];
        message.viaBranch = via.branch as string;
      } else vias.push({ raw: value });
      return;
    }
    case 'from':
    case 'f': {
      const from = readNameAddr(value, FROM_TO_PARAMS, true);
      setLast(headers, 'From', value, from);
      message.from = from;
      message.fromTag = from.getParam('tag') as string;
      return;
    }
    case 'to':
    case 't': {
      const to = readNameAddr(value, FROM_TO_PARAMS, true);
      setLast(headers, 'To', value, to);
      message.to = to;
      message.toTag = to.getParam('tag') as string;
      return;
    }
    case 'call-id':
    case 'i':
      if (!CALL_ID.test(value)) refuse();
      setLast(headers, 'Call-ID', value, value);
      message.callId = value;
      return;
    case 'cseq': {
      const cseq = readCSeq(value);
      setLast(headers, 'CSeq', value, cseq);
      message.cseq = cseq.value;
      if (message instanceof IncomingResponseMessage) message.method = cseq.method;
      return;
    }
    case 'contact':
    case 'm':
      addEach(headers, 'Contact', value, (element) => readNameAddr(element, CONTACT_PARAMS, false));
      return;
    case 'record-route':
      addEach(headers, 'Record-Route', value, (element) => readNameAddr(element, NO_PARAMS, false));
      return;
    case 'content-length':
    case 'l':
    case 'max-forwards':
      if (!ALL_DIGITS.test(value)) refuse();
      if (!DIGITS.test(value)) giveUp(); // more digits than any real value: left to sip.js's parseInt
      setLast(headers, name === 'max-forwards' ? 'Max-Forwards' : 'Content-Length', value, Number(value));
      return;
    case 'content-type':
    case 'c':
      if (!isMediaType(value)) giveUp();
      setLast(headers, 'Content-Type', value, value);
      return;
    case 'www-authenticate':
    case 'proxy-authenticate':
    case 'refer-to':
    case 'r':
      giveUp(); // rare (a challenge, a REFER): sip.js's parser reads the whole message
    // eslint-disable-next-line no-fallthrough
    default: {
      const key = sipJsHeaderName(name);
      const entries = (headers[key] ??= []);
      const entry: HeaderEntry = { raw: value };
      // The core asks for the first of each; sip.js leaves any repetition raw until asked.
      const parsed =
        entries.length > 0
          ? undefined
          : key === 'Event'
            ? readEvent(value)
            : key === 'Subscription-State'
              ? readSubscriptionState(value)
              : undefined;
      if (parsed !== undefined) entry.parsed = parsed;
      else if ((key === 'Event' || key === 'Subscription-State') && value.length > MAX_UNREAD_EVENT_VALUE) refuse();
      entries.push(entry);
    }
  }
}

/** sip.js's spelling of header names (`x-foo` → `X-Foo`), remembered for the few dozen names real peers send. */
const headerNames = new Map<string, string>();
const MAX_REMEMBERED_HEADER_NAMES = 200;

function sipJsHeaderName(lowerCaseName: string): string {
  let key = headerNames.get(lowerCaseName);
  if (key === undefined) {
    key = headerize(lowerCaseName);
    // Bounded: a peer inventing names cannot grow it.
    if (headerNames.size < MAX_REMEMBERED_HEADER_NAMES) headerNames.set(lowerCaseName, key);
  }
  return key;
}

/** A header sip.js keeps once: each repetition is read (sip.js refuses the message if one is malformed), the last one stays. */
function setLast(headers: Record<string, HeaderEntry[]>, key: string, raw: string, parsed: unknown): void {
  headers[key] = [{ raw, parsed }];
}

/** Contact and Record-Route: one entry per comma-separated value (RFC 3261 §7.3.1), its text trimmed, as sip.js files them. */
function addEach(headers: Record<string, HeaderEntry[]>, key: string, value: string, read: (element: string) => NameAddrHeader): void {
  const entries = (headers[key] ??= []);
  for (let start = 0; start <= value.length;) {
    const end = commaValueEnd(value, start);
    const element = value.slice(start, end).trim();
    entries.push({ raw: element, parsed: read(element) });
    start = end + 1;
  }
}

/** `SIP/2.0/UDP host[:port];params`, one value (RFC 3261 §20.42, RFC 3581 `rport`). */
function readVia(value: string): ParsedVia {
  // A field of several values sip.js's grammar reads as one: left to it.
  if (!value.startsWith('SIP/2.0/') || value.includes(',')) giveUp();
  let i = 8;
  while (isLetter(value.charCodeAt(i))) i++;
  const transport = value.slice(8, i);
  if (!VIA_TRANSPORTS.has(transport.toUpperCase()) || !isSpaceOrTab(value.charCodeAt(i))) giveUp();
  while (isSpaceOrTab(value.charCodeAt(i))) i++;
  const paramsStart = indexOrEnd(value, ';', i);
  const colon = value.indexOf(':', i);
  const hostEnd = colon !== -1 && colon < paramsStart ? colon : paramsStart;
  const host = value.slice(i, hostEnd);
  const via: ParsedVia = { protocol: 'SIP', transport, host_type: hostType(host), host };
  if (hostEnd < paramsStart) via.port = readPort(value.slice(hostEnd + 1, paramsStart));
  forEachParam(value, paramsStart, VIA_PARAMS, (name, paramValue) => {
    if (name === 'branch' && paramValue !== undefined && isToken(paramValue)) via.branch = paramValue;
    else if (name === 'received' && paramValue !== undefined && IPV4.test(paramValue)) via.received = paramValue;
    else if (name === 'rport' && paramValue !== undefined && /^[0-9]{1,5}$/.test(paramValue)) via.rport = paramValue;
    else if (name === 'rport' && paramValue === undefined) (via.params ??= {}).rport = undefined;
    else if (VIA_PARAMS.includes(name)) giveUp();
    else (via.params ??= {})[name] = genericValue(paramValue);
  });
  return via;
}

/**
 * A name-addr (`"Bob" <sip:bob@host>;tag=1`, RFC 3261 §25.1) or, where `bareAllowed`, an addr-spec (`sip:bob@host;tag=1`,
 * whose parameters all belong to the header, §20.10). `known` are the header parameters sip.js's grammar reads by name.
 */
function readNameAddr(value: string, known: readonly string[], bareAllowed: boolean): NameAddrHeader {
  const open = value.indexOf('<');
  let displayName: string | undefined;
  let uri: URI;
  let paramsStart: number;
  if (open === -1) {
    if (!bareAllowed) giveUp();
    paramsStart = indexOrEnd(value, ';', 0);
    uri = readUri(value.slice(0, paramsStart), false);
  } else {
    const display = value.slice(0, open).trim();
    if (display.startsWith('"')) {
      if (!SIMPLE_QUOTED.test(display)) giveUp();
      displayName = display.slice(1, -1);
    } else if (display !== '') {
      if (!display.split(/[ \t]+/).every(isToken)) giveUp();
      displayName = display;
    }
    const close = value.indexOf('>', open);
    if (close === -1) giveUp();
    uri = readUri(value.slice(open + 1, close), true);
    paramsStart = close + 1;
    while (isSpaceOrTab(value.charCodeAt(paramsStart))) paramsStart++;
    if (paramsStart < value.length && value.charCodeAt(paramsStart) !== 59 /* ; */) giveUp();
  }
  // A parameter without a value is null, as sip.js's `Parameters` stores it.
  const params: Record<string, string | null> = {};
  let tag: string | undefined;
  forEachParam(value, paramsStart, known, (name, paramValue) => {
    if (name === 'tag' && known === FROM_TO_PARAMS) {
      if (paramValue === undefined || !isToken(paramValue) || tag !== undefined) giveUp();
      tag = paramValue;
    } else if (name === 'q' && known === CONTACT_PARAMS) {
      if (paramValue === undefined || !QVALUE.test(paramValue)) giveUp();
      params.q = String(parseFloat(paramValue));
    } else if (name === 'expires' && known === CONTACT_PARAMS) {
      if (paramValue === undefined || !DIGITS.test(paramValue)) giveUp();
      params.expires = String(parseInt(paramValue, 10));
    } else params[name] = genericValue(paramValue) ?? null;
  });
  // sip.js declares string values but stores null for a parameter without one.
  const header = new NameAddrHeader(uri, displayName as string, params as Record<string, string>);
  if (tag !== undefined) header.setParam('tag', tag);
  return header;
}

/** A generic-param value (RFC 3261 §25.1): a token or a simple quoted string, kept as written. */
function genericValue(value: string | undefined): string | undefined {
  if (value !== undefined && !isToken(value) && !SIMPLE_QUOTED.test(value)) giveUp();
  return value;
}

/**
 * Calls `visit` for each `;name[=value]` of `text` from `from` (a `;`, or the end), the name in lower case, with spaces
 * only around the `;`. A name that begins like one of `known` but is longer is left to sip.js (see the file comment).
 */
function forEachParam(
  text: string,
  from: number,
  known: readonly string[],
  visit: (name: string, value: string | undefined) => void,
): void {
  let i = from;
  while (i < text.length) {
    if (text.charCodeAt(i) !== 59 /* ; */) giveUp();
    i++;
    while (isSpaceOrTab(text.charCodeAt(i))) i++;
    const end = nextParamEnd(text, i);
    const param = text.slice(i, end).trimEnd();
    const equals = param.indexOf('=');
    const name = (equals === -1 ? param : param.slice(0, equals)).toLowerCase();
    if (!isToken(name) || known.some((k) => name !== k && name.startsWith(k))) giveUp();
    visit(name, equals === -1 ? undefined : param.slice(equals + 1));
    i = end;
  }
}

/** The next `;` after `from` outside a quoted string, or the end. */
function nextParamEnd(text: string, from: number): number {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 59 && !quoted) return i;
  }
  return text.length;
}

/**
 * A `sip:` or `sips:` URI (RFC 3261 §19.1.1) as sip.js's `URI`: an unescaped user, a host name or IPv4 address, a port,
 * and (with `withParams`) parameters; no password, no headers.
 */
function readUri(text: string, withParams: boolean): URI {
  const scheme = text.startsWith('sip:') ? 'sip' : text.startsWith('sips:') ? 'sips' : giveUp();
  const from = scheme.length + 1;
  const paramsStart = indexOrEnd(text, ';', from);
  if (!withParams && paramsStart !== text.length) giveUp();
  const at = text.indexOf('@', from);
  let user: string | undefined;
  let hostStart = from;
  if (at !== -1 && at < paramsStart) {
    user = text.slice(from, at);
    if (!URI_CHARS.test(user)) giveUp();
    hostStart = at + 1;
  }
  const colon = text.indexOf(':', hostStart);
  const hostEnd = colon !== -1 && colon < paramsStart ? colon : paramsStart;
  const host = text.slice(hostStart, hostEnd);
  hostType(host); // gives up on a host this reader does not know (a URI keeps no host type)
  const port = hostEnd < paramsStart ? readPort(text.slice(hostEnd + 1, paramsStart)) : undefined;
  const params: Record<string, string | null> = {};
  for (let i = paramsStart; i < text.length;) {
    const end = indexOrEnd(text, ';', i + 1);
    const param = text.slice(i + 1, end);
    const equals = param.indexOf('=');
    const name = (equals === -1 ? param : param.slice(0, equals)).toLowerCase();
    const value = equals === -1 ? undefined : param.slice(equals + 1);
    if (!URI_CHARS.test(name) || (value !== undefined && !URI_CHARS.test(value))) giveUp();
    if (name === 'transport' || name === 'user') params[name] = uriKeywordParam(name, value);
    else if (name === 'lr' && value === undefined) params.lr = null;
    else if (URI_PARAMS.some((k) => name.startsWith(k)))
      giveUp(); // method, ttl, maddr and look-alikes
    else params[name] = value ?? null;
    i = end;
  }
  return new URI(scheme, user as string, host, port as number, params);
}

/** `transport=` and `user=`: sip.js lower-cases the values it knows (RFC 3261 §19.1.1); others it reads another way. */
function uriKeywordParam(name: string, value: string | undefined): string {
  const lower = value?.toLowerCase();
  const known = name === 'transport' ? ['udp', 'tcp', 'tls', 'sctp', 'ws', 'wss'] : ['phone', 'ip'];
  if (lower === undefined || !known.includes(lower)) giveUp();
  return lower;
}

/** An IPv4 address or a host name (RFC 3261 §25.1 `host`, IPv6 references aside). */
function hostType(host: string): 'IPv4' | 'domain' {
  if (IPV4.test(host)) return 'IPv4';
  // All-numeric names and names with a trailing dot are read differently by sip.js's grammar.
  if (HOSTNAME.test(host)) return 'domain';
  return giveUp();
}

function readPort(text: string): number {
  if (!/^[1-9][0-9]{0,4}$/.test(text)) giveUp();
  return Number(text);
}

/**
 * `12 NOTIFY` (RFC 3261 §20.16). A sequence number of 2^31 or more is refused although sip.js's grammar (`1*DIGIT`)
 * would take it: §8.1.1.5 says it MUST stay below 2^31, and one beyond would make every later request of the dialog
 * look out of order (§12.2.2), so a single damaged NOTIFY would end the subscription's NOTIFYs being accepted.
 */
function readCSeq(value: string): { value: number; method: string } {
  const space = value.indexOf(' ');
  const digits = value.slice(0, space);
  const method = value.slice(space + 1);
  if (space !== -1 && ALL_DIGITS.test(digits) && !(digits.length <= 10 && Number(digits) <= MAX_CSEQ)) refuse();
  if (space === -1 || !DIGITS.test(digits) || !isKnownMethod(method)) giveUp();
  return { value: Number(digits), method };
}

/** `type/subtype` with `;attribute=value` parameters (RFC 3261 §20.15); sip.js keeps the whole value as the parsed one. */
function isMediaType(value: string): boolean {
  const slash = value.indexOf('/');
  const paramsStart = indexOrEnd(value, ';', 0);
  if (slash === -1 || slash > paramsStart) return false;
  if (!MEDIA_TYPES.has(value.slice(0, slash).toLowerCase()) || !isToken(value.slice(slash + 1, paramsStart).trimEnd())) return false;
  let valid = true;
  for (let i = paramsStart; i < value.length && valid;) {
    const end = nextParamEnd(value, i + 1);
    const param = value.slice(i + 1, end).trim();
    const equals = param.indexOf('=');
    const attribute = param.slice(0, equals);
    const attributeValue = param.slice(equals + 1);
    valid = equals > 0 && isToken(attribute) && (isToken(attributeValue) || SIMPLE_QUOTED.test(attributeValue));
    i = end;
  }
  return valid;
}

/** RFC 6665 §8.2.1 Event without parameters, as sip.js's grammar returns it; undefined leaves it to that grammar. */
function readEvent(value: string): { event: string } | undefined {
  return EVENT_TYPE.test(value) ? { event: value.toLowerCase() } : undefined;
}

/**
 * RFC 6665 §8.2.3 Subscription-State with at most `expires` and `reason` (RFC 6665 §8.4 values), as sip.js's grammar
 * returns it; undefined leaves anything else to that grammar.
 */
function readSubscriptionState(value: string): { state: string; expires?: number; reason?: string } | undefined {
  const parts = value.split(';');
  const state = parts[0] as string;
  if (!SUBSCRIPTION_STATES.has(state)) return undefined;
  const parsed: { state: string; expires?: number; reason?: string } = { state };
  for (const part of parts.slice(1)) {
    const equals = part.indexOf('=');
    if (equals === -1) return undefined;
    const name = part.slice(0, equals);
    const paramValue = part.slice(equals + 1);
    if (name === 'expires' && parsed.expires === undefined && DIGITS.test(paramValue)) parsed.expires = Number(paramValue);
    else if (name === 'reason' && parsed.reason === undefined && TERMINATION_REASONS.has(paramValue)) parsed.reason = paramValue;
    else return undefined;
  }
  return parsed;
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at === -1 ? text.length : at;
}

function isSpaceOrTab(c: number): boolean {
  return c === SP || c === HTAB;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
