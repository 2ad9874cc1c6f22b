/**
 * The `app://presently/` scheme the renderer loads from (electron/desktop/app-scheme.ts decides which
 * file a request may read). Registered as privileged — standard (a real origin, relative URLs), secure
 * (like https), fetch allowed — before the app is ready, as Electron requires; served after.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_SCHEME, contentTypeOf, resolveAppRequest } from '../desktop/app-scheme';

/** Registers the scheme's privileges; must run before `app` is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves files under `root` (the built renderer) on the scheme; anything else is 404. */
export function serveAppScheme(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(request.url, root);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': contentTypeOf(file), 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
