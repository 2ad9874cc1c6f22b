/**
 * What the client's transaction layer lets through to sip.js: a message with more header lines than any
 * real one is answered (request) or dropped (response) before sip.js's slow grammar sees it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_HEADER_LINES, ReliabilityLayer } from '../../../../electron/sip/transport/reliability-layer';
import { readStartLine } from '../../../../shared/sip/start-line';
import { findHeader, splitSipMessage } from '../../../../shared/sip/header-section';

function notify(extraLines: number): string {
  const padding = Array.from({ length: extraLines }, (_, i) => `X-Pad-${i}: ${i}\r\n`).join('');
  return (
    'NOTIFY sip:alice@127.0.0.1:5070 SIP/2.0\r\n' +
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1\r\n' +
    'From: <sip:bob@example.com>;tag=n\r\nTo: <sip:alice@example.com>;tag=s\r\n' +
    'Call-ID: c1\r\nCSeq: 7 NOTIFY\r\nEvent: presence\r\nSubscription-State: active;expires=60\r\n' +
    padding +
    'Content-Length: 0\r\n\r\n'
  );
}

function layer() {
  const sent: string[] = [];
  const delivered: string[] = [];
  const reliability = new ReliabilityLayer(
    { isReliable: false, send: async (text) => void sent.push(text) },
    (text) => delivered.push(text),
    { t1: 50, t2: 400 },
  );
  return { reliability, sent, delivered };
}

describe('reliability layer: header-line bound', () => {
  it('given a NOTIFY with a few header lines, then it goes up to sip.js', () => {
    const { reliability, sent, delivered } = layer();
    reliability.receive(notify(20));
    expect(delivered).toHaveLength(1);
    expect(sent).toEqual([]);
    reliability.dispose();
  });

  it('given a NOTIFY with more header lines than the bound, then it is answered 513 and sip.js never sees it', async () => {
    const { reliability, sent, delivered } = layer();
    reliability.receive(notify(MAX_HEADER_LINES + 10));
    await Promise.resolve();
    expect(delivered).toEqual([]);
    expect(sent).toHaveLength(1);
    const answer = splitSipMessage(sent[0]!);
    expect(readStartLine(answer.startLine)).toMatchObject({ kind: 'response', status: 513 });
    expect(findHeader(answer, 'cseq')).toBe('7 NOTIFY');
    expect(findHeader(answer, 'call-id')).toBe('c1');
    reliability.dispose();
  });

  it('given a response with more header lines than the bound, then it is dropped', () => {
    const { reliability, sent, delivered } = layer();
    const response = notify(MAX_HEADER_LINES + 10).replace('NOTIFY sip:alice@127.0.0.1:5070 SIP/2.0', 'SIP/2.0 200 OK');
    reliability.receive(response);
    expect(delivered).toEqual([]);
    expect(sent).toEqual([]);
    reliability.dispose();
  });

  it('given a message whose start line it cannot read, then sip.js decides, unless it has more header lines than the bound', () => {
    // `notify` in lower case and SIP/3.0 are start lines our reader does not read but sip.js's grammar accepts.
    const { reliability, sent, delivered } = layer();
    const unreadable = (lines: number) =>
      notify(lines).replace('NOTIFY sip:alice@127.0.0.1:5070 SIP/2.0', 'notify sip:alice@127.0.0.1:5070 SIP/3.0');
    reliability.receive(unreadable(20));
    expect(delivered).toHaveLength(1);
    reliability.receive(unreadable(MAX_HEADER_LINES + 10));
    expect(delivered).toHaveLength(1);
    expect(sent).toEqual([]);
    reliability.dispose();
  });
});
