/**
 * The Content Security Policy of the page as the web mode serves it, derived from the built page's own
 * meta tag (renderer/index.html) so the policy is written once.
 *
 * The meta policy says `connect-src 'none'`: in Electron the page connects to nothing (IPC goes through
 * the preload). In the web mode it needs exactly one connection, its IPC WebSocket, so `connect-src`
 * becomes that one URL (`ws://127.0.0.1:PORT`) — not even a fetch to the page's own server is allowed.
 * A browser enforces every policy it is given, so the served page's meta tag carries the same change
 * as the header. The header adds `frame-ancestors 'none'`, which a meta tag cannot express
 * (CSP Level 3 §6.4.2): no other site can frame the page.
 */

/** The meta tag Vite copies from renderer/index.html into dist/renderer/index.html. */
const META_POLICY = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)("\s*\/?>)/i;

/** The page and the policy header to serve with it. */
export interface ServedPage {
  readonly html: string;
  readonly policyHeader: string;
}

/** The built page `indexHtml` with its policy opened to `socketUrl` only, and the matching header; throws when the page has no policy. */
export function servedPage(indexHtml: string, socketUrl: string): ServedPage {
  const match = META_POLICY.exec(indexHtml);
  if (!match?.[2])
    throw new Error('The built page (dist/renderer/index.html) has no Content-Security-Policy meta tag; rebuild it with `npm run build`.');
  const directives = match[2]
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && !/^connect-src\s/i.test(directive));
  const pagePolicy = [...directives, `connect-src ${socketUrl}`].join('; ');
  return {
    html: indexHtml.replace(META_POLICY, (_all, before: string, _policy: string, after: string) => `${before}${pagePolicy}${after}`),
    policyHeader: `${pagePolicy}; frame-ancestors 'none'`,
  };
}
