/**
 * Hostile and broken bodies get a typed error with a readable one-sentence message — never a throw,
 * never an entity expansion, never a hang.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PRESENCE_BYTES, parsePresenceBody, type PidfErrorCode } from '../../../../shared/pidf';
import { fixture } from './fixture-files';

const PIDF = 'application/pidf+xml';

function errorOf(body: string, contentType = PIDF, maxBytes?: number) {
  const result = parsePresenceBody(body, contentType, maxBytes === undefined ? undefined : { maxBytes });
  if (result.ok) throw new Error('expected the body to be refused');
  return result.error;
}

describe('hostile presence bodies', () => {
  it.each<[string, PidfErrorCode, string]>([
    ['hostile-billion-laughs.xml', 'forbidden-dtd', 'Presence body contains a DTD or entity declaration, which is not accepted.'],
    ['hostile-external-entity-xxe.xml', 'forbidden-dtd', 'Presence body contains a DTD or entity declaration, which is not accepted.'],
    ['hostile-external-dtd-on-pidf.xml', 'forbidden-dtd', 'Presence body contains a DTD or entity declaration, which is not accepted.'],
    ['hostile-undeclared-entity.xml', 'malformed-xml', 'Malformed XML: the entity "&xxe;" is not declared.'],
    ['hostile-truncated.xml', 'malformed-xml', 'Malformed XML: the document ends before <note> is closed.'],
    ['hostile-undeclared-prefix.xml', 'malformed-xml', 'Malformed XML: the namespace prefix "dm" of "dm:person" is not declared.'],
    [
      'hostile-wrong-root-dialog-info.xml',
      'not-presence',
      'Root element <dialog-info> in namespace urn:ietf:params:xml:ns:dialog-info is not a presence document.',
    ],
    [
      'hostile-wrong-namespace.xml',
      'not-presence',
      'Root element <presence> in namespace urn:example:not-pidf is not a presence document.',
    ],
    ['hostile-missing-entity.xml', 'invalid', 'PIDF presence without entity.'],
    ['hostile-tuple-without-id.xml', 'invalid', 'PIDF tuple without id.'],
    ['hostile-duplicate-tuple-id.xml', 'invalid', 'PIDF tuple id "t1" appears twice.'],
  ])('given %s, then the answer is %s', (file, code, message) => {
    expect(errorOf(fixture(file))).toEqual({ code, message });
  });

  it('given a 1 MB body, then it is refused as too large before any parsing', () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><note>${'x'.repeat(1024 * 1024)}</note></presence>`;
    expect(errorOf(body)).toEqual({
      code: 'too-large',
      message: `Presence body exceeds the limit of ${DEFAULT_MAX_PRESENCE_BYTES} bytes.`,
    });
  });

  it('counts the limit in UTF-8 bytes, not characters', () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><note>${'é'.repeat(600)}</note></presence>`;
    expect(body.length).toBeLessThan(1000);
    expect(errorOf(body, PIDF, 1000).code).toBe('too-large');
    expect(parsePresenceBody(body, PIDF, { maxBytes: 2000 }).ok).toBe(true);
  });

  it('refuses a DOCTYPE whatever its case, and an entity declaration without a DOCTYPE', () => {
    expect(errorOf('<!doctype presence><presence/>').code).toBe('forbidden-dtd');
    expect(errorOf('<!ENTITY x "y"><presence/>').code).toBe('forbidden-dtd');
  });

  it('refuses the XPIDF DOCTYPE when it carries an internal subset', () => {
    const body = fixture('polycom-vvx101-xpidf-online.xml').replace('"xpidf.dtd">', '"xpidf.dtd" [<!ENTITY x "y">]>');
    expect(errorOf(body, 'application/xpidf+xml').code).toBe('forbidden-dtd');
  });

  it('given an unsupported content type, then it says which types are read', () => {
    expect(errorOf(fixture('rfc3863-example.xml'), 'application/dialog-info+xml')).toEqual({
      code: 'unsupported-type',
      message:
        'Content type "application/dialog-info+xml" is not a presence format (application/pidf+xml, application/cpim-pidf+xml, application/xpidf+xml).',
    });
  });

  it.each<[string, string, PidfErrorCode]>([
    ['empty', '', 'malformed-xml'],
    ['whitespace', '  \r\n ', 'malformed-xml'],
    ['plain text', 'available', 'malformed-xml'],
    ['two roots', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/><presence/>', 'malformed-xml'],
    [
      'mismatched tags',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><tuple id="t"></status></presence>',
      'malformed-xml',
    ],
    ['a bare ampersand', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><note>a & b</note></presence>', 'malformed-xml'],
    ['a duplicated attribute', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="a" entity="b"/>', 'malformed-xml'],
    [
      'a character reference to NUL',
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><note>&#0;</note></presence>',
      'malformed-xml',
    ],
    ['an empty entity', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity=" "/>', 'invalid'],
    ['XPIDF without presentity', '<presence><atom id="1"/></presence>', 'invalid'],
  ])('given %s, then the answer is %s', (_what, body, code) => {
    const error = errorOf(body, code === 'invalid' && body.includes('atom') ? 'application/xpidf+xml' : PIDF);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^[^\r\n]{10,200}$/);
  });

  it('given elements nested thousands deep, then it is refused, not a stack overflow', () => {
    const depth = 5000;
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b">${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}</presence>`;
    expect(errorOf(body).code).toBe('malformed-xml');
  });

  it('given input that is not a string at all, then it still answers with an error', () => {
    expect(parsePresenceBody(undefined as unknown as string, PIDF)).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'Presence body is not text.' },
    });
  });

  it('keeps error messages to one printable line even when they quote the input', () => {
    const error = errorOf(
      '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"><tuple id="\u0085\u2028evil\r\nline"><status/></tuple><tuple id="\u0085\u2028evil\r\nline"/></presence>',
    );
    expect(error.code).toBe('invalid');
    expect(error.message).toMatch(/^[\x20-\x7e…]+$/);
  });
});
