/**
 * A small authoritative DNS server on 127.0.0.1 for tests: it answers A, AAAA, SRV and NAPTR queries
 * over UDP from a table, so a real node:dns Resolver (and so the SIP engine's server location) can be
 * tested end to end without touching the system's DNS.
 *
 *   const dns = await startDnsResponder({ '_sip._udp.example.test': { srv: [{ priority: 10, weight: 1, port, name: 'sip.example.test' }] },
 *                                         'sip.example.test': { a: ['127.0.0.1'] } });   // stopped after the test
 *   const resolver = dns.resolver();                     // a node:dns/promises Resolver asking only this server
 *
 * Wire format of RFC 1035 §4.1 (header, question, answer records), SRV data of RFC 2782, NAPTR data of
 * RFC 3403 §4.1. Answers carry names uncompressed (RFC 1035 §4.1.4 makes compression optional). A name
 * not in the table is NXDOMAIN; a name without records of the asked type gets an empty NOERROR answer.
 */
import type { NaptrRecord, SrvRecord } from 'node:dns';
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { onTestFinished } from 'vitest';

/** The records of one name (lower case in the table). */
export interface DnsRecords {
  readonly a?: readonly string[];
  readonly aaaa?: readonly string[];
  readonly srv?: readonly SrvRecord[];
  readonly naptr?: readonly NaptrRecord[];
}

/** Names to their records. */
export type DnsZone = Readonly<Record<string, DnsRecords>>;

/** One question the responder was asked. */
export interface DnsQuestion {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | 'SRV' | 'NAPTR' | number;
}

export interface DnsResponder {
  /** `127.0.0.1:<port>`, for `Resolver.setServers`. */
  readonly address: string;
  /** Every question asked so far, in order. */
  readonly questions: DnsQuestion[];
  /** A fresh node:dns/promises Resolver that asks only this server. */
  resolver(): Resolver;
  close(): Promise<void>;
}

// RFC 1035 §3.2.2 and RFC 3596 §2.1, RFC 2782, RFC 3403 §4: the record types we answer.
const TYPE_A = 1;
const TYPE_AAAA = 28;
const TYPE_SRV = 33;
const TYPE_NAPTR = 35;
const CLASS_IN = 1;
const RCODE_NXDOMAIN = 3;
const RCODE_NOTIMP = 4;
const TTL_SECONDS = 60;

/** Starts a responder stopped when the current test finishes. */
export async function startDnsResponder(zone: DnsZone): Promise<DnsResponder> {
  const table = new Map(Object.entries(zone).map(([name, records]) => [name.toLowerCase().replace(/\.$/, ''), records]));
  const questions: DnsQuestion[] = [];
  const socket = dgram.createSocket('udp4');
  socket.on('message', (query, from) => {
    const answer = respond(query, table, questions);
    if (answer) socket.send(answer, from.port, from.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const address = `127.0.0.1:${socket.address().port}`;
  let closed: Promise<void> | undefined;
  const responder: DnsResponder = {
    address,
    questions,
    resolver: () => {
      const resolver = new Resolver({ timeout: 500, tries: 1 });
      resolver.setServers([address]);
      return resolver;
    },
    close: () => (closed ??= new Promise((resolve) => socket.close(() => resolve()))),
  };
  onTestFinished(() => responder.close());
  return responder;
}

/** The response to one query, or undefined for a datagram that is not a query we can read. */
function respond(query: Buffer, table: ReadonlyMap<string, DnsRecords>, questions: DnsQuestion[]): Buffer | undefined {
  if (query.length < 12 || (query[2]! & 0x80) !== 0 || query.readUInt16BE(4) !== 1) return undefined;
  const question = readName(query, 12);
  if (question === undefined || question.end + 4 > query.length) return undefined;
  const type = query.readUInt16BE(question.end);
  const typeName = ({ [TYPE_A]: 'A', [TYPE_AAAA]: 'AAAA', [TYPE_SRV]: 'SRV', [TYPE_NAPTR]: 'NAPTR' } as const)[type] ?? type;
  questions.push({ name: question.name, type: typeName });
  const records = table.get(question.name.toLowerCase());
  let rcode = 0;
  let answers: Buffer[] = [];
  if (records === undefined) rcode = RCODE_NXDOMAIN;
  else if (type === TYPE_A) answers = (records.a ?? []).map((ip) => Buffer.from(ip.split('.').map(Number)));
  else if (type === TYPE_AAAA) answers = (records.aaaa ?? []).map(ipv6Bytes);
  else if (type === TYPE_SRV)
    answers = (records.srv ?? []).map((r) => Buffer.concat([uint16(r.priority, r.weight, r.port), encodeName(r.name)]));
  else if (type === TYPE_NAPTR) {
    answers = (records.naptr ?? []).map((r) =>
      Buffer.concat([
        uint16(r.order, r.preference),
        characterString(r.flags),
        characterString(r.service),
        characterString(r.regexp),
        encodeName(r.replacement),
      ]),
    );
  } else rcode = RCODE_NOTIMP;

  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR=1, the query's opcode and RD, AA=1 (we are the authority for the table), RA=0.
  header.writeUInt16BE(0x8000 | (query.readUInt16BE(2) & 0x7900) | 0x0400 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const questionBytes = query.subarray(12, question.end + 4);
  const ownerName = query.subarray(12, question.end);
  const answerRecords = answers.map((data) => {
    const fixed = Buffer.alloc(10);
    fixed.writeUInt16BE(type, 0);
    fixed.writeUInt16BE(CLASS_IN, 2);
    fixed.writeUInt32BE(TTL_SECONDS, 4);
    fixed.writeUInt16BE(data.length, 8);
    return Buffer.concat([ownerName, fixed, data]);
  });
  return Buffer.concat([header, questionBytes, ...answerRecords]);
}

/** RFC 1035 §4.1.2: a name as length-prefixed labels (queries carry no compression pointers). */
function readName(message: Buffer, offset: number): { name: string; end: number } | undefined {
  const labels: string[] = [];
  let at = offset;
  while (at < message.length) {
    const length = message[at]!;
    if (length === 0) return { name: labels.join('.'), end: at + 1 };
    if (length > 63 || at + 1 + length > message.length) return undefined;
    labels.push(message.toString('latin1', at + 1, at + 1 + length));
    at += 1 + length;
  }
  return undefined;
}

function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((label) => label !== '');
  return Buffer.concat([
    ...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')])),
    Buffer.from([0]),
  ]);
}

/** RFC 1035 §3.3: <character-string>, one length octet then the bytes. */
function characterString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

function uint16(...values: number[]): Buffer {
  const bytes = Buffer.alloc(values.length * 2);
  values.forEach((value, index) => bytes.writeUInt16BE(value, index * 2));
  return bytes;
}

function ipv6Bytes(ip: string): Buffer {
  if (net.isIPv6(ip) === false) throw new Error(`${ip} is not an IPv6 address`);
  const [head = '', tail] = ip.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((group) => parseInt(group, 16)));
  const before = groups(head);
  const after = tail === undefined ? [] : groups(tail);
  return uint16(...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after);
}
