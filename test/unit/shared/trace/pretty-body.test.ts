import { describe, expect, it } from 'vitest';
import { prettyPrintBody, prettyPrintXml } from '../../../../shared/trace/pretty-body';

describe('prettyPrintBody', () => {
  it('given a one-line PIDF, then it is indented with short text inline', () => {
    const body =
      '<?xml version="1.0"?><presence entity="sip:a@b"><tuple id="t"><status><basic>open</basic></status><note xml:lang="en">Out &amp; about</note></tuple><dm:person/></presence>';
    const pretty = prettyPrintBody(body, 'application/pidf+xml');
    expect(pretty.language).toBe('xml');
    expect(pretty.isReformatted).toBe(true);
    expect(pretty.text).toBe(
      [
        '<?xml version="1.0"?>',
        '<presence entity="sip:a@b">',
        '  <tuple id="t">',
        '    <status>',
        '      <basic>open</basic>',
        '    </status>',
        '    <note xml:lang="en">Out &amp; about</note>',
        '  </tuple>',
        '  <dm:person/>',
        '</presence>',
      ].join('\n'),
    );
  });

  it('given a DTD with an entity, then it is shown as text and nothing is expanded', () => {
    const body = '<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>';
    // The internal subset nests tags: the tokeniser gives up and the body is shown exactly as received.
    expect(prettyPrintXml(body)).toBeNull();
    expect(prettyPrintBody(body, 'application/pidf+xml')).toEqual({ text: body, language: 'xml', isReformatted: false });
  });

  it('given unbalanced XML, then it is returned as received', () => {
    const body = '<a><b></a>';
    expect(prettyPrintBody(body, 'application/xml')).toEqual({ text: body, language: 'xml', isReformatted: false });
  });

  it('given JSON, then it is re-indented; given text, then untouched', () => {
    expect(prettyPrintBody('{"a":[1,2]}', 'application/json').text).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}');
    expect(prettyPrintBody('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n', 'application/sdp')).toMatchObject({
      language: 'text',
      isReformatted: false,
    });
  });

  it('given an attribute value containing ">", then the tag is read whole', () => {
    expect(prettyPrintXml('<a x="1>2"><b/></a>')).toBe('<a x="1>2">\n  <b/>\n</a>');
  });
});
