/**
 * What the client accepts from a server is bounded: a WebSocket server that sends a huge frame gets its
 * connection closed with a sentence the user can read, instead of the client buffering it (real `ws`
 * server on 127.0.0.1).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { ServerTarget } from '../../../electron/sip/server-target';
import { DEFAULT_SIP_TIMERS } from '../../../electron/sip/sip-client-types';
import type { TransportFailure } from '../../../electron/sip/transport/sip-connection';
import { MAX_WS_MESSAGE_BYTES, WsConnection } from '../../../electron/sip/transport/ws-connection';

const target = (port: number): ServerTarget => ({ kind: 'ws', host: '127.0.0.1', port, uri: `sip:127.0.0.1:${port};transport=ws` });

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function sipWebSocketServer(onConnection: (send: (data: string) => void) => void): Promise<number> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
  server = wss;
  wss.on('connection', (socket) => onConnection((data) => socket.send(data)));
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  return (wss.address() as AddressInfo).port;
}

describe('client WebSocket bounds', () => {
  it('given a server that sends a frame over the bound, then the client closes the connection and says why', async () => {
    const port = await sipWebSocketServer((send) => send('x'.repeat(MAX_WS_MESSAGE_BYTES + 1)));
    const messages: string[] = [];
    const closed = new Promise<TransportFailure | undefined>((resolve) => {
      void WsConnection.open(
        target(port),
        { message: (text) => messages.push(text), closed: resolve, trace: () => undefined },
        { timers: DEFAULT_SIP_TIMERS },
      );
    });
    const failure = await closed;
    expect(failure?.message).toContain(`larger than ${MAX_WS_MESSAGE_BYTES / 1024} KB; the connection was closed`);
    expect(messages).toEqual([]);
  });

  it('given a server that sends a message within the bound, then it is delivered', async () => {
    const message = `NOTIFY sip:a@127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n`;
    const port = await sipWebSocketServer((send) => send(message));
    const delivered = await new Promise<string>((resolve) => {
      void WsConnection.open(
        target(port),
        { message: resolve, closed: () => undefined, trace: () => undefined },
        { timers: DEFAULT_SIP_TIMERS },
      ).then((connection) => setTimeout(() => connection.close(), 50));
    });
    expect(delivered).toBe(message);
  });
});
