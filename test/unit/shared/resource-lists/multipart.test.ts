/**
 * The multipart/related codec (shared/resource-lists/multipart.ts): RFC 4662 §5-style list NOTIFY bodies, LF-only line
 * ends, preamble and epilogue, the root part by `start`, and broken bodies (no boundary, no close, a part without its
 * Content-ID or in an unread encoding) handled without throwing.
 */
import { describe, expect, it } from 'vitest';
import { buildMultipartRelated, parseMultipartRelated } from '../../../../shared/resource-lists/multipart';

const CONTENT_TYPE = 'multipart/related;type="application/rlmi+xml";start="<nXYxAE@pres.example.com>";boundary="50UBfW7LSCVLtggUPe5z"';
const BODY = [
  'This is a preamble that is ignored.',
  '--50UBfW7LSCVLtggUPe5z',
  'Content-Transfer-Encoding: binary',
  'Content-ID: <nXYxAE@pres.example.com>',
  'Content-Type: application/rlmi+xml;charset="UTF-8"',
  '',
  '<list/>',
  '--50UBfW7LSCVLtggUPe5z',
  'Content-Transfer-Encoding: binary',
  'Content-ID: <bUZBsM@pres.example.com>',
  'Content-Type: application/pidf+xml;charset="UTF-8"',
  '',
  '<presence/>',
  '',
  '--50UBfW7LSCVLtggUPe5z--',
  'epilogue',
].join('\r\n');

function read(body: string, contentType = CONTENT_TYPE) {
  const result = parseMultipartRelated(body, contentType);
  if (!result.ok) throw new Error(result.message);
  return result.multipart;
}

describe('parseMultipartRelated', () => {
  it('given an RFC 4662-style body, reads type, start, each part with its Content-ID and Content-Type, and the root', () => {
    const multipart = read(BODY);
    expect(multipart.type).toBe('application/rlmi+xml');
    expect(multipart.start).toBe('nXYxAE@pres.example.com');
    expect(multipart.parts.map((p) => [p.contentId, p.contentType, p.body])).toEqual([
      ['nXYxAE@pres.example.com', 'application/rlmi+xml;charset="UTF-8"', '<list/>'],
      // The line break before the delimiter belongs to it: the part's own trailing empty line stays.
      ['bUZBsM@pres.example.com', 'application/pidf+xml;charset="UTF-8"', '<presence/>\r\n'],
    ]);
    expect(multipart.root?.contentId).toBe('nXYxAE@pres.example.com');
    expect(multipart.problems).toEqual([]);
  });

  it('given LF-only line ends and no start parameter, reads the parts and takes the first as the root', () => {
    const multipart = read(BODY.replace(/\r\n/g, '\n'), 'multipart/related; boundary=50UBfW7LSCVLtggUPe5z');
    expect(multipart.parts).toHaveLength(2);
    expect(multipart.root?.body).toBe('<list/>');
    expect(multipart.type).toBeUndefined();
  });

  it('given a part without a Content-ID, keeps it with no contentId so the caller can say which resource it cannot place', () => {
    const multipart = read(BODY.replace('Content-ID: <bUZBsM@pres.example.com>\r\n', ''));
    expect(multipart.parts[1]?.contentId).toBeUndefined();
    expect(multipart.parts[1]?.body).toBe('<presence/>\r\n');
  });

  it('given a boundary-like text inside a line, does not split there (delimiters start a line)', () => {
    const multipart = read(BODY.replace('<presence/>', '<note>x--50UBfW7LSCVLtggUPe5z</note>'));
    expect(multipart.parts[1]?.body).toBe('<note>x--50UBfW7LSCVLtggUPe5z</note>\r\n');
  });

  it('given a base64 part, decodes it as UTF-8; given a quoted-printable one, leaves it out with a sentence', () => {
    const encoded = BODY.replace(
      'Content-Transfer-Encoding: binary\r\nContent-ID: <bUZBsM',
      'Content-Transfer-Encoding: base64\r\nContent-ID: <bUZBsM',
    ).replace('<presence/>\r\n', Buffer.from('<présence/>', 'utf8').toString('base64'));
    expect(read(encoded).parts[1]?.body).toBe('<présence/>');
    const qp = BODY.replace(
      'Content-Transfer-Encoding: binary\r\nContent-ID: <bUZBsM',
      'Content-Transfer-Encoding: quoted-printable\r\nContent-ID: <bUZBsM',
    );
    const multipart = read(qp);
    expect(multipart.parts).toHaveLength(1);
    expect(multipart.problems).toEqual([expect.stringMatching(/Part 2 .*quoted-printable.*left out/)]);
  });

  it('given a start that names no part, reads the parts and has no root', () => {
    expect(read(BODY, CONTENT_TYPE.replace('nXYxAE', 'missing')).root).toBeUndefined();
  });

  it.each([
    ['not multipart', BODY, 'application/pidf+xml', /not multipart/],
    ['no boundary parameter', BODY, 'multipart/related;type="application/rlmi+xml"', /no valid boundary/],
    ['a boundary that never occurs', BODY, 'multipart/related;boundary=other', /never occurs/],
    ['no closing delimiter', BODY.slice(0, BODY.indexOf('--50UBfW7LSCVLtggUPe5z--')), CONTENT_TYPE, /closing boundary/],
    [
      'text after a boundary',
      BODY.replace(
        '--50UBfW7LSCVLtggUPe5z\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <b',
        '--50UBfW7LSCVLtggUPe5zjunk\r\nContent-ID: <b',
      ),
      CONTENT_TYPE,
      /text after the boundary/,
    ],
  ])('given %s, refuses the body with one sentence', (_, body, contentType, message) => {
    const result = parseMultipartRelated(body, contentType);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('given more parts than the limit, refuses the body', () => {
    const built = buildMultipartRelated({
      type: 'application/pidf+xml',
      parts: Array.from({ length: 5 }, (_, i) => ({ contentId: `p${i}@x`, contentType: 'application/pidf+xml', body: '<presence/>' })),
    });
    expect(parseMultipartRelated(built.body, built.contentType, { maxParts: 4 }).ok).toBe(false);
    expect(parseMultipartRelated(built.body, built.contentType, { maxParts: 5 }).ok).toBe(true);
  });
});

describe('buildMultipartRelated', () => {
  it('writes a body and Content-Type that read back to the same parts, with the first part as start', () => {
    const parts = [
      { contentId: 'root@x', contentType: 'application/rlmi+xml;charset="UTF-8"', body: '<list/>' },
      { contentId: 'p1@x', contentType: 'application/pidf+xml', body: '<presence>\r\n</presence>' },
    ];
    const built = buildMultipartRelated({ type: 'application/rlmi+xml', parts });
    const multipart = read(built.body, built.contentType);
    expect(multipart.start).toBe('root@x');
    expect(multipart.type).toBe('application/rlmi+xml');
    expect(multipart.parts.map((p) => ({ contentId: p.contentId, contentType: p.contentType, body: p.body }))).toEqual(parts);
  });

  it('chooses a boundary that occurs in no part', () => {
    const built = buildMultipartRelated({ type: 'text/plain', parts: [{ contentId: 'a@x', contentType: 'text/plain', body: 'x' }] });
    const boundary = /boundary="([^"]+)"/.exec(built.contentType)?.[1] ?? '';
    expect(boundary.length).toBeGreaterThan(10);
    expect(built.body.endsWith(`--${boundary}--\r\n`)).toBe(true);
  });
});
