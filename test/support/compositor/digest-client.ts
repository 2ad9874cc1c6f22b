/**
 * The client side of Digest for tests that write their requests by hand (SipTestPeer): reads the challenges of a
 * 401 and computes an Authorization for one of them, with the nonce count and client nonce the test chooses — so a
 * test can send a wrong password, a replayed count or a stale nonce on purpose. The math is the server's own
 * (electron/net/digest.ts), which test/unit/electron/net/digest.test.ts checks against the RFC examples.
 */
import { credentialsHash, digestResponse, type DigestAlgorithm } from '../../../electron/net/digest';
import { splitCommaValues, unquote } from '../../../shared/sip/header-values';

/** One WWW-Authenticate challenge's parameters, names lower-cased, values unquoted. */
export type Challenge = ReadonlyMap<string, string>;

/** The challenges of a 401 in the order the server sent them. */
export function challengesOf(response: { headers: { getAll(name: string): string[] } }): Challenge[] {
  return response.headers.getAll('www-authenticate').map((value) => {
    const params = new Map<string, string>();
    for (const part of splitCommaValues(value.replace(/^\s*digest\s+/i, ''))) {
      const equals = part.indexOf('=');
      params.set(part.slice(0, equals).trim().toLowerCase(), unquote(part.slice(equals + 1).trim()));
    }
    return params;
  });
}

/** What to answer a challenge with. */
export interface Answer {
  readonly user: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  /** Which of the challenges to answer (default the first, the server's preferred). */
  readonly algorithm?: DigestAlgorithm;
  /** Nonce count (default 1). */
  readonly nc?: number;
  readonly cnonce?: string;
}

/** An Authorization value answering the challenge of `answer.algorithm` among `challenges`. */
export function authorization(challenges: readonly Challenge[], answer: Answer): string {
  const challenge = challenges.find((candidate) => answer.algorithm === undefined || candidate.get('algorithm') === answer.algorithm);
  if (challenge === undefined) throw new Error(`no ${answer.algorithm ?? ''} challenge among ${challenges.length}`);
  const algorithm = challenge.get('algorithm') as DigestAlgorithm;
  const realm = challenge.get('realm') as string;
  const nonce = challenge.get('nonce') as string;
  const nc = (answer.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = answer.cnonce ?? 'c' + Math.random().toString(36).slice(2, 10);
  const ha1 = credentialsHash(algorithm, answer.user, realm, answer.password);
  const response = digestResponse(ha1, { algorithm, method: answer.method, uri: answer.uri, nonce, nc, cnonce });
  return (
    `Digest username="${answer.user}", realm="${realm}", nonce="${nonce}", uri="${answer.uri}", response="${response}", ` +
    `algorithm=${algorithm}, cnonce="${cnonce}", opaque="${challenge.get('opaque') ?? ''}", qop=auth, nc=${nc}`
  );
}
