import { describe, expect, it } from 'vitest';
import { findHeader, findHeaderSectionEnd, forEachHeaderField, splitSipMessage, startLineOf } from '../../../../shared/sip/header-section';
import { expectLinearTime } from '../../../support/linear-time';
import { ADVERSARIAL_RUNS } from './adversarial-input';

function fields(text: string, mode: 'strict' | 'lenient' = 'lenient'): { list: string[]; error: string | null } {
  const list: string[] = [];
  const error = forEachHeaderField(
    text,
    (key, value, name) => {
      list.push(`${key}|${name}|${value}`);
    },
    mode,
  );
  return { list, error };
}

describe('finding the end of the header section', () => {
  it('given CRLF, bare LF and mixed line ends, when searched, then the first empty line ends the section', () => {
    expect(findHeaderSectionEnd('A\r\nB: 1\r\n\r\nbody')).toEqual({ headEnd: 7, bodyStart: 11 });
    expect(findHeaderSectionEnd('A\nB: 1\n\nbody\r\n\r\n')).toEqual({ headEnd: 6, bodyStart: 8 });
    expect(findHeaderSectionEnd('A\r\nB: 1\n\r\nbody')).toEqual({ headEnd: 7, bodyStart: 10 });
    expect(findHeaderSectionEnd('A\r\nB: 1\r\n')).toBeNull();
  });

  it('given a message, when its start line is taken, then the line break is not part of it', () => {
    expect(startLineOf('OPTIONS sip:a@b SIP/2.0\r\nVia: x')).toBe('OPTIONS sip:a@b SIP/2.0');
    expect(startLineOf('SIP/2.0 200 OK\nVia: x')).toBe('SIP/2.0 200 OK');
    expect(startLineOf('no break')).toBe('no break');
  });
});

describe('visiting header fields', () => {
  it('given folded lines, when read, then each continuation joins its field with one space (RFC 3261 §7.3.1)', () => {
    expect(fields('INVITE x SIP/2.0\r\nSubject: first\r\n   second\r\n\tthird\r\nTo: t\r\n\r\n').list).toEqual([
      'subject|Subject|first second third',
      'to|To|t',
    ]);
  });

  it('given compact names, when read, then the key is the long form and the name stays as written (RFC 3261 §7.3.3)', () => {
    expect(fields('NOTIFY x SIP/2.0\r\ni: c1\r\nv: SIP/2.0/UDP h\r\nO: presence\r\n\r\n').list).toEqual([
      'call-id|i|c1',
      'via|v|SIP/2.0/UDP h',
      'event|O|presence',
    ]);
  });

  it('given bare LF line ends, when read, then the fields are those of the CRLF message', () => {
    const crlf = 'SIP/2.0 200 OK\r\nVia: a\r\nCSeq: 1 X\r\n\r\nbody\r\n';
    expect(fields(crlf.replaceAll('\r\n', '\n')).list).toEqual(fields(crlf).list);
  });

  it('given values edged by tabs, a bare CR or a no-break space, when read, then they are trimmed like String.trim', () => {
    expect(fields('X x SIP/2.0\r\nA:\t one \t\r\nB: two\r\r\nC: \u00a0three\u00a0\r\n\r\n').list).toEqual([
      'a|A|one',
      'referred-by|B|two',
      'content-type|C|three',
    ]);
  });

  it('given a whole message, when read, then the body is never read as header fields', () => {
    expect(fields('MESSAGE x SIP/2.0\r\nTo: t\r\n\r\nNot-A-Header: body').list).toEqual(['to|To|t']);
  });

  it('given junk lines, when read leniently, then they and their continuations are skipped and nothing fails', () => {
    const { list, error } = fields('X x SIP/2.0\r\n  orphan\r\nno colon here\r\n continued\r\n: no name\r\nTo: t\r\n\r\n');
    expect(error).toBeNull();
    expect(list).toEqual(['to|To|t']);
  });

  it.each([
    ['a continuation before any field', 'X x SIP/2.0\r\n  orphan\r\n', 'Header continuation line without a header'],
    ['a line without a colon', 'X x SIP/2.0\r\nVia SIP/2.0/UDP h\r\n', 'Malformed header line: Via SIP/2.0/UDP h'],
    ['a name that is not a token', 'X x SIP/2.0\r\nBad Name: 1\r\n', 'Malformed header name: Bad Name'],
    ['a long line with control characters', `X x SIP/2.0\r\n${'\u0001'.repeat(50)}\r\n`, `Malformed header line: ${'?'.repeat(40)}…`],
  ])('given %s, when read strictly, then the 400 reason names it', (_name, text, reason) => {
    expect(fields(text, 'strict').error).toBe(reason);
  });

  it('given a visitor that returns false, when read, then no later field is visited', () => {
    const seen: string[] = [];
    forEachHeaderField('X x SIP/2.0\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n\r\n', (key) => {
      seen.push(key);
      return key !== 'x-b';
    });
    expect(seen).toEqual(['x-a', 'x-b']);
  });

  it('given a folded field, when visited, then its offsets span all its lines and no line break', () => {
    const text = 'X x SIP/2.0\r\nAuthorization: Digest a=1,\r\n b=2\r\nTo: t\r\n\r\n';
    const spans: string[] = [];
    forEachHeaderField(text, (_key, _value, _name, start, end) => {
      spans.push(text.slice(start, end));
    });
    expect(spans).toEqual(['Authorization: Digest a=1,\r\n b=2', 'To: t']);
  });
});

describe('splitSipMessage', () => {
  it('given a message, when split, then start line, ordered fields and the exact body come out, and findHeader takes any name form', () => {
    const parts = splitSipMessage('SIP/2.0 200 OK\r\nl: 4\r\nVia: a\r\nVia: b\r\n\r\nab\r\n');
    expect(parts.startLine).toBe('SIP/2.0 200 OK');
    expect(parts.headers.map((h) => `${h.key}=${h.value}`)).toEqual(['content-length=4', 'via=a', 'via=b']);
    expect(parts.body).toBe('ab\r\n');
    expect(parts.hasBlankLine).toBe(true);
    expect(findHeader(parts, 'Content-Length')).toBe('4');
    expect(findHeader(parts, 'v')).toBe('a');
  });

  it('given a message without the empty line, when split, then there is no body and that is said', () => {
    expect(splitSipMessage('SIP/2.0 200 OK\r\nVia: a')).toMatchObject({
      body: '',
      hasBlankLine: false,
      headers: [{ key: 'via', value: 'a' }],
    });
  });
});

describe('reading adversarial header sections', () => {
  const shapes: ReadonlyArray<readonly [string, (bytes: number) => string]> = [
    ...ADVERSARIAL_RUNS.map(
      ([name, run]) => [`a field holding ${name}`, (bytes: number) => `X x SIP/2.0\r\nVia: ${run(bytes)}\r\n\r\n`] as const,
    ),
    ['lines without a colon, one colon at the end', (bytes) => 'X x SIP/2.0\r\n' + 'a\n'.repeat(bytes / 2) + 'B: 1\r\n'],
    ['folded lines', (bytes) => 'X x SIP/2.0\r\nA: 1\r\n' + ' x\r\n'.repeat(bytes / 4)],
    ['bare CRs and no empty line', (bytes) => 'X x SIP/2.0\n' + '\r'.repeat(bytes)],
    ['line breaks never doubled', (bytes) => 'X x SIP/2.0\n' + '\nA:\r'.repeat(bytes / 4)],
  ];
  it.each(shapes)(
    'given 64 KiB of %s, when read strictly, leniently and into arrays, then the time per byte grows at most 4× from 4 KiB',
    (_name, makeInput) => {
      expectLinearTime(makeInput, (text) => [
        forEachHeaderField(text, () => undefined, 'lenient'),
        forEachHeaderField(text, () => undefined, 'strict'),
        splitSipMessage(text),
      ]);
    },
  );
});
