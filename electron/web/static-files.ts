/**
 * The built renderer's files (dist/renderer) as the web mode serves them: a URL path maps to a file
 * inside that folder or to nothing, never to a file outside it, and each type gets its content type.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** Content types of the files Vite writes into dist/renderer; anything else is not served. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** A file to send and its content type. */
export interface StaticFile {
  readonly file: string;
  readonly contentType: string;
}

/**
 * The file under `root` that the URL path `pathname` (still percent-encoded) names, or null: for a path
 * that leaves `root` once decoded and resolved ("/../", "%2e%2e%2f", a backslash or NUL), for a folder,
 * a missing file, or a type not listed above.
 */
export async function findStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // A backslash is a separator on Windows, and a NUL ends a path in the OS: neither belongs in our URLs.
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = path.resolve(root);
  const file = path.resolve(base, `.${decoded}`);
  if (!file.startsWith(base + path.sep)) return null;
  const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (contentType === undefined) return null;
  const stats = await stat(file).catch(() => null);
  return stats?.isFile() ? { file, contentType } : null;
}
