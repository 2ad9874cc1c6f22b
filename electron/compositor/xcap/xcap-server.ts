/**
 * XCAP-lite (RFC 4825) for one document per user: the owner's presence rules (RFC 5025 §9, application usage
 * `pres-rules`), served on the WebSocket listener's HTTP server under `/xcap-root` — the path Kamailio's
 * `xcap_server` offers, so one client works with both.
 *
 *   GET {xcap-root}/pres-rules/users/{owner's AOR URI}/index   200 the document as written | 404 none yet
 *   PUT  …same…  Content-Type: application/auth-policy+xml      201 created | 200 replaced (RFC 4825 §8.2.1)
 *
 * Whole documents only: node selectors (`…/index/~~/…`), ETag preconditions and other application usages are not
 * offered (404 / 405 say so). Checks, in this order, each answered with a sentence a user understands:
 *
 *   method other than GET/PUT ─► 405 + Allow          path not a pres-rules document ─► 404
 *   with a users file: no or wrong Digest login (RFC 7616, the SIP account's user, password and realm) ─► 401
 *     challenge; another user's document ─► 403       without one: a request from off this machine ─► 403
 *   PUT: other Content-Type ─► 415   body over MAX_DOCUMENT_BYTES ─► 413   not UTF-8 or empty ─► 400
 *        not well-formed XML ─► 409 <not-well-formed/>; rules we cannot represent ─► 409 <constraint-failure
 *        phrase="…"/> (RFC 4825 §11, `application/xcap-error+xml`)
 *
 * A stored document applies at once: the rules book tells the notifier, which decides every live watcher again.
 * The XML is read by shared/ (no DTD, no entity expansion).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { element, parseXml, serializeXml } from '../../../shared/pidf/xml';
import { MARKUP_DECLARATION } from '../../../shared/pidf/parse';
import { PRES_RULES_AUID, PRES_RULES_CONTENT_TYPE } from '../../../shared/pres-rules';
import { mediaType } from '../../../shared/sip/header-values';
import { errorMessage } from '../../../shared/error-message';
import type { DigestAuthenticator } from '../auth/authenticator';
import type { RulesBook } from '../authorization/rules-book';
import { aorOfText, type Aor } from '../message/aor';
import { isLoopbackHost } from '../../net/loopback';

/** The path under the listener's root where the XCAP root is (`http://host:port/xcap-root`). */
export const XCAP_ROOT_PATH = '/xcap-root';
/** RFC 4825 §15.2.1: the media type of an XCAP error document, and its namespace. */
const XCAP_ERROR_CONTENT_TYPE = 'application/xcap-error+xml';
const NS_XCAP_ERROR = 'urn:ietf:params:xml:ns:xcap-error';
/** The largest rules document taken: a rule per watcher for a team of hundreds fits. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

/** What the XCAP server needs from the compositor. */
export interface XcapServerOptions {
  readonly rules: RulesBook;
  /** The users file's Digest gate; null: no logins, loopback clients only. */
  readonly authenticator: DigestAuthenticator | null;
  /** Whether we keep presence for this domain (the SIP side's 404 check). */
  servesHost(host: string): boolean;
  /** One line per request, for the compositor's log. */
  log(method: string, aor: string | null, source: string, status: number, detail: string): void;
  readonly now?: () => number;
}

/** An HTTP request handler for the listener: true when the request was under the XCAP root (and is answered). */
export type HttpRequestHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/** The XCAP handler for the WebSocket listener's HTTP server. */
export function xcapHandler(options: XcapServerOptions): HttpRequestHandler {
  const now = options.now ?? Date.now;
  return (request, response) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (path !== XCAP_ROOT_PATH && !path.startsWith(`${XCAP_ROOT_PATH}/`)) return false;
    const address = request.socket.remoteAddress ?? '0.0.0.0';
    const source = `http ${address}:${request.socket.remotePort ?? 0}`;
    const method = request.method ?? '';
    let owner: Aor | null = null;
    const send = (status: number, detail: string, headers: Record<string, string | string[]> = {}, body = ''): void => {
      const text = body.length > 0 ? body : `${detail}\n`;
      response.writeHead(status, {
        'Content-Type': body.length > 0 ? (headers['Content-Type'] as string) : 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-store',
        ...headers,
      });
      response.end(text);
      options.log(method, owner?.uri ?? null, source, status, detail);
    };
    try {
      if (method !== 'GET' && method !== 'PUT') {
        send(405, `${method} is not offered here: GET reads your presence rules, PUT writes them.`, { Allow: 'GET, PUT' });
        drain(request);
        return true;
      }
      owner = ownerOf(path);
      if (owner === null || !options.servesHost(owner.host)) {
        const found = owner;
        owner = null;
        send(
          404,
          found === null
            ? `No such document: this server keeps ${PRES_RULES_AUID}/users/<your SIP address>/index under ${XCAP_ROOT_PATH} only.`
            : `No such document: ${found.host} is not a domain served here.`,
        );
        drain(request);
        return true;
      }
      const refusal = admit(options, request, method, owner, address, now());
      if (refusal !== null) {
        send(refusal.status, refusal.detail, refusal.headers);
        drain(request);
        return true;
      }
      const ownerAor = owner;
      if (method === 'GET') {
        const xml = options.rules.documentOf(ownerAor.key);
        if (xml === null) send(404, `${ownerAor.uri} has no presence rules yet; the server's default applies.`);
        else send(200, 'the presence rules', { 'Content-Type': PRES_RULES_CONTENT_TYPE, ETag: etagOf(xml) }, xml);
        return true;
      }
      const contentType = mediaType(request.headers['content-type'] ?? '');
      if (contentType !== PRES_RULES_CONTENT_TYPE) {
        send(415, `Presence rules must be sent as ${PRES_RULES_CONTENT_TYPE}, not ${contentType || 'without a Content-Type'}.`, {
          Accept: PRES_RULES_CONTENT_TYPE,
        });
        drain(request);
        return true;
      }
      const declared = Number(request.headers['content-length'] ?? '0');
      if (declared > MAX_DOCUMENT_BYTES) {
        // Connection: close makes Node close the socket once answered, without reading the rest.
        send(413, `The document is larger than ${MAX_DOCUMENT_BYTES} bytes.`, { Connection: 'close' });
        return true;
      }
      readBody(request, MAX_DOCUMENT_BYTES, (body) => {
        if (body === null) {
          send(413, `The document is larger than ${MAX_DOCUMENT_BYTES} bytes.`, { Connection: 'close' });
          return;
        }
        put(options, ownerAor, body, send);
      });
      return true;
    } catch (error) {
      send(500, `internal error: ${errorMessage(error)}`);
      return true;
    }
  };
}

type Send = (status: number, detail: string, headers?: Record<string, string | string[]>, body?: string) => void;

function put(options: XcapServerOptions, owner: Aor, body: Buffer, send: Send): void {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    send(400, 'The document is not UTF-8 text.');
    return;
  }
  if (text.trim().length === 0) {
    send(400, 'The request has no document.');
    return;
  }
  // RFC 4825 §11: a body that is not XML is a conflict with the document's type, not a malformed request.
  if (!MARKUP_DECLARATION.test(text)) {
    const xml = parseXml(text);
    if (!xml.ok) {
      send(409, xml.message, { 'Content-Type': XCAP_ERROR_CONTENT_TYPE }, xcapError('not-well-formed'));
      return;
    }
  }
  const written = options.rules.write(owner.key, text);
  if (!written.ok) {
    send(409, written.reason, { 'Content-Type': XCAP_ERROR_CONTENT_TYPE }, xcapError('constraint-failure', written.reason));
    return;
  }
  send(written.created ? 201 : 200, written.created ? 'rules created' : 'rules replaced', { ETag: etagOf(text) });
}

/** Who may touch `owner`'s document: the 401/403 to answer, or null. */
function admit(
  options: XcapServerOptions,
  request: IncomingMessage,
  method: string,
  owner: Aor,
  address: string,
  now: number,
): { status: number; detail: string; headers: Record<string, string | string[]> } | null {
  const authenticator = options.authenticator;
  if (authenticator === null) {
    // No users file: open, like the SIP side — but only to this machine, whatever address the listener has.
    if (isLoopbackHost(address)) return null;
    return { status: 403, detail: 'Without a users file the presence rules can be changed from this machine only.', headers: {} };
  }
  const header = request.headers.authorization;
  const admission = authenticator.authenticateValues(method, header === undefined ? [] : [header], address, now);
  if (admission.kind === 'refused') {
    const challenges = (admission.reply.headers ?? []).filter(([name]) => name === 'WWW-Authenticate').map(([, value]) => value);
    const detail =
      admission.reply.status === 401
        ? 'Sign in with your SIP account to read or change your presence rules.'
        : (admission.reply.reason ?? 'Forbidden');
    return { status: admission.reply.status, detail, headers: challenges.length > 0 ? { 'WWW-Authenticate': challenges } : {} };
  }
  if (admission.user !== owner.user) {
    return { status: 403, detail: `Signed in as ${admission.user}: you may read and change only your own presence rules.`, headers: {} };
  }
  return null;
}

/** `/xcap-root/pres-rules/users/{XUI}/index` → the owner's AOR, or null. */
function ownerOf(path: string): Aor | null {
  const parts = path.slice(XCAP_ROOT_PATH.length + 1).split('/');
  if (parts.length !== 4 || parts[0] !== PRES_RULES_AUID || parts[1] !== 'users' || parts[3] !== 'index') return null;
  let xui: string;
  try {
    xui = decodeURIComponent(parts[2] ?? '');
  } catch {
    return null;
  }
  return aorOfText(xui);
}

/** A strong entity tag for a document (RFC 4825 §7.11). */
function etagOf(xml: string): string {
  return `"${createHash('sha256').update(xml, 'utf8').digest('base64url').slice(0, 22)}"`;
}

function xcapError(condition: 'not-well-formed' | 'constraint-failure', phrase?: string): string {
  const detail = element(NS_XCAP_ERROR, condition, phrase === undefined ? {} : { phrase });
  return serializeXml(element(NS_XCAP_ERROR, 'xcap-error', {}, [detail]), {
    defaultNamespace: NS_XCAP_ERROR,
    preferredPrefixes: new Map(),
    indent: '  ',
  });
}

/** Reads a body of at most `limit` bytes; null as soon as it is larger (the rest is read and dropped). */
function readBody(request: IncomingMessage, limit: number, done: (body: Buffer | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let isOver = false;
  request.on('data', (chunk: Buffer) => {
    if (isOver) return;
    size += chunk.length;
    if (size > limit) {
      isOver = true;
      chunks.length = 0;
      done(null);
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (!isOver) done(Buffer.concat(chunks));
  });
  request.on('error', () => undefined);
}

/** A body we answer without reading is still consumed, so a keep-alive connection stays usable. */
function drain(request: IncomingMessage): void {
  request.resume();
}
