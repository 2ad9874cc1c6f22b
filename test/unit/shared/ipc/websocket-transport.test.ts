import { describe, expect, it } from 'vitest';
import {
  createWebSocketTransport,
  parseRequestFrame,
  tokenFromProtocols,
  WEB_IPC_PROTOCOL,
  webIpcProtocols,
  type WebSocketLike,
} from '../../../../shared/ipc/websocket-transport';

/** A socket the test drives: it records what the transport sends and fires the events the test asks for. */
class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: unknown[] = [];
  private readonly listeners = new Map<string, ((event: never) => void)[]>();
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  addEventListener(type: string, listener: (event: never) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: 'open' | 'message' | 'close', event: object = {}): void {
    if (type === 'open') this.readyState = 1;
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners.get(type) ?? []) listener(event as never);
  }
}

describe('createWebSocketTransport', () => {
  it('given a socket still connecting, when requests are made, then they go out once it opens and resolve with the answer of their id', async () => {
    const socket = new FakeSocket();
    const transport = createWebSocketTransport(socket);
    const first = transport.invoke('app:get-info', undefined);
    const second = transport.invoke('presence:set-status', { status: 'busy', note: '' });
    expect(socket.sent).toEqual([]);
    socket.fire('open');
    expect(socket.sent).toEqual([
      { kind: 'request', id: 1, channel: 'app:get-info' },
      { kind: 'request', id: 2, channel: 'presence:set-status', payload: { status: 'busy', note: '' } },
    ]);
    socket.fire('message', { data: JSON.stringify({ kind: 'response', id: 2, result: { ok: true, value: 'second' } }) });
    socket.fire('message', { data: JSON.stringify({ kind: 'response', id: 1, result: { ok: true, value: 'first' } }) });
    await expect(first).resolves.toEqual({ ok: true, value: 'first' });
    await expect(second).resolves.toEqual({ ok: true, value: 'second' });
  });

  it('delivers events to the listeners of their channel until they unsubscribe', () => {
    const socket = new FakeSocket();
    const transport = createWebSocketTransport(socket);
    const received: unknown[] = [];
    const unsubscribe = transport.listen('app:notice', (payload) => received.push(payload));
    transport.listen('buddy:presence', () => received.push('wrong channel'));
    socket.fire('message', { data: JSON.stringify({ kind: 'event', channel: 'app:notice', payload: 'one' }) });
    unsubscribe();
    socket.fire('message', { data: JSON.stringify({ kind: 'event', channel: 'app:notice', payload: 'two' }) });
    expect(received).toEqual(['one']);
  });

  it('given the core closes the socket, then pending and later requests fail and the page is told the reason once', async () => {
    const socket = new FakeSocket();
    const reasons: string[] = [];
    const transport = createWebSocketTransport(socket, (reason) => reasons.push(reason));
    socket.fire('open');
    const pending = transport.invoke('app:get-info', undefined);
    socket.fire('close', { reason: 'Presently was opened in another tab' });
    await expect(pending).rejects.toThrow('Request failed: Presently was opened in another tab.');
    await expect(transport.invoke('app:get-info', undefined)).rejects.toThrow('Presently was opened in another tab');
    expect(reasons).toEqual(['Presently was opened in another tab']);
  });

  it('given a close without a reason, then it says the connection was lost', () => {
    const socket = new FakeSocket();
    const reasons: string[] = [];
    createWebSocketTransport(socket, (reason) => reasons.push(reason));
    socket.fire('close', { reason: '' });
    expect(reasons).toEqual(['the connection to the Presently core was lost']);
  });
});

describe('parseRequestFrame', () => {
  it('reads a well-formed request', () => {
    expect(parseRequestFrame('{"kind":"request","id":7,"channel":"app:get-info","payload":{"a":1}}')).toEqual({
      kind: 'request',
      id: 7,
      channel: 'app:get-info',
      payload: { a: 1 },
    });
  });

  it.each([
    'not json',
    'null',
    '[]',
    '{"kind":"event","id":1,"channel":"x"}',
    '{"kind":"request","id":0,"channel":"x"}',
    '{"kind":"request","id":1.5,"channel":"x"}',
    '{"kind":"request","id":1}',
  ])('refuses %s', (text) => expect(parseRequestFrame(text)).toBeNull());
});

describe('the token subprotocol', () => {
  it('round-trips the token and finds none without our protocol', () => {
    expect(tokenFromProtocols(webIpcProtocols('abc_-123'))).toBe('abc_-123');
    expect(tokenFromProtocols([WEB_IPC_PROTOCOL])).toBeNull();
    expect(tokenFromProtocols(webIpcProtocols('abc').slice(1))).toBeNull();
  });
});
