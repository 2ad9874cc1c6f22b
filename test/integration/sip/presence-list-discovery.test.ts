/**
 * Finding the presence list URI a server announces (electron/sip/xcap/list-service-writer.ts `findPresenceListUri`),
 * over a real HTTP socket on 127.0.0.1 serving rls-services documents that are hostile, empty or missing: only a
 * service that offers presence and names a SIP address other than the user's own is taken.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { buildRlsServices, RLS_SERVICES_CONTENT_TYPE, type RlsService } from '../../../shared/resource-lists';
import { findPresenceListUri } from '../../../electron/sip/xcap/list-service-writer';
import { XcapClient } from '../../../electron/sip/xcap/xcap-client';

const ALICE = 'sip:alice@example.com';
let server: Server | null = null;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = null;
});

/** An XCAP server answering every GET with `status` and `body`; a client for it. */
async function serving(status: number, body: string): Promise<{ client: XcapClient; paths: string[] }> {
  const paths: string[] = [];
  server = createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(status, { 'Content-Type': RLS_SERVICES_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { client: new XcapClient({ xcapRoot: `http://127.0.0.1:${port}/xcap-root`, username: 'alice' }), paths };
}

const service = (uri: string, packages: string[]): RlsService => ({
  uri,
  source: { kind: 'list', list: { items: [{ kind: 'entry', uri: 'sip:bob@example.com' }] } },
  packages,
});

it('given services for another package, with no SIP address, and the user’s own address before a presence list, then the presence list is found', async () => {
  const document = buildRlsServices({
    services: [
      service('sip:alice-lines@example.com', ['dialog']),
      service('not a uri', ['presence']),
      service(ALICE, []),
      service('sip:alice-buddies@example.com', ['presence']),
    ],
  });
  const { client, paths } = await serving(200, document);
  expect(await findPresenceListUri(client, ALICE)).toBe('sip:alice-buddies@example.com');
  expect(paths).toEqual([`/xcap-root/rls-services/users/${ALICE}/index`]);
});

it.each([
  ['no document (404)', 404, 'none'],
  ['a document that is not XML', 200, '<rls-services'],
  ['a document with a DOCTYPE (no entity expansion)', 200, '<!DOCTYPE x [<!ENTITY a "sip:x@y">]><rls-services/>'],
  ['a list for other packages only', 200, buildRlsServices({ services: [service('sip:alice-lines@example.com', ['dialog'])] })],
])('given %s, then no list is found and each buddy is watched alone', async (_, status, body) => {
  const { client } = await serving(status, body);
  expect(await findPresenceListUri(client, ALICE)).toBeNull();
});

it('given an XCAP server that refuses (500), then the lookup fails with a reason the service logs', async () => {
  const { client } = await serving(500, 'broken');
  await expect(findPresenceListUri(client, ALICE)).rejects.toThrow(/./);
});
