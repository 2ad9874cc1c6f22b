/**
 * The client side of XCAP (RFC 4825) for one user's documents: GET (§7.3) and PUT (§7.1) of a whole document under
 * the account's XCAP root, with HTTP Digest (RFC 7616) on the SIP account's user and password, ETags for conditional
 * writes (§7.11: If-Match), a time limit on every request and an answer the user can read for every failure.
 *
 *   request ──► 2xx ─────────────────────────────► done (ETag kept for the next write)
 *      │ 401 + WWW-Authenticate: Digest (SHA-256 preferred, else MD5)
 *      └──► the same request with Authorization ──► 2xx / 4xx / 5xx (a second 401: wrong user name or password,
 *                                                    unless the server says `stale`: once more with its new nonce)
 *   The last challenge is kept and answered pre-emptively (nonce count + 1), so an exchange usually costs one round trip.
 *
 * Only http and https roots; nothing is sent to a server before a challenge but the request itself, and no password
 * ever goes over plain HTTP in the clear (Digest sends only hashes).
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { checkXcapRoot } from '../../../shared/account/xcap-root';
import { errorMessage } from '../../../shared/error-message';
import { authorizationHeader, parseDigestChallenge, type ReceivedChallenge } from '../../net/digest';

/** The largest document we read (pres-rules of thousands of watchers are far smaller). */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

/** Default time limit of one request, including its Digest round trip. */
export const XCAP_TIMEOUT_MS = 10_000;

/** Where and as whom the client talks XCAP. */
export interface XcapClientOptions {
  /** The XCAP root URI (RFC 4825 §6.1), e.g. `http://127.0.0.1:5066/xcap-root`. */
  readonly xcapRoot: string;
  /** The Digest user name (the SIP account's). */
  readonly username: string;
  readonly password?: string;
  /** Time limit of one request, ms (default XCAP_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** For https roots: extra certificate authorities (PEM), as the SIP connection's TLS uses. */
  readonly caPem?: string;
}

/** A document as read: its body and entity tag, or none at that path (404). */
export type XcapRead = { readonly kind: 'found'; readonly body: string; readonly etag?: string } | { readonly kind: 'none' };

/** A failed XCAP exchange, its `message` written for the user; `statusCode` when the server answered. */
export class XcapError extends Error {
  override readonly name = 'XcapError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

/** A raw HTTP response, as far as this client needs it. */
interface HttpAnswer {
  readonly status: number;
  readonly reason: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly challenges: readonly string[];
  readonly body: string;
}

/** The path of a user's document below the root (RFC 4825 §6.3): `{auid}/users/{xui}/{document}`. */
export function userDocumentPath(auid: string, userAor: string, document: string): string {
  // RFC 3986 §3.3: ':' and '@' are path characters, as Kamailio's and every XCAP server's paths have them.
  const xui = encodeURIComponent(userAor).replace(/%3A/gi, ':').replace(/%40/g, '@');
  return `${auid}/users/${xui}/${encodeURIComponent(document)}`;
}

/** One account's XCAP client. Requests may overlap; each carries its own Digest answer. */
export class XcapClient {
  private readonly root: URL;
  private readonly timeoutMs: number;
  /** The server's last challenge and how often its nonce was used. */
  private challenge: { readonly value: ReceivedChallenge; count: number } | undefined;

  /** @throws XcapError when the root is not an http(s) URL. */
  constructor(private readonly options: XcapClientOptions) {
    const checked = checkXcapRoot(options.xcapRoot);
    if (!checked.ok) throw new XcapError(checked.message);
    this.root = new URL(`${checked.root}/`);
    this.timeoutMs = options.timeoutMs ?? XCAP_TIMEOUT_MS;
  }

  /** GET a document (RFC 4825 §7.3); `none` for 404. @throws XcapError */
  async get(path: string): Promise<XcapRead> {
    const answer = await this.exchange('GET', path, undefined);
    if (answer.status === 404) return { kind: 'none' };
    if (answer.status !== 200) throw this.failure('read', answer);
    const etag = headerText(answer.headers.etag);
    return { kind: 'found', body: answer.body, ...(etag === undefined ? {} : { etag }) };
  }

  /**
   * PUT a whole document (RFC 4825 §7.1); with `ifMatch` only if the server's copy still has that entity tag
   * (§7.11): a 412 then means someone else changed it since it was read. Resolves with the new entity tag, if any.
   * @throws XcapError
   */
  async put(path: string, body: string, contentType: string, ifMatch?: string): Promise<{ readonly etag?: string }> {
    const headers: Record<string, string> = { 'content-type': contentType, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) };
    const answer = await this.exchange('PUT', path, { body, headers });
    if (answer.status !== 200 && answer.status !== 201 && answer.status !== 204) throw this.failure('change', answer);
    const etag = headerText(answer.headers.etag);
    return etag === undefined ? {} : { etag };
  }

  /** One request with its Digest round trip, all within the time limit. */
  private async exchange(
    method: 'GET' | 'PUT',
    path: string,
    content: { readonly body: string; readonly headers: Record<string, string> } | undefined,
  ): Promise<HttpAnswer> {
    const url = new URL(path, this.root);
    const deadline = Date.now() + this.timeoutMs;
    let answer = await this.send(method, url, content, this.nextAuthorization(method, url), deadline);
    // A pre-emptive answer with an old nonce may earn a 401 with a new one; an answer to this exchange's own challenge
    // refused again means wrong credentials, unless the server says the nonce was merely stale (RFC 7616 §3.3).
    let answeredFresh = false;
    for (let round = 0; answer.status === 401 && round < 2; round += 1) {
      const offered = answer.challenges.map(parseDigestChallenge).filter((c): c is ReceivedChallenge => c !== null);
      // RFC 7616 §3.7: the client uses the strongest algorithm it supports; SHA-256 before MD5.
      const chosen = offered.find((c) => c.algorithm === 'SHA-256') ?? offered[0];
      if (chosen === undefined || this.options.password === undefined || (answeredFresh && !chosen.stale)) break;
      this.challenge = { value: chosen, count: 0 };
      answeredFresh = true;
      answer = await this.send(method, url, content, this.nextAuthorization(method, url), deadline);
    }
    return answer;
  }

  private nextAuthorization(method: string, url: URL): string | undefined {
    const challenge = this.challenge;
    if (challenge === undefined || this.options.password === undefined) return undefined;
    challenge.count += 1;
    return authorizationHeader(challenge.value, {
      username: this.options.username,
      password: this.options.password,
      method,
      uri: `${url.pathname}${url.search}`,
      cnonce: randomBytes(12).toString('hex'),
      nonceCount: challenge.count,
    });
  }

  private send(
    method: string,
    url: URL,
    content: { readonly body: string; readonly headers: Record<string, string> } | undefined,
    authorization: string | undefined,
    deadline: number,
  ): Promise<HttpAnswer> {
    const remaining = deadline - Date.now();
    const where = `${url.protocol}//${url.host}`;
    if (remaining <= 0) return Promise.reject(this.timedOut(where));
    return new Promise<HttpAnswer>((resolve, reject) => {
      const body = content === undefined ? undefined : Buffer.from(content.body, 'utf8');
      const headers: Record<string, string> = {
        ...content?.headers,
        ...(body === undefined ? {} : { 'content-length': String(body.length) }),
        ...(authorization === undefined ? {} : { authorization }),
      };
      const transport = url.protocol === 'https:' ? https : http;
      const request = transport.request(url, {
        method,
        headers,
        // A connection per request (requests are rare: one per decision). Node's default agent keeps connections
        // open and reuses them, and a request sent on one the server has meanwhile closed fails with "socket hang
        // up" (seen against Kamailio's xhttp on its SIP TCP port, in about one test run of four).
        agent: false,
        ...(url.protocol === 'https:' && this.options.caPem !== undefined ? { ca: this.options.caPem } : {}),
      });
      const timer = setTimeout(() => {
        request.destroy();
        reject(this.timedOut(where));
      }, remaining);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(new XcapError(`Could not reach the presence server's rules at ${where}: ${errorMessage(error)}.`));
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DOCUMENT_BYTES) {
            clearTimeout(timer);
            request.destroy();
            reject(new XcapError(`The presence server sent a rules document larger than ${MAX_DOCUMENT_BYTES / 1024} KiB.`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(new XcapError(`The presence server's answer broke off: ${errorMessage(error)}.`));
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            reason: response.statusMessage ?? '',
            headers: response.headers,
            challenges: response.headersDistinct['www-authenticate'] ?? [],
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      });
      request.end(body);
    });
  }

  private timedOut(where: string): XcapError {
    return new XcapError(
      `The presence server's rules at ${where} did not answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`}.`,
    );
  }

  /** The sentence for a failed read or change: what the server said, and for 401 what it means. */
  private failure(what: 'read' | 'change', answer: HttpAnswer): XcapError {
    const said = `${answer.status}${answer.reason === '' ? '' : ` ${answer.reason}`}`;
    if (answer.status === 401) {
      const sentence =
        this.options.password === undefined
          ? `The presence server asks for a password to ${what} who may see you (${said}).`
          : `The presence server did not accept the user name or password to ${what} who may see you (${said}).`;
      return new XcapError(sentence, 401);
    }
    const verb = what === 'read' ? 'refused to show the rules of who may see you' : 'refused the change';
    return new XcapError(`The presence server ${verb}: ${said}.`, answer.status);
  }
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
