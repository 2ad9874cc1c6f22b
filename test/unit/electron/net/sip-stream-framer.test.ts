import { describe, expect, it } from 'vitest';
import { SipStreamFramer, type FramedItem } from '../../../../electron/net/sip-stream-framer';

const message = (body: string, extraHeaders = '') =>
  `NOTIFY sip:alice@127.0.0.1:5070 SIP/2.0\r\nCall-ID: a\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const texts = (items: FramedItem[]) => items.map((i) => (i.kind === 'message' ? i.text : i.kind));

describe('SIP stream framer', () => {
  it('given two messages in one chunk, then it returns both whole', () => {
    const framer = new SipStreamFramer();
    const a = message('<presence/>');
    const b = message('');
    expect(texts(framer.push(Buffer.from(a + b)))).toEqual([a, b]);
    expect(framer.pendingBytes).toBe(0);
  });

  it('given a message split byte by byte, including a multi-byte UTF-8 body, then it is returned once complete', () => {
    const framer = new SipStreamFramer();
    const text = message('<note>Réunion — café ☕</note>');
    const bytes = Buffer.from(text);
    const items: FramedItem[] = [];
    for (let i = 0; i < bytes.length; i++) items.push(...framer.push(bytes.subarray(i, i + 1)));
    expect(texts(items)).toEqual([text]);
  });

  it('counts Content-Length in bytes and reads the compact form "l"', () => {
    const framer = new SipStreamFramer();
    const body = 'é'; // two bytes
    const text = `OPTIONS sip:x SIP/2.0\r\nl: 2\r\n\r\n${body}`;
    expect(texts(framer.push(Buffer.from(text + text)))).toEqual([text, text]);
  });

  it('recognises RFC 5626 keep-alives between messages', () => {
    const framer = new SipStreamFramer();
    const a = message('');
    expect(texts(framer.push(Buffer.from(`\r\n\r\n${a}\r\n${a}`)))).toEqual(['ping', a, 'pong', a]);
    // A lone CRLF could be half a ping: nothing until the next bytes decide.
    expect(texts(framer.push(Buffer.from('\r\n')))).toEqual([]);
    expect(texts(framer.push(Buffer.from('\r\n')))).toEqual(['ping']);
  });

  it('given a run of keep-alives, then each kind in a row is one item with its count, however the run is chunked', () => {
    const framer = new SipStreamFramer();
    const a = message('');
    const items = [...framer.push(Buffer.from('\r\n\r\n'.repeat(3) + '\r\n\r')), ...framer.push(Buffer.from(`\n${a}\r\n${a}`))];
    // The second push completes the fourth ping; the run is cut where the chunk ended, not merged across pushes.
    expect(items.map((i) => (i.kind === 'ping' || i.kind === 'pong' ? `${i.kind}×${i.count}` : i.kind))).toEqual([
      'ping×3',
      'ping×1',
      'message',
      'pong×1',
      'message',
    ]);
  });

  it('fails on a missing Content-Length, keeping the header text for a 400', () => {
    const framer = new SipStreamFramer();
    const items = framer.push(Buffer.from('PUBLISH sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\nbody'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'error',
      reason: 'missing-content-length',
      headerText: 'PUBLISH sip:a@b SIP/2.0\r\nCall-ID: x',
    });
    expect(framer.hasFailed).toBe(true);
    expect(framer.push(Buffer.from(message('')))).toEqual([]);
  });

  it('fails on conflicting or non-numeric Content-Length', () => {
    expect(new SipStreamFramer().push(Buffer.from(message('', 'Content-Length: 5\r\n')))[0]).toMatchObject({
      kind: 'error',
      reason: 'bad-content-length',
    });
    expect(new SipStreamFramer().push(Buffer.from('A sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n'))[0]).toMatchObject({
      kind: 'error',
      reason: 'bad-content-length',
    });
  });

  it('fails early on oversized bodies and endless headers instead of buffering them', () => {
    const big = new SipStreamFramer({ maxBodyBytes: 1000 });
    expect(big.push(Buffer.from('PUBLISH sip:a@b SIP/2.0\r\nContent-Length: 1048576\r\n\r\n'))[0]).toMatchObject({
      kind: 'error',
      reason: 'body-too-large',
    });
    const endless = new SipStreamFramer({ maxHeaderBytes: 100 });
    expect(endless.push(Buffer.from(`PUBLISH sip:a@b SIP/2.0\r\nX: ${'a'.repeat(200)}`))[0]).toMatchObject({
      kind: 'error',
      reason: 'headers-too-large',
    });
  });
});
