/**
 * One plain HTTP/1.1 request to a compositor's HTTP side (XCAP on the WebSocket port, the control listener), on a new
 * connection, with every header occurrence of the answer kept (two WWW-Authenticate stay two).
 */
import { request as httpRequest } from 'node:http';

/** The server's answer. */
export interface HttpAnswer {
  readonly status: number;
  /** Header values by lower-case name. */
  readonly headers: { get(name: string): string | undefined; getAll(name: string): string[] };
  readonly body: string;
}

/** What to send besides method and path. */
export interface HttpRequestOptions {
  readonly body?: string | Buffer;
  readonly type?: string;
  readonly auth?: string;
}

/** Sends one request to `target` and resolves with the whole answer. */
export function httpRequestTo(
  target: { readonly host: string; readonly port: number },
  method: string,
  path: string,
  options: HttpRequestOptions = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Connection: 'close' };
    if (options.type !== undefined) headers['Content-Type'] = options.type;
    if (options.auth !== undefined) headers.Authorization = options.auth;
    const request = httpRequest({ host: target.host, port: target.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const raw = response.rawHeaders;
        const all = (name: string): string[] => {
          const values: string[] = [];
          for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === name) values.push(raw[i + 1] as string);
          return values;
        };
        resolve({
          status: response.statusCode ?? 0,
          headers: { get: (name) => all(name)[0], getAll: all },
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
