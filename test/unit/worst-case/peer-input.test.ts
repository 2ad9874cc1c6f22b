/**
 * Worst-case timing of the stream framer, the PIDF parser and note summary, the trace summary and the
 * credential mask on adversarial input (see
 * test/support/linear-time.ts for why a ratio and not a time limit).
 */
import { describe, it } from 'vitest';
import { SipStreamFramer } from '../../../electron/net/sip-stream-framer';
import { parsePresenceBody, summarizePresence } from '../../../shared/pidf';
import { maskCredentials } from '../../../shared/trace/credential-mask';
import { summarizeSipMessage } from '../../../shared/trace/trace-summary';
import { expectLinearTime, padded } from '../../support/linear-time';

const head = 'NOTIFY sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n';

function frameInChunks(text: string, chunkBytes: number): void {
  const framer = new SipStreamFramer();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunkBytes) framer.push(bytes.subarray(i, i + chunkBytes));
}

describe('stream framer worst case', () => {
  it('given a Content-Length value padded with a long run of spaces, then framing stays linear', () => {
    expectLinearTime(
      (n) => padded(`${head}Content-Length: 0`, ' ', n, 'x\r\n\r\n'),
      (text) => frameInChunks(text, 1 << 20),
    );
  });

  it('given a header section trickling in 16-byte chunks, then framing stays linear', () => {
    expectLinearTime(
      (n) => padded(`${head}X-Pad: `, 'a;', n, '\r\nContent-Length: 0\r\n\r\n'),
      (text) => frameInChunks(text, 16),
    );
  });

  it('given a body trickling in 64-byte chunks, then framing stays linear', () => {
    expectLinearTime(
      (n) => `${head}Content-Length: ${n}\r\n\r\n${'b'.repeat(n)}`,
      (text) => frameInChunks(text, 64),
    );
  });

  it('given a header of spaces and bare CRs, then framing stays linear', () => {
    expectLinearTime(
      (n) => padded(`${head}Via: SIP/2.0/TCP`, ' \r', n, '\r\nContent-Length: 0\r\n\r\n'),
      (text) => frameInChunks(text, 512),
    );
  });
});

describe('note summary worst case', () => {
  const summarize = (body: string) => {
    const parsed = parsePresenceBody(body, 'application/pidf+xml');
    if (!parsed.ok) throw new Error(`fixture did not parse: ${parsed.error.message}`);
    return summarizePresence(parsed.document);
  };
  const pidf = (note: string) =>
    `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@x"><tuple id="t"><status><basic>open</basic></status><note>${note}</note></tuple></presence>`;
  /** Room for the note when the whole document may be `bytes` long (the parser refuses more than 64 KiB). */
  const noteRoom = (bytes: number) => bytes - pidf('').length - 1;

  it('given a note of a long run of dots not at the end, then summarising stays linear', () => {
    expectLinearTime((n) => pidf(padded('', '.', noteRoom(n), 'x')), summarize);
  });

  it('given a note of runs of spaces and exclamation marks, then summarising stays linear', () => {
    expectLinearTime((n) => pidf(padded('', ' !', noteRoom(n), 'x')), summarize);
  });
});

describe('PIDF parse worst case', () => {
  const parse = (body: string) => parsePresenceBody(body, 'application/pidf+xml');
  const envelope = (inner: string) =>
    `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@x">${inner}</presence>`;
  const room = (bytes: number) => bytes - envelope('').length - 1;

  it('given many tuples, then parsing stays linear', () => {
    const tuple = (i: number) => `<tuple id="t${i}"><status><basic>open</basic></status></tuple>`;
    expectLinearTime(
      (n) => envelope(Array.from({ length: Math.floor(room(n) / tuple(99999).length) }, (_, i) => tuple(i)).join('')),
      parse,
    );
  });

  it('given an element with thousands of attributes, then parsing stays linear', () => {
    expectLinearTime(
      (n) =>
        envelope(
          `<tuple id="t" ${padded('', 'a="1" ', room(n) - 60)
            .replace(/a="1"/g, (_m, at: number) => `a${at}="1"`)
            .slice(0, room(n) - 60)}><status><basic>open</basic></status></tuple>`,
        ),
      parse,
    );
  });

  it('given deep nesting, then parsing stays linear (and is refused, not overflowed)', () => {
    expectLinearTime((n) => envelope('<x>'.repeat(Math.floor(room(n) / 7)) + '</x>'.repeat(Math.floor(room(n) / 7))), parse);
  });

  it('given long runs of entity-like text and quotes in a note, then parsing stays linear', () => {
    expectLinearTime(
      (n) =>
        envelope(
          `<tuple id="t"><status><basic>open</basic></status><note>${padded('', '&amp;"<!--', room(n) - 80).replace(/<!--/g, 'x--')}</note></tuple>`,
        ),
      parse,
    );
  });
});

describe('trace summary and credential mask worst case', () => {
  const message = (header: string) =>
    `REGISTER sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 REGISTER\r\n${header}\r\nContent-Length: 0\r\n\r\n`;

  it('given a From of semicolons and quotes, then the trace summary stays linear', () => {
    expectLinearTime((n) => message(padded('From: "', ';"<', n, '>')), summarizeSipMessage);
  });

  it('given an Authorization of commas, quotes and escapes, then masking stays linear', () => {
    expectLinearTime((n) => message(padded('Authorization: Digest username="a", response="', ',\\"', n, '"')), maskCredentials);
  });

  it('given many folded Authorization lines, then masking stays linear', () => {
    expectLinearTime((n) => message(padded('Authorization: Digest response="x"', '\r\n ,a=b', n)), maskCredentials);
  });
});
