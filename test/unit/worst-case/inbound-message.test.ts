/**
 * Worst-case timing of the fast inbound reader (electron/sip/transport/inbound-message.ts) on adversarial header
 * sections (see test/support/linear-time.ts for why a ratio and not a time limit). Apart from the corpus tests, whose
 * retained messages would make the garbage collector's share grow with the input.
 */
import { it } from 'vitest';
import { readInboundMessage } from '../../../electron/sip/transport/inbound-message';
import { expectLinearTime, padded } from '../../support/linear-time';

const head = (extra: string) =>
  `NOTIFY sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\nFrom: <sip:b@h>;tag=1\r\nTo: <sip:a@h>;tag=2\r\nCall-ID: c\r\nCSeq: 1 NOTIFY\r\n${extra}\r\n\r\n`;
const hostile: Record<string, (bytes: number) => string> = {
  'one long header line': (bytes) => head(padded('X-Long: ', 'a', bytes)),
  'many header lines': (bytes) => head(padded('', 'X-A: 1\r\n', bytes, 'X-B: 2')),
  'many Contact parameters': (bytes) => head(padded('Contact: <sip:b@h>', ';p=1', bytes)),
  'many Contact values': (bytes) => head(padded('Contact: <sip:b@h>', ', <sip:c@h;lr>', bytes)),
  'many URI parameters': (bytes) => head(padded('Record-Route: <sip:b@h', ';lr', bytes, '>')),
  'many quoted media-type parameters': (bytes) => head(padded('Content-Type: application/pidf+xml', ';a="x;y"', bytes)),
  'many Via parameters': (bytes) => head(padded('Via: SIP/2.0/UDP h', ';x', bytes)).replace(/^(NOTIFY[^\n]*\n)Via[^\n]*\n/, '$1'),
};
it.each(Object.entries(hostile))('reads in linear time: %s', (_name, makeInput) => {
  expectLinearTime(makeInput, readInboundMessage);
});
