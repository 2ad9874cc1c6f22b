/**
 * An XCAP client for tests (RFC 4825 §6–8 over HTTP/1.1): GET, PUT and DELETE of one user's pres-rules document
 * (RFC 5025) at `{xcapRoot}/pres-rules/users/{AOR}/index`, answering the server's HTTP Digest challenge
 * (RFC 7616 §3.3–3.4) once with the SIP account's user and password. The digest math is the one in
 * test/support/compositor/digest-client.ts; a server that names no algorithm means MD5 (RFC 7616 §3.3).
 */
import http from 'node:http';
import { authorization, challengesOf } from '../compositor/digest-client';

/** One XCAP request: the document's owner AOR, who asks, and for PUT the document. */
export interface XcapRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE';
  /** The owner of the document, e.g. `sip:alice@example.com`. */
  readonly aor: string;
  readonly user: string;
  readonly password: string;
  readonly body?: string;
}

/** The server's final answer. */
export interface XcapResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** The URL of `aor`'s pres-rules document under `xcapRoot`. */
export function presRulesUrl(xcapRoot: string, aor: string): string {
  return `${xcapRoot}/pres-rules/users/${aor}/index`;
}

/** Sends the request, answers a 401 once with Digest credentials, and resolves with the final response. */
export async function xcap(xcapRoot: string, request: XcapRequest): Promise<XcapResponse> {
  const url = new URL(presRulesUrl(xcapRoot, request.aor));
  const first = await send(url, request, undefined);
  if (first.status !== 401 || first.challenge === undefined) return first;
  const challenges = challengesOf({ headers: { getAll: () => [first.challenge as string] } }).map((challenge) =>
    challenge.has('algorithm') ? challenge : new Map([...challenge, ['algorithm', 'MD5']]),
  );
  const credentials = authorization(challenges, {
    user: request.user,
    password: request.password,
    method: request.method,
    uri: url.pathname,
  });
  return send(url, request, credentials);
}

function send(url: URL, request: XcapRequest, credentials: string | undefined): Promise<XcapResponse & { challenge?: string }> {
  const body = request.body ?? '';
  const headers: Record<string, string> = { 'Content-Length': String(Buffer.byteLength(body)) };
  if (request.body !== undefined) headers['Content-Type'] = 'application/auth-policy+xml';
  if (credentials !== undefined) headers.Authorization = credentials;
  return new Promise((resolve, reject) => {
    const outgoing = http.request(url, { method: request.method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const challenge = response.headers['www-authenticate'];
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          body: Buffer.concat(chunks).toString('utf8'),
          ...(challenge === undefined ? {} : { challenge: Array.isArray(challenge) ? challenge[0] : challenge }),
        });
      });
      response.on('error', reject);
    });
    outgoing.setTimeout(5000, () => outgoing.destroy(new Error(`XCAP ${request.method} ${url.href} got no answer within 5 s.`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
