import { describe, expect, it } from 'vitest';
import { servedPage } from '../../../../electron/web/page-policy';

const page = (policy: string) => `<head><meta http-equiv="Content-Security-Policy" content="${policy}" /><title>x</title></head>`;

describe('servedPage', () => {
  it("given the page's policy, then connect-src names only the socket, in the page and the header, and the header forbids framing", () => {
    const served = servedPage(page("default-src 'none'; connect-src 'none'; base-uri 'none'"), 'ws://127.0.0.1:4000/ipc');
    expect(served.html).toBe(page("default-src 'none'; base-uri 'none'; connect-src ws://127.0.0.1:4000/ipc"));
    expect(served.policyHeader).toBe("default-src 'none'; base-uri 'none'; connect-src ws://127.0.0.1:4000/ipc; frame-ancestors 'none'");
  });

  it('given a policy without connect-src, then it is added', () => {
    expect(servedPage(page("default-src 'none'"), 'ws://[::1]:4000/ipc').policyHeader).toBe(
      "default-src 'none'; connect-src ws://[::1]:4000/ipc; frame-ancestors 'none'",
    );
  });

  it('given a page without a policy, then it refuses to serve it', () => {
    expect(() => servedPage('<head><title>x</title></head>', 'ws://127.0.0.1:4000/ipc')).toThrow('has no Content-Security-Policy meta tag');
  });
});
