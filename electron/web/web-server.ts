/**
 * The web mode's server: the built renderer over HTTP and the contract over one WebSocket, on loopback
 * only — the browser's stand-in for Electron's window, preload and `ipcMain`.
 *
 *   GET /?token=T           the page (index.html), with its CSP as the header too; 403 without T
 *   GET /assets/…           the rest of dist/renderer: the public build, no data, so no token
 *   Upgrade /ipc            the IPC socket (shared/ipc/websocket-transport.ts); refused with 403 unless
 *                           Origin is this server, the token is offered and Host names this server
 *
 * Every request must name this server in Host (`127.0.0.1:PORT`): a site that rebinds its own DNS name
 * to 127.0.0.1 sends its name, and is refused. The token is not kept in a cookie: cookies are shared by
 * every port of 127.0.0.1, so any other local server would receive it. A reload keeps the URL, token
 * included, and the token dies with the process.
 *
 * One socket is one renderer, as one window is in Electron: a second tab takes the service over (the
 * user opened the URL again, so the newest tab is the one they look at) and the older socket is closed
 * with a reason its page shows. Requests still arriving on an older socket are refused like a foreign
 * sender in Electron; the router validates every payload before a handler sees it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventFrame, ResponseFrame } from '../../shared/ipc/websocket-transport';
import { parseRequestFrame, tokenFromProtocols, WEB_IPC_PATH, WEB_IPC_PROTOCOL } from '../../shared/ipc/websocket-transport';
import type { EventSink } from '../ipc/event-outbox';
import type { RequestRouter } from '../ipc/request-router';
import { servedPage, type ServedPage } from './page-policy';
import { findStaticFile } from './static-files';
import { createWebToken, isWebToken } from './web-token';

/** The only addresses the server binds: this computer's loopback, IPv4 and IPv6. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;

/** Largest request frame accepted; the contract's biggest payload (an account form) is far smaller. */
const MAX_REQUEST_BYTES = 1024 * 1024;

/** WebSocket close codes (RFC 6455 §7.4): ours in the 4000–4999 private range. */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_TAKEN_OVER = 4000;

/** How long a closing socket waits for the page's answer before it is dropped. */
const CLOSING_HANDSHAKE_MS = 1_000;

/** Said to a browser that asks for the page without the token, e.g. from an old bookmark. */
const PAGE_REFUSED = 'Open Presently from the address it printed in its terminal: that address carries the key this page needs.\n';

/** Options the server cannot run with, such as a non-loopback host. */
export class WebServerConfigError extends Error {
  override readonly name = 'WebServerConfigError';
}

/** The one renderer connection the service keeps (PresenceService's attach/detachRenderer). */
export interface RendererHost {
  attachRenderer(sink: EventSink): void;
  detachRenderer(): void;
}

export interface WebServerOptions {
  readonly router: RequestRouter;
  readonly renderer: RendererHost;
  /** The built renderer, dist/renderer. */
  readonly rendererDir: string;
  /** 127.0.0.1 (default) or ::1; anything else is refused. */
  readonly host?: string;
  /** Default 0: a free port. */
  readonly port?: number;
  /** Refusals and malformed requests, for the terminal. */
  readonly log?: (message: string) => void;
}

/** A started server. */
export interface RunningWebServer {
  /** What the user opens: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, the only Origin the socket accepts. */
  readonly origin: string;
  readonly token: string;
  /** Closes the socket (telling the page why) and the server. */
  close(): Promise<void>;
}

/** Starts the server on loopback; rejects with WebServerConfigError for another host or a bad port. */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const host = options.host ?? '127.0.0.1';
  if (!(LOOPBACK_HOSTS as readonly string[]).includes(host)) {
    throw new WebServerConfigError(
      `The web mode listens on this computer only (127.0.0.1 or ::1), not on "${host}": anyone who can reach the port could try to use your SIP account.`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new WebServerConfigError(`The port must be a whole number from 0 to 65535, not ${port}.`);
  const log = options.log ?? (() => undefined);
  const indexHtml = await readFile(path.join(options.rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`The built renderer is missing (${options.rendererDir}); run \`npm run build\` first.`);
  });

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const authority = host.includes(':') ? `[${host}]:${bound}` : `${host}:${bound}`;
  const origin = `http://${authority}`;
  let page: ServedPage;
  try {
    page = servedPage(indexHtml, `ws://${authority}${WEB_IPC_PATH}`);
  } catch (error) {
    server.close();
    throw error;
  }
  const token = createWebToken();
  let renderer: WebSocket | null = null;

  /** Every response carries the security headers; the page's policy covers the other files too. */
  const send = (response: ServerResponse, status: number, headers: Record<string, string> = {}, body?: string | Buffer) => {
    response.writeHead(status, {
      'Content-Security-Policy': page.policyHeader,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      ...headers,
    });
    response.end(body);
  };

  const answerHttp = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.headers.host !== authority) return send(response, 403);
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, { Allow: 'GET, HEAD' });
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!isWebToken(token, url.searchParams.get('token'))) {
        log(`[web] refused the page: ${url.searchParams.has('token') ? 'wrong' : 'no'} token`);
        return send(response, 403, { 'Content-Type': 'text/plain; charset=utf-8' }, PAGE_REFUSED);
      }
      return send(response, 200, { 'Content-Type': 'text/html; charset=utf-8' }, request.method === 'HEAD' ? '' : page.html);
    }
    const found = await findStaticFile(options.rendererDir, url.pathname);
    if (!found) return send(response, 404);
    return send(response, 200, { 'Content-Type': found.contentType }, request.method === 'HEAD' ? '' : await readFile(found.file));
  };

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void answerHttp(request, response).catch((error: unknown) => {
      log(`[web] ${request.url ?? ''} failed: ${String(error)}`);
      if (!response.headersSent) send(response, 500);
      else response.destroy();
    });
  });

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_REQUEST_BYTES,
    handleProtocols: (protocols) => (protocols.has(WEB_IPC_PROTOCOL) ? WEB_IPC_PROTOCOL : false),
  });

  /** Why an upgrade is refused, or null to accept it. */
  const upgradeRefusal = (request: IncomingMessage): string | null => {
    if (new URL(request.url ?? '/', origin).pathname !== WEB_IPC_PATH) return 'not the IPC path';
    if (request.headers.host !== authority) return `Host ${request.headers.host ?? '(none)'}`;
    if (request.headers.origin !== origin) return `Origin ${request.headers.origin ?? '(none)'}`;
    const offered = (request.headers['sec-websocket-protocol'] ?? '').split(',').map((protocol) => protocol.trim());
    if (!isWebToken(token, tokenFromProtocols(offered))) return 'no valid token';
    return null;
  };

  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const refusal = upgradeRefusal(request);
    if (refusal !== null) {
      log(`[web] refused a socket: ${refusal}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, connectRenderer);
  });

  const connectRenderer = (socket: WebSocket) => {
    renderer?.close(CLOSE_TAKEN_OVER, 'Presently was opened in another tab');
    renderer = socket;
    const sendFrame = (frame: EventFrame | ResponseFrame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
    };
    options.renderer.attachRenderer((channel, payload) => sendFrame({ kind: 'event', channel, payload }));

    socket.on('message', (data, isBinary) => {
      const frame = isBinary ? null : parseRequestFrame(data.toString());
      if (!frame) {
        log('[web] closed a socket that sent a malformed frame');
        socket.close(CLOSE_POLICY_VIOLATION, 'malformed request');
        return;
      }
      if (socket !== renderer) {
        log(`[web] refused ${frame.channel} from a tab that was taken over`);
        sendFrame({
          kind: 'response',
          id: frame.id,
          result: { ok: false, error: { code: 'forbidden-sender', message: 'Request refused: unknown sender.' } },
        });
        return;
      }
      void options.router.handle(frame.channel, frame.payload).then((result) => sendFrame({ kind: 'response', id: frame.id, result }));
    });
    socket.on('close', () => {
      if (socket !== renderer) return;
      renderer = null;
      options.renderer.detachRenderer();
    });
  };

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: async () => {
      await Promise.all(
        [...sockets.clients].map(
          (client) =>
            new Promise<void>((resolve) => {
              client.once('close', () => resolve());
              client.close(CLOSE_GOING_AWAY, 'Presently was stopped');
              // A page that never answers the closing handshake must not hold up the exit.
              setTimeout(() => client.terminate(), CLOSING_HANDSHAKE_MS).unref();
            }),
        ),
      );
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
