/**
 * The renderer's own URL scheme, `app://presently/…`, served from the built renderer folder. A
 * privileged custom scheme gives the page a real origin for its ES modules without the file protocol's
 * extra privileges, so packaged builds switch those off (the `grantFileProtocolExtraPrivileges` fuse).
 *
 * `resolveAppRequest` decides which file a request may read: only files inside the renderer folder, on
 * our host; anything else — another host, `..` in any spelling, a backslash or NUL — is refused.
 */
import path from 'node:path';

/** The scheme's name, registered as privileged before the app is ready. */
export const APP_SCHEME = 'app';
/** The one host the scheme serves. */
export const APP_HOST = 'presently';
/** The exact URL our page has; IPC from any other URL is refused. */
export const RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Content types of the files a Vite build emits; anything else is served as bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The file under `root` that `url` names, or null when the request must be refused (not our scheme or
 * host, undecodable, or leaving `root`). `root` must be absolute; `/` means index.html.
 */
export function resolveAppRequest(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  // Decoded separators and NULs have no business in a file name of ours; refuse rather than reinterpret.
  if (relative.includes('\0') || relative.includes('\\')) return null;
  if (relative.split('/').some((segment) => segment === '..')) return null;
  if (relative === '/' || relative === '') relative = '/index.html';
  const base = path.resolve(root);
  const file = path.resolve(base, `.${relative}`);
  return file.startsWith(base + path.sep) ? file : null;
}

/** The Content-Type for `file`, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}
