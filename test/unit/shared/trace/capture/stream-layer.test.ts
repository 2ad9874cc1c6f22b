import { describe, expect, it } from 'vitest';
import { MAX_FLOWS, TcpFlows, type StreamMessage } from '../../../../../shared/trace/capture/stream-layer';

const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const ACK = 0x10;

/** A TCP segment as it sits in an IP packet: a 20-byte header (RFC 9293 §3.1) and its data. */
function tcp(seq: number, flags: number, data = ''): Uint8Array {
  const bytes = new Uint8Array(20 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 40000);
  view.setUint16(2, 5060);
  view.setUint32(4, seq >>> 0);
  bytes[12] = 5 << 4;
  bytes[13] = flags;
  bytes.set(new TextEncoder().encode(data), 20);
  return bytes;
}

const options = (n: number) => `OPTIONS sip:example.com SIP/2.0\r\nCall-ID: ping-${n}\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
const texts = (messages: StreamMessage[]) => messages.map((m) => new TextDecoder().decode(m.bytes));

describe('TcpFlows', () => {
  it('given a connection closed by FIN, then its state goes, and a new connection on the same ports is read from its own first byte', () => {
    const flows = new TcpFlows();
    expect(texts(flows.segment('a', tcp(1000, ACK, options(1))))).toEqual([options(1)]);
    expect(flows.segment('a', tcp(1000 + options(1).length, FIN | ACK))).toEqual([]);
    expect(flows.size).toBe(0);
    // No SYN captured for the next connection: had the old flow stayed, this would wait as an early segment for ever.
    expect(texts(flows.segment('a', tcp(9_000_000, ACK, options(2))))).toEqual([options(2)]);
  });

  it('given a FIN that arrives before a segment it follows, then the flow stays until that segment is read, then goes', () => {
    const flows = new TcpFlows();
    const message = options(3);
    const cut = 40;
    expect(flows.segment('a', tcp(1, SYN))).toEqual([]);
    expect(flows.segment('a', tcp(2 + cut, FIN | ACK, message.slice(cut)))).toEqual([]);
    expect(flows.size).toBe(1);
    expect(texts(flows.segment('a', tcp(2, ACK, message.slice(0, cut))))).toEqual([message]);
    expect(flows.size).toBe(0);
  });

  it('given a reset, then what the flow held is dropped at once', () => {
    const flows = new TcpFlows();
    const message = options(4);
    expect(flows.segment('a', tcp(1, ACK, message.slice(0, 30)))).toEqual([]);
    expect(flows.segment('a', tcp(31, RST))).toEqual([]);
    expect(flows.size).toBe(0);
    // The rest of the message now starts a flow of its own, which skips it: not a start line.
    expect(flows.segment('a', tcp(31, ACK, message.slice(30)))).toEqual([]);
  });

  it('given more open flows than MAX_FLOWS, then the ones quiet longest are forgotten and a busy one is kept', () => {
    const flows = new TcpFlows();
    const message = options(5);
    expect(flows.segment('busy', tcp(1, ACK, message.slice(0, 20)))).toEqual([]);
    for (let i = 0; i < MAX_FLOWS + 100; i++) {
      flows.segment(`quiet-${i}`, tcp(1, ACK, 'OPTIONS sip:x SIP/2.0\r\n'));
      if (i === MAX_FLOWS / 2) expect(flows.segment('busy', tcp(21, ACK, message.slice(20, 30)))).toEqual([]);
    }
    expect(flows.size).toBe(MAX_FLOWS);
    expect(texts(flows.segment('busy', tcp(31, ACK, message.slice(30))))).toEqual([message]);
  });
});
