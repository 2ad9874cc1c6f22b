/**
 * The control listener: a small HTTP/1.1 server (RFC 9110) that answers `GET /status` with the running compositor's
 * state as JSON (status-snapshot.ts), for `presently compositor status`. The status shows everyone's presence, who
 * watches whom and where each device is registered, so it is guarded like the SIP side:
 *
 *   with a users file   HTTP Digest (RFC 7616) by the same users, realm, nonces and failure bound as SIP
 *                       (auth/authenticator.ts), and only users named as admins may read it (403 for the others);
 *   without one         open, and only on a loopback address: a start on another address is refused, and the Host
 *                       header must name a loopback address too, so that a web page cannot read it through a
 *                       DNS name rebound to 127.0.0.1 (RFC 9110 §7.2 Host; the usual rebinding defence).
 *
 *   GET /status ─► 200 JSON   no or wrong credentials ─► 401 + WWW-Authenticate   not an admin ─► 403
 *   another path ─► 404       another method ─► 405 + Allow: GET                  foreign Host (open) ─► 421
 *
 * Every answer that is not 200 carries `{"error": "<a sentence>"}`, which the command line prints as it is.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DigestAuthenticator, type AuthenticationOptions } from '../auth/authenticator';
import { errorMessage } from '../../../shared/error-message';
import type { CompositorStatus } from '../compositor-types';
import { isLoopbackHost } from '../../net/loopback';

/** The control listener's address when none is configured (one above the SIP WebSocket port). */
export const DEFAULT_CONTROL_PORT = 5068;
/** Longest time a client may take to send its request head, ms (slow-loris). */
const HEADERS_TIMEOUT_MS = 5_000;
/** Open control connections at once; the status is read by a person or a monitoring probe, not by crowds. */
const MAX_CONNECTIONS = 32;

/** A control listener that would expose the status unguarded (thrown by `startControlListener`). */
export class ControlConfigError extends Error {
  override readonly name = 'ControlConfigError';
}

export interface ControlListenerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The server's state, read afresh for each GET /status. */
  readonly status: () => Promise<CompositorStatus>;
  /** The compositor's Digest users; absent: no login (allowed on loopback only). */
  readonly authentication?: AuthenticationOptions;
  /** With authentication: the users who may read the status. */
  readonly admins?: readonly string[];
}

/** A bound control listener. */
export interface ControlListener {
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:5068/status`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the control listener; rejects with ControlConfigError when it would be open beyond loopback, or with the bind error. */
export async function startControlListener(options: ControlListenerOptions): Promise<ControlListener> {
  const { host, authentication } = options;
  if (authentication === undefined && !isLoopbackHost(host))
    throw new ControlConfigError(
      `the control listener on ${host} would show everyone's presence to anyone who reaches it: give --users FILE and --admin USER, or keep --control on loopback`,
    );
  const authenticator = authentication === undefined ? null : new DigestAuthenticator(authentication);
  const admins = new Set(options.admins ?? []);
  const server = createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: HEADERS_TIMEOUT_MS }, (request, response) => {
    answer(request, response).catch((error: unknown) => {
      // A defect, not bad input: the client gets a sentence, the server keeps running.
      if (!response.headersSent) refuse(response, 500, `the status could not be read: ${errorMessage(error)}`);
      else response.destroy();
    });
  });
  server.maxConnections = MAX_CONNECTIONS;

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (authenticator === null && !isLoopbackHost(hostName(request.headers.host ?? '')))
      return refuse(response, 421, 'this status is served to loopback addresses only (Host must be 127.0.0.1, ::1 or localhost)');
    if (path !== '/status') return refuse(response, 404, `nothing at ${path}: the status is at /status`);
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return refuse(response, 405, 'only GET reads the status', [['Allow', 'GET']]);
    if (authenticator !== null) {
      const authorization = request.headers.authorization;
      const admission = authenticator.authenticateValues(
        'GET',
        authorization === undefined ? [] : [authorization],
        request.socket.remoteAddress ?? '',
        Date.now(),
      );
      if (admission.kind === 'refused') {
        const { status, headers } = admission.reply;
        const sentence =
          status === 401
            ? authorization === undefined
              ? 'log in as an admin of this compositor (presently compositor status --user NAME)'
              : 'wrong user or password'
            : (admission.reply.reason ?? 'refused');
        return refuse(response, status, sentence, headers ?? []);
      }
      if (!admins.has(admission.user))
        return refuse(
          response,
          403,
          admins.size === 0
            ? 'no admin is configured: start the compositor with --admin USER to let that user read the status'
            : `${admission.user} is not an admin of this compositor (its --admin users may read the status)`,
        );
    }
    const body = JSON.stringify(await options.status());
    response.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    host,
    port,
    url: `http://${shown}:${port}/status`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a status and `{"error": sentence}`. */
function refuse(response: ServerResponse, status: number, sentence: string, headers: ReadonlyArray<readonly [string, string]> = []): void {
  const body = JSON.stringify({ error: sentence });
  const head: Record<string, string | string[]> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  };
  // Several challenges go out as several WWW-Authenticate fields (RFC 9110 §11.6.1), SHA-256 first.
  for (const [name, value] of headers) {
    const existing = head[name];
    head[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  response.writeHead(status, head);
  response.end(body);
}

/** The host of a Host header value (`127.0.0.1:5068`, `[::1]:5068`, `localhost`). */
function hostName(value: string): string {
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1);
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}
