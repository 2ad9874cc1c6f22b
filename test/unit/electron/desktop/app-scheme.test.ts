import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_URL, contentTypeOf, resolveAppRequest } from '../../../../electron/desktop/app-scheme';

const root = path.resolve('/opt/presently/dist/renderer');

describe('app:// path resolution', () => {
  it('serves our page and its assets from the renderer folder', () => {
    expect(RENDERER_URL).toBe('app://presently/index.html');
    expect(resolveAppRequest(RENDERER_URL, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest('app://presently/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppRequest('app://presently/assets/index-abc123.js?v=1#x', root)).toBe(path.join(root, 'assets', 'index-abc123.js'));
    expect(resolveAppRequest('app://presently/assets/a%20b.css', root)).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it('refuses every way out of the folder', () => {
    for (const url of [
      'app://presently/../main/main.cjs',
      'app://presently/assets/../../main/main.cjs',
      'app://presently/%2e%2e/main/main.cjs',
      'app://presently/assets/%2E%2E/%2e%2e/secret',
      'app://presently/..%2fmain%2fmain.cjs',
      'app://presently/..%5cmain%5cmain.cjs',
      'app://presently/index.html%00.png',
      'app://presently/%E0%A4%A',
    ]) {
      const file = resolveAppRequest(url, root);
      expect(file === null || file.startsWith(root + path.sep), url).toBe(true);
    }
    expect(resolveAppRequest('app://presently/..%2fmain%2fmain.cjs', root)).toBeNull();
    expect(resolveAppRequest('app://presently/..%5cmain%5cmain.cjs', root)).toBeNull();
    expect(resolveAppRequest('app://presently/index.html%00.png', root)).toBeNull();
    expect(resolveAppRequest('app://presently/%E0%A4%A', root)).toBeNull();
  });

  it('serves only our scheme and host', () => {
    expect(resolveAppRequest('app://elsewhere/index.html', root)).toBeNull();
    expect(resolveAppRequest('file:///opt/presently/dist/renderer/index.html', root)).toBeNull();
    expect(resolveAppRequest('https://presently/index.html', root)).toBeNull();
    expect(resolveAppRequest('not a url', root)).toBeNull();
  });

  it('names the content type of what a Vite build emits', () => {
    expect(contentTypeOf('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('/x/assets/index-abc.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('/x/assets/index-abc.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('/x/assets/logo.svg')).toBe('image/svg+xml');
    expect(contentTypeOf('/x/assets/blob')).toBe('application/octet-stream');
  });
});
