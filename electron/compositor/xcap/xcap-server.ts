/**
 * XCAP-lite (RFC 4825) for one document per user and application usage, served on the WebSocket listener's HTTP
 * server under `/xcap-root` — the path Kamailio's `xcap_server` offers, so one client works with both:
 *
 *   pres-rules      the owner's presence rules (RFC 5025 §9, application/auth-policy+xml)        GET, PUT
 *   resource-lists  the owner's buddy list (RFC 4826 §3, application/resource-lists+xml)         GET, PUT
 *   rls-services    the owner's list URI and what it expands to (RFC 4826 §4), made by the server; a PUT of the
 *                   owner's one service with its list inline writes that list (the way Kamailio's rls is fed)
 *
 *   GET {xcap-root}/{auid}/users/{owner's AOR URI}/index   200 the document as written | 404 none yet
 *   PUT  …same…  Content-Type: the usage's media type      201 created | 200 replaced (RFC 4825 §8.2.1)
 *
 * Whole documents only: node selectors (`…/index/~~/…`), ETag preconditions and other application usages are not
 * offered (404 / 405 say so). Checks, in this order, each answered with a sentence a user understands:
 *
 *   method other than GET/PUT ─► 405 + Allow          path not a document of a usage we serve ─► 404
 *   with a users file: no or wrong Digest login (RFC 7616, the SIP account's user, password and realm) ─► 401
 *     challenge; another user's document ─► 403       without one: a request from off this machine ─► 403
 *   PUT: a read-only usage ─► 405   other Content-Type ─► 415   body over the usage's size ─► 413
 *        not UTF-8 or empty ─► 400   not well-formed XML ─► 409 <not-well-formed/>; a document we cannot represent
 *        ─► 409 <constraint-failure phrase="…"/> (RFC 4825 §11, `application/xcap-error+xml`)
 *
 * A stored document applies at once: the rules book tells the notifier, which decides every live watcher again; the
 * list book tells it which list subscriptions to bring up to date. The XML is read by shared/ (no DTD, no entity
 * expansion).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { element, parseXml, serializeXml } from '../../../shared/pidf/xml';
import { MARKUP_DECLARATION } from '../../../shared/pidf/parse';
import { PRES_RULES_AUID, PRES_RULES_CONTENT_TYPE } from '../../../shared/pres-rules';
import {
  buildResourceLists,
  buildRlsServices,
  parseRlsServices,
  RESOURCE_LISTS_AUID,
  RESOURCE_LISTS_CONTENT_TYPE,
  RLS_SERVICES_AUID,
  RLS_SERVICES_CONTENT_TYPE,
} from '../../../shared/resource-lists/resource-lists';
import { mediaType } from '../../../shared/sip/header-values';
import { errorMessage } from '../../../shared/error-message';
import type { DigestAuthenticator } from '../auth/authenticator';
import type { RulesBook, RulesWrite } from '../authorization/rules-book';
import { MAX_LIST_MEMBERS, MAX_RESOURCE_LISTS_BYTES, type ResourceListBook } from '../lists/resource-list-book';
import { listUriOf } from '../lists/list-uri';
import { aorOfText, type Aor } from '../message/aor';
import { isLoopbackHost } from '../../net/loopback';

/** The path under the listener's root where the XCAP root is (`http://host:port/xcap-root`). */
export const XCAP_ROOT_PATH = '/xcap-root';
/** RFC 4825 §15.2.1: the media type of an XCAP error document, and its namespace. */
const XCAP_ERROR_CONTENT_TYPE = 'application/xcap-error+xml';
const NS_XCAP_ERROR = 'urn:ietf:params:xml:ns:xcap-error';
/** The largest rules document taken: a rule per watcher for a team of hundreds fits. */
export const MAX_DOCUMENT_BYTES = 64 * 1024;

/** One application usage (RFC 4825 §5) as served here: one document per owner. */
interface ApplicationUsage {
  readonly auid: string;
  readonly contentType: string;
  /** What it is, for the sentences: "presence rules", "buddy list". */
  readonly what: string;
  readonly maxBytes: number;
  /** How many elements (and attributes) its XML may have; absent: the XML reader's default. */
  readonly maxElements?: number;
  /** The owner's document; `root` is the XCAP root URL the request reached (for documents that point into it). */
  documentOf(owner: Aor, root: string): string | null;
  /** Stores a new document; absent: read-only. */
  write?(owner: Aor, xml: string): RulesWrite;
}

/** What the XCAP server needs from the compositor. */
export interface XcapServerOptions {
  readonly rules: RulesBook;
  readonly lists: ResourceListBook;
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

/** The application usages served, by AUID. */
function applicationUsages(options: XcapServerOptions): ReadonlyMap<string, ApplicationUsage> {
  const usages: ApplicationUsage[] = [
    {
      auid: PRES_RULES_AUID,
      contentType: PRES_RULES_CONTENT_TYPE,
      what: 'presence rules',
      maxBytes: MAX_DOCUMENT_BYTES,
      documentOf: (owner) => options.rules.documentOf(owner.key),
      write: (owner, xml) => options.rules.write(owner.key, xml),
    },
    {
      auid: RESOURCE_LISTS_AUID,
      contentType: RESOURCE_LISTS_CONTENT_TYPE,
      what: 'buddy list',
      maxBytes: MAX_RESOURCE_LISTS_BYTES,
      // An entry is an element with an attribute and usually a display name.
      maxElements: 16 + 3 * MAX_LIST_MEMBERS,
      documentOf: (owner) => options.lists.documentOf(owner.key),
      write: (owner, xml) => options.lists.write(owner.key, xml),
    },
    {
      // RFC 4826 §4: how the owner's client learns its list URI — one service, whatever the owner has written. A client
      // that keeps its list the way Kamailio's rls expects (the list inline in its service) may write it here too.
      auid: RLS_SERVICES_AUID,
      contentType: RLS_SERVICES_CONTENT_TYPE,
      what: 'list services',
      maxBytes: MAX_RESOURCE_LISTS_BYTES,
      maxElements: 16 + 3 * MAX_LIST_MEMBERS,
      write: (owner, xml) => writeListService(owner, xml, options.lists),
      documentOf: (owner, root) =>
        buildRlsServices({
          services: [
            {
              uri: listUriOf(owner),
              source: { kind: 'resource-list', href: `${root}/${RESOURCE_LISTS_AUID}/users/${encodeURIComponent(owner.uri)}/index` },
              packages: ['presence'],
            },
          ],
        }),
    },
  ];
  return new Map(usages.map((usage) => [usage.auid, usage]));
}

/**
 * An rls-services document written by the owner: its one service must be the owner's list URI (this server serves
 * one list per user, lists/list-uri.ts), and an inline `<list>` in it becomes the owner's buddy list. A service that
 * refers to the owner's resource-lists document, as the one this server gives out does, changes nothing.
 */
function writeListService(owner: Aor, xml: string, lists: ResourceListBook): RulesWrite {
  const parsed = parseRlsServices(xml, { maxItems: MAX_LIST_MEMBERS });
  if (!parsed.ok) return { ok: false, reason: parsed.message };
  const listUri = listUriOf(owner);
  const listKey = aorOfText(listUri)?.key;
  const [service, ...others] = parsed.document.services;
  if (service === undefined || others.length > 0 || aorOfText(service.uri)?.key !== listKey) {
    return { ok: false, reason: `This server keeps one list per user, ${listUri}: the document must have that one service.` };
  }
  if (service.source.kind === 'resource-list') {
    return service.source.href.endsWith(`/${RESOURCE_LISTS_AUID}/users/${encodeURIComponent(owner.uri)}/index`)
      ? { ok: true, created: false }
      : { ok: false, reason: `The service of ${listUri} may refer only to your own buddy list document.` };
  }
  return lists.write(owner.key, buildResourceLists({ lists: [service.source.list] }));
}

/** The XCAP handler for the WebSocket listener's HTTP server. */
export function xcapHandler(options: XcapServerOptions): HttpRequestHandler {
  const now = options.now ?? Date.now;
  const usages = applicationUsages(options);
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
        send(405, `${method} is not offered here: GET reads your presence rules or buddy list, PUT writes them.`, { Allow: 'GET, PUT' });
        drain(request);
        return true;
      }
      const target = documentOf(path, usages);
      owner = target?.owner ?? null;
      if (target === null || !options.servesHost(target.owner.host)) {
        owner = null;
        send(
          404,
          target === null
            ? `No such document: this server keeps ${[...usages.keys()].join(', ')}/users/<your SIP address>/index under ${XCAP_ROOT_PATH} only.`
            : `No such document: ${target.owner.host} is not a domain served here.`,
        );
        drain(request);
        return true;
      }
      const usage = target.usage;
      const refusal = admit(options, request, method, target.owner, usage.what, address, now());
      if (refusal !== null) {
        send(refusal.status, refusal.detail, refusal.headers);
        drain(request);
        return true;
      }
      const ownerAor = target.owner;
      if (method === 'GET') {
        const xml = usage.documentOf(ownerAor, `http://${request.headers.host ?? 'localhost'}${XCAP_ROOT_PATH}`);
        if (xml === null)
          send(404, `${ownerAor.uri} has no ${usage.what} yet${usage.auid === PRES_RULES_AUID ? "; the server's default applies" : ''}.`);
        else send(200, `the ${usage.what}`, { 'Content-Type': usage.contentType, ETag: etagOf(xml) }, xml);
        return true;
      }
      const write = usage.write;
      if (write === undefined) {
        send(405, `The ${usage.what} document is made by the server from your buddy list: it can be read, not written.`, { Allow: 'GET' });
        drain(request);
        return true;
      }
      const contentType = mediaType(request.headers['content-type'] ?? '');
      if (contentType !== usage.contentType) {
        const what = usage.what.charAt(0).toUpperCase() + usage.what.slice(1);
        send(415, `${what} must be sent as ${usage.contentType}, not ${contentType || 'without a Content-Type'}.`, {
          Accept: usage.contentType,
        });
        drain(request);
        return true;
      }
      const declared = Number(request.headers['content-length'] ?? '0');
      if (declared > usage.maxBytes) {
        // Connection: close makes Node close the socket once answered, without reading the rest.
        send(413, `The document is larger than ${usage.maxBytes} bytes.`, { Connection: 'close' });
        return true;
      }
      readBody(request, usage.maxBytes, (body) => {
        if (body === null) {
          send(413, `The document is larger than ${usage.maxBytes} bytes.`, { Connection: 'close' });
          return;
        }
        put((xml) => write(ownerAor, xml), usage, body, send);
      });
      return true;
    } catch (error) {
      send(500, `internal error: ${errorMessage(error)}`);
      return true;
    }
  };
}

type Send = (status: number, detail: string, headers?: Record<string, string | string[]>, body?: string) => void;

function put(write: (xml: string) => RulesWrite, usage: ApplicationUsage, body: Buffer, send: Send): void {
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
    const limits = usage.maxElements === undefined ? {} : { maxElements: usage.maxElements, maxAttributes: usage.maxElements };
    const xml = parseXml(text, 'fast', limits);
    if (!xml.ok) {
      send(409, xml.message, { 'Content-Type': XCAP_ERROR_CONTENT_TYPE }, xcapError('not-well-formed'));
      return;
    }
  }
  const written = write(text);
  if (!written.ok) {
    send(409, written.reason, { 'Content-Type': XCAP_ERROR_CONTENT_TYPE }, xcapError('constraint-failure', written.reason));
    return;
  }
  send(written.created ? 201 : 200, `${usage.what} ${written.created ? 'created' : 'replaced'}`, { ETag: etagOf(text) });
}

/** Who may touch `owner`'s document: the 401/403 to answer, or null. */
function admit(
  options: XcapServerOptions,
  request: IncomingMessage,
  method: string,
  owner: Aor,
  what: string,
  address: string,
  now: number,
): { status: number; detail: string; headers: Record<string, string | string[]> } | null {
  const authenticator = options.authenticator;
  if (authenticator === null) {
    // No users file: open, like the SIP side — but only to this machine, whatever address the listener has.
    if (isLoopbackHost(address)) return null;
    return { status: 403, detail: `Without a users file the ${what} can be changed from this machine only.`, headers: {} };
  }
  const header = request.headers.authorization;
  const admission = authenticator.authenticateValues(method, header === undefined ? [] : [header], address, now);
  if (admission.kind === 'refused') {
    const challenges = (admission.reply.headers ?? []).filter(([name]) => name === 'WWW-Authenticate').map(([, value]) => value);
    const detail =
      admission.reply.status === 401
        ? `Sign in with your SIP account to read or change your ${what}.`
        : (admission.reply.reason ?? 'Forbidden');
    return { status: admission.reply.status, detail, headers: challenges.length > 0 ? { 'WWW-Authenticate': challenges } : {} };
  }
  if (admission.user !== owner.user) {
    return { status: 403, detail: `Signed in as ${admission.user}: you may read and change only your own ${what}.`, headers: {} };
  }
  return null;
}

/** `/xcap-root/{auid}/users/{XUI}/index` → the usage and the owner's AOR, or null. */
function documentOf(path: string, usages: ReadonlyMap<string, ApplicationUsage>): { usage: ApplicationUsage; owner: Aor } | null {
  const parts = path.slice(XCAP_ROOT_PATH.length + 1).split('/');
  const usage = usages.get(parts[0] ?? '');
  if (parts.length !== 4 || usage === undefined || parts[1] !== 'users' || parts[3] !== 'index') return null;
  let xui: string;
  try {
    xui = decodeURIComponent(parts[2] ?? '');
  } catch {
    return null;
  }
  const owner = aorOfText(xui);
  return owner === null ? null : { usage, owner };
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
