/**
 * The XCAP client against a real HTTP server on 127.0.0.1: Digest (SHA-256 and MD5, a pre-emptive answer with a
 * stale nonce), GET and PUT with ETags and If-Match, and a readable sentence for every failure (403, a wrong
 * password, a server that never answers, one that is not there).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  challengeHeader,
  credentialsHash,
  digestAlgorithmOf,
  digestResponse,
  parseDigestCredentials,
  type DigestAlgorithm,
} from '../../../../../electron/net/digest';
import { checkXcapRoot } from '../../../../../shared/account/xcap-root';
import { userDocumentPath, XcapClient, XcapError } from '../../../../../electron/sip/xcap/xcap-client';

const REALM = 'example.com';
const USER = 'alice';
const PASSWORD = 'wonderland';
const PATH = userDocumentPath('pres-rules', 'sip:alice@example.com', 'index');

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly ifMatch: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A small XCAP server: one document store, Digest with the offered algorithms, nonces it can declare stale. */
class TestXcapServer {
  readonly seen: Seen[] = [];
  readonly documents = new Map<string, { body: string; etag: string }>();
  /** What every request gets instead of the normal handling (after authentication), when set. */
  answerWith: number | undefined;
  /** Never answer (for the time limit). */
  silent = false;
  algorithms: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];
  private nonce = 1;
  private etag = 1;
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => this.handle(request, response, Buffer.concat(chunks).toString('utf8')));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/xcap-root`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Makes every nonce issued so far stale. */
  expireNonces(): void {
    this.nonce += 1000;
  }

  private handle(request: IncomingMessage, response: ServerResponse, body: string): void {
    const authorization = request.headers.authorization;
    this.seen.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization,
      ifMatch: request.headers['if-match'],
      contentType: request.headers['content-type'],
      body,
    });
    if (this.silent) return;
    const verdict = this.authenticate(request.method ?? '', authorization);
    if (verdict !== 'ok') {
      const stale = verdict === 'stale';
      response.writeHead(401, 'Unauthorized', [
        ...this.algorithms.flatMap((algorithm) => [
          'WWW-Authenticate',
          challengeHeader({ realm: REALM, nonce: `n${this.nonce}`, opaque: 'op', algorithm, stale }),
        ]),
      ]);
      response.end();
      return;
    }
    if (this.answerWith !== undefined) {
      response.writeHead(this.answerWith);
      response.end();
      return;
    }
    const key = request.url ?? '';
    const current = this.documents.get(key);
    if (request.method === 'GET') {
      if (current === undefined) {
        response.writeHead(404, 'Not Found');
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/auth-policy+xml', etag: current.etag });
      response.end(current.body);
      return;
    }
    const ifMatch = request.headers['if-match'];
    if (ifMatch !== undefined && ifMatch !== current?.etag) {
      response.writeHead(412, 'Precondition Failed');
      response.end();
      return;
    }
    const etag = `"e${this.etag++}"`;
    this.documents.set(key, { body, etag });
    response.writeHead(current === undefined ? 201 : 200, { etag });
    response.end();
  }

  private authenticate(method: string, authorization: string | undefined): 'ok' | 'none' | 'stale' | 'wrong' {
    if (authorization === undefined) return 'none';
    const credentials = parseDigestCredentials(authorization);
    if (credentials === null) return 'wrong';
    const algorithm = digestAlgorithmOf(credentials.algorithm);
    if (algorithm === null || credentials.nc === undefined || credentials.cnonce === undefined) return 'wrong';
    const ha1 = credentialsHash(algorithm, credentials.username, REALM, PASSWORD);
    const expected = digestResponse(ha1, {
      algorithm,
      method,
      uri: credentials.uri,
      nonce: credentials.nonce,
      nc: credentials.nc,
      cnonce: credentials.cnonce,
    });
    if (expected !== credentials.response || credentials.username !== USER) return 'wrong';
    return credentials.nonce === `n${this.nonce}` ? 'ok' : 'stale';
  }
}

let server: TestXcapServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function startServer(): Promise<{ readonly server: TestXcapServer; readonly root: string }> {
  server = new TestXcapServer();
  return { server, root: await server.start() };
}

describe('XcapClient', () => {
  it('given no document, when read, then it is none; when written and read again, then the same body comes back with its ETag', async () => {
    const { server, root } = await startServer();
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    expect(await client.get(PATH)).toEqual({ kind: 'none' });
    const written = await client.put(PATH, '<ruleset/>', 'application/auth-policy+xml');
    expect(written.etag).toBe('"e1"');
    expect(await client.get(PATH)).toEqual({ kind: 'found', body: '<ruleset/>', etag: '"e1"' });
    expect(server.seen.map((s) => s.url)[0]).toBe('/xcap-root/pres-rules/users/sip:alice@example.com/index');
    const put = server.seen.find((s) => s.method === 'PUT' && s.authorization !== undefined);
    expect(put?.contentType).toBe('application/auth-policy+xml');
  });

  it('given a challenge with SHA-256 and MD5, when answering, then SHA-256 is used, and later requests answer it pre-emptively', async () => {
    const { server, root } = await startServer();
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    await client.get(PATH);
    await client.get(PATH);
    const answered = server.seen.filter((s) => s.authorization !== undefined);
    expect(answered.every((s) => /algorithm=SHA-256/.test(s.authorization ?? ''))).toBe(true);
    // The first request went bare and was challenged; the second and third carried Authorization, nc 1 then 2.
    expect(server.seen.map((s) => s.authorization === undefined)).toEqual([true, false, false]);
    expect(answered.map((s) => /nc=(\w+)/.exec(s.authorization ?? '')?.[1])).toEqual(['00000001', '00000002']);
  });

  it('given a server offering only MD5, when answering, then MD5 works', async () => {
    const { server, root } = await startServer();
    server.algorithms = ['MD5'];
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    expect(await client.get(PATH)).toEqual({ kind: 'none' });
    expect(server.seen.at(-1)?.authorization).toMatch(/algorithm=MD5/);
  });

  it('given the nonce went stale, when a pre-emptive answer is refused, then the request is answered again with the new nonce', async () => {
    const { server, root } = await startServer();
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    await client.get(PATH);
    server.expireNonces();
    expect(await client.get(PATH)).toEqual({ kind: 'none' });
    expect(server.seen).toHaveLength(4);
  });

  it('given a wrong password, when reading, then the sentence says the user name or password was not accepted', async () => {
    const { server, root } = await startServer();
    const client = new XcapClient({ xcapRoot: root, username: USER, password: 'wrong' });
    await expect(client.get(PATH)).rejects.toThrow(/did not accept the user name or password .*\(401 Unauthorized\)/);
    expect(server.seen).toHaveLength(2); // one challenge, one answer: no loop
  });

  it('given a document written elsewhere since it was read, when written with If-Match, then 412 is reported with its code', async () => {
    const { server, root } = await startServer();
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    const first = await client.put(PATH, '<ruleset/>', 'application/auth-policy+xml');
    await client.put(PATH, '<ruleset><x/></ruleset>', 'application/auth-policy+xml', first.etag);
    const stale = client.put(PATH, '<ruleset/>', 'application/auth-policy+xml', first.etag);
    await expect(stale).rejects.toMatchObject({ statusCode: 412 });
    expect(server.seen.at(-1)?.ifMatch).toBe(first.etag);
  });

  it('given the server forbids the change, when writing, then the error reads "The presence server refused the change: 403 …"', async () => {
    const { server, root } = await startServer();
    server.answerWith = 403;
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    const error = await client.put(PATH, '<ruleset/>', 'application/auth-policy+xml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XcapError);
    expect((error as XcapError).message).toBe('The presence server refused the change: 403 Forbidden.');
  });

  it('given a server that never answers, when reading, then it fails within the time limit with a sentence', async () => {
    const { server, root } = await startServer();
    server.silent = true;
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD, timeoutMs: 300 });
    await expect(client.get(PATH)).rejects.toThrow(
      /^The presence server's rules at http:\/\/127\.0\.0\.1:\d+ did not answer within 300 ms\.$/,
    );
    expect(server.seen).toHaveLength(1);
  });

  it('given nothing listening, when reading, then the error says the server could not be reached', async () => {
    const { server, root } = await startServer();
    await server.close();
    const client = new XcapClient({ xcapRoot: root, username: USER, password: PASSWORD });
    await expect(client.get(PATH)).rejects.toThrow(
      /Could not reach the presence server's rules at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/,
    );
  });
});

describe('checkXcapRoot', () => {
  it('accepts http and https roots and drops a trailing slash', () => {
    expect(checkXcapRoot('http://127.0.0.1:5066/xcap-root/')).toEqual({ ok: true, root: 'http://127.0.0.1:5066/xcap-root' });
    expect(checkXcapRoot(' https://pbx.example.com/xcap ')).toEqual({ ok: true, root: 'https://pbx.example.com/xcap' });
  });

  it.each(['sip:pbx.example.com', 'ftp://x/y', 'not a url', 'http://u:p@host/x', 'http://host/x?y=1'])(
    'refuses %s with a sentence',
    (value) => {
      const checked = checkXcapRoot(value);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.message).toMatch(/\./);
    },
  );
});
