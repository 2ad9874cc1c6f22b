/**
 * The contract over one WebSocket (RFC 6455), for the web mode: the renderer in an ordinary browser tab,
 * the core in a Node process on loopback (electron/web/). Both ends use the frame shapes and names below.
 *
 * Every frame is one JSON text message:
 *   page → core   { kind: 'request', id, channel, payload }    one per `invoke`, ids counting up from 1
 *   core → page   { kind: 'response', id, result }             the router's IpcResult for that id
 *   core → page   { kind: 'event', channel, payload }          what Electron's `webContents.send` carries
 *
 * The page proves it was opened from the printed URL by offering the URL's token as a second
 * subprotocol (RFC 6455 §4.1, Sec-WebSocket-Protocol): a browser lets a page set that header, and no
 * other page can learn the token. The core answers with WEB_IPC_PROTOCOL only, so the token is not echoed.
 *
 * Pure: takes any WebSocket-like object (the browser's, or the `ws` package's in tests).
 */
import type { IpcTransport } from './create-presence-api';
import type { Channel, IpcResult } from './contract';

/** The path the core accepts the socket on. */
export const WEB_IPC_PATH = '/ipc';

/** The subprotocol both ends speak; the core selects it. */
export const WEB_IPC_PROTOCOL = 'presently-ipc.v1';

/** Prefix of the subprotocol that carries the token (base64url characters are valid protocol tokens). */
const TOKEN_PROTOCOL_PREFIX = 'presently-token.';

/** The subprotocols a page offers: ours, and the token. */
export function webIpcProtocols(token: string): string[] {
  return [WEB_IPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];
}

/** The token a page offered among its subprotocols, or null when it offered ours without one. */
export function tokenFromProtocols(protocols: Iterable<string>): string | null {
  const offered = [...protocols];
  if (!offered.includes(WEB_IPC_PROTOCOL)) return null;
  const token = offered.find((protocol) => protocol.startsWith(TOKEN_PROTOCOL_PREFIX));
  return token === undefined ? null : token.slice(TOKEN_PROTOCOL_PREFIX.length);
}

/** A request from the page. */
export interface RequestFrame {
  readonly kind: 'request';
  readonly id: number;
  readonly channel: string;
  readonly payload: unknown;
}

/** The core's answer to the request with the same id. */
export interface ResponseFrame {
  readonly kind: 'response';
  readonly id: number;
  readonly result: IpcResult<unknown>;
}

/** An event from the core. */
export interface EventFrame {
  readonly kind: 'event';
  readonly channel: string;
  readonly payload: unknown;
}

/**
 * Reads a frame the page sent; null for anything that is not a well-formed request. The channel is
 * left as a string: the router answers an unknown one, and validates the payload.
 */
export function parseRequestFrame(text: string): RequestFrame | null {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null) return null;
  const { kind, id, channel, payload } = frame as Record<string, unknown>;
  if (kind !== 'request' || !Number.isSafeInteger(id) || (id as number) < 1 || typeof channel !== 'string') return null;
  return { kind, id: id as number, channel, payload };
}

/** What the transport needs of a WebSocket; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { readonly reason: string }) => void): void;
}

/** `readyState` values (RFC 6455 as the WHATWG WebSocket API numbers them). */
const CONNECTING = 0;
const OPEN = 1;

/**
 * An IpcTransport over `socket`. Requests made before the socket opens wait for it; when it closes,
 * pending and later requests fail with an Error and `onClosed` is told once why, so the window can say so.
 */
export function createWebSocketTransport(socket: WebSocketLike, onClosed: (reason: string) => void = () => undefined): IpcTransport {
  const pending = new Map<number, { resolve: (result: IpcResult<unknown>) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const waitingForOpen: string[] = [];
  let nextId = 1;
  let closedReason: string | null = null;

  socket.addEventListener('open', () => {
    for (const text of waitingForOpen.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', ({ data }) => {
    if (typeof data !== 'string') return;
    const frame = JSON.parse(data) as ResponseFrame | EventFrame;
    if (frame.kind === 'response') {
      pending.get(frame.id)?.resolve(frame.result);
      pending.delete(frame.id);
    } else {
      for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload);
    }
  });
  socket.addEventListener('close', ({ reason }) => {
    // The core gives a reason written for the user when it closes on purpose (stopped, another tab).
    closedReason = reason || 'the connection to the Presently core was lost';
    for (const { reject } of pending.values()) reject(new Error(`Request failed: ${closedReason}.`));
    pending.clear();
    onClosed(closedReason);
  });

  return {
    invoke(channel: Channel, payload: unknown): Promise<IpcResult<unknown>> {
      if (closedReason !== null || (socket.readyState !== CONNECTING && socket.readyState !== OPEN)) {
        return Promise.reject(new Error(`Request failed: ${closedReason ?? 'the connection to the Presently core is closed'}.`));
      }
      const id = nextId++;
      const text = JSON.stringify({ kind: 'request', id, channel, payload } satisfies RequestFrame);
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (socket.readyState === OPEN) socket.send(text);
        else waitingForOpen.push(text);
      });
    },
    listen(channel, listener) {
      const forChannel = listeners.get(channel) ?? new Set();
      listeners.set(channel, forChannel);
      forChannel.add(listener);
      return () => {
        forChannel.delete(listener);
      };
    },
  };
}
