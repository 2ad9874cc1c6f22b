/**
 * The web mode's server on a real loopback port: the token guarding the page and the socket, the Host
 * and Origin checks, static files confined to the renderer folder, the security headers, and a request
 * travelling from the page's transport over the socket into the real router and PresenceService.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createPresenceApi, PresenceApiError } from '../../../shared/ipc/create-presence-api';
import { createWebSocketTransport, WEB_IPC_PATH, WEB_IPC_PROTOCOL, webIpcProtocols } from '../../../shared/ipc/websocket-transport';
import { createRequestRouter } from '../../../electron/ipc/request-router';
import { nodeHostInfo, PresenceService } from '../../../electron/service/presence-service';
import { createRequestHandlers } from '../../../electron/service/request-handlers';
import { startWebServer, WebServerConfigError, type RunningWebServer } from '../../../electron/web/web-server';

const PAGE_POLICY = "default-src 'none'; script-src 'self'; connect-src 'none'; object-src 'none'";
const INDEX_HTML = `<!doctype html><html><head>
<meta
  http-equiv="Content-Security-Policy"
  content="${PAGE_POLICY}"
/>
<script type="module" src="./assets/app.js"></script></head><body></body></html>`;

let root: string;
let rendererDir: string;
let service: PresenceService;
let server: RunningWebServer;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'presently-web-'));
  rendererDir = path.join(root, 'renderer');
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
  await writeFile(path.join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(path.join(root, 'secret.js'), 'outside the renderer folder');
  service = new PresenceService({ host: { ...nodeHostInfo(), runtime: 'web' }, dataDir: path.join(root, 'data'), log: () => undefined });
  const router = createRequestRouter(createRequestHandlers(service), () => undefined);
  server = await startWebServer({ router, renderer: service, rendererDir });
});

afterEach(async () => {
  await server.close();
  await service.stop({ timeoutMs: 1_000 });
  await rm(root, { recursive: true, force: true });
});

/** A GET with the exact request target and headers given (no URL normalisation by the client). */
function get(
  target: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path: target, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket as a page would; resolves when open, rejects with the refusal's HTTP status. */
function openSocket(options: { protocols?: string[]; origin?: string } = {}): Promise<WebSocket> {
  const socket = new WebSocket(
    `${server.origin.replace('http:', 'ws:')}${WEB_IPC_PATH}`,
    options.protocols ?? webIpcProtocols(server.token),
    {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
    },
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('the page', () => {
  it('given no token or a wrong one, when the page is requested, then it is refused with 403', async () => {
    const refused = await get('/');
    expect(refused).toMatchObject({ status: 403, body: expect.stringContaining('Open Presently from the address it printed') });
    expect((await get('/index.html?token=wrong')).status).toBe(403);
    expect((await get(`/?token=${server.token}x`)).status).toBe(403);
  });

  it('given the token, then the page is served with the security headers and its policy opened to its own socket only', async () => {
    const page = await get(`/?token=${server.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const socketUrl = `${server.origin.replace('http:', 'ws:')}${WEB_IPC_PATH}`;
    const policy = `default-src 'none'; script-src 'self'; object-src 'none'; connect-src ${socketUrl}`;
    expect(page.headers['content-security-policy']).toBe(`${policy}; frame-ancestors 'none'`);
    expect(page.body).toContain(`content="${policy}"`);
    expect(page.body).not.toContain("connect-src 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
  });

  it('given a Host other than this server (a rebound DNS name), then even a request with the token is refused', async () => {
    expect((await get(`/?token=${server.token}`, { Host: `evil.example:${new URL(server.origin).port}` })).status).toBe(403);
  });

  it('given an asset of the build, then it is served with its content type', async () => {
    const asset = await get('/assets/app.js');
    expect(asset).toMatchObject({ status: 200, body: 'console.log("app");' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it.each(['/../secret.js', '/assets/../../secret.js', '/%2e%2e/secret.js', '/assets%2f..%2f..%2fsecret.js', '/..%5csecret.js', '/assets'])(
    'given a path leaving the renderer folder or naming no file (%s), then nothing is served',
    async (target) => {
      const response = await get(target);
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('outside the renderer folder');
    },
  );
});

describe('the IPC socket', () => {
  it('given the token and the page origin, then it opens with our subprotocol (the token is not echoed)', async () => {
    const socket = await openSocket({ origin: server.origin });
    expect(socket.protocol).toBe(WEB_IPC_PROTOCOL);
    socket.close();
  });

  it.each([
    ['no token', { protocols: [WEB_IPC_PROTOCOL] }],
    ['a wrong token', { protocols: webIpcProtocols('not-the-token') }],
    ['the token but not our subprotocol', { protocols: webIpcProtocols('').slice(1) }],
  ])('given %s, then the upgrade is refused with 403', async (_what, options) => {
    await expect(openSocket({ ...options, origin: server.origin })).rejects.toThrow('refused with 403');
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['another port of 127.0.0.1', 'http://127.0.0.1:1'],
    ['no Origin at all', undefined],
  ])('given the token but the Origin of %s, then the upgrade is refused with 403', async (_what, origin) => {
    await expect(openSocket({ ...(origin === undefined ? {} : { origin }) })).rejects.toThrow('refused with 403');
  });

  it('given a connected page, when it sends a request, then it reaches the router and the service: the handshake, and a bad payload rejected by validation', async () => {
    const socket = new WebSocket(`${server.origin.replace('http:', 'ws:')}${WEB_IPC_PATH}`, webIpcProtocols(server.token), {
      origin: server.origin,
    });
    const api = createPresenceApi(createWebSocketTransport(socket));

    const snapshot = await api.rendererReady();
    expect(snapshot.info.runtime).toBe('web');
    const error = await api.setStatus({ status: 'sleeping' as never, note: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ code: 'invalid-payload', channel: 'presence:set-status' });
    socket.close();
  });

  it('given a connected page, when a second tab connects, then the second takes over and the first is closed with the reason', async () => {
    const first = await openSocket({ origin: server.origin });
    const firstClosed = new Promise<{ code: number; reason: string }>((resolve) =>
      first.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const second = await openSocket({ origin: server.origin });
    expect(await firstClosed).toEqual({ code: 4000, reason: 'Presently was opened in another tab' });

    const notices: unknown[] = [];
    const api = createPresenceApi(createWebSocketTransport(second));
    api.onNotice((notice) => notices.push(notice));
    await api.rendererReady();
    service.notify('info', 'to the newest tab');
    await expect.poll(() => notices).toEqual([expect.objectContaining({ text: 'to the newest tab' })]);
    second.close();
  });

  it('given a frame that is not a request, then the socket is closed as a policy violation', async () => {
    const socket = await openSocket({ origin: server.origin });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('{"kind":"request","channel":"app:get-info"}');
    expect(await closed).toBe(1008);
  });
});

describe('binding', () => {
  it.each(['0.0.0.0', '::', '192.168.1.10', 'localhost'])(
    'given the host %s, then the server refuses to start, saying it serves this computer only',
    async (host) => {
      const router = createRequestRouter(createRequestHandlers(service), () => undefined);
      const started = startWebServer({ router, renderer: service, rendererDir, host });
      await expect(started).rejects.toBeInstanceOf(WebServerConfigError);
      await expect(started).rejects.toThrow('listens on this computer only (127.0.0.1 or ::1)');
    },
  );
});
